"""Pages: the meetings themselves — list, create/edit, detail, the tick list, leave decisions,
attachments, the ledger (.xlsx) and one meeting's minutes (.docx). Thin: forms check input,
selectors read (scoped), services write."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangjian.core import audit
from dangjian.core.access import CHANGE, get_visible_or_404, scope_for
from dangjian.core.dbrouter import replica_ok
from dangjian.core.files import private_file
from dangjian.core.forms import add_service_errors
from dangjian.core.formviews import bound_form, rerender_on_error
from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError
from dangjian.orgs.models import Organisation

from .. import exports_meetings as exports
from .. import services
from ..exports_votes import add_votes
from ..forms_meetings import (
    AttachForm,
    LeaveDecideForm,
    LedgerForm,
    MeetingFilterForm,
    MeetingForm,
    read_tick_list,
)
from ..forms_rules import VoteForm
from ..models import AttendanceStatus, LeaveRequest, LeaveState, MeetingFile, MeetingKind
from ..selectors import meetings as sel
from ..selectors.attendees import away_marks
from ..selectors.votes import votes_of

PAGE_SIZE = 50


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _meeting(request: HttpRequest, pk: int, action: str = "view") -> Any:
    meeting = sel.meeting_for(user=request.user, pk=pk, action=action)
    if meeting is None:
        raise Http404
    return meeting


# ---- list ----------------------------------------------------------------------------------
@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    orgs = list(sel.orgs_for_meetings(user=request.user).only("pk", "name", "depth", "path"))
    bodies = list(sel.bodies_visible(user=request.user).only("pk", "name"))
    form = MeetingFilterForm(request.GET, orgs=orgs, bodies=bodies)
    filters = form.filters()
    org = next((o for o in orgs if o.pk == filters["org"]), None)
    qs = sel.meetings_visible(
        user=request.user,
        org=org,
        kind=filters["kind"],
        date_from=filters["date_from"],
        date_to=filters["date_to"],
        body=filters["body"],
        q=filters["q"],
        sort=filters["sort"],
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    base_depth = min((o.depth for o in orgs), default=0)
    return render(
        request,
        "meetings/meetings/list.html",
        {
            "page": page,
            "rows": list(page),
            "filters": filters,
            "orgs": [(o.pk, "\u3000" * (o.depth - base_depth) + o.name) for o in orgs],
            "bodies": bodies,
            "kinds": MeetingKind.choices,
            "today": sel.today(),
            "can_create": sel.can_create(request.user),
            "org": org,
        },
    )


# ---- create / edit -------------------------------------------------------------------------
@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    org_id = request.GET.get("org", "")
    if not org_id.isdigit():
        orgs = list(sel.orgs_for_meetings(user=request.user, action=CHANGE))
        if not orgs:
            raise Http404
        base = min(o.depth for o in orgs)
        return render(
            request,
            "meetings/meetings/choose_org.html",
            {"orgs": [(o.pk, "\u3000" * (o.depth - base) + o.name) for o in orgs]},
        )
    org = get_visible_or_404(
        Organisation.objects.filter(is_active=True), request.user, CHANGE, pk=int(org_id)
    )
    if request.method == "POST":
        form = MeetingForm(request.POST, org=org)
        if form.is_valid():
            try:
                meeting = services.meeting_create(
                    org=org, acting_user=request.user, **form.service_kwargs()
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已新建会议：%(t)s。") % {"t": meeting.topic})
                return redirect("meetings:detail", pk=meeting.pk)
    else:
        initial: dict[str, Any] = {"date": sel.today()}
        if request.GET.get("kind") in MeetingKind.values:
            initial["kind"] = request.GET["kind"]
        for name in ("body", "study_group"):  # links from a body's or a group's page
            if request.GET.get(name, "").isdigit():
                initial[name] = int(request.GET[name])
        form = MeetingForm(org=org, initial=initial)
    return render(
        request,
        "meetings/meetings/form.html",
        {"form": form, "org": org, "title": _("新建会议：%(org)s") % {"org": org.name}},
    )


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, CHANGE)
    if request.method == "POST":
        form = MeetingForm(request.POST, org=meeting.org, meeting=meeting)
        if form.is_valid():
            try:
                services.meeting_update(
                    meeting=meeting,
                    acting_user=request.user,
                    expected_version=form.cleaned_data.get("version"),
                    **form.service_kwargs(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("meetings:detail", pk=meeting.pk)
    else:
        form = MeetingForm(org=meeting.org, meeting=meeting)
    return render(
        request,
        "meetings/meetings/form.html",
        {
            "form": form,
            "org": meeting.org,
            "meeting": meeting,
            "title": _("修改会议：%(t)s") % {"t": meeting.topic},
        },
    )


# ---- detail --------------------------------------------------------------------------------
@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return meeting_page(request, pk)


def meeting_page(
    request: HttpRequest, pk: int, row: int = 0, bound: dict | None = None
) -> HttpResponse:
    """The meeting's page; ``bound``: a small form of it (a vote, an attachment) typed wrong,
    shown again as typed (see ``core.formviews``). The POST views that call it check login."""
    meeting = _meeting(request, pk)
    can_change = sel.can_change(request.user, meeting)
    rows = sel.attendance_of(user=request.user, meeting=meeting)
    return render(
        request,
        "meetings/meetings/detail.html",
        {
            "meeting": meeting,
            "can_change": can_change,
            "can_read_records": scope_for(request.user).reaches_path(meeting.org.path),
            "rows": rows,
            "leaves": sel.leave_requests_of(user=request.user, meeting=meeting),
            "files": sel.files_of(user=request.user, meeting=meeting),
            "criticisms": (
                sel.criticisms_of(user=request.user, meeting=meeting) if meeting.body_id else []
            ),
            "leaders": list(meeting.leaders.all()),
            "quorum": sel.quorum_of(meeting) if can_change or rows else None,
            # §13 general-meeting votes (views/votes.py records them)
            "votes": votes_of(user=request.user, meeting=meeting),
            "vote_form": bound_form(bound, "vote_form")
            or (
                VoteForm()
                if can_change
                and meeting.kind == MeetingKind.BRANCH_GENERAL
                and meeting.attendance_taken_at
                and not meeting.cancelled
                else None
            ),
            "future": meeting.date > sel.today(),
            "pending": LeaveState.PENDING,
            "attach_form": bound_form(bound, "attach_form")
            or (AttachForm() if can_change else None),
            "decide_form": LeaveDecideForm(),
            # a leave answer or a vote's withdrawal refused comes back on its row (``row``)
            "leave_form": bound_form(bound, "leave_form"),
            "vote_void_form": bound_form(bound, "vote_void_form"),
            "row": row,
            "content_type": ContentType.objects.get_for_model(type(meeting)),
        },
    )


# ---- the tick list -------------------------------------------------------------------------
@login_required
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, CHANGE)
    refusal = ""
    if meeting.cancelled:
        refusal = _("会议已取消，不能登记考勤。")
    elif meeting.date > sel.today():
        refusal = _("会议定于 %(d)s 召开，还没有召开，不能登记考勤。会后再来登记。") % {
            "d": meeting.date.isoformat()
        }
    listed = None if refusal else sel.tick_list(meeting)
    if not refusal and listed is None:
        refusal = _("这类会议不登记考勤。")
    by_seat, lines = listed if listed else (False, [])
    # members away from home (mobile, on the care list) are marked, never preset silently
    away = away_marks(meeting) if lines and not by_seat else {}
    for line in lines:
        line.away = away.get(line.id, "")
    errors: list[str] = []
    version = meeting.version
    if request.method == "POST" and not refusal:
        marks, ok = read_tick_list(request.POST, lines, by_seat=by_seat)
        posted = request.POST.get("version", "")
        version = int(posted) if posted.isdigit() else meeting.version
        if ok:
            try:
                counts = services.attendance_record(
                    meeting=meeting,
                    marks=marks,
                    acting_user=request.user,
                    expected_version=version,
                )
            except ConflictError as exc:
                errors = list(exc.messages)
            except ValidationError as exc:
                errors = list(exc.messages)
            else:
                messages.success(
                    request,
                    _("考勤已保存：出席 %(p)d，请假 %(e)d，缺席 %(a)d。")
                    % {
                        "p": counts[AttendanceStatus.PRESENT],
                        "e": counts[AttendanceStatus.EXCUSED],
                        "a": counts[AttendanceStatus.ABSENT],
                    },
                )
                return redirect("meetings:detail", pk=meeting.pk)
        else:
            errors = [line.error for line in lines if line.error]
    return render(
        request,
        "meetings/meetings/attendance.html",
        {
            "meeting": meeting,
            "by_seat": by_seat,
            "lines": lines,
            "refusal": refusal,
            "errors": errors,
            "version": version,
            "statuses": AttendanceStatus.choices,
            "excused": AttendanceStatus.EXCUSED,
            "absent": AttendanceStatus.ABSENT,
            "n_pending": sum(1 for line in lines if line.leave == LeaveState.PENDING),
            "n_away": len(away),
            "decide_url": f"{reverse('meetings:detail', args=[meeting.pk])}#leave",
        },
    )


# ---- leave ---------------------------------------------------------------------------------
@login_required
@require_POST
def leave_decide(request: HttpRequest, pk: int) -> HttpResponse:
    leave = get_visible_or_404(
        LeaveRequest.objects.select_related("meeting", "member"), request.user, CHANGE, pk=pk
    )
    form = LeaveDecideForm(request.POST)
    again = {"name": "leave_form", "pk": leave.meeting_id, "row": leave.pk}
    if not form.is_valid():
        return rerender_on_error(meeting_page, request, form, **again)
    try:
        services.leave_decide(
            leave=leave,
            approve=form.cleaned_data["decision"] == "approve",
            answer=form.cleaned_data.get("answer") or "",
            acting_user=request.user,
            expected_version=form.cleaned_data.get("version"),
        )
    except ValidationError as exc:
        return rerender_on_error(meeting_page, request, form, exc, **again)
    if form.cleaned_data["decision"] == "approve":
        messages.success(request, _("已准假：%(n)s。") % {"n": leave.member.name})
    else:
        messages.success(request, _("未准假：%(n)s。") % {"n": leave.member.name})
    return redirect(reverse("meetings:detail", args=[leave.meeting_id]) + "#leave")


# ---- attachments ---------------------------------------------------------------------------
@login_required
@require_POST
def meeting_attach(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, CHANGE)
    form = AttachForm(request.POST, request.FILES)
    if not form.is_valid():
        return rerender_on_error(meeting_page, request, form, name="attach_form", pk=meeting.pk)
    try:
        row = services.meeting_attach(
            meeting=meeting, upload=form.cleaned_data["file"], acting_user=request.user
        )
    except ValidationError as exc:
        return rerender_on_error(
            meeting_page, request, form, exc, name="attach_form", pk=meeting.pk
        )
    messages.success(request, _("已上传附件：%(n)s。") % {"n": row.name})
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#files")


@login_required
@require_GET
def meeting_file(request: HttpRequest, pk: int) -> FileResponse:
    """An attachment, after the access check — never a public media URL."""
    row = get_visible_or_404(MeetingFile.objects.all(), request.user, pk=pk)
    return private_file(row.file, filename=row.name)


# ---- exports -------------------------------------------------------------------------------
@login_required
@require_GET
@replica_ok
def meeting_ledger(request: HttpRequest) -> HttpResponse:
    """The ledger of an organisation (and its subtree) for a period, as .xlsx. Without an
    organisation, a small form to choose one."""
    org_id = request.GET.get("org", "")
    if org_id:  # an organisation named but not the user's to see: the same 404 as a missing one
        get_visible_or_404(Organisation.objects.all(), request.user, pk=org_id)
    form = LedgerForm(request.GET if org_id else None, user=request.user)
    if not form.is_bound or not form.is_valid():
        return render(request, "meetings/meetings/ledger.html", {"form": form})
    org = form.cleaned_data["org"]
    date_from, date_to = form.cleaned_data.get("date_from"), form.cleaned_data.get("date_to")
    kind = form.cleaned_data.get("kind") or None
    meetings = sel.ledger(
        user=request.user, org=org, date_from=date_from, date_to=date_to, kind=kind
    )
    fh, count = exports.write_ledger(
        org=org, meetings=meetings, date_from=date_from, date_to=date_to, kind=kind
    )
    period = exports.period_text(date_from, date_to)
    if kind:
        period = f"{MeetingKind(kind).label}，{period}"
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=org,
        acting_user=request.user,
        object_repr=_("%(org)s会议记录台帐导出（%(p)s，%(n)d 次会议）")
        % {"org": org.name, "p": period, "n": count},
        changes={
            "from": date_from.isoformat() if date_from else None,
            "to": date_to.isoformat() if date_to else None,
            "kind": kind,
            "rows": count,
        },
        ip=_ip(request),
    )
    stamp = f"{date_from:%Y%m%d}-" if date_from else ""
    stamp += f"{date_to:%Y%m%d}" if date_to else f"{sel.today():%Y%m%d}"
    return FileResponse(
        fh, as_attachment=True, filename=f"{_('会议记录台帐')}-{org.name}-{stamp}.xlsx"
    )


@login_required
@require_GET
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """The minutes a branch files: for those who keep or inspect the organisation's records
    (a grant on it), not for a plain member who may read the meeting page."""
    meeting = _meeting(request, pk)
    if not scope_for(request.user).reaches_path(meeting.org.path):
        raise Http404
    rows = sel.attendance_of(user=request.user, meeting=meeting)
    fh = exports.write_minutes(meeting=meeting, rows=rows)
    fh = add_votes(fh, votes_of(user=request.user, meeting=meeting, standing=True))
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=meeting,
        acting_user=request.user,
        object_repr=_("会议记录导出：%(m)s") % {"m": str(meeting)},
        ip=_ip(request),
    )
    return FileResponse(
        fh,
        as_attachment=True,
        filename=f"{_('会议记录')}-{meeting.org.name}-{meeting.date:%Y%m%d}.docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


urls = [
    path("", meeting_list, name="list"),
    path("new/", meeting_create, name="create"),
    path("ledger/", meeting_ledger, name="ledger"),
    path("<int:pk>/", meeting_detail, name="detail"),
    path("<int:pk>/edit/", meeting_edit, name="edit"),
    path("<int:pk>/attendance/", meeting_attendance, name="attendance"),
    path("<int:pk>/attach/", meeting_attach, name="attach"),
    path("<int:pk>/minutes.docx", meeting_minutes, name="minutes"),
    path("files/<int:pk>/", meeting_file, name="file"),
    path("leave/<int:pk>/decide/", leave_decide, name="leave_decide"),
]
