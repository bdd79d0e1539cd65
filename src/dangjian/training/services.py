"""Writes of training records: a course, who attended (members ticked, residents by name),
who completed it, removing an attendance. Each write is atomic and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.access import CHANGE, scope_for, subtree_q
from dangjian.core.models import AuditEntry
from dangjian.core.services import audited_update, user_or_none
from dangjian.members.models import Member, State
from dangjian.orgs.models import Organisation

from .models import Attendance, Course, Level


def _check(org: Organisation, acting_user: Any) -> None:
    if not scope_for(acting_user).reaches_path(org.path, CHANGE):
        raise PermissionDenied(_("只有举办培训的党组织可以登记和修改。"))


def _clean(
    *, level: str, topic: str, start: dt.date | None, days: Any, hours: Any
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if level not in Level.values:
        errors["level"] = _("请选择培训类别。")
    if not (topic or "").strip():
        errors["topic"] = _("请填写培训内容。")
    if start is None:
        errors["start"] = _("请填写开始日期。")
    if days is None or int(days) < 1:
        errors["days"] = _("培训天数至少 1 天。")
    if hours is not None and Decimal(str(hours)) <= 0:
        errors["hours"] = _("学时须大于 0。")
    return errors


@transaction.atomic
def course_create(
    *,
    acting_user: Any,
    org: Organisation,
    level: str,
    topic: str,
    start: dt.date | None,
    days: int | None = 1,
    hours: Decimal | None = None,
    place: str = "",
) -> Course:
    _check(org, acting_user)
    errors = _clean(level=level, topic=topic, start=start, days=days, hours=hours)
    if errors:
        raise ValidationError(errors)
    course = Course.objects.create(
        org=org,
        level=level,
        topic=topic.strip(),
        start=start,
        days=days,
        hours=hours,
        place=(place or "").strip(),
        recorded_by=user_or_none(acting_user),
    )
    audit.record_create(course, acting_user=acting_user)
    return course


@transaction.atomic
def course_update(
    course: Course, *, acting_user: Any, version: int, data: dict[str, Any]
) -> Course:
    course = Course.objects.select_related("org").get(pk=course.pk)
    _check(course.org, acting_user)
    allowed = {"level", "topic", "start", "days", "hours", "place"}
    data = {k: v for k, v in data.items() if k in allowed}
    merged = {
        k: data.get(k, getattr(course, k)) for k in ("level", "topic", "start", "days", "hours")
    }
    errors = _clean(**merged)
    if errors:
        raise ValidationError(errors)
    return audited_update(course, data=data, acting_user=acting_user, expected_version=version)


def eligible_members(course: Course) -> Any:
    """Members who may be ticked: active members of the organisation that ran the course."""
    return Member.objects.filter(subtree_q("org__path", course.org.path), state=State.ACTIVE)


@transaction.atomic
def attendance_set(
    course: Course,
    *,
    acting_user: Any,
    version: int,
    member_ids: Iterable[int],
    completed_ids: Iterable[int] = (),
) -> Course:
    """The members on a course, as ticked (replacing the previous ticks) and who completed it.
    Locks the course and checks its version, so two people ticking at once cannot lose a tick
    silently: the second is told to reload."""
    course = Course.objects.select_for_update().select_related("org").get(pk=course.pk)
    _check(course.org, acting_user)
    if course.version != version:
        raise ValidationError(_("参训名单已被他人修改，请刷新页面后再保存。"))
    wanted = {int(m) for m in member_ids}
    done = {int(m) for m in completed_ids} & wanted
    ok = set(eligible_members(course).filter(pk__in=wanted).values_list("pk", flat=True))
    if ok != wanted:
        raise ValidationError({"members": _("只能选择举办组织的在册党员。")})
    current = {a.member_id: a for a in course.attendances.filter(member__isnull=False)}
    removed = set(current) - wanted
    added = wanted - set(current)
    course.attendances.filter(member_id__in=removed).delete()
    Attendance.objects.bulk_create(
        [
            Attendance(course=course, kind=Attendance.Kind.MEMBER, member_id=m, completed=m in done)
            for m in sorted(added)
        ]
    )
    kept = wanted & set(current)
    flip_on = [m for m in kept if m in done and not current[m].completed]
    flip_off = [m for m in kept if m not in done and current[m].completed]
    course.attendances.filter(member_id__in=flip_on).update(completed=True)
    course.attendances.filter(member_id__in=flip_off).update(completed=False)
    Course.objects.filter(pk=course.pk).update(version=course.version + 1)
    audit.record(
        action=AuditEntry.Action.UPDATE,
        obj=course,
        acting_user=acting_user,
        changes={
            "attendances": {
                "added": sorted(added),
                "removed": sorted(removed),
                "completed": sorted(done),
            }
        },
    )
    course.refresh_from_db()
    return course


@transaction.atomic
def attendance_add_resident(
    course: Course, *, acting_user: Any, name: str, completed: bool = False
) -> Attendance:
    """A resident (not a member) on a course, by name — a laid-off resident learning a trade."""
    course = Course.objects.select_related("org").get(pk=course.pk)
    _check(course.org, acting_user)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写居民姓名。")})
    if len(name) > 50:
        raise ValidationError({"name": _("姓名太长，请核对。")})
    att = Attendance.objects.create(
        course=course, kind=Attendance.Kind.RESIDENT, resident_name=name, completed=completed
    )
    audit.record_create(att, acting_user=acting_user)
    return att


def eligible_staff(course: Course) -> Any:
    """Community workers who may be added as themselves: in post on the course's first day, in
    the organisation that ran it, and not party members (a member is ticked as the member)."""
    from dangjian.staff.models import Staff

    return (
        Staff.objects.filter(subtree_q("community__path", course.org.path), member__isnull=True)
        .current(course.start)
        .select_related("community")
        .order_by("community__path", "name", "pk")
    )


@transaction.atomic
def attendance_add_staff(
    course: Course, *, acting_user: Any, staff: Any, completed: bool = False
) -> Attendance:
    """A community worker who is not a party member on a course (the party-school rules of §9
    hold every worker to their training, member or not)."""
    course = Course.objects.select_related("org").get(pk=course.pk)
    _check(course.org, acting_user)
    if staff is None or not eligible_staff(course).filter(pk=staff.pk).exists():
        raise ValidationError(
            {"staff": _("只能添加举办组织范围内在岗、且不是党员的社区工作者（党员请在上面勾选）。")}
        )
    if course.attendances.filter(staff=staff).exists():
        raise ValidationError({"staff": _("这名社区工作者已在参训名单中。")})
    att = Attendance.objects.create(
        course=course, kind=Attendance.Kind.STAFF, staff=staff, completed=completed
    )
    audit.record_create(att, acting_user=acting_user)
    return att


@transaction.atomic
def attendance_remove(attendance: Attendance, *, acting_user: Any) -> None:
    att = Attendance.objects.select_related("course__org").get(pk=attendance.pk)
    _check(att.course.org, acting_user)
    audit.record_delete(att, acting_user=acting_user)
    att.delete()
