"""Pages of training records (培训台帐): the courses list (by level and period), recording a
course, one course with who attended (tick members, add residents by name, mark completion),
a member's training record, and the .xlsx ledger."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core import audit
from dangjian.core.access import CHANGE, get_visible_or_404, scope_for
from dangjian.core.forms import DATE_FORMATS, add_service_errors
from dangjian.core.models import AuditEntry
from dangjian.core.xlsx import write_table
from dangjian.members.models import Member
from dangjian.orgs.models import Organisation
from dangjian.orgs.selectors.communities import community_for

from . import selectors, services
from .forms import AttendanceForm, CourseForm, ResidentForm, StaffAttendanceForm
from .models import Attendance, Course, Level

PAGE_SIZE = 50


def _date(raw: str) -> dt.date | None:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw.strip(), fmt).date()
        except ValueError:
            continue
    return None


def period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    """The period asked for (start/end), else the year asked for, else this year."""
    raw_year = request.GET.get("year", "")
    year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else None
    year = year or timezone.localdate().year
    start = _date(request.GET.get("start", "")) or dt.date(year, 1, 1)
    end = _date(request.GET.get("end", "")) or dt.date(year, 12, 31)
    return start, end


def org_for(request: HttpRequest) -> Organisation | None:
    """The organisation asked for (any the user may see: a community, a town), else the user's
    first community."""
    raw = request.GET.get("org", "")
    if raw:
        return get_visible_or_404(
            Organisation.objects.all(), request.user, pk=raw if raw.isdigit() else 0
        )
    return community_for(user=request.user)


def _level(request: HttpRequest) -> str:
    raw = request.GET.get("level", "")
    return raw if raw in Level.values else ""


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not scope.is_staff_role:
        # a member has their own record, not an organisation's list
        if not scope.member_id or request.GET.get("org"):
            raise Http404
        return redirect("training:member", pk=scope.member_id)
    org = org_for(request)
    if org is None:
        return render(request, "training/home.html", {"org": None})
    start, end = period(request)
    level = _level(request)
    qs = selectors.courses_visible(user=request.user, org=org, level=level, start=start, end=end)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "training/home.html",
        {
            "org": org,
            "page": page,
            "start": start,
            "end": end,
            "level": level,
            "levels": Level.choices,
            "can_change": scope.reaches_path(org.path, CHANGE),
        },
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    org = org_for(request)
    if org is None or not scope_for(request.user).reaches_path(org.path, CHANGE):
        raise Http404
    form = CourseForm(request.POST or None)
    if request.method == "GET":
        form.initial = {
            "start": timezone.localdate(),
            "days": 1,
            "level": request.GET.get("level", ""),
        }
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(acting_user=request.user, org=org, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已登记培训班。请在下面勾选参训人员。"))
            return redirect("training:detail", pk=course.pk)
    return render(request, "training/create.html", {"form": form, "org": org})


def _course(request: HttpRequest, pk: int, action: str = "view") -> Course:
    return get_visible_or_404(Course.objects.select_related("org"), request.user, action, pk=pk)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    attendances = list(
        course.attendances.select_related("member__org", "staff__community").order_by("pk")
    )
    can_change = scope_for(request.user).reaches_path(course.org.path, CHANGE)
    form = resident_form = staff_form = None
    if can_change:
        staff_form = StaffAttendanceForm(staff=services.eligible_staff(course))
        members = services.eligible_members(course).order_by("name")
        ticked = [a.member_id for a in attendances if a.member_id]
        form = AttendanceForm(
            initial={
                "version": course.version,
                "members": ticked,
                "completed": [a.member_id for a in attendances if a.member_id and a.completed],
            },
            members=members,
        )
        resident_form = ResidentForm()
    return render(
        request,
        "training/detail.html",
        {
            "course": course,
            "attendances": attendances,
            "can_change": can_change,
            "form": form,
            "resident_form": resident_form,
            "staff_form": staff_form,
        },
    )


@login_required
@require_POST
def attend(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk, CHANGE)
    form = AttendanceForm(request.POST, members=services.eligible_members(course))
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.attendance_set(
                course,
                acting_user=request.user,
                version=d["version"],
                member_ids=[m.pk for m in d["members"]],
                completed_ids=[m.pk for m in d["completed"]],
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("已保存参训名单。"))
    else:
        messages.error(request, _("只能选择举办组织的在册党员。"))
    return redirect("training:detail", pk=course.pk)


@login_required
@require_POST
def add_resident(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk, CHANGE)
    form = ResidentForm(request.POST)
    if form.is_valid():
        try:
            services.attendance_add_resident(course, acting_user=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("已添加。"))
    else:
        messages.error(request, _("请填写居民姓名。"))
    return redirect("training:detail", pk=course.pk)


@login_required
@require_POST
def add_staff(request: HttpRequest, pk: int) -> HttpResponse:
    """A community worker who is not a party member on the course (§9's training rules)."""
    course = _course(request, pk, CHANGE)
    form = StaffAttendanceForm(request.POST, staff=services.eligible_staff(course))
    if form.is_valid():
        try:
            services.attendance_add_staff(course, acting_user=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("已添加。"))
    else:
        messages.error(request, _("请选择一名社区工作者。"))
    return redirect("training:detail", pk=course.pk)


@login_required
@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    att = get_visible_or_404(
        Attendance.objects.select_related("course__org"), request.user, CHANGE, pk=pk
    )
    try:
        services.attendance_remove(att, acting_user=request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已移出参训名单。"))
    return redirect("training:detail", pk=att.course_id)


@login_required
def member(request: HttpRequest, pk: int) -> HttpResponse:
    """One member's training record (their own, or one the user is responsible for)."""
    m = get_visible_or_404(Member.objects.select_related("org"), request.user, pk=pk)
    rows = selectors.member_record(user=request.user, member=m)
    return render(request, "training/member.html", {"member": m, "rows": rows})


@login_required
def export(request: HttpRequest) -> FileResponse:
    """培训台帐 (.xlsx): the courses of an organisation in a period, with who attended."""
    if not scope_for(request.user).is_staff_role:
        raise Http404
    org = org_for(request)
    if org is None:
        raise Http404
    start, end = period(request)
    level = _level(request)
    qs = selectors.courses_for_export(user=request.user, org=org, level=level, start=start, end=end)

    def who(c: Course, done: bool | None = None) -> str:
        return "、".join(
            (
                a.member.name
                if a.member
                else f"{a.staff.name}（{_('社区工作者')}）"
                if a.staff
                else f"{a.resident_name}（{_('居民')}）"
            )
            for a in c.attendances.all()
            if done is None or a.completed == done
        )

    fh, count = write_table(
        sheet=_("培训台帐"),
        title=_("%(o)s 培训台帐（%(s)s 至 %(e)s）")
        % {"o": org.name, "s": start.isoformat(), "e": end.isoformat()},
        columns=[
            (_("开始日期"), 12),
            (_("培训类别"), 12),
            (_("培训内容"), 36),
            (_("举办组织"), 24),
            (_("天数"), 8),
            (_("学时"), 8),
            (_("地点"), 16),
            (_("参训人数"), 10),
            (_("结业人数"), 10),
            (_("已结业"), 40),
            (_("未结业"), 30),
        ],
        rows=(
            [
                c.start,
                c.get_level_display(),
                c.topic,
                c.org.name,
                c.days,
                float(c.hours) if c.hours is not None else None,
                c.place,
                c.n_people,
                c.n_done,
                who(c, True),
                who(c, False),
            ]
            for c in qs
        ),
    )
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        field="training.course",
        changes={"rows": count, "start": start.isoformat(), "end": end.isoformat()},
        scope_path=org.path,
    )
    return FileResponse(fh, as_attachment=True, filename=f"{_('培训台帐')}-{start}-{end}.xlsx")


app_name = "training"
urlpatterns = [
    path("", home, name="home"),
    path("new/", create, name="create"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/attend/", attend, name="attend"),
    path("<int:pk>/residents/", add_resident, name="add_resident"),
    path("<int:pk>/staff/", add_staff, name="add_staff"),
    path("attendance/<int:pk>/remove/", remove, name="remove"),
    path("member/<int:pk>/", member, name="member"),
    path("export/", export, name="export"),
]
