"""Writes of member development: register an applicant, record each step (checked against the
timing rules), admit (the member register gets a probationary member), 转正 (a status change
on the member's timeline), stop. Every write is atomic, audited and optimistically locked.

A step the rules block is refused with the rule's Chinese message and changes nothing; warnings
are saved with the step (``StageEvent.findings``) and returned so the page can show them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, crypto
from dangjian.core.forms import too_long
from dangjian.core.models import AuditEntry
from dangjian.core.search import search_key
from dangjian.core.services import ConflictError, user_or_none
from dangjian.meetings.models import Meeting, MeetingKind
from dangjian.members import services as member_services
from dangjian.members.models import EventKind, Member, State, Status
from dangjian.orgs.models import Organisation, OrgKind

from . import timing
from .models import Candidate, Stage, StageEvent, Step
from .timing import BLOCK, WARN, DevRules, Finding

#: The stages a person must be in for each step.
ALLOWED_FROM: dict[str, frozenset[str]] = {
    Step.TALKED: frozenset({Stage.APPLICANT, Stage.ACTIVIST}),
    Step.ACTIVIST: frozenset({Stage.APPLICANT}),
    Step.CANDIDATE: frozenset({Stage.ACTIVIST}),
    Step.INTRODUCERS: frozenset({Stage.CANDIDATE}),
    Step.TRAINING: frozenset({Stage.CANDIDATE}),
    Step.REVIEW: frozenset({Stage.CANDIDATE}),
    Step.NOTICE: frozenset({Stage.CANDIDATE}),
    Step.ADMITTED: frozenset({Stage.CANDIDATE}),
    Step.APPROVED: frozenset({Stage.PROBATIONARY}),
    Step.EXTENDED: frozenset({Stage.PROBATIONARY}),
    Step.FULL: frozenset({Stage.PROBATIONARY}),
    Step.STOPPED: frozenset({Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE}),
}
#: Steps recorded by hand, in the order they come.
RECORDABLE_STEPS = tuple(ALLOWED_FROM)
#: The stage a step moves a person to.
STAGE_AFTER = {
    Step.ACTIVIST: Stage.ACTIVIST,
    Step.CANDIDATE: Stage.CANDIDATE,
    Step.ADMITTED: Stage.PROBATIONARY,
    Step.FULL: Stage.FULL,
    Step.STOPPED: Stage.STOPPED,
}
#: Steps decided at a meeting of the developing organisation, and the kinds of meeting that
#: decide them: activists and candidates by the branch committee (a branch without one decides
#: at its general meeting), admission, extension and 转正 by the branch general meeting.
MEETING_KINDS: dict[str, tuple[str, ...]] = {
    Step.ACTIVIST: (MeetingKind.BRANCH_COMMITTEE, MeetingKind.BRANCH_GENERAL),
    Step.CANDIDATE: (MeetingKind.BRANCH_COMMITTEE, MeetingKind.BRANCH_GENERAL),
    Step.ADMITTED: (MeetingKind.BRANCH_GENERAL,),
    Step.EXTENDED: (MeetingKind.BRANCH_GENERAL,),
    Step.FULL: (MeetingKind.BRANCH_GENERAL,),
}
#: Steps that change a person's membership and ask before saving.
GRAVE_STEPS = frozenset({Step.ADMITTED, Step.FULL, Step.STOPPED})
#: Organisations that approve new probationary members (dev.approval: the street or town).
APPROVER_KINDS = (OrgKind.STREET, OrgKind.TOWN)


@dataclass
class Outcome:
    """A saved step: the person as they are now, the timeline row, and the rules' warnings."""

    candidate: Candidate
    event: StageEvent
    findings: list[Finding] = field(default_factory=list)


def steps_allowed(candidate: Candidate) -> list[str]:
    """The steps that can be recorded for ``candidate`` now, in order."""
    out = []
    for step, stages in ALLOWED_FROM.items():
        if candidate.stage not in stages:
            continue
        if step == Step.TALKED and candidate.talked_on:
            continue
        if step == Step.APPROVED and candidate.approved_on:
            continue
        if step == Step.EXTENDED and (
            candidate.probation_extended_until or not candidate.approved_on
        ):
            continue
        out.append(step)
    return out


def _refuse(findings: list[Finding]) -> None:
    blocks = [f.message for f in findings if f.blocks]
    if blocks:
        raise ValidationError(blocks, code="blocked")


