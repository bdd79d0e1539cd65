"""Indicators of 党员队伍好: dues paid on time, development steps on time, commitments kept,
in-service members' deeds.

Each reads the community's records through the selectors and rules of the app that keeps them,
so the figures agree with that app's pages:

* ``members.dues`` — one record per member on the community's register (the event-sourced
  register of ``members``: where a member's latest event at the end of a month put them) who
  owed dues in the year. A month is *owed* as the dues ledger (``dues.selectors.ledger``) says:
  on or after the month of admission and once a dues base is set; a month not paid for which a
  good reason (``ArrearsReason``) was recorded is left out, as on the art. 9 list. Months are
  counted up to the last month that had ended by ``ctx.end``. A month is *paid on time* when it
  was paid by ``ctx.end`` and not later than the back-payment limit of rule
  ``dues.back_payment`` (the same test the payment service warns with). Points = months paid on
  time, out of the months owed. Five queries for any number of members (two when none of them
  has a dues base: nothing more is read about members who cannot owe).
* ``members.development`` — one record per development *step with a deadline* that fell due in
  the year (``development.timing``): the talk after the application (``dev.applicant_talk``),
  the approval after admission (``dev.approval``) and 转正 at the end of probation
  (``dev.probation``; on time when not before the end of probation — the rules record a later
  discussion only as a notice). A step not done by ``ctx.end`` whose due date has passed is
  overdue; one whose due date is still to come is not counted yet; nothing is due from a person
  whose development was stopped before the step fell due. One query.
* ``members.commitments`` — each commitment of the community's branches whose evaluation was
  concluded (评定等次) in the year: met when graded 合格 or 优秀 (``commitments.evaluation``, rule
  ``commitment.evaluation``). One query.
* ``members.deeds`` — each check-in (在职党员到社区报到) at the community during the year: met when
  the member's deeds in the community while checked in that year reach ``min_per_year`` of rule
  ``cobuild.member_deeds`` — counted by ``deeds.selectors.member_tallies`` the way the check-in
  page counts them. One query for the check-ins and one for the deeds.
"""

from __future__ import annotations

import calendar
import datetime as dt
from bisect import bisect_left
from collections import defaultdict

from django.db.models import F, Min, Q

from dangjian.core import rules

from .base import Batch, Ctx, Good, Indicator, Measure, Record, in_ids, url_of


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _cutoff(ctx: Ctx) -> dt.date:
    """A step due before this day and not done by ``ctx.end`` is overdue: while the year runs,
    a step due today still has today; once the year is over, one due on 31 December is late."""
    return min(ctx.today, ctx.end + dt.timedelta(days=1))


def _period_note(ctx: Ctx) -> str:
    if ctx.running:
        return f"{ctx.year} 年尚未结束，按截至 {_cn(ctx.end)} 的记录计"
    return f"按 {ctx.year} 年全年记录计"


# ---- members.dues --------------------------------------------------------------------------------
def _months_list(months: list[dt.date]) -> str:
    return "、".join(f"{m.month}月" for m in months)


