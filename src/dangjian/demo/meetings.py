"""The demo county's organisational life: twelve months of meetings, with deliberate gaps.

Everything goes through ``meetings.services`` (so the audit trail is real). Each branch follows
one of three habits, so the cadence pages show all three lights:

- ``green``: every meeting on time, this month's included;
- ``amber``: nothing missed, but this month's meetings are still ahead (planned, not yet held);
- ``red``: two months without a theme day, a quarter without a general meeting, and a few
  members who stopped coming half a year ago (the six-month list of Party constitution art. 9).

The communities' joint councils meet monthly with their member units; in "red" communities one
unit stays away twice this year without leave (two notices: no awards this year). Three county
leaders are linked to each community, with a visit and a joint meeting each quarter except
where the habit says otherwise. Dates are relative to the day of the build.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from dangjian.core import audit, rules
from dangjian.core.models import AuditEntry
from dangjian.meetings import services
from dangjian.meetings.models import (
    Attendance,
    AttendanceStatus,
    Body,
    BodyKind,
    LeaderLink,
    Meeting,
    MeetingKind,
    NoLifeHandling,
)
from dangjian.meetings.selectors.attendees import expected_for, group_members_q
from dangjian.members.models import Category, Member, State, Status
from dangjian.orgs.models import Office, Organisation, ResidentUnit

from . import names

if TYPE_CHECKING:
    from .county import Community, Demo

HABITS = ("green", "amber", "red")
LEAVE_REASONS = ("住院治疗", "外出探亲", "单位值班", "照顾生病家属", "在外地参加培训", "身体不适")
TOPICS = {
    MeetingKind.THEME_DAY: (
        "学习党的二十届四中全会精神",
        "清洁家园志愿服务",
        "走访慰问困难党员",
        "重温入党誓词",
        "政策宣讲进楼栋",
        "垃圾分类宣传",
        "安全隐患排查",
        "为民办实事",
        "关爱空巢老人",
        "爱国卫生运动",
        "邻里互助活动",
        "民族团结一家亲",
    ),
    MeetingKind.BRANCH_COMMITTEE: (
        "研究本月工作安排",
        "研究困难党员帮扶",
        "研究发展党员工作",
        "研究主题党日方案",
    ),
    MeetingKind.BRANCH_GENERAL: (
        "传达学习上级会议精神",
        "讨论支部年度工作计划",
        "通报党费收缴情况",
        "讨论接收预备党员",
    ),
    MeetingKind.PARTY_LECTURE: (
        "书记讲党课：发挥党员先锋模范作用",
        "党史专题党课",
        "党章党规专题党课",
        "基层治理专题党课",
    ),
    MeetingKind.GROUP: ("学习交流", "楼道环境整治", "收集居民意见", "走访邻里"),
    MeetingKind.COUNCIL: (
        "通报本月共驻共建项目",
        "协调老旧小区改造",
        "研究文体活动联营",
        "部署治安联防",
        "研究为民办实事项目",
    ),
}
LEADER_TITLES = ("县委常委、组织部部长", "副县长", "县人大常委会副主任")


def build_meetings(demo: Demo, *, log: Callable[[str], None]) -> None:
    rng = random.Random(demo.rng.random())
    today = timezone.localdate()
    start = _month_start(_add_months(today, -11))
    months = [_add_months(start, i) for i in range(12)]
    held = 0
    drift: set[int] = set()  # members who stopped coming: absent everywhere since DRIFT_MONTHS
    for ci, c in enumerate(demo.communities):
        for bi, branch in enumerate(c.branches):
            habit = HABITS[(ci + bi) % 3]
            held += _branch_year(demo, branch, habit, months, today, rng, drift)
        held += _groups_year(demo, c, months, today, rng, drift)
        held += _council_year(demo, c, HABITS[ci % 3], months, today, rng)
        held += _study_groups(demo, c, months, today, rng, drift)
    held += _upper_bodies(demo, today, rng)
    log(f"组织生活：{held} 次会议（近 12 个月，含有意留下的空缺）")


# ---- dates -------------------------------------------------------------------------------
def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _add_months(day: dt.date, n: int) -> dt.date:
    y, m = divmod(day.year * 12 + day.month - 1 + n, 12)
    return dt.date(y, m + 1, 1)


def _on(month: dt.date, day: int) -> dt.date:
    nxt = _add_months(month, 1)
    return min(month.replace(day=day), nxt - dt.timedelta(days=1))


# ---- one branch's year ---------------------------------------------------------------------
def _branch_year(
    demo: Demo,
    branch: Organisation,
    habit: str,
    months: list[dt.date],
    today: dt.date,
    rng,
    drift: set[int],
) -> int:
    full = Member.objects.filter(org=branch, state=State.ACTIVE, status=Status.FULL).count()
    has_committee = full >= rules.value("org.branch_committee_threshold", "min_full_members")
    host = _secretary(branch)
    # members who stopped coming six months ago (red branches only; never office holders)
    drifting: set[int] = set()
    if habit == "red":
        drifting = set(
            Member.objects.filter(org=branch, state=State.ACTIVE, offices__isnull=True)
            .exclude(user__isnull=False)
            .order_by("-id")
            .values_list("pk", flat=True)[:2]
        )
    drift |= drifting
    since_drift = _drift_since(today)
    plan: list[tuple[str, dt.date]] = []
    skip_theme = {months[-5], months[-4]} if habit == "red" else set()
    for i, month in enumerate(months):
        current = month == months[-1]
        if month not in skip_theme:
            plan.append((MeetingKind.THEME_DAY, _when(month, 10, habit, current, today)))
        if has_committee and not (habit == "red" and i == 6):
            plan.append((MeetingKind.BRANCH_COMMITTEE, _when(month, 5, habit, current, today)))
        if (month.month - 1) % 3 == 1:  # the middle month of each quarter
            skipped_quarter = habit == "red" and i in (7, 8, 9)
            if not skipped_quarter:
                plan.append((MeetingKind.BRANCH_GENERAL, _on(month, 20)))
            plan.append((MeetingKind.PARTY_LECTURE, _on(month, 22)))
    # every branch has planned next month's theme day already
    plan.append((MeetingKind.THEME_DAY, _on(_add_months(months[-1], 1), 10)))
    # the year's organisational-life meeting and appraisal: held in Q4 by the diligent
    if habit == "green" and today.month >= 10:
        day = max(dt.date(today.year, 10, 1), today - dt.timedelta(days=6))
        plan += [(MeetingKind.ORG_LIFE, day), (MeetingKind.MEMBER_APPRAISAL, day)]
    # the branch secretary gives the party lectures (条例: at least one a year); a "red" branch's
    # lectures are given by someone else, so its secretary shows as still owing one
    lecturer = _secretary_member(branch) if habit != "red" else None
    count = 0
    for kind, date in plan:
        extra = {"lecturer": lecturer} if kind == MeetingKind.PARTY_LECTURE and lecturer else {}
        meeting = services.meeting_create(
            org=branch,
            acting_user=demo.admin,
            kind=kind,
            date=date,
            start_time=dt.time(9 if kind != MeetingKind.THEME_DAY else 15, 0),
            place=f"{branch.short_name or branch.name}活动室",
            host=host,
            recorder=host,
            topic=rng.choice(TOPICS.get(kind, (str(MeetingKind(kind).label),))),
            agenda="一、学习文件；二、讨论工作；三、安排下一步",
            minutes="（演示数据）会议由支部书记主持，传达学习有关精神，党员交流发言，提出意见建议。",
            decisions="会议同意按计划开展下一阶段工作。",
            **extra,
        )
        count += 1
        if date <= today:
            _attendance(meeting, rng, absent_ids=drifting if date >= since_drift else set())
    if drifting:
        member = Member.objects.get(pk=min(drifting))
        services.no_life_case_record(
            acting_user=demo.admin,
            member=member,
            org=branch,
            last_attended=since_drift,
            handling=NoLifeHandling.TALK,
            handled_on=today - dt.timedelta(days=3),
            note="支部书记上门谈话，本人表示因照顾老人难以参加，支部安排就近参加楼道小组活动。",
        )
    return count


def _drift_since(today: dt.date) -> dt.date:
    """Drifting members have not attended since seven months ago (the list takes six)."""
    return _add_months(today, -7)


def _when(month: dt.date, day: int, habit: str, current: bool, today: dt.date) -> dt.date:
    """This month's meeting of an "amber" branch is still ahead of today."""
    date = _on(month, day)
    if current and habit == "amber" and date <= today:
        later = today + dt.timedelta(days=4)
        return later if later.month == today.month else date
    return date


