"""Indicators of 领导班子好: committees complete and in term, secretaries' party lectures, the
community workers' staffing and their training (SPEC §1, §3, §9, §10).

Each indicator reads through the selector of the page that already shows the same judgement
(the structural warnings, the secretary's lecture, the staffing against its quota, the
party-school rules), so a record here and the page it links to always agree. Every number comes
from the rules table through those selectors. Each costs a handful of queries for a community of
any size.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.core.access import subtree_q
from dangjian.orgs.models import BRANCH_KINDS, Office, Organisation
from dangjian.orgs.selectors.tree import member_counts
from dangjian.orgs.selectors.warnings import WarningKind, org_warnings

from .base import Ctx, Good, Indicator, Measure, Record


def as_of_note(ctx: Ctx) -> str:
    """The one line under a figure: the span it counts."""
    if ctx.running:
        return _("按 %(y)d 年 1 月 1 日至 %(d)s 计（年度未结束，计到当日）") % {
            "y": ctx.year,
            "d": f"{ctx.end.month}月{ctx.end.day}日",
        }
    return _("按 %(y)d 年全年计") % {"y": ctx.year}


def _with_query(name: str, *args: object, **query: object) -> str:
    return reverse(name, args=args) + "?" + "&".join(f"{k}={v}" for k, v in query.items())


# ---- lead.committee ----------------------------------------------------------------------------
#: What makes a leadership body incomplete or out of term, in the warnings page's own words.
#: A term ending soon (TERM_ENDING) is still current; size warnings are about the kind of
#: organisation, not its leadership.
FAILING = (
    WarningKind.NO_SECRETARY,
    WarningKind.NEEDS_COMMITTEE,
    WarningKind.COMMITTEE_TOO_LARGE,
    WarningKind.TERM_ENDED,
)


def _committee(ctx: Ctx) -> Measure:
    """The community organisation and each active branch below it that must have a committee
    (正式党员 at the rule's threshold or more), judged as the warnings page judges them on
    ``ctx.end``. Four queries (five with locality overrides)."""
    from dangjian.meetings.selectors.rulenums import numbers_by_org

    community = ctx.community
    orgs = list(
        Organisation.objects.filter(subtree_q("path", community.path), is_active=True)
        .filter(Q(pk=community.pk) | Q(kind__in=BRANCH_KINDS))
        .order_by("path")
    )
    if not any(o.pk == community.pk for o in orgs):  # an inactive community is still assessed
        orgs.insert(0, community)
    branches = [o for o in orgs if o.kind in BRANCH_KINDS]
    counts = member_counts(orgs=branches)
    threshold = numbers_by_org("org.branch_committee_threshold", root=community, orgs=branches)
    judged = [
        o
        for o in orgs
        if o.pk == community.pk or counts[o.pk].full >= int(threshold[o.pk]["min_full_members"])
    ]
    found = org_warnings(orgs=judged, on=ctx.end)
    records = []
    for org in judged:
        warnings = found.get(org.pk, [])
        bad = [w for w in warnings if w.kind in FAILING]
        if bad:
            note = "；".join(w.message for w in bad)
        else:
            note = _("班子健全，任期未届满。")
            ending = [w for w in warnings if w.kind == WarningKind.TERM_ENDING]
            if ending:
                note += ending[0].message
        if org.kind in BRANCH_KINDS:
            label = _("%(org)s（正式党员 %(n)d 名）") % {"org": org.name, "n": counts[org.pk].full}
        else:
            label = org.name
        records.append(
            Record(
                label=label,
                ok=not bad,
                url=reverse("orgs:detail", args=[org.pk]),
                note=note,
            )
        )
    return Measure(
        key="lead.committee",
        records=records,
        note=_("%(span)s；班子和任期按 %(d)s 的任职记录，党员人数按当前名册")
        % {
            "span": as_of_note(ctx),
            "d": ctx.end.isoformat(),
        },
    )


# ---- lead.lectures -----------------------------------------------------------------------------
def _community_secretary_lecture(ctx: Ctx) -> tuple[Office | None, list[dt.date]]:
    """The community organisation's own secretary (when it is not itself a branch, which the
    lectures selector covers) and the lectures they gave in its subtree — the selector's rule,
    applied to the one organisation it leaves out. Two queries."""
    from dangjian.meetings.models import Meeting, MeetingKind

    community, on = ctx.community, ctx.end
    office = (
        Office.objects.filter(org=community, title=Office.Title.SECRETARY, term_start__lte=on)
        .current(on)
        .order_by("-term_start", "-id")
        .first()
    )
    if office is None or not office.member_id:
        return office, []
    days = list(
        Meeting.objects.filter(
            subtree_q("org__path", community.path),
            kind=MeetingKind.PARTY_LECTURE,
            cancelled=False,
            lecturer_id=office.member_id,
            date__gte=ctx.start,
            date__lte=ctx.end,
        )
        .order_by("date", "id")
        .values_list("date", flat=True)
    )
    return office, days


def _lecture_record(ctx: Ctx, org: Organisation, office: Office, need: int, days: list) -> Record:
    done = len(days) >= need
    if office.member_id is None:
        # the lectures selector's own rule: a secretary not on the register cannot be matched
        note = _("书记只登记了姓名，未关联党员档案，无法核对其讲党课的记录；应讲 %(need)d 次。") % {
            "need": need
        }
    else:
        note = _("讲党课 %(n)d 次，应讲 %(need)d 次。") % {"n": len(days), "need": need}
    return Record(
        label=_("%(org)s 书记 %(name)s") % {"org": org.name, "name": office.holder_name},
        ok=done,
        url=_with_query("meetings:cadence", org=org.pk, year=ctx.year),
        note=note,
        day=days[-1] if days else None,
    )


def _lectures(ctx: Ctx) -> Measure:
    """Each branch secretary in office on ``ctx.end`` (and the community organisation's own
    secretary): at least the rule's lectures that year. Three to six queries."""
    from dangjian.meetings.selectors.lectures import NUMBER, RULE, secretary_lectures
    from dangjian.meetings.selectors.rulenums import numbers_by_org

    community = ctx.community
    records = []
    if community.kind not in BRANCH_KINDS:
        need = int(numbers_by_org(RULE, root=community, orgs=[community])[community.pk][NUMBER])
        office, days = _community_secretary_lecture(ctx)
        if office is not None:
            records.append(_lecture_record(ctx, community, office, need, days))
    result = secretary_lectures(user=ctx.user, org=community, year=ctx.year, today=ctx.end)
    for row in result.rows:
        if row.office is None:
            continue  # no secretary in office: lead.committee counts that
        days = [day for _pk, day in row.lectures]
        records.append(_lecture_record(ctx, row.org, row.office, row.need, days))
    return Measure(key="lead.lectures", records=records, note=as_of_note(ctx))