def measure_dues(b: Batch) -> dict[int, Measure]:
    from dangjian.dues.models import ArrearsReason
    from dangjian.dues.months import add_months, month_of, months_between
    from dangjian.members.models import Member, MemberEvent, State

    key = "members.dues"
    last = month_of(b.end)
    if b.end != _month_end(last):
        last = add_months(last, -1)  # the month of ctx.end has not ended yet
    months = months_between(b.start, last) if last >= b.start else []
    if b.running:
        pending = "（当月党费未到期）" if last < month_of(b.end) else ""
        note = (
            f"按 {b.year} 年 1–{last.month} 月计{pending}"
            if months
            else f"{b.year} 年还没有到期的党费"
        )
    else:
        note = f"按 {b.year} 年 1–12 月计"
    if not months:
        return b.empty(key, note)
    ends = [_month_end(m) for m in months]
    # Every organisation of the communities' subtrees at which someone had an event by the last
    # month's end (→ its community and name), and who: one read by the organisations' paths.
    owner_of: dict[int, int] = {}
    names: dict[int, str] = {}
    seen: set[int] = set()
    owners: dict[str, int | None] = {}
    for mid, org_id, path, name in (
        MemberEvent.objects.filter(b.subtree("org__path"), date__lte=ends[-1])
        .order_by()
        .values_list("member_id", "org_id", "org__path", "org__name")
    ):
        if path not in owners:
            owners[path] = b.owner(path)
        if owners[path] is not None:
            owner_of[org_id], names[org_id] = owners[path], name
            seen.add(mid)
    # The members are then read by their ids, as a list: given them as a subquery, PostgreSQL
    # read the whole events table or members table and hashed it rather than look the members
    # up by the index (65–100 ms for a street at 200,000 members, against 8; more in a larger
    # city, as the tables grow).
    ids = sorted(seen)
    if not ids:
        return b.empty(key, note)
    # each member's name, month of admission and first dues base, in one read
    person: dict[int, tuple[str, dt.date]] = {}
    first_base: dict[int, dt.date] = {}
    for mid, name, joined, since in (
        Member.objects.filter(in_ids(Member, "id", ids))
        .order_by()
        .annotate(since=Min("dues_bases__from_month", filter=Q(dues_bases__from_month__lte=last)))
        .values_list("pk", "name", "joined_on", "since")
    ):
        person[mid] = (name, joined)
        if since is not None:
            first_base[mid] = since
    # only those with a dues base can owe (the ledger shows the others nothing owed): nothing
    # more is read about the others
    ids = [mid for mid in ids if mid in first_base]
    if not ids:
        return b.empty(key, note)
    # Every event of those members up to the last month's end, wherever it was: where each
    # member's latest event at a month's end put them tells whether they were on the register
    # that month (members.selectors.register_on, one month at a time).
    timeline: dict[int, list[tuple[dt.date, int, str]]] = defaultdict(list)
    for mid, day, org_id, state in (
        MemberEvent.objects.filter(in_ids(MemberEvent, "member", ids), date__lte=ends[-1])
        .order_by("member_id", "date", "seq", "id")
        .values_list("member_id", "date", "org_id", "state")
    ):
        timeline[mid].append((day, org_id, state))
    # (community, member) → the months the member was on that community's register
    on_register: dict[tuple[int, int], list[dt.date]] = defaultdict(list)
    org_name: dict[tuple[int, int], str] = {}
    # Each event decides where its member was at the end of every month from the first month
    # ending on or after it to the month before the next event's (an event followed by another
    # in the same month decides nothing): found by bisection, not month by month.
    active = State.ACTIVE
    for mid, rows in timeline.items():
        first = bisect_left(months, month_of(person[mid][1]))  # counted from admission
        starts = [bisect_left(ends, day) for day, _org, _state in rows]
        starts.append(len(months))
        for i, (_day, org_id, state) in enumerate(rows):
            a, z = starts[i], starts[i + 1]
            if a >= z or state != active or org_id not in owner_of:
                continue  # superseded that month, or off the communities' registers
            here = (owner_of[org_id], mid)
            org_name[here] = names[org_id]
            if max(a, first) < z:
                on_register[here].extend(months[max(a, first) : z])
    ids = sorted({mid for _c, mid in on_register})
    backs = {
        ctx.community.pk: int(
            rules.value("dues.back_payment", "max_back_months", org=ctx.community)
        )
        for ctx in b.ctxs
    }
    # Each member's months paid (by ``end``) and, for each back-payment limit, those paid on
    # time — as bit masks over ``months`` (``bit``): one grouped row per member, not a row per
    # month paid (some 27,000 for a street of 2,800 members).
    bit = {month: 1 << k for k, month in enumerate(months)}
    paid = _paid_masks(ids, months, bit, set(backs.values()), b) if ids else {}
    excused: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    if ids:
        for mid, a, z in ArrearsReason.objects.filter(
            in_ids(ArrearsReason, "member", ids), from_month__lte=last, to_month__gte=b.start
        ).values_list("member_id", "from_month", "to_month"):
            excused[mid].append((a, z))
    dues_url = url_of("dues:member")
    mine: dict[int, list[int]] = defaultdict(list)
    for c, mid in on_register:
        mine[c].append(mid)
    sink = b.sink()
    out = {}
    for ctx in b.ctxs:
        cpk = ctx.community.pk
        back = backs[cpk]
        here = mine[cpk]
        if sink.full:  # the drill-down's order; the sums need none
            here = sorted(here, key=lambda m: (org_name[(cpk, m)], person[m][0], m))
        for mid in here:
            since = first_base.get(mid)
            if since is None:
                continue  # no dues base: the ledger shows nothing owed
            owed, on_time, unpaid, late, reasoned = [], [], [], [], []
            paid_mask, on_time_masks = paid.get(mid, (0, {}))
            on_time_mask, excused_here = on_time_masks.get(back, 0), excused.get(mid)
            for month in on_register[(cpk, mid)]:
                if month < since:
                    continue
                if on_time_mask & bit[month]:
                    owed.append(month)
                    on_time.append(month)
                elif (
                    not paid_mask & bit[month]
                    and excused_here
                    and any(a <= month <= z for a, z in excused_here)
                ):
                    reasoned.append(month)
                else:
                    owed.append(month)
                    (late if paid_mask & bit[month] else unpaid).append(month)
            if not owed:
                continue
            if not sink.count(cpk, len(on_time) == len(owed), len(on_time), len(owed)):
                continue
            parts = [f"应交 {len(owed)} 个月，按时交纳 {len(on_time)} 个月"]
            if unpaid:
                parts.append(f"未交：{_months_list(unpaid)}")
            if late:
                parts.append(f"补交超过 {back} 个月：{_months_list(late)}")
            if reasoned:
                parts.append(f"有正当理由未交（不计）：{_months_list(reasoned)}")
            sink.add(
                cpk,
                Record(
                    label=f"{person[mid][0]}（{org_name[(cpk, mid)]}）",
                    ok=len(on_time) == len(owed),
                    url=dues_url(mid),
                    note="；".join(parts),
                    points=len(on_time),
                    out_of=len(owed),
                ),
            )
        out[cpk] = sink.measure(key, cpk, note)
    return out