def _secretary(org: Organisation) -> str:
    office = Office.objects.filter(org=org, title=Office.Title.SECRETARY, left_on__isnull=True)
    return office.values_list("holder_name", flat=True).first() or ""


def _secretary_member(org: Organisation) -> Member | None:
    office = (
        Office.objects.filter(
            org=org, title=Office.Title.SECRETARY, left_on__isnull=True, member__isnull=False
        )
        .select_related("member")
        .first()
    )
    return office.member if office else None


def _attendance(meeting: Meeting, rng, *, absent_ids: set[int] = frozenset()) -> None:
    expected = expected_for(meeting)
    marks = []
    if expected.members is not None:
        for pk in expected.members.values_list("pk", flat=True):
            roll = rng.random()
            if pk in absent_ids or roll < 0.05:
                marks.append(services.Mark(status=AttendanceStatus.ABSENT, member_id=pk))
            elif roll < 0.12:
                marks.append(
                    services.Mark(
                        status=AttendanceStatus.EXCUSED,
                        member_id=pk,
                        reason=rng.choice(LEAVE_REASONS),
                    )
                )
    services.attendance_record(meeting=meeting, marks=marks, acting_user=None)


# ---- groups, councils, study groups, upper bodies -------------------------------------------
def _groups_year(demo: Demo, c: Community, months, today, rng, drift: set[int]) -> int:
    """Corridor groups meet monthly (a third of them every other month). There are some 250
    groups, so their meetings are written in bulk — one audit entry per group says so."""
    rows: list[Meeting] = []
    attendees: dict[int, list[int]] = {}
    for gi, group in enumerate(c.groups):
        diligent = gi % 3 != 2
        who = group_members_q(group) & Q(state=State.ACTIVE)
        attendees[group.pk] = list(Member.objects.filter(who).values_list("pk", flat=True))
        if not attendees[group.pk]:
            continue  # no member lives in its corridors (a tiny branch): no one to meet
        for i, month in enumerate(months):
            date = _on(month, 15)
            if (not diligent and i % 2) or date > today:
                continue
            rows.append(
                Meeting(
                    org=group,
                    kind=MeetingKind.GROUP,
                    date=date,
                    place=group.name.replace("党小组", "楼道"),
                    host=f"{group.short_name or group.name}组长",
                    topic=rng.choice(TOPICS[MeetingKind.GROUP]),
                    created_by=demo.admin,
                    attendance_taken_at=timezone.now(),
                )
            )
    Meeting.objects.bulk_create(rows)
    marks: list[Attendance] = []
    for meeting in rows:
        for pk in attendees.get(meeting.org_id, ()):
            roll = rng.random()
            gone = pk in drift and meeting.date >= _drift_since(today)
            status = (
                AttendanceStatus.ABSENT
                if gone or roll < 0.05
                else AttendanceStatus.EXCUSED
                if roll < 0.12
                else AttendanceStatus.PRESENT
            )
            reason = rng.choice(LEAVE_REASONS) if status == AttendanceStatus.EXCUSED else ""
            marks.append(Attendance(meeting=meeting, member_id=pk, status=status, reason=reason))
    Attendance.objects.bulk_create(marks, batch_size=2000)
    for group in c.groups:
        n = sum(1 for m in rows if m.org_id == group.pk)
        if n:
            audit.record(
                action=AuditEntry.Action.CREATE,
                obj=group,
                acting_user=demo.admin,
                field="meetings",
                changes={
                    "meetings": {"before": None, "after": f"演示数据：批量建立 {n} 次党小组会"}
                },
            )
    return len(rows)


