"""API: 党员承诺 — list, one commitment with its steps, drafting, taking a step, rating. The
same selectors and services as the pages: what a page refuses, the API refuses (400, the same
Chinese message; 403 when it is not the caller's step); what the caller may not see is 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from dangjian.core.access import CHANGE, get_visible_or_404, scope_for
from dangjian.core.api_errors import ErrorOut, service_errors
from dangjian.members.models import Member
from dangjian.orgs.models import Organisation

from . import selectors, services, services_rating
from .models import Commitment

router = Router(tags=["党员承诺"])


class CommitmentOut(Schema):
    id: int
    version: int
    year: int
    member_id: int
    member_name: str
    org_id: int
    org_name: str
    kind: str
    title: str
    state: str
    state_label: str
    grade: str
    score: Decimal | None

    # the list gives Commitment rows, the detail a dict already holding these
    @staticmethod
    def resolve_member_name(obj: Any) -> str:
        return obj["member_name"] if isinstance(obj, dict) else obj.member.name

    @staticmethod
    def resolve_org_name(obj: Any) -> str:
        return obj["org_name"] if isinstance(obj, dict) else obj.org.name

    @staticmethod
    def resolve_state_label(obj: Any) -> str:
        return obj["state_label"] if isinstance(obj, dict) else str(obj.get_state_display())


class StepOut(Schema):
    action: str
    on: dt.date
    to_state: str
    reason: str
    meeting_id: int | None


class DeedOut(Schema):
    """A deed counted for the commitment (践诺), from the one record of deeds."""

    id: int
    date: dt.date
    title: str


class CommitmentDetailOut(CommitmentOut):
    content: str
    measures: str
    meeting_id: int | None
    published_on: dt.date | None
    return_reason: str
    steps_allowed: list[str]
    steps: list[StepOut]
    deeds: list[DeedOut]


class DraftIn(Schema):
    member_id: int | None = None
    kind: str = ""
    title: str = ""
    content: str = ""
    measures: str = ""
    year: int | None = None


class StepIn(Schema):
    action: str
    version: int | None = None
    meeting_id: int | None = None
    reason: str = ""


class RatingIn(Schema):
    tier: str
    score: int | str | None = None
    comment: str = ""


def _get(request: HttpRequest, pk: int, action: str = "view") -> Commitment:
    try:
        return selectors.commitment_for(user=request.auth, pk=pk, action=action)
    except Http404:
        raise HttpError(404, _("未找到该承诺，或您无权查看。")) from None


def _detail(request: HttpRequest, c: Commitment) -> dict[str, Any]:
    out = {f: getattr(c, f) for f in ("id", "version", "year", "member_id", "org_id", "kind")}
    out.update(
        title=c.title,
        state=c.state,
        grade=c.grade,
        score=c.score,
        member_name=c.member.name,
        org_name=c.org.name,
        state_label=str(c.get_state_display()),
    )
    out.update(
        content=c.content,
        measures=c.measures,
        meeting_id=c.meeting_id,
        published_on=c.published_on,
        return_reason=c.return_reason,
        steps_allowed=[a for a, _l in selectors.actions_for(c, request.auth)],
        steps=list(c.steps.all()),
        deeds=list(c.deeds.order_by("date", "pk").values("id", "date", "title")),
    )
    return out


@router.get("/", response=list[CommitmentOut])
@paginate(LimitOffsetPagination)
def list_commitments(
    request: HttpRequest,
    org: int | None = None,
    year: int | None = None,
    state: str = "",
    kind: str = "",
    q: str = "",
):
    """党员承诺名单（可按组织、年度、环节、类型、姓名筛选）。"""
    org_obj = None
    if org is not None:
        org_obj = Organisation.objects.visible_to(request.auth).filter(pk=org).first()
        if org_obj is None:
            raise HttpError(404, _("未找到该党组织，或您无权查看。"))
    return selectors.commitments_visible(
        user=request.auth, org=org_obj, year=year, state=state, kind=kind, q=q
    )


@router.get("/{int:pk}", response={200: CommitmentDetailOut, 404: ErrorOut})
def get_commitment(request: HttpRequest, pk: int):
    """一条承诺：内容、所处环节、办理经过、当前用户可办理的环节、记入的践诺情况（实事）。"""
    return _detail(request, _get(request, pk))


@router.post("/", response={201: CommitmentDetailOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def draft_commitment(request: HttpRequest, payload: DraftIn):
    """填写承诺草稿：党员本人（不传 member_id）或所在支部代填。"""
    from dangjian.core.access import scope_for

    member_id = payload.member_id or scope_for(request.auth).member_id
    try:
        member = get_visible_or_404(Member.objects.all(), request.auth, pk=member_id or 0)
    except Http404:
        raise HttpError(404, _("未找到该党员，或您无权查看。")) from None
    data = payload.dict(exclude={"member_id"})
    try:
        c = services.commitment_draft(acting_user=request.auth, member=member, **data)
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    return Status(201, _detail(request, _get(request, c.pk)))


@router.post(
    "/{int:pk}/steps",
    response={201: CommitmentDetailOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def take_step(request: HttpRequest, pk: int, payload: StepIn):
    """办理一个环节：apply（申诺）、deliberate（议诺，须 meeting_id）、return_from_deliberation、
    approve（审诺，随即公开示诺）、return_from_review、open_evaluation、conclude。"""
    c = _get(request, pk)
    meeting = None
    if payload.meeting_id:
        meeting = c.org.meetings.filter(pk=payload.meeting_id).first()
    try:
        services.take_step(
            c,
            action=payload.action,
            acting_user=request.auth,
            expected_version=payload.version,
            meeting=meeting,
            reason=payload.reason,
        )
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    return Status(201, _detail(request, _get(request, pk)))


@router.post("/{int:pk}/ratings", response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def rate(request: HttpRequest, pk: int, payload: RatingIn):
    """评诺：本人自评（self）、党员互评（peer）、组织评定（org）。每人一次。"""
    c = _get(request, pk)
    try:
        r = services_rating.rate(
            c,
            tier=payload.tier,
            acting_user=request.auth,
            score=payload.score,
            comment=payload.comment,
        )
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    return Status(201, {"id": r.pk, "tier": r.tier, "score": r.score})


# ---- 设岗定责 -------------------------------------------------------------------------------
class PostOut(Schema):
    id: int
    community_id: int
    kind: str
    name: str
    duties: str
    is_active: bool
    n_holders: int


class TakeIn(Schema):
    member_id: int | None = None
    skill: str = ""


@router.get("/posts", response={200: list[PostOut], 404: ErrorOut})
def list_posts(request: HttpRequest, org: int):
    """一个社区的党员岗位和“一人一职”角色，附在岗人数（人数为 0 的即无人在岗）。"""
    from django.db.models import Count, Q

    from .models_posts import Post

    posts = (
        Post.objects.visible_to(request.auth)
        .filter(community_id=org)
        .annotate(n_holders=Count("holders", filter=Q(holders__until__isnull=True)))
        .order_by("kind", "order", "pk")
    )
    # secretaries' view of a community (a member chooses a post on their page)
    visible = Organisation.objects.visible_to(request.auth).filter(pk=org).exists()
    if not visible or not scope_for(request.auth).is_staff_role:
        raise HttpError(404, _("未找到该社区，或您无权查看。"))
    return list(posts)


@router.post(
    "/posts/{int:pk}/take", response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
)
def take_post(request: HttpRequest, pk: int, payload: TakeIn):
    """上岗：党员本人（不传 member_id），或所在党组织安排党员上岗。"""
    from . import services_posts
    from .models_posts import Post

    try:
        post = get_visible_or_404(Post.objects.all(), request.auth, pk=pk)
        member_id = payload.member_id or scope_for(request.auth).member_id
        member = get_visible_or_404(
            Member.objects.all(),
            request.auth,
            CHANGE if payload.member_id else "view",
            pk=member_id or 0,
        )
    except Http404:
        raise HttpError(404, _("未找到该岗位或党员，或您无权查看。")) from None
    try:
        holder = services_posts.post_take(
            post, member=member, acting_user=request.auth, skill=payload.skill
        )
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    return Status(
        201, {"id": holder.pk, "post_id": post.pk, "member_id": member.pk, "since": holder.since}
    )