def _check_org(org: Organisation, acting_user: Any) -> None:
    if not (org.is_branch or org.is_community):
        raise ValidationError(
            {
                "org": _("发展党员由党支部或社区党组织负责，不能选择“%(k)s”。")
                % {"k": org.get_kind_display()}
            }
        )
    if not org.is_active:
        raise ValidationError({"org": _("“%(o)s”已撤销。") % {"o": org.name}})
    if getattr(acting_user, "is_authenticated", False) and not (
        Organisation.objects.changeable_by(acting_user).filter(pk=org.pk).exists()
    ):
        raise ValidationError({"org": _("“%(o)s”不在您的管理范围内。") % {"o": org.name}})


def _not_future(day: dt.date, what: str) -> list[Finding]:
    if day > timezone.localdate():
        return [Finding(BLOCK, _("%(w)s不能晚于今天。") % {"w": what})]
    return []


@transaction.atomic
def candidate_create(
    *,
    acting_user: Any,
    org: Organisation,
    id_number: str,
    name: str,
    gender: str,
    birth_date: dt.date,
    applied_on: dt.date,
    ethnicity: str = "汉族",
    phone: str = "",
    education: str = "",
    work_unit: str = "",
    address: str = "",
    note: str = "",
) -> Outcome:
    """Register a person who has handed in an application (入党申请书). Under 18 on the day of
    applying is refused (dev.min_age)."""
    _check_org(org, acting_user)
    try:
        ids = member_services.id_fields(id_number, birth_date=birth_date, gender=gender)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise
        raise ValidationError({"id_number": exc.messages}) from exc
    existing = Candidate.objects.filter(id_hash=ids["id_hash"]).select_related("org").first()
    if existing is not None:
        raise ValidationError(
            {
                "id_number": _("此人已在发展党员名单中（%(o)s，%(s)s），请勿重复登记。")
                % {"o": existing.org.name, "s": existing.get_stage_display()}
            }
        )
    if Member.objects.filter(id_hash=ids["id_hash"]).exists():
        raise ValidationError({"id_number": _("此人已是党员，不能再登记为入党申请人。")})
    r = DevRules.for_org(org)
    findings = _not_future(applied_on, _("递交入党申请书日期")) + timing.check_age(
        birth_date=birth_date, applied_on=applied_on, r=r
    )
    _refuse(findings)
    candidate = Candidate(
        org=org,
        name=name,
        gender=gender,
        birth_date=birth_date,
        applied_on=applied_on,
        ethnicity=ethnicity,
        phone=phone,
        education=education,
        work_unit=work_unit,
        address=address,
        search_key=search_key(name),
        **ids,
    )
    candidate.full_clean()
    candidate.save()
    event = StageEvent.objects.create(
        candidate=candidate,
        step=Step.APPLIED,
        date=applied_on,
        stage=Stage.APPLICANT,
        detail=note,
        findings=[f.as_dict() for f in findings],
        recorded_by=user_or_none(acting_user),
    )
    audit.record_create(candidate, acting_user=acting_user)
    return Outcome(candidate, event, findings)


def _check_meeting(
    meeting: Meeting | None, *, candidate: Candidate, step: str, date: dt.date
) -> list[Finding]:
    if meeting is None:
        return []
    kinds = MEETING_KINDS.get(step)
    if not kinds:
        return [Finding(BLOCK, _("这一事项不需要选择会议。"))]
    if meeting.org_id != candidate.org_id or meeting.kind not in kinds or meeting.cancelled:
        return [
            Finding(
                BLOCK,
                _("请选择%(o)s召开的%(k)s。")
                % {
                    "o": candidate.org.name,
                    "k": "或".join(str(MeetingKind(k).label) for k in kinds),
                },
            )
        ]
    if meeting.date != date:
        return [
            Finding(
                BLOCK,
                _("会议日期（%(m)s）与填写的日期（%(d)s）不一致。")
                % {"m": meeting.date.isoformat(), "d": date.isoformat()},
            )
        ]
    return []


def _introducer(
    member: Member | None, name: str, which: str
) -> tuple[list[Finding], Member | None, str]:
    name = (name or "").strip()
    if member is None and not name:
        return [Finding(BLOCK, _("请填写%(w)s。") % {"w": which})], None, ""
    if member is not None:
        if member.status != Status.FULL or member.state != State.ACTIVE:
            return (
                [
                    Finding(
                        BLOCK,
                        _("%(n)s不是在册的正式党员，不能担任入党介绍人。") % {"n": member.name},
                    )
                ],
                None,
                "",
            )
        return [], member, member.name
    return [], None, name