def _council_year(demo: Demo, c: Community, habit: str, months, today, rng) -> int:
    body = services.body_create(
        acting_user=demo.admin,
        org=c.org,
        kind=BodyKind.JOINT,
        name=f"{c.spec.name}党建联席会",
        established_on=dt.date(2016, 1, 1),
    )
    units = list(ResidentUnit.objects.filter(community=c.org).order_by("id")[:8])
    seats = [
        services.seat_create(
            body=body, unit=u, acting_user=demo.admin, joined_on=dt.date(2016, 1, 1)
        )
        for u in units
    ]
    leaders = [
        services.leader_link_create(
            acting_user=demo.admin,
            community=c.org,
            name=names.han_name(rng, rng.choice("MF")),
            title=title,
            since=dt.date(today.year - 1, 1, 1),
        )
        for title in LEADER_TITLES
    ]
    count = 0
    skip = {months[-4], months[-3]} if habit == "red" else set()
    # a red community's first unit stays away twice this calendar year without leave (two
    # notices: no awards this year); its second unit once (one notice: still eligible)
    this_year = [m for m in months if m.year == today.year and _on(m, 25) <= today]
    truancy = {}
    if habit == "red" and len(seats) >= 2 and len(this_year) >= 3:
        truancy = {
            (seats[0].pk, this_year[0]),
            (seats[0].pk, this_year[2]),
            (seats[1].pk, this_year[1]),
        }
    for i, month in enumerate(months):
        date = _on(month, 25)
        if month in skip or date > today:
            continue
        quarter_month = (month.month - 1) % 3 == 1
        meeting = services.meeting_create(
            org=c.org,
            acting_user=demo.admin,
            kind=MeetingKind.COUNCIL,
            body=body,
            date=date,
            place=f"{c.spec.name}党群服务中心",
            host=_secretary(c.org),
            topic=rng.choice(TOPICS[MeetingKind.COUNCIL]),
            leaders=[leaders[i % 3]] if quarter_month and not (habit == "red" and i >= 9) else [],
        )
        marks = []
        for seat in seats:
            if (seat.pk, month) in truancy:
                marks.append(services.Mark(status=AttendanceStatus.ABSENT, seat_id=seat.pk))
            elif rng.random() < 0.1:
                marks.append(
                    services.Mark(
                        status=AttendanceStatus.EXCUSED,
                        seat_id=seat.pk,
                        reason=rng.choice(("单位有紧急任务", "负责人出差", "参加县里会议")),
                    )
                )
        services.attendance_record(meeting=meeting, marks=marks, acting_user=None)
        count += 1
    # the leaders' supervision visits, one a quarter (a red community missed the last one)
    for i, month in enumerate(months):
        if (month.month - 1) % 3 != 1 or (habit == "red" and i >= 9):
            continue
        date = _on(month, 12)
        if date > today:
            continue
        services.meeting_create(
            org=c.org,
            acting_user=demo.admin,
            kind=MeetingKind.LEADER_VISIT,
            date=date,
            place=f"{c.spec.name}党群服务中心",
            host=leaders[i % 3].name,
            topic="督导社区党建工作",
            minutes="听取社区党组织工作汇报，实地查看党群服务中心，指出问题并提出整改要求。",
            leaders=[leaders[i % 3]],
        )
        count += 1
    return count


