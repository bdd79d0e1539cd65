"""Pages: mine — a member's own organisational life on a phone.

Upcoming meetings with a leave button, the leave form, taking leave back, and the member's
attendance over the last year. Only the member linked to the logged-in user: another member's
meeting or leave is a 404, the same as a missing one. A user without a member record (a
secretary's own account, say) gets a friendly explanation on the two list pages.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dangjian.core.forms import StyledForm, add_service_errors

from .. import services
from ..models import AttendanceStatus
from ..selectors import mine as sel

PER_PAGE = 50


class LeaveForm(StyledForm):
    reason = forms.CharField(
        label=gettext_lazy("请假原因"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("例如：住院、外出探亲、上班走不开。"),
        error_messages={
            "required": gettext_lazy("请填写请假原因。"),
        },
    )


@login_required
def mine_home(request: HttpRequest) -> HttpResponse:
    member = sel.member_of(request.user)
    if member is None:
        return render(request, "meetings/mine/no_member.html", status=200)
    page = Paginator(sel.upcoming(member=member, today=timezone.localdate()), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "meetings/mine/home.html",
        {"member": member, "page": page, "rows": page.object_list},
    )


@login_required
def mine_leave(request: HttpRequest, meeting_id: int) -> HttpResponse:
    member = sel.member_or_404(request.user)
    meeting = sel.upcoming_meeting_or_404(member=member, pk=meeting_id, today=timezone.localdate())
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.leave_request(
                meeting=meeting,
                member=member,
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("请假已提交，等待支部书记批准。"))
            return redirect("meetings:mine")
    return render(request, "meetings/mine/leave.html", {"meeting": meeting, "form": form})


@login_required
@require_POST
def mine_leave_withdraw(request: HttpRequest, leave_id: int) -> HttpResponse:
    member = sel.member_or_404(request.user)
    leave = sel.my_leave_or_404(user=request.user, member=member, pk=leave_id)
    try:
        services.leave_withdraw(leave=leave, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已撤回请假，请按时参加会议。"))
    return redirect("meetings:mine")


@login_required
def mine_attendance(request: HttpRequest) -> HttpResponse:
    member = sel.member_of(request.user)
    if member is None:
        return render(request, "meetings/mine/no_member.html", status=200)
    record = sel.attendance_record(user=request.user, member=member, today=timezone.localdate())
    page = Paginator(record.rows, PER_PAGE).get_page(request.GET.get("page"))
    totals = [(s, label, record.totals.get(s, 0)) for s, label in AttendanceStatus.choices]
    return render(
        request,
        "meetings/mine/attendance.html",
        {
            "member": member,
            "record": record,
            "page": page,
            "rows": page.object_list,
            "totals": totals,
        },
    )


urls = [
    path("mine/", mine_home, name="mine"),
    path("mine/<int:meeting_id>/leave/", mine_leave, name="mine_leave"),
    path("mine/leave/<int:leave_id>/withdraw/", mine_leave_withdraw, name="mine_leave_withdraw"),
    path("mine/attendance/", mine_attendance, name="mine_attendance"),
]