def _paid_masks(
    ids: list[int], months: list[dt.date], bit: dict[dt.date, int], backs: set[int], b: Batch
) -> dict[int, tuple[int, dict[int, int]]]:
    """member → (months paid by ``b.end``, {back-payment limit: months paid on time}), each a
    bit mask over ``months``. A month is paid on time when paid not later than ``back`` months
    after it (rule ``dues.back_payment``): paid before the first day of month + back + 1."""
    from django.db.models import Case, IntegerField, Sum, Value, When

    from dangjian.dues.models import PaidMonth
    from dangjian.dues.months import add_months

    paid = PaidMonth.objects.filter(
        in_ids(PaidMonth, "member", ids),
        month__gte=months[0],
        month__lte=months[-1],
        payment__paid_on__lte=b.end,
    ).order_by()

    def mask(on_time_for: int | None) -> Sum:
        """The sum of the bits of the months paid (on time for ``on_time_for``, if given): a
        month is paid at most once, so the sum is the mask."""
        return Sum(
            Case(
                *[
                    When(
                        month=month,
                        **(
                            {"payment__paid_on__lt": add_months(month, on_time_for + 1)}
                            if on_time_for is not None
                            else {}
                        ),
                        then=Value(bit[month]),
                    )
                    for month in months
                ],
                default=Value(0),
                output_field=IntegerField(),
            )
        )

    order = sorted(backs)
    sums = {"paid": mask(None)} | {f"on_time_{i}": mask(back) for i, back in enumerate(order)}
    out: dict[int, tuple[int, dict[int, int]]] = {}
    for row in paid.values("member_id").annotate(**sums):
        on_time = {back: row[f"on_time_{i}"] for i, back in enumerate(order)}
        out[row["member_id"]] = (row["paid"], on_time)
    return out


