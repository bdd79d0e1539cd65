"""Registers of the meetings app as .xlsx: study groups with their sessions (分类学习), the
deliberation bodies with their member units (议事协调机构与成员单位), and the county leaders
linked to communities with their visits (县领导联系社区).

Each is filtered by organisation (``?org=``, with its subtree) and by period (``?year=`` or
``?from=&to=``): the sessions, meetings and visits in it, and the seats and links held at some
time in it. Every query starts from the model's scoped queryset; each export costs a fixed
number of queries however many rows it writes."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, Prefetch, Q
from django.http import FileResponse, HttpRequest
from django.urls import path
from django.utils.translation import gettext as _

from dangjian.core.access import subtree_q
from dangjian.members.models import Member
from dangjian.orgs.export_filters import (
    Period,
    org_from,
    period_from,
    register_export,
    respond,
    title,
    write_sheets,
)
from dangjian.orgs.models import Organisation

from .models import AttendanceStatus, Body, LeaderLink, Meeting, MeetingKind, Seat, StudyGroup
from .selectors.meetings import with_counts

P, E, A = AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT


def _in(qs: Any, lookup: str, org: Organisation | None) -> Any:
    return qs.filter(subtree_q(lookup, org.path)) if org is not None else qs


def _held(prefix: str, period: Period) -> Q:
    """Meetings (reached through ``prefix``) held, not cancelled, in the period."""
    return Q(**{f"{prefix}cancelled": False}) & period.within(f"{prefix}date")


# ---- study groups --------------------------------------------------------------------------
def study_group_rows(*, user: Any, org: Organisation | None, period: Period) -> list[list[Any]]:
    held = _held("sessions__", period) & Q(sessions__kind=MeetingKind.STUDY)
    groups = (
        _in(StudyGroup.objects.visible_to(user), "org__path", org)
        .select_related("org")
        .prefetch_related(
            Prefetch("members", queryset=Member.objects.order_by("name", "pk"), to_attr="roll")
        )
        .annotate(
            n_sessions=Count("sessions", filter=held), last=Max("sessions__date", filter=held)
        )
        .order_by("org__path", "name", "pk")
    )
    return [
        [
            g.org.name,
            g.name,
            g.category,
            _("是") if g.is_active else _("否"),
            len(g.roll),
            "、".join(m.name for m in g.roll),
            g.n_sessions,
            g.last,
        ]
        for g in groups
    ]


def study_session_rows(*, user: Any, org: Organisation | None, period: Period) -> list[list[Any]]:
    sessions = with_counts(
        _in(Meeting.objects.visible_to(user), "org__path", org)
        .filter(kind=MeetingKind.STUDY, cancelled=False, study_group__isnull=False)
        .filter(period.within("date"))
        .select_related("org", "study_group")
    ).order_by("date", "pk")
    return [
        [m.date, m.org.name, m.study_group.name, m.topic, m.place, m.n_expected, m.n_present]
        for m in sessions
    ]


@register_export
def study_groups_export(request: HttpRequest) -> FileResponse:
    org, period = org_from(request), period_from(request)
    what = _("分类学习小组台帐")
    args = {"user": request.user, "org": org, "period": period}
    fh, count = write_sheets(
        title=title(what, org=org, period=period),
        sheets=[
            (
                _("学习小组"),
                [
                    (_("所属党组织"), 24),
                    (_("学习小组"), 20),
                    (_("党员类别"), 10),
                    (_("有效"), 6),
                    (_("成员数"), 8),
                    (_("成员"), 40),
                    (_("期间学习次数"), 10),
                    (_("最近一次学习"), 12),
                ],
                study_group_rows(**args),
            ),
            (
                _("学习记录"),
                [
                    (_("日期"), 12),
                    (_("党组织"), 24),
                    (_("学习小组"), 20),
                    (_("主题"), 30),
                    (_("地点"), 16),
                    (_("应到"), 7),
                    (_("实到"), 7),
                ],
                study_session_rows(**args),
            ),
        ],
    )
    return respond(request, fh=fh, count=count, what=what, org=org, period=period)


# ---- deliberation bodies and their member units --------------------------------------------
def body_rows(*, user: Any, org: Organisation | None, period: Period) -> list[list[Any]]:
    current = Q(seats__left_on__isnull=True)
    bodies = (
        _in(Body.objects.visible_to(user), "org__path", org)
        .select_related("org")
        .annotate(
            n_seats=Count("seats", filter=current, distinct=True),
            n_meetings=Count("meetings", filter=_held("meetings__", period), distinct=True),
        )
        .order_by("org__path", "name", "pk")
    )
    return [
        [
            b.org.name,
            b.name,
            b.get_kind_display(),
            b.established_on,
            _("是") if b.is_active else _("否"),
            b.n_seats,
            b.n_meetings,
        ]
        for b in bodies
    ]


def seat_rows(*, user: Any, org: Organisation | None, period: Period) -> list[list[Any]]:
    held = _held("attendance__meeting__", period)
    seats = (
        _in(Seat.objects.visible_to(user), "body__org__path", org)
        .filter(period.overlaps("joined_on", "left_on"))
        .select_related("body__org", "unit", "member_org")
        .annotate(
            n_present=Count("attendance", filter=held & Q(attendance__status=P)),
            n_excused=Count("attendance", filter=held & Q(attendance__status=E)),
            n_absent=Count("attendance", filter=held & Q(attendance__status=A)),
        )
        .order_by("body__org__path", "body__name", "body_id", "joined_on", "name", "pk")
    )
    return [
        [
            s.body.org.name,
            s.body.name,
            s.name,
            s.unit.name if s.unit_id else (s.member_org.name if s.member_org_id else ""),
            s.head,
            s.joined_on,
            s.left_on,
            s.n_present,
            s.n_excused,
            s.n_absent,
        ]
        for s in seats
    ]


@register_export
def bodies_export(request: HttpRequest) -> FileResponse:
    org, period = org_from(request), period_from(request)
    what = _("议事协调机构及成员单位台帐")
    args = {"user": request.user, "org": org, "period": period}
    fh, count = write_sheets(
        title=title(what, org=org, period=period),
        sheets=[
            (
                _("议事协调机构"),
                [
                    (_("牵头党组织"), 24),
                    (_("名称"), 26),
                    (_("机构类型"), 20),
                    (_("成立日期"), 12),
                    (_("有效"), 6),
                    (_("现有成员单位"), 10),
                    (_("期间会议次数"), 10),
                ],
                body_rows(**args),
            ),
            (
                _("成员单位"),
                [
                    (_("牵头党组织"), 24),
                    (_("议事协调机构"), 26),
                    (_("成员单位"), 24),
                    (_("驻区单位/党组织"), 24),
                    (_("单位负责人（委员）"), 14),
                    (_("加入日期"), 12),
                    (_("退出日期"), 12),
                    (_("期间出席"), 8),
                    (_("请假"), 6),
                    (_("缺席"), 6),
                ],
                seat_rows(**args),
            ),
        ],
    )
    return respond(request, fh=fh, count=count, what=what, org=org, period=period)


# ---- county leaders and their visits -------------------------------------------------------
def leader_rows(*, user: Any, org: Organisation | None, period: Period) -> list[list[Any]]:
    held = _held("meetings__", period)
    links = (
        _in(LeaderLink.objects.visible_to(user), "community__path", org)
        .filter(period.overlaps("since", "until"))
        .select_related("community")
        .annotate(
            n_visits=Count("meetings", filter=held & Q(meetings__kind=MeetingKind.LEADER_VISIT)),
            n_joint=Count("meetings", filter=held & Q(meetings__kind=MeetingKind.COUNCIL)),
            last=Max("meetings__date", filter=held),
        )
        .order_by("community__path", "since", "name", "pk")
    )
    return [
        [
            link.community.name,
            link.name,
            link.title,
            link.since,
            link.until,
            link.n_visits,
            link.n_joint,
            link.last,
        ]
        for link in links
    ]


def visit_rows(*, user: Any, org: Organisation | None, period: Period) -> list[list[Any]]:
    led = LeaderLink.objects.visible_to(user).order_by("name", "pk")
    visits = (
        _in(Meeting.objects.visible_to(user), "org__path", org)
        .filter(cancelled=False, leaders__isnull=False)
        .filter(period.within("date"))
        .distinct()
        .select_related("org", "body")
        .prefetch_related(Prefetch("leaders", queryset=led, to_attr="led_by"))
        .order_by("date", "pk")
    )
    return [
        [
            m.date,
            m.org.name,
            m.get_kind_display() + (f"（{m.body.name}）" if m.body_id else ""),
            m.topic,
            m.place,
            "、".join(str(x) for x in m.led_by),
        ]
        for m in visits
    ]


@register_export
def leaders_export(request: HttpRequest) -> FileResponse:
    org, period = org_from(request), period_from(request)
    what = _("县领导联系社区台帐")
    args = {"user": request.user, "org": org, "period": period}
    fh, count = write_sheets(
        title=title(what, org=org, period=period),
        sheets=[
            (
                _("联系社区的县领导"),
                [
                    (_("联系社区"), 24),
                    (_("县领导"), 10),
                    (_("职务"), 24),
                    (_("联系开始"), 12),
                    (_("联系结束"), 12),
                    (_("期间督导次数"), 10),
                    (_("期间参加联席会议"), 10),
                    (_("最近一次"), 12),
                ],
                leader_rows(**args),
            ),
            (
                _("督导与联席会议"),
                [
                    (_("日期"), 12),
                    (_("社区党组织"), 24),
                    (_("会议类型"), 24),
                    (_("主题"), 30),
                    (_("地点"), 16),
                    (_("参加的县领导"), 30),
                ],
                visit_rows(**args),
            ),
        ],
    )
    return respond(request, fh=fh, count=count, what=what, org=org, period=period)


urls = [
    path("study/export/", study_groups_export, name="study_groups_export"),
    path("bodies/export/", bodies_export, name="bodies_export"),
    path("leaders/export/", leaders_export, name="leaders_export"),
]