def _approver(candidate: Candidate, approved_by: Organisation | None) -> Organisation | None:
    ancestors = Organisation.objects.filter(
        pk__in=candidate.org.ancestor_ids(), kind__in=APPROVER_KINDS
    ).order_by("-depth")
    if approved_by is None:
        return ancestors.first()
    return approved_by if ancestors.filter(pk=approved_by.pk).exists() else None


def _step_checks(
    c: Candidate, step: str, date: dt.date, r: DevRules, d: dict[str, Any]
) -> tuple[list[Finding], dict[str, Any], str]:
    """What the rules say about recording ``step`` on ``date``, the fields it sets, and the
    line shown on the timeline. Pure apart from reading the approving organisations."""
    f: list[Finding] = []
    changes: dict[str, Any] = {}
    detail = ""
    label = str(Step(step).label)
    if step == Step.TALKED:
        f += timing.check_order(earlier=c.applied_on, later=date, what=_("谈话"), before=_("申请"))
        f += timing.check_talk(applied_on=c.applied_on, talked_on=date, r=r)
        changes = {"talked_on": date, "talked_by": (d.get("talked_by") or "").strip()}
        detail = _("谈话人：%(n)s") % {"n": changes["talked_by"]} if changes["talked_by"] else ""
    elif step == Step.ACTIVIST:
        f += timing.check_order(earlier=c.applied_on, later=date, what=label, before=_("申请"))
        if c.talked_on is None:
            f.append(Finding(WARN, _("还没有记录与入党申请人的谈话。"), "dev.applicant_talk"))
        changes = {"activist_on": date, "activist_meeting": d.get("meeting")}
    elif step == Step.CANDIDATE:
        f += timing.check_activist_period(activist_on=c.activist_on, candidate_on=date, r=r)
        changes = {"candidate_on": date, "candidate_meeting": d.get("meeting")}
    elif step == Step.INTRODUCERS:
        f1, m1, n1 = _introducer(
            d.get("introducer_1"), d.get("introducer_1_name", ""), _("第一位入党介绍人")
        )
        f2, m2, n2 = _introducer(
            d.get("introducer_2"), d.get("introducer_2_name", ""), _("第二位入党介绍人")
        )
        f += f1 + f2
        if n1 and n2 and ((m1 and m2 and m1.pk == m2.pk) or (not m1 and not m2 and n1 == n2)):
            f.append(Finding(BLOCK, _("两位入党介绍人不能是同一人。")))
        changes = {
            "introducer_1": m1,
            "introducer_1_name": "" if m1 else n1,
            "introducer_2": m2,
            "introducer_2_name": "" if m2 else n2,
        }
        detail = _("入党介绍人：%(a)s、%(b)s") % {"a": n1, "b": n2}
    elif step == Step.TRAINING:
        f += timing.check_order(
            earlier=c.candidate_on, later=date, what=_("培训结业"), before=_("确定为发展对象")
        )
        days, hours = d.get("days"), d.get("hours")
        if not days and not hours:
            f.append(Finding(BLOCK, _("请填写培训天数或学时。")))
        elif not timing.training_enough(days=days, hours=hours, r=r):
            # recorded as a fact (a short course may be topped up); admission is what it blocks
            f.append(
                Finding(
                    WARN,
                    _("培训时间不足 %(d)d 天或 %(h)d 学时，接收为预备党员前须补足。")
                    % {"d": r.training_days, "h": r.training_hours},
                    "dev.candidate_training",
                )
            )
        changes = {"training_days": days, "training_hours": hours, "training_completed_on": date}
        detail = _("%(d)s 天，%(h)s 学时") % {"d": days or 0, "h": hours or 0}
    elif step == Step.REVIEW:
        f += timing.check_order(
            earlier=c.activist_on, later=date, what=_("政治审查"), before=_("确定为入党积极分子")
        )
        conclusion = (d.get("conclusion") or "").strip()
        if not conclusion:
            f.append(Finding(BLOCK, _("请填写政治审查结论。")))
        changes = {"review_done_on": date, "review_conclusion": conclusion}
        detail = conclusion
    elif step == Step.NOTICE:
        f += timing.check_order(
            earlier=c.candidate_on, later=date, what=_("公示"), before=_("确定为发展对象")
        )
        notice_to = d.get("notice_to")
        if notice_to is None:
            f.append(Finding(BLOCK, _("请填写公示结束日期。")))
        else:
            f += timing.check_order(
                earlier=date, later=notice_to, what=_("公示结束"), before=_("公示开始")
            )
        changes = {"notice_from": date, "notice_to": notice_to}
        detail = _("公示至 %(d)s") % {"d": notice_to.isoformat()} if notice_to else ""
    elif step == Step.ADMITTED:
        f += timing.check_order(
            earlier=c.candidate_on, later=date, what=_("接收"), before=_("确定为发展对象")
        )
        if not (c.introducer_1_label and c.introducer_2_label):
            f.append(Finding(BLOCK, _("还没有确定两名入党介绍人。")))
        if c.review_done_on is None:
            f.append(Finding(BLOCK, _("还没有完成政治审查，不能发展入党。")))
        elif c.review_done_on > date:
            f.append(Finding(BLOCK, _("政治审查应在支部大会之前完成。")))
        if c.notice_to is None:
            f.append(Finding(BLOCK, _("还没有对发展对象进行公示。")))
        elif c.notice_to > date:
            f.append(
                Finding(
                    BLOCK,
                    _("公示期（至 %(d)s）结束后才能提交支部大会讨论。")
                    % {"d": c.notice_to.isoformat()},
                )
            )
        f += timing.check_training(
            days=c.training_days,
            hours=c.training_hours,
            completed_on=c.training_completed_on,
            admitted_on=date,
            r=r,
        )
        changes = {"admitted_on": date, "admission_meeting": d.get("meeting")}
    elif step == Step.APPROVED:
        f += timing.check_order(
            earlier=c.admitted_on, later=date, what=_("审批"), before=_("支部大会接收")
        )
        approver = _approver(c, d.get("approved_by"))
        if approver is None:
            f.append(
                Finding(
                    BLOCK, _("预备党员须由街道（镇）党委审批，社区党组织无权审批。"), "dev.approval"
                )
            )
        f += timing.check_approval(admitted_on=c.admitted_on, approved_on=date, r=r)
        changes = {"approved_on": date, "approved_by": approver}
        detail = approver.name if approver else ""
    elif step == Step.EXTENDED:
        anniversary = timing.add_years(c.admitted_on, r.probation_years)
        if c.approved_on is None:
            f.append(Finding(BLOCK, _("尚未经上级党委审批为预备党员。")))
        if date < anniversary:
            f.append(
                Finding(
                    r.probation_level,
                    _("预备期 %(d)s才满，届满时才能讨论延长预备期。")
                    % {"d": timing.cn_date(anniversary)},
                    "dev.probation",
                )
            )
        until = d.get("until")
        if until is None:
            f.append(Finding(BLOCK, _("请填写预备期延长至哪一天。")))
        else:
            f += timing.check_extension(admitted_on=c.admitted_on, until=until, r=r)
        changes = {"probation_extended_until": until}
        detail = _("延长至 %(d)s") % {"d": until.isoformat()} if until else ""
    elif step == Step.FULL:
        if c.approved_on is None:
            f.append(Finding(BLOCK, _("尚未经上级党委审批为预备党员，不能讨论转正。")))
        f += timing.check_full(
            admitted_on=c.admitted_on,
            full_on=date,
            extended_until=c.probation_extended_until,
            r=r,
        )
        if c.member_id is None:
            f.append(Finding(BLOCK, _("找不到此人的党员档案，请先核对党员信息库。")))
        changes = {"full_on": date, "full_meeting": d.get("meeting")}
    elif step == Step.STOPPED:
        reason = (d.get("reason") or "").strip()
        if not reason:
            f.append(Finding(BLOCK, _("请写明停止培养的原因。")))
        changes = {"stopped_on": date, "stop_reason": reason}
        detail = reason
    return f, changes, detail