# ---- members.development -------------------------------------------------------------------------
def _development_steps(c, r, ctx: Ctx) -> list[tuple[str, dt.date, dt.date | None, bool, str]]:  # noqa: ANN001
    """Each step of one person that has a deadline: (step, due, done by ctx.end, ok, why)."""
    from dangjian.development import timing
    from dangjian.development.models import Step

    def by_end(day: dt.date | None) -> dt.date | None:
        return day if day is not None and day <= ctx.end else None

    out = []
    # the talk: within dev.applicant_talk days of the application
    due = timing.talk_due(applied_on=c.applied_on, r=r)
    done = by_end(c.talked_on)
    if done is None:
        out.append((Step.TALKED, due, None, False, f"应于 {_cn(due)} 前谈话，逾期未谈话"))
    else:
        late = (done - due).days
        why = f"应于 {_cn(due)} 前谈话，{_cn(done)} 谈话" + (
            f"，晚了 {late} 天" if late > 0 else ""
        )
        out.append((Step.TALKED, due, done, late <= 0, why))
    if c.admitted_on is None or c.admitted_on > ctx.end:
        return out
    # the approval: within dev.approval months of admission
    due, _limit = timing.approval_due(admitted_on=c.admitted_on, r=r)
    done = by_end(c.approved_on)
    if done is None:
        out.append((Step.APPROVED, due, None, False, f"应于 {_cn(due)} 前审批，逾期未审批"))
    else:
        why = f"应于 {_cn(due)} 前审批，{_cn(done)} 审批" + ("" if done <= due else "，晚于规定")
        out.append((Step.APPROVED, due, done, done <= due, why))
    # 转正: when probation (or its extension) ends; earlier is against dev.probation
    ends = timing.probation_ends(
        admitted_on=c.admitted_on, extended_until=c.probation_extended_until, r=r
    )
    done = by_end(c.full_on)
    if done is None:
        out.append((Step.FULL, ends, None, False, f"预备期已于 {_cn(ends)} 届满，尚未讨论转正"))
    elif done < ends:
        why = f"{_cn(done)} 转正，早于预备期届满（{_cn(ends)}）"
        out.append((Step.FULL, ends, done, False, why))
    else:
        late = (done - ends).days
        why = f"预备期 {_cn(ends)} 届满，{_cn(done)} 转正" + (
            f"（晚 {late} 天讨论）" if late else ""
        )
        out.append((Step.FULL, ends, done, True, why))
    return out


def measure_development(b: Batch) -> dict[int, Measure]:
    from dangjian.development.models import Candidate, Step
    from dangjian.development.selectors import RulesByOrg

    rules_for = RulesByOrg()
    people = (
        Candidate.objects.filter(b.subtree("org__path"))
        .filter(applied_on__lte=b.end)
        .select_related("org")
        .order_by("applied_on", "pk")
    )
    found: dict[int, list[tuple[dt.date, int, Record]]] = {pk: [] for pk in b.pks}
    sink = b.sink()
    detail = url_of("development:detail")
    for c in people:
        owner = b.owner(c.org.path)
        if owner is None:
            continue
        ctx = b.by_pk[owner]
        cutoff = _cutoff(ctx)
        url = detail(c.pk)
        for step, due, done, ok, why in _development_steps(c, rules_for(c.org), ctx):
            if not ctx.start <= due <= ctx.end:
                continue  # fell due in another year
            if done is None and due >= cutoff:
                continue  # still has time
            if done is None and c.stopped_on is not None and c.stopped_on <= due:
                continue  # development stopped before the step fell due: nothing owed
            if not sink.count(owner, ok):
                continue
            label = f"{c.name} {Step(step).label}"
            found[owner].append((due, c.pk, Record(label=label, ok=ok, url=url, note=why, day=due)))
    out = {}
    for ctx in b.ctxs:
        pk = ctx.community.pk
        for _due, _pk, record in sorted(found[pk], key=lambda f: (f[0], f[1])):
            sink.add(pk, record)
        out[pk] = sink.measure("members.development", pk, _period_note(ctx))
    return out


# ---- members.commitments -------------------------------------------------------------------------
def measure_commitments(b: Batch) -> dict[int, Measure]:
    from dangjian.commitments.evaluation import EXCELLENT, PASS
    from dangjian.commitments.models import State, Step

    concluded = (
        Step.objects.filter(
            b.subtree("commitment__org__path"),
            to_state=State.EVALUATED,
            on__gte=b.start,
            on__lte=b.end,
        )
        .annotate(org_path=F("commitment__org__path"))
        .select_related("commitment__member")
        .order_by("on", "pk")
    )
    sink = b.sink()
    detail = url_of("commitments:detail")
    for s in concluded:
        owner = b.owner(s.org_path)
        if owner is None:
            continue
        c = s.commitment
        if not sink.count(owner, c.grade in (EXCELLENT, PASS)):
            continue
        score = f"综合得分 {c.score}，" if c.score is not None else ""
        sink.add(
            owner,
            Record(
                label=f"{c.member.name}：{c.title}（{c.year} 年度）",
                ok=c.grade in (EXCELLENT, PASS),
                url=detail(c.pk),
                note=f"{score}评定为{c.grade or '（未评定）'}",
                day=s.on,
            ),
        )
    return {
        ctx.community.pk: sink.measure("members.commitments", ctx.community.pk, _period_note(ctx))
        for ctx in b.ctxs
    }


