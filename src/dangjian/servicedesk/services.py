"""Writes of service requests: receive one (staff, or a resident on the public page), move it
through its workflow (one function, optimistic lock, a Step row and an audit entry per step),
keep the 全程代办 documents, reveal a phone number (audited), and the resident's rating by a
signed single-use link. Every write is atomic and audited.

One fact, one place: when a member closes a request (办结), what they did is recorded once as a
deed (``dangjian.deeds.services.deed_record``) — it then counts in their check-in year and duty
log, and the request links to it instead of keeping a second copy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, rules
from dangjian.core.access import ancestor_paths, subtree_q
from dangjian.core.forms import too_long
from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError, user_or_none
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation, Place, PlaceKind, ResidentUnit

from . import categories, workflow
from .models import (
    Channel,
    ErrandDocument,
    Request,
    State,
    Step,
    UsedRatingLink,
    category_label,
)

PHONE_RE = re.compile(r"^1\d{10}$|^0\d{2,3}-?\d{7,8}$")
RATE_SALT = "dangjian.servicedesk.rate"


def deadline_for(
    *,
    community: Organisation,
    category: str,
    received_on: dt.date,
    offered: dict[str, int] | None = None,
) -> dt.date:
    """受理日期 + the days of rule ``service.request_deadline`` for the category, as it applies
    to the community (see :mod:`.categories`)."""
    offered = categories.offered(community) if offered is None else offered
    if category not in offered:
        raise ValidationError({"category": _category_refused(category, offered)})
    return received_on + dt.timedelta(days=offered[category])


def _category_refused(category: str, offered: dict[str, int]) -> str:
    if not category:
        return _("请选择服务类别。")
    return _("本社区不提供“%(c)s”类服务，请从本社区的服务类别中选择：%(list)s。") % {
        "c": category_label(category),
        "list": "、".join(category_label(k) for k in offered) or _("（未配置）"),
    }


def _clean(
    *,
    community: Organisation,
    channel: str,
    category: str,
    offered: dict[str, int],
    household: Place | None,
    resident_name: str,
    phone: str,
    content: str,
    received_on: dt.date | None,
    deadline: dt.date | None,
    today: dt.date,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if community.kind not in COMMUNITY_KINDS:
        errors["community"] = _("请选择社区。")
    if channel not in Channel.values:
        errors["channel"] = _("请选择受理渠道。")
    if category not in offered:
        errors["category"] = _category_refused(category, offered)
    if not (resident_name or "").strip():
        errors["resident_name"] = _("请填写居民姓名。")
    if phone and not PHONE_RE.match(phone):
        errors["phone"] = _("联系电话请填 11 位手机号或带区号的固定电话。")
    if not (content or "").strip():
        errors["content"] = _("请写明居民的诉求。")
    if household is not None and (
        household.kind != PlaceKind.HOUSEHOLD or household.community_id != community.pk
    ):
        errors["household"] = _("住户须是本社区登记的住户。")
    if received_on is None:
        errors["received_on"] = _("请填写受理日期。")
    elif received_on > today:
        errors["received_on"] = _("受理日期不能晚于今天。")
    if deadline is not None and deadline < today:
        errors["deadline"] = _("办理时限不能早于今天。")
    if deadline is not None and received_on is not None and deadline < received_on:
        errors["deadline"] = _("办理时限不能早于受理日期。")
    return errors


def _step(
    req: Request, *, action: str, from_state: str, acting_user: Any, reason: str = "", label=""
) -> Step:
    return Step.objects.create(
        request=req,
        action=action,
        from_state=from_state,
        to_state=req.state,
        by=user_or_none(acting_user),
        by_label=label,
        reason=reason[:500],
    )


@transaction.atomic
def request_receive(
    *,
    acting_user: Any,
    community: Organisation,
    channel: str,
    category: str,
    resident_name: str,
    content: str,
    phone: str = "",
    household: Place | None = None,
    received_on: dt.date | None = None,
    deadline: dt.date | None = None,
    is_errand: bool = False,
    today: dt.date | None = None,
    caller_checked: bool = False,
) -> Request:
    """受理: one request, with its deadline from the rules table unless one is set.

    ``caller_checked``: the caller has already checked that ``acting_user`` may file for this
    household (a grid cadre opening a request from a visit to a household of their area); the
    request is then received in their name without a community grant."""
    today = today or timezone.localdate()
    received_on = received_on or today
    phone = re.sub(r"\s", "", phone or "")
    if (
        not caller_checked
        and acting_user is not None
        and not workflow.is_the_community(Request(community=community), acting_user)
    ):
        raise PermissionDenied(_("只有本社区的工作人员可以受理工单。"))
    offered = categories.offered(community)
    errors = _clean(
        community=community,
        channel=channel,
        category=category,
        offered=offered,
        household=household,
        resident_name=resident_name,
        phone=phone,
        content=content,
        received_on=received_on,
        deadline=deadline,
        today=today,
    )
    if errors:
        raise ValidationError(errors)
    req = Request.objects.create(
        community=community,
        channel=channel,
        category=category,
        household=household,
        resident_name=resident_name.strip(),
        phone=phone,
        content=content.strip(),
        is_errand=is_errand,
        received_on=received_on,
        deadline=deadline
        or deadline_for(
            community=community, category=category, received_on=received_on, offered=offered
        ),
        created_by=user_or_none(acting_user),
    )
    _step(
        req,
        action="receive",
        from_state="",
        acting_user=acting_user,
        label="" if acting_user is not None else _("居民自助提交"),
    )
    audit.record_create(req, acting_user=acting_user)
    return req


def _lock(req: Request, version: int | None) -> Request:
    current = (
        Request.objects.select_for_update(of=("self",)).select_related("community").get(pk=req.pk)
    )
    if version is not None and current.version != version:
        raise ConflictError(
            _(
                "该工单已被他人处理（您看到的是第 %(mine)d 版，现在是第 %(now)d 版），请刷新页面后再操作。"
            )
            % {"mine": version, "now": current.version},
            code="conflict",
        )
    return current


def eligible_member_q(community: Organisation, today: dt.date) -> Q:
    """Members who may handle a request: the community's own, those holding one of its posts,
    and those checked in to it."""
    return (
        subtree_q("org__path", community.path)
        | Q(posts__post__community=community, posts__until__isnull=True)
        | Q(checkins__community=community, checkins__ended_on__isnull=True)
    )


def _assignee(
    community: Organisation, *, user: Any = None, member: Any = None, unit: Any = None
) -> dict[str, Any]:
    from dangjian.accounts.models import Grant
    from dangjian.members.models import Member

    given = [x for x in (user, member, unit) if x is not None]
    if len(given) != 1:
        raise ValidationError({"assignee": _("请选择一位承办人：工作人员、党员或驻区单位三选一。")})
    if user is not None:
        ok = Grant.objects.filter(user=user).filter(
            Q(org__path__in=ancestor_paths(community.path)) | subtree_q("org__path", community.path)
        )
        if not ok.exists():
            raise ValidationError({"assignee": _("承办的工作人员须在本社区有账号权限。")})
    if (
        member is not None
        and not Member.objects.filter(
            eligible_member_q(community, timezone.localdate()), pk=member.pk
        ).exists()
    ):
        raise ValidationError(
            {"assignee": _("承办党员须是本社区党员、在本社区设岗上岗或报到的党员。")}
        )
    if (
        unit is not None
        and not ResidentUnit.objects.filter(
            Q(community=community) | Q(also_in=community), pk=unit.pk
        ).exists()
    ):
        raise ValidationError({"assignee": _("承办单位须是本社区的驻区单位。")})
    return {"assigned_user": user, "assigned_member": member, "assigned_unit": unit}


@transaction.atomic
def request_step(
    req: Request,
    *,
    action: str,
    acting_user: Any,
    version: int | None,
    reason: str = "",
    user: Any = None,
    member: Any = None,
    unit: Any = None,
    department: str = "",
    result: str = "",
    satisfaction: int | None = None,
    today: dt.date | None = None,
) -> Request:
    """Take one step of the workflow (see :mod:`.workflow`) — the only way a request moves.

    ``version`` is the one the user saw: if someone acted meanwhile, nothing happens and the
    user is told to refresh (two people on one request: one wins, the other is told)."""
    today = today or timezone.localdate()
    move = workflow.MOVES.get(action)
    if move is None:
        raise ValidationError(_("没有这个办理环节。"))
    current = _lock(req, version)
    if current.state not in move.sources:
        raise ValidationError(
            _("工单现在是“%(state)s”，不能%(step)s。")
            % {"state": current.get_state_display(), "step": move.label}
        )
    if not workflow.may_take(current, acting_user, action):
        raise PermissionDenied(_("您不能对这张工单执行“%(step)s”。") % {"step": move.label})
    reason = (reason or "").strip()
    if move.needs_reason and not reason:
        raise ValidationError({"reason": _("请写明%(step)s的原因。") % {"step": move.label}})
    if long := too_long(reason, Step._meta.get_field("reason").max_length):  # never cut it
        raise ValidationError({"reason": long})
    before = audit.snapshot(current)
    from_state = current.state
    data: dict[str, Any] = {}
    if action == "assign":
        data = _assignee(current.community, user=user, member=member, unit=unit)
    elif action == "transfer":
        department = (department or "").strip()
        if not department:
            raise ValidationError({"department": _("请填写转办的部门。")})
        if long := too_long(department, Request._meta.get_field("department").max_length):
            raise ValidationError({"department": long})
        data = {"department": department}
    elif action == "return":
        data = {"assigned_user": None, "assigned_member": None, "assigned_unit": None}
    elif action == "finish":
        result = (result or "").strip()
        if not result:
            raise ValidationError({"result": _("请写明办理结果。")})
        if long := too_long(result, Request._meta.get_field("result").max_length):
            raise ValidationError({"result": long})
        data = {"result": result, "done_on": today}
    elif action == "rate":
        data = _rating(satisfaction, reason)
    for k, v in data.items():
        setattr(current, k, v)
    current.state = move.target
    current.version += 1
    if action == "finish" and current.assigned_member_id:
        current.deed = _record_deed(current, acting_user, today)
    current.save()
    _step(current, action=action, from_state=from_state, acting_user=acting_user, reason=reason)
    audit.record(
        action=AuditEntry.Action.UPDATE,
        obj=current,
        acting_user=acting_user,
        changes=audit.diff(before, audit.snapshot(current)),
    )
    return current


def _rating(satisfaction: Any, note: str) -> dict[str, Any]:
    try:
        score = int(satisfaction)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError({"satisfaction": _("满意度请选 1 到 5 分。")})
    note = (note or "").strip()
    if long := too_long(note, Request._meta.get_field("satisfaction_note").max_length):
        raise ValidationError({"reason": long})
    return {"satisfaction": score, "satisfaction_note": note}


def _record_deed(req: Request, acting_user: Any, today: dt.date) -> Any:
    """The help a member gave, recorded once as a deed (counts in their check-in year)."""
    from dangjian.deeds.services import deed_record

    return deed_record(
        acting_user=acting_user,
        community=req.community,
        date=today,
        title=_("办结便民服务工单 %(n)s（%(c)s）")
        % {"n": req.number, "c": req.get_category_display()},
        members=[req.assigned_member_id],
        household=req.household,
        beneficiaries=1,
        today=today,
    )


# ---- 全程代办 ------------------------------------------------------------------------------
@transaction.atomic
def document_add(
    req: Request, *, acting_user: Any, name: str, office: str = "", taken_in_on: dt.date | None
) -> ErrandDocument:
    """A document taken in from the resident for an errand."""
    current = _lock(req, None)
    if not workflow.may_take(current, acting_user, "finish"):
        raise PermissionDenied(_("只有本社区工作人员或承办人可以登记代办材料。"))
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("请填写材料名称。")
    if taken_in_on is None:
        errors["taken_in_on"] = _("请填写收取日期。")
    elif taken_in_on > timezone.localdate():
        errors["taken_in_on"] = _("收取日期不能晚于今天。")
    elif taken_in_on < current.received_on:
        errors["taken_in_on"] = _("收取日期不能早于受理日期。")
    if errors:
        raise ValidationError(errors)
    doc = ErrandDocument.objects.create(
        request=current, name=name.strip(), office=(office or "").strip(), taken_in_on=taken_in_on
    )
    if not current.is_errand:
        Request.objects.filter(pk=current.pk).update(is_errand=True)
    audit.record_create(doc, acting_user=acting_user)
    return doc


@transaction.atomic
def document_hand_back(
    doc: ErrandDocument, *, acting_user: Any, handed_back_on: dt.date | None
) -> ErrandDocument:
    doc = (
        ErrandDocument.objects.select_for_update()
        .select_related("request__community")
        .get(pk=doc.pk)
    )
    if not workflow.may_take(doc.request, acting_user, "finish"):
        raise PermissionDenied(_("只有本社区工作人员或承办人可以登记交还材料。"))
    if doc.handed_back_on is not None:
        raise ValidationError(_("这份材料已登记交还。"))
    if handed_back_on is None:
        raise ValidationError({"handed_back_on": _("请填写交还日期。")})
    if handed_back_on > timezone.localdate() or handed_back_on < doc.taken_in_on:
        raise ValidationError({"handed_back_on": _("交还日期须在收取日期和今天之间。")})
    before = audit.snapshot(doc)
    doc.handed_back_on = handed_back_on
    doc.save(update_fields=["handed_back_on"])
    audit.record(
        action=AuditEntry.Action.UPDATE,
        obj=doc,
        acting_user=acting_user,
        changes=audit.diff(before, audit.snapshot(doc)),
    )
    return doc


# ---- personal data -----------------------------------------------------------------------
def request_reveal_phone(req: Request, *, acting_user: Any, ip: str | None = None) -> str:
    """The full phone number, for a deliberate reveal; every call is logged."""
    if not workflow.is_the_community(req, acting_user) and not workflow.is_the_handler(
        req, acting_user
    ):
        raise PermissionDenied(_("只有本社区工作人员或承办人可以查看完整电话。"))
    audit.record(
        action=AuditEntry.Action.REVEAL, obj=req, acting_user=acting_user, field="phone", ip=ip
    )
    return req.phone


# ---- the resident's link -----------------------------------------------------------------
def rating_token(req: Request) -> str:
    """The signed token printed on the receipt: the request id, with a salt of its own."""
    return signing.dumps({"r": req.pk}, salt=f"{RATE_SALT}.{req.pk}")


def request_for_token(pk: int, token: str) -> Request:
    """The request a receipt link is for; a forged, altered or expired link is refused."""
    days = int(rules.value("service.rating_link", "valid_days"))
    try:
        data = signing.loads(token or "", salt=f"{RATE_SALT}.{pk}", max_age=days * 86400)
    except signing.SignatureExpired:
        raise ValidationError(
            _("评价链接已过期（超过 %(d)d 天），请联系社区工作人员回访评价。") % {"d": days}
        ) from None
    except signing.BadSignature:
        raise ValidationError(_("评价链接无效，请核对回执上的链接或二维码。")) from None
    if data.get("r") != pk:
        raise ValidationError(_("评价链接无效，请核对回执上的链接或二维码。"))
    req = Request.objects.select_related("community").filter(pk=pk).first()
    if req is None:
        raise ValidationError(_("评价链接无效，请核对回执上的链接或二维码。"))
    return req


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_used(token: str) -> bool:
    return UsedRatingLink.objects.filter(token_hash=_token_hash(token)).exists()


@transaction.atomic
def request_rate_by_link(*, pk: int, token: str, satisfaction: Any, note: str = "") -> Request:
    """The resident rates once, without an account. Done but not yet called back counts as the
    回访 too (a step of its own, by the resident), so the history has no gap."""
    req = request_for_token(pk, token)
    data = _rating(satisfaction, note)
    try:
        with transaction.atomic():
            UsedRatingLink.objects.create(token_hash=_token_hash(token))
    except IntegrityError:
        raise ValidationError(_("这张工单已经评价过了，每张工单只能评价一次。")) from None
    current = _lock(req, None)
    if current.state not in (State.DONE, State.VISITED):
        raise ValidationError(
            _("工单还没有办结，办结后才能评价。")
            if current.state in (State.RECEIVED, State.ASSIGNED, State.IN_PROGRESS)
            else _("这张工单已经评价过了，每张工单只能评价一次。")
        )
    before = audit.snapshot(current)
    label = _("居民（回执链接）")
    if current.state == State.DONE:
        current.state = State.VISITED
        _step(current, action="visit", from_state=State.DONE, acting_user=None, label=label)
    for k, v in data.items():
        setattr(current, k, v)
    current.rated_by_resident = True
    current.state = State.CLOSED
    current.version += 1
    current.save()
    _step(current, action="rate", from_state=State.VISITED, acting_user=None, label=label)
    audit.record(
        action=AuditEntry.Action.UPDATE,
        obj=current,
        acting_user=None,
        changes=audit.diff(before, audit.snapshot(current)),
    )
    return current