def _event_detail(detail: str, note: str) -> str:
    """The event's text: the step's own detail (a reason typed, who approved) and the note
    typed. Refused when longer than the column allows, never cut (``core.forms.too_long``)."""
    limit = StageEvent._meta.get_field("detail").max_length
    typed = (note or "").strip()
    text = " ".join(x for x in (detail, typed) if x)
    if len(text) <= limit:
        return text
    if typed and len(detail) < limit:
        room = limit - len(detail) - (1 if detail else 0)
        raise ValidationError({"note": too_long(typed, room)})
    raise ValidationError({"reason": too_long(detail, limit)})


@transaction.atomic
def candidate_record(
    *,
    candidate: Candidate,
    step: str,
    date: dt.date,
    acting_user: Any,
    expected_version: int | None = None,
    meeting: Meeting | None = None,
    note: str = "",
    **details: Any,
) -> Outcome:
    """Record ``step`` for ``candidate`` on ``date`` (moving them on a stage where the step
    does). ``details`` by step: talked_by; introducer_1/_2 (Member) or introducer_1_name/_2_name;
    days, hours; conclusion; notice_to; approved_by (Organisation); until; reason."""
    c = Candidate.objects.select_for_update().select_related("org").get(pk=candidate.pk)
    if expected_version is not None and c.version != expected_version:
        raise ConflictError(
            _("%(name)s的记录刚被他人修改过，请刷新页面，核对后再记录。") % {"name": c.name},
            code="conflict",
        )
    if step not in ALLOWED_FROM:
        raise ValidationError({"step": _("不支持的事项。")})
    label = str(Step(step).label)
    if step not in steps_allowed(c):
        raise ValidationError(
            _("%(name)s现在是“%(s)s”，不能记录“%(k)s”。")
            % {"name": c.name, "s": c.get_stage_display(), "k": label}
        )
    r = DevRules.for_org(c.org)
    findings = _not_future(date, _("日期"))
    findings += _check_meeting(meeting, candidate=c, step=step, date=date)
    step_findings, changes, detail = _step_checks(c, step, date, r, {**details, "meeting": meeting})
    findings += step_findings
    _refuse(findings)
    detail = _event_detail(detail, note)

    before = audit.snapshot(c)
    for key, value in changes.items():
        setattr(c, key, value)
    c.stage = STAGE_AFTER.get(step, c.stage)
    if step == Step.ADMITTED:
        c.member = _admit(c, date=date, acting_user=acting_user)
    if step == Step.FULL:
        member_services.member_record_event(
            member=c.member,
            kind=EventKind.STATUS_CHANGE,
            date=date,
            acting_user=acting_user,
            note=_("支部大会讨论通过转为正式党员"),
        )
    c.version += 1
    c.save()
    kept = [f for f in findings if not f.blocks]
    event = StageEvent.objects.create(
        candidate=c,
        step=step,
        date=date,
        stage=c.stage,
        meeting=meeting,
        detail=detail,
        findings=[f.as_dict() for f in kept],
        recorded_by=user_or_none(acting_user),
    )
    audit.record(
        action=AuditEntry.Action.EVENT,
        obj=c,
        acting_user=acting_user,
        changes={
            "event": label,
            "date": date.isoformat(),
            **audit.diff(before, audit.snapshot(c)),
            **({"findings": [f.message for f in kept]} if kept else {}),
        },
    )
    return Outcome(c, event, kept)


