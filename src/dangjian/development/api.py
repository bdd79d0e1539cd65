"""API: 发展党员 — the pipeline, one person with their timeline, registering an applicant and
recording a step. The same scoped selectors, forms and services as the pages: what a page
refuses, the API refuses with the same Chinese message (400); a person or organisation that
does not exist or is not the caller's to see is the same 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.core.access import CHANGE
from dangjian.core.api_errors import ErrorOut, form_errors, service_errors
from dangjian.core.api_paging import mapped_pagination
from dangjian.orgs.models import Organisation

from . import selectors, services, timing
from .forms import CandidateCreateForm, StepForm
from .models import Candidate, StageEvent

router = Router(tags=["发展党员"])


class DueOut(Schema):
    text: str
    on: dt.date | None
    overdue: bool


class FindingOut(Schema):
    level: str
    message: str
    rule: str


class CandidateOut(Schema):
    id: int
    name: str
    gender: str
    birth_date: dt.date
    id_masked: str
    org_id: int
    org_name: str
    stage: str
    stage_label: str
    applied_on: dt.date
    talked_on: dt.date | None
    activist_on: dt.date | None
    candidate_on: dt.date | None
    admitted_on: dt.date | None
    approved_on: dt.date | None
    probation_extended_until: dt.date | None
    full_on: dt.date | None
    member_id: int | None
    next: DueOut | None = None


class EventOut(Schema):
    id: int
    step: str
    step_label: str
    date: dt.date
    stage: str
    meeting_id: int | None
    detail: str
    findings: list[FindingOut]
    recorded_at: dt.datetime

    @staticmethod
    def resolve_step_label(obj: StageEvent) -> str:
        return str(obj.get_step_display())


class CandidateDetailOut(CandidateOut):
    version: int
    ethnicity: str
    phone: str
    education: str
    work_unit: str
    talked_by: str
    activist_meeting_id: int | None
    candidate_meeting_id: int | None
    introducers: list[str]
    training_days: int | None
    training_hours: int | None
    training_completed_on: dt.date | None
    review_done_on: dt.date | None
    review_conclusion: str
    notice_from: dt.date | None
    notice_to: dt.date | None
    admission_meeting_id: int | None
    approved_by_id: int | None
    full_meeting_id: int | None
    stopped_on: dt.date | None
    stop_reason: str
    steps_allowed: list[str]
    events: list[EventOut]


class StepOut(Schema):
    candidate: CandidateDetailOut
    event: EventOut
    findings: list[FindingOut]


# Loosely typed on purpose: the forms check the input and answer in Chinese.
Loose = str | int | None


class CandidateIn(Schema):
    org_id: Loose = None
    name: str | None = None
    id_number: str | None = None
    gender: str | None = None
    birth_date: str | None = None
    applied_on: str | None = None
    ethnicity: str | None = "汉族"
    education: str | None = None
    phone: str | None = None
    work_unit: str | None = None
    address: str | None = None


class StepIn(Schema):
    step: str | None = Field(
        None,
        description="talked、activist、candidate、introducers、training、"
        "review、notice、admitted、approved、extended、full、stopped",
    )
    date: str | None = None
    version: Loose = Field(None, description="读取时的 version；不符表示已被他人修改")
    meeting_id: Loose = None
    talked_by: str | None = None
    introducer_1_id: Loose = None
    introducer_1_name: str | None = None
    introducer_2_id: Loose = None
    introducer_2_name: str | None = None
    days: Loose = None
    hours: Loose = None
    conclusion: str | None = None
    notice_to: str | None = None
    approved_by_id: Loose = None
    until: str | None = None
    reason: str | None = None
    note: str | None = None


def _due(c: Candidate, r: Any) -> dict[str, Any] | None:
    due = timing.next_due(c, today=selectors.today(), r=r(c.org))
    return None if due is None else {"text": due.text, "on": due.on, "overdue": due.overdue}


def _row(c: Candidate, r: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "name": c.name,
        "gender": c.gender,
        "birth_date": c.birth_date,
        "id_masked": c.id_masked,
        "org_id": c.org_id,
        "org_name": c.org.name,
        "stage": c.stage,
        "stage_label": str(c.get_stage_display()),
        "applied_on": c.applied_on,
        "talked_on": c.talked_on,
        "activist_on": c.activist_on,
        "candidate_on": c.candidate_on,
        "admitted_on": c.admitted_on,
        "approved_on": c.approved_on,
        "probation_extended_until": c.probation_extended_until,
        "full_on": c.full_on,
        "member_id": c.member_id,
        "next": _due(c, r),
    }


def _detail(c: Candidate) -> dict[str, Any]:
    out = _row(c, selectors.RulesByOrg())
    out.update(
        {
            f: getattr(c, f)
            for f in (
                "version",
                "ethnicity",
                "phone",
                "education",
                "work_unit",
                "talked_by",
                "activist_meeting_id",
                "candidate_meeting_id",
                "training_days",
                "training_hours",
                "training_completed_on",
                "review_done_on",
                "review_conclusion",
                "notice_from",
                "notice_to",
                "admission_meeting_id",
                "approved_by_id",
                "full_meeting_id",
                "stopped_on",
                "stop_reason",
            )
        }
    )
    out["introducers"] = [x for x in (c.introducer_1_label, c.introducer_2_label) if x]
    out["steps_allowed"] = services.steps_allowed(c)
    out["events"] = list(selectors.timeline(candidate=c))
    return out


def _not_found(what: str = "") -> HttpError:
    return HttpError(404, what or _("未找到该入党申请人，或您无权查看。"))


def _page(rows: list[Candidate]) -> list[dict[str, Any]]:
    r = selectors.RulesByOrg()  # each page's rows carry what is due next
    return [_row(c, r) for c in rows]


PipelinePagination = mapped_pagination(_page)


@router.get("/", response=list[CandidateOut])
@paginate(PipelinePagination)
def list_candidates(
    request: HttpRequest,
    org: int | None = None,
    stage: str = Query(selectors.IN_PROGRESS, description="阶段；open=正在培养（默认）；all=全部"),
    q: str = "",
):
    """发展党员名单（按阶段、递交申请书日期排序），每人附下一步事项及期限。"""
    org_obj = None
    if org is not None:
        org_obj = Organisation.objects.visible_to(request.auth).filter(pk=org).first()
        if org_obj is None:
            raise _not_found(_("未找到该党组织，或您无权查看。"))
    return selectors.candidates_visible(user=request.auth, org=org_obj, stage=stage, q=q)


@router.get("/{int:candidate_id}", response={200: CandidateDetailOut, 404: ErrorOut})
def get_candidate(request: HttpRequest, candidate_id: int):
    """一名入党申请人（积极分子、发展对象、预备党员）的情况和发展过程（身份证号只给遮蔽后的）。"""
    c = selectors.candidate_for(user=request.auth, pk=candidate_id)
    if c is None:
        raise _not_found()
    return _detail(c)


@router.post("/", response={201: CandidateDetailOut, 400: ErrorOut})
def create_candidate(request: HttpRequest, payload: CandidateIn):
    """登记入党申请人。未满 18 周岁的不能受理；只能登记到自己负责的党支部或社区党组织。"""
    data = {k: v for k, v in payload.dict().items() if v is not None}
    if "org_id" in data:
        data["org"] = data.pop("org_id")
    form = CandidateCreateForm(data=data, user=request.auth)
    if not form.is_valid():
        return form_errors(form)
    try:
        outcome = services.candidate_create(acting_user=request.auth, **form.service_kwargs())
    except ValidationError as exc:
        return service_errors(exc)
    return Status(201, _detail(selectors.candidate_for(user=request.auth, pk=outcome.candidate.pk)))


@router.post("/{int:candidate_id}/steps", response={201: StepOut, 400: ErrorOut, 404: ErrorOut})
def record_step(request: HttpRequest, candidate_id: int, payload: StepIn):
    """记录一个发展步骤（谈话、确定积极分子/发展对象、培训、政审、公示、接收、审批、延长预备期、转正、停止培养）。
    违反时限规则中“阻止”的，返回 400 和原因；“提醒”的照常记录，并在 findings 中返回。"""
    c = selectors.candidate_for(user=request.auth, pk=candidate_id, action=CHANGE)
    if c is None:
        raise _not_found()
    step = payload.step or ""
    if step not in services.RECORDABLE_STEPS:
        msg = _("不支持的事项“%(k)s”，可用：%(all)s。") % {
            "k": step,
            "all": "、".join(services.RECORDABLE_STEPS),
        }
        return Status(400, {"detail": msg, "errors": {"step": [msg]}})
    renames = {
        "meeting_id": "meeting",
        "introducer_1_id": "introducer_1",
        "introducer_2_id": "introducer_2",
        "approved_by_id": "approved_by",
    }
    data = {renames.get(k, k): v for k, v in payload.dict().items() if v is not None}
    data.pop("step", None)
    data.setdefault("version", c.version)
    form = StepForm(data=data, step=step, candidate=c, user=request.auth)
    if not form.is_valid():
        return form_errors(form)
    try:
        outcome = services.candidate_record(
            candidate=c, step=step, acting_user=request.auth, **form.service_kwargs()
        )
    except ValidationError as exc:
        return service_errors(exc)
    fresh = selectors.candidate_for(user=request.auth, pk=c.pk)
    return Status(
        201,
        {
            "candidate": _detail(fresh),
            "event": outcome.event,
            "findings": [f.as_dict() for f in outcome.findings],
        },
    )