def _study_groups(demo: Demo, c: Community, months, today, rng, drift: set[int]) -> int:
    count = 0
    active = Member.objects.filter(org__path__startswith=c.org.path, state=State.ACTIVE)
    for category, label in ((Category.RETIRED, "离退休"), (Category.IN_SERVICE, "在职")):
        members = list(active.filter(categories__category=category)[:25])
        if not members:
            continue
        group = services.study_group_create(
            acting_user=demo.admin,
            org=c.org,
            name=f"{c.spec.name}{label}党员学习小组",
            category=category,
            members=members,
        )
        for i, month in enumerate(months):
            date = _on(month, 18)
            if i % 2 or date > today:
                continue
            meeting = services.meeting_create(
                org=c.org,
                acting_user=demo.admin,
                kind=MeetingKind.STUDY,
                study_group=group,
                date=date,
                topic=rng.choice(TOPICS[MeetingKind.THEME_DAY]),
            )
            _attendance(meeting, rng, absent_ids=drift if date >= _drift_since(today) else set())
            count += 1
    return count


def _upper_bodies(demo: Demo, today: dt.date, rng) -> int:
    count = 0
    for ti, town in enumerate(demo.towns):
        body = services.body_create(
            acting_user=demo.admin,
            org=town,
            kind=BodyKind.COORDINATION,
            name=f"{town.short_name}社区党建协调委员会",
        )
        communities = [c.org for c in demo.communities if c.town.pk == town.pk]
        seats = [
            services.seat_create(
                body=body,
                member_org=org,
                name=org.name,
                head=_secretary(org),
                acting_user=demo.admin,
                joined_on=dt.date(2016, 1, 1),
            )
            for org in communities
        ]
        # half-yearly; the third town has not met this half year yet
        for date in (dt.date(today.year, 1, 16), dt.date(today.year, 7, 16)):
            if date > today or (ti == 2 and date.month == 7):
                continue
            meeting = services.meeting_create(
                org=town,
                acting_user=demo.admin,
                kind=MeetingKind.COUNCIL,
                body=body,
                date=date,
                place=f"{town.short_name}党委会议室",
                topic="半年社区党建工作协调会",
            )
            services.attendance_record(meeting=meeting, marks=[], acting_user=None)
            count += 1
        del seats
    body = services.body_create(
        acting_user=demo.admin,
        org=demo.county,
        kind=BodyKind.GUIDANCE,
        name="示例县社区大党建指导委员会",
    )
    for town in demo.towns:
        services.seat_create(
            body=body,
            member_org=town,
            name=town.name,
            acting_user=demo.admin,
            joined_on=dt.date(2016, 1, 1),
        )
    meeting = services.meeting_create(
        org=demo.county,
        acting_user=demo.admin,
        kind=MeetingKind.COUNCIL,
        body=body,
        date=dt.date(today.year - 1, 12, 28),
        place="县委会议室",
        topic="年度社区大党建工作总结表彰暨部署会",
    )
    services.attendance_record(meeting=meeting, marks=[], acting_user=None)
    return count + 1


def upcoming_for_member_account() -> Meeting | None:
    """The next meeting the demo's member account is expected at (for the README tour)."""
    member = Member.objects.filter(user__username="member").first()
    if member is None:
        return None
    return (
        Meeting.objects.filter(org=member.org, date__gte=timezone.localdate(), cancelled=False)
        .order_by("date")
        .first()
    )


__all__ = ["Body", "LeaderLink", "build_meetings", "upcoming_for_member_account"]