# ---- lead.staffing -----------------------------------------------------------------------------
def _staffing(ctx: Ctx) -> Measure:
    """Each quota line of the community's staffing on ``ctx.end`` (rules ``staff.county_seat`` /
    ``staff.other_town``). Three queries."""
    from dangjian.core import rules
    from dangjian.staff.selectors import staffing

    community = ctx.community
    (row,) = staffing([community], on=ctx.end)
    url = _with_query("staff:home", org=community.pk)
    records = [
        Record(
            label=label,
            ok=have >= need,
            url=url,
            note=(
                _("现有 %(have)d 名，应不少于 %(need)d 名。")
                if have >= need
                else _("现有 %(have)d 名，应不少于 %(need)d 名，缺 %(missing)d 名。")
            )
            % {"have": have, "need": need, "missing": missing},
        )
        for _key, label, have, need, missing in row.rows
        if need > 0  # a quota a locality set to 0 asks for nothing
    ]
    return Measure(
        key="lead.staffing",
        records=records,
        note=_("%(rule)s；按 %(d)s 在岗人员计")
        % {
            "rule": rules.get(row.rule_id).title,
            "d": ctx.end.isoformat(),
        },
    )


# ---- lead.training -----------------------------------------------------------------------------
def _training(ctx: Ctx) -> Measure:
    """Each community worker in post on ``ctx.end``: that year's party-school courses against
    ``training.county`` and ``training.town``. Two queries (more with locality overrides)."""
    from dangjian.staff.selectors import staff_visible
    from dangjian.training.selectors import staff_compliance

    community = ctx.community
    staff = list(staff_visible(user=ctx.user, community=community, on=ctx.end))
    roster = _with_query("staff:home", org=community.pk)
    school = {"county": _("县委党校"), "town": _("镇党校")}
    records = []
    for t in staff_compliance(staff, year=ctx.year, org=community):
        s = t.staff
        note = "；".join(
            _("%(school)s %(n)d 次，应 %(need)d 次（每次不少于 %(days)d 天）")
            % {
                "school": school.get(c.level, c.level),
                "n": c.times,
                "need": c.need_times,
                "days": c.min_days,
            }
            for c in t.checks
        )
        records.append(
            Record(
                label=_("%(name)s（%(kind)s）") % {"name": s.name, "kind": s.get_kind_display()},
                ok=t.met,
                url=reverse("training:member", args=[s.member_id]) if s.member_id else roster,
                note=note + "。",
            )
        )
    return Measure(key="lead.training", records=records, note=as_of_note(ctx))


INDICATORS: list[Indicator] = [
    Indicator(
        key="lead.committee",
        good=Good.LEADERSHIP,
        title="班子健全",
        explain=(
            "社区党组织和应设支部委员会的党支部（正式党员达到设立门槛的）：有书记、委员会人数合规、"
            "任期未届满的计为达标，与组织架构的“结构提醒”同一判断。"
        ),
        measure=_committee,
        unit="个组织",
    ),
    Indicator(
        key="lead.lectures",
        good=Good.LEADERSHIP,
        title="书记讲党课",
        explain="在任的社区党组织书记和各支部书记，当年亲自讲党课达到规定次数的计为达标。",
        measure=_lectures,
        unit="人",
    ),
    Indicator(
        key="lead.staffing",
        good=Good.LEADERSHIP,
        title="社区工作者配备",
        explain="社区工作者按编制类型逐项对照配备标准（县城所在地或建制镇社区），达到的项计为达标。",
        measure=_staffing,
        unit="项",
    ),
    Indicator(
        key="lead.training",
        good=Good.LEADERSHIP,
        title="社区干部培训",
        explain="在岗社区工作者当年参加县委党校、镇党校培训的次数和天数都达到规定的计为达标。",
        measure=_training,
        unit="人",
    ),
]