# ---- members.deeds -------------------------------------------------------------------------------
def measure_deeds(b: Batch) -> dict[int, Measure]:
    from dangjian.checkin.models import CheckIn
    from dangjian.deeds.models import Participant

    checkins = list(
        CheckIn.objects.filter(b.subtree("community__path"), checked_in_on__lte=b.end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=b.start))
        .annotate(community_path=F("community__path"))
        .select_related("member")
        .order_by("member__name", "pk")
    )
    # Deeds in the community while checked in that year, counted as checkin.selectors counts
    # them (deeds.selectors.member_tallies: distinct deeds of the member dated from the day of
    # checking in, or 1 January, to the end of the check-in, or ``end``, in the community's
    # subtree) — here for every check-in of every community from one query.
    owner = {c.pk: b.owner(c.community_path) for c in checkins}
    deeds: dict[tuple[int, int], set[tuple[int, dt.date]]] = defaultdict(set)
    if checkins:
        for mid, deed_id, day, path in (
            Participant.objects.filter(
                b.subtree("deed__community__path"),
                member_id__in={c.member_id for c in checkins},
                deed__date__gte=b.start,
                deed__date__lte=b.end,
            )
            .values_list("member_id", "deed_id", "deed__date", "deed__community__path")
            .order_by()
        ):
            deeds[(b.owner(path), mid)].add((deed_id, day))
    sink = b.sink()
    checkin_url = url_of("checkin:detail")
    wants = {
        c.pk: int(rules.value("cobuild.member_deeds", "min_per_year", org=c)) for c in b.communities
    }
    for c in checkins:
        cpk = owner[c.pk]
        if cpk is None:
            continue
        ctx, wanted = b.by_pk[cpk], wants[cpk]
        since = max(ctx.start, c.checked_in_on)
        until = min(ctx.end, c.ended_on) if c.ended_on else ctx.end
        n = len({d for d, day in deeds[(cpk, c.member_id)] if since <= day <= until})
        if not sink.count(cpk, n >= wanted):
            continue
        ended = f"，{_cn(c.ended_on)} 解除报到" if c.ended_on and c.ended_on <= ctx.end else ""
        sink.add(
            cpk,
            Record(
                label=c.member.name,
                ok=n >= wanted,
                url=checkin_url(c.pk),
                note=f"{_cn(c.checked_in_on)} 报到{ended}；{ctx.year} 年办实事 {n} 件"
                f"（应不少于 {wanted} 件）",
                day=c.checked_in_on,
            ),
        )
    return {
        ctx.community.pk: sink.measure("members.deeds", ctx.community.pk, _period_note(ctx))
        for ctx in b.ctxs
    }


INDICATORS: list[Indicator] = [
    Indicator(
        key="members.dues",
        good=Good.MEMBERS,
        title="按时交纳党费",
        explain="本社区在册党员当年应交党费的月份中按时交纳的比例：自入党当月、设置党费基数起按月应交，"
        "有正当理由未交的月份不计；补交超过规定月数的不算按时。每名党员一行，按月计分。",
        many=measure_dues,
        unit="人",
    ),
    Indicator(
        key="members.development",
        good=Good.MEMBERS,
        title="发展党员按期",
        explain="当年到期的发展党员环节（申请后谈话、支部大会接收后审批、预备期满转正）按规定期限完成的比例。",
        many=measure_development,
        unit="项",
    ),
    Indicator(
        key="members.commitments",
        good=Good.MEMBERS,
        title="承诺践诺",
        explain="当年完成评诺的党员承诺中评定为合格或优秀的比例（分层评诺）。",
        many=measure_commitments,
        unit="件",
    ),
    Indicator(
        key="members.deeds",
        good=Good.MEMBERS,
        title="在职党员办实事",
        explain="当年到本社区报到的在职党员中，报到期间在本社区办实事达到规定件数的比例。",
        many=measure_deeds,
        unit="人",
    ),
]