def _admit(c: Candidate, *, date: dt.date, acting_user: Any) -> Member:
    """The new probationary member on the register, joined on the day of the general meeting
    (the probation counts from it)."""
    try:
        return member_services.member_register(
            acting_user=acting_user,
            id_number=crypto.decrypt(c.id_cipher),
            org=c.org,
            date=date,
            note=_("发展入党：支部大会接收为预备党员"),
            name=c.name,
            gender=c.gender,
            ethnicity=c.ethnicity,
            birth_date=c.birth_date,
            phone=c.phone,
            education=c.education,
            work_unit=c.work_unit,
            address=c.address,
            joined_on=date,
            status=Status.PROBATIONARY,
        )
    except ValidationError as exc:
        messages = exc.messages
        raise ValidationError(
            [_("不能登记为预备党员：%(m)s") % {"m": "；".join(messages)}], code="blocked"
        ) from exc


def candidate_reveal_id(candidate: Candidate, *, acting_user: Any, ip: str | None = None) -> str:
    """The full ID number, for a deliberate reveal; every call is logged."""
    audit.record(
        action=AuditEntry.Action.REVEAL,
        obj=candidate,
        acting_user=acting_user,
        field="id_number",
        ip=ip,
    )
    return crypto.decrypt(candidate.id_cipher)
