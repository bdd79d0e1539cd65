"""API: 督查与整改 — the inspections a user reaches (paged; by organisation, year, form, state),
one inspection with its findings and tasks, and closing a task with its evidence. Same selectors
and services as the pages; everything scoped (another street gets the 404 of a missing id)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from dangjian.core.api_errors import ErrorOut, service_errors

from . import selectors, services
from .models import FollowUp, Inspection

router = Router(tags=["督查与整改"])


class InspectionOut(Schema):
    id: int
    date: dt.date
    kind: str
    kind_label: str
    inspecting_id: int
    inspecting: str
    inspected_id: int
    inspected: str
    inspectors: str
    tasks: int
    open: int
    overdue: int

    @staticmethod
    def resolve_kind_label(obj) -> str:  # noqa: ANN001
        return obj.get_kind_display()

    @staticmethod
    def resolve_inspecting(obj) -> str:  # noqa: ANN001
        return obj.inspecting.name

    @staticmethod
    def resolve_inspected(obj) -> str:  # noqa: ANN001
        return obj.inspected.name

    @staticmethod
    def resolve_tasks(obj) -> int:  # noqa: ANN001
        return obj.n_tasks

    @staticmethod
    def resolve_open(obj) -> int:  # noqa: ANN001
        return obj.n_open

    @staticmethod
    def resolve_overdue(obj) -> int:  # noqa: ANN001
        return obj.n_overdue


class TaskOut(Schema):
    id: int
    version: int
    task: str
    owner: str
    deadline: dt.date
    closed_on: dt.date | None
    overdue: bool
    evidence: str
    link: str


class FindingOut(Schema):
    id: int
    order: int
    text: str
    tasks: list[TaskOut]


class InspectionDetailOut(Schema):
    id: int
    version: int
    date: dt.date
    kind: str
    kind_label: str
    inspecting_id: int
    inspecting: str
    inspected_id: int
    inspected: str
    inspectors: str
    summary: str
    findings: list[FindingOut]


class CloseIn(Schema):
    on: dt.date
    evidence: str
    link: str = ""
    version: int | None = None


def _not_found() -> HttpError:
    return HttpError(404, _("未找到该督查记录，或您无权查看。"))


@router.get("/", response=list[InspectionOut])
@paginate(LimitOffsetPagination)
def list_inspections(
    request: HttpRequest,
    org: int | None = None,
    year: int | None = None,
    kind: str = "",
    state: str = "",
):
    """督查记录（新的在前），含整改任务数、未完成数、逾期数。org：被督查组织在其下或由其督查；
    state：open 有未完成的、overdue 有逾期的、closed 全部完成。"""
    o = None
    if org is not None:
        o = selectors.org_in_reach(request.auth, org)
        if o is None:
            raise HttpError(404, _("未找到该组织，或您无权查看。"))
    return selectors.inspections(
        user=request.auth, today=timezone.localdate(), org=o, year=year, kind=kind, state=state
    )


def _task_out(t: FollowUp, today: dt.date) -> dict:
    return {
        "id": t.pk,
        "version": t.version,
        "task": t.task,
        "owner": t.owner_name,
        "deadline": t.deadline,
        "closed_on": t.closed_on,
        "overdue": t.is_overdue(today),
        "evidence": t.closure.text if t.closure else "",
        "link": t.closure.link if t.closure else "",
    }


@router.get("/{inspection_id}", response=InspectionDetailOut)
def get_inspection(request: HttpRequest, inspection_id: int):
    """一次督查：发现的问题，每条问题的整改任务（逾期的在前）及完成情况。"""
    try:
        i = selectors.inspection_detail(user=request.auth, pk=inspection_id)
    except Inspection.DoesNotExist:
        raise _not_found() from None
    today = timezone.localdate()
    return {
        "id": i.pk,
        "version": i.version,
        "date": i.date,
        "kind": i.kind,
        "kind_label": i.get_kind_display(),
        "inspecting_id": i.inspecting_id,
        "inspecting": i.inspecting.name,
        "inspected_id": i.inspected_id,
        "inspected": i.inspected.name,
        "inspectors": i.inspectors,
        "summary": i.summary,
        "findings": [
            {
                "id": f.pk,
                "order": f.order,
                "text": f.text,
                "tasks": [
                    _task_out(t, today)
                    for t in selectors.sort_tasks(list(f.follow_ups.all()), today)
                ],
            }
            for f in i.findings.all()
        ],
    }


@router.post("/tasks/{task_id}/close", response={200: TaskOut, 400: ErrorOut, 404: ErrorOut})
def close_task(request: HttpRequest, task_id: int, payload: CloseIn):
    """完成整改：完成日期、整改情况（做了什么），可附平台内记录的链接（如 /meetings/12/）。
    被督查组织、督查组织的书记、委员或责任人可以完成。"""
    task = (
        FollowUp.objects.visible_to(request.auth)
        .select_related("finding__inspection__inspecting", "finding__inspection__inspected")
        .filter(pk=task_id)
        .first()
    )
    if task is None or not services.may_close(request.auth, task, task.finding.inspection):
        raise HttpError(404, _("未找到该整改任务，或您无权办理。"))
    try:
        row = services.followup_close(
            acting_user=request.auth,
            follow_up=task,
            version=payload.version,
            on=payload.on,
            evidence=payload.evidence,
            link=payload.link,
        )
    except PermissionDenied:
        raise HttpError(404, _("未找到该整改任务，或您无权办理。")) from None
    except ValidationError as exc:
        return service_errors(exc)
    row = FollowUp.objects.select_related("closure").get(pk=row.pk)
    return Status(200, _task_out(row, timezone.localdate()))
