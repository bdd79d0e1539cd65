"""Indicators of 领导班子好: committees complete and in term, secretaries' party lectures, the
community workers' staffing and their training (SPEC §1, §3, §9, §10).

Each indicator reads through the selector of the page that already shows the same judgement
(the structural warnings, the secretary's lecture, the staffing against its quota, the
party-school rules), so a record here and the page it links to always agree. Every number comes
from the rules table through those selectors. Each measures a whole batch of communities (a
street's table) in a handful of queries, whatever their number and size.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.orgs.models import BRANCH_KINDS, Office, Organisation
from dangjian.orgs.selectors.tree import member_counts
from dangjian.orgs.selectors.warnings import WarningKind, org_warnings

from .base import Batch, Ctx, Good, Indicator, Measure, Record, Sink, url_of


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


def _committee(b: Batch) -> dict[int, Measure]:
    """Each community organisation and each active branch below it that must have a committee
    (正式党员 at the rule's threshold or more), judged as the warnings page judges them on
    ``end``. Four queries for any number of communities (five with locality overrides)."""
    from dangjian.meetings.selectors.rulenums import numbers_by_org

    orgs = list(
        Organisation.objects.filter(b.subtree("path"), is_active=True)
        .filter(Q(pk__in=b.pks) | Q(kind__in=BRANCH_KINDS))
        .order_by("path")
    )
    mine: dict[int, list[Organisation]] = {pk: [] for pk in b.pks}
    for o in orgs:
        owner = b.owner(o.path)
        if owner is not None:
            mine[owner].append(o)
    for community in b.communities:  # an inactive community is still assessed
        if not any(o.pk == community.pk for o in mine[community.pk]):
            mine[community.pk].insert(0, community)
    branches = [o for o in orgs if o.kind in BRANCH_KINDS and b.owner(o.path) is not None]
    # with the communities in the list, the members are read by the communities' subtrees (a
    # handful of prefixes) rather than one prefix per branch: the same counts, a far smaller query
    counts = member_counts(orgs=[*b.communities, *branches])
    threshold = numbers_by_org(
        "org.branch_committee_threshold", root=b.communities[0], orgs=branches
    )
    judged = {
        pk: [
            o
            for o in here
            if o.pk == pk or counts[o.pk].full >= int(threshold[o.pk]["min_full_members"])
        ]
        for pk, here in mine.items()
    }
    found = org_warnings(orgs=[o for here in judged.values() for o in here], on=b.end)
    detail = url_of("orgs:detail")
    sink = b.sink()
    out = {}
    for ctx in b.ctxs:
        for org in judged[ctx.community.pk]:
            warnings = found.get(org.pk, [])
            bad = [w for w in warnings if w.kind in FAILING]
            if not sink.count(ctx.community.pk, not bad):
                continue
            if bad:
                note = "；".join(w.message for w in bad)
            else:
                note = _("班子健全，任期未届满。")
                ending = [w for w in warnings if w.kind == WarningKind.TERM_ENDING]
                if ending:
                    note += ending[0].message
            if org.kind in BRANCH_KINDS:
                label = _("%(org)s（正式党员 %(n)d 名）") % {
                    "org": org.name,
                    "n": counts[org.pk].full,
                }
            else:
                label = org.name
            sink.add(
                ctx.community.pk, Record(label=label, ok=not bad, url=detail(org.pk), note=note)
            )
        out[ctx.community.pk] = sink.measure(
            "lead.committee",
            ctx.community.pk,
            _("%(span)s；班子和任期按 %(d)s 的任职记录，党员人数按当前名册")
            % {"span": as_of_note(ctx), "d": ctx.end.isoformat()},
        )
    return out


# ---- lead.lectures -----------------------------------------------------------------------------
def _community_secretary_lectures(
    b: Batch, communities: list[Organisation]
) -> dict[int, tuple[Office, list[dt.date]]]:
    """Each community organisation's own secretary (when it is not itself a branch, which the
    lectures selector covers) and the lectures they gave in its subtree — the selector's rule,
    applied to the one organisation it leaves out. Two queries for any number of communities."""
    from dangjian.meetings.models import Meeting, MeetingKind

    on = b.end
    offices: dict[int, Office] = {}
    for office in (
        Office.objects.filter(
            org__in=[c.pk for c in communities], title=Office.Title.SECRETARY, term_start__lte=on
        )
        .current(on)
        .order_by("org_id", "-term_start", "-id")
    ):
        offices.setdefault(office.org_id, office)  # the latest one when the records overlap
    lecturers = {o.org_id: o.member_id for o in offices.values() if o.member_id}
    days: dict[int, list[dt.date]] = {pk: [] for pk in offices}
    if lecturers:
        for lecturer_id, path, day in (
            Meeting.objects.filter(
                b.subtree("org__path"),
                kind=MeetingKind.PARTY_LECTURE,
                cancelled=False,
                lecturer_id__in=list(set(lecturers.values())),
                date__gte=b.start,
                date__lte=b.end,
            )
            .order_by("date", "id")
            .values_list("lecturer_id", "org__path", "date")
        ):
            owner = b.owner(path)
            if owner in lecturers and lecturers[owner] == lecturer_id:
                days[owner].append(day)
    return {pk: (office, days[pk]) for pk, office in offices.items()}


def _lecture_record(
    ctx: Ctx, org: Organisation, office: Office, need: int, days: list, *, page: str, sink: Sink
) -> None:
    """Counts one secretary's lectures in ``sink`` (with the record, when the records are
    wanted). ``page``: the cadence page's URL, reversed once for the batch."""
    done = len(days) >= need
    pk = ctx.community.pk
    if not sink.count(pk, done):
        return
    if office.member_id is None:
        # the lectures selector's own rule: a secretary not on the register cannot be matched
        note = _("书记只登记了姓名，未关联党员档案，无法核对其讲党课的记录；应讲 %(need)d 次。") % {
            "need": need
        }
    else:
        note = _("讲党课 %(n)d 次，应讲 %(need)d 次。") % {"n": len(days), "need": need}
    sink.add(
        pk,
        Record(
            label=_("%(org)s 书记 %(name)s") % {"org": org.name, "name": office.holder_name},
            ok=done,
            url=f"{page}?org={org.pk}&year={ctx.year}",
            note=note,
            day=days[-1] if days else None,
        ),
    )


def _lectures(b: Batch) -> dict[int, Measure]:
    """Each branch secretary in office on ``end`` (and the community organisation's own
    secretary): at least the rule's lectures that year. Five to seven queries for any number of
    communities."""
    from dangjian.meetings.selectors.lectures import NUMBER, RULE, secretary_lectures
    from dangjian.meetings.selectors.rulenums import numbers_by_org

    sink = b.sink()
    page = reverse("meetings:cadence")
    own = [c for c in b.communities if c.kind not in BRANCH_KINDS]
    if own:
        need = numbers_by_org(RULE, root=own[0], orgs=own)
        secretaries = _community_secretary_lectures(b, own)
        for community in own:
            if community.pk in secretaries:
                office, days = secretaries[community.pk]
                n = int(need[community.pk][NUMBER])
                ctx = b.by_pk[community.pk]
                _lecture_record(ctx, community, office, n, days, page=page, sink=sink)
    roots = [b.root] if b.root is not None else b.communities
    for root in roots:
        result = secretary_lectures(user=b.user, org=root, year=b.year, today=b.end)
        for row in result.rows:
            owner = b.owner(row.org.path)
            if row.office is None or owner is None:
                continue  # no secretary in office: lead.committee counts that
            days = [day for _pk, day in row.lectures]
            ctx = b.by_pk[owner]
            _lecture_record(ctx, row.org, row.office, row.need, days, page=page, sink=sink)
    return {
        ctx.community.pk: sink.measure("lead.lectures", ctx.community.pk, as_of_note(ctx))
        for ctx in b.ctxs
    }


# ---- lead.staffing -----------------------------------------------------------------------------
def _staffing(b: Batch) -> dict[int, Measure]:
    """Each quota line of each community's staffing on ``end`` (rules ``staff.county_seat`` /
    ``staff.other_town``). Three queries for any number of communities."""
    from dangjian.core import rules
    from dangjian.staff.selectors import staffing

    out = {}
    sink = b.sink()
    for community, row in zip(b.communities, staffing(b.communities, on=b.end), strict=True):
        url = _with_query("staff:home", org=community.pk) if sink.full else ""
        for _key, label, have, need, missing in row.rows:
            if need <= 0:
                continue  # a quota a locality set to 0 asks for nothing
            if not sink.count(community.pk, have >= need):
                continue
            note = (
                _("现有 %(have)d 名，应不少于 %(need)d 名。")
                if have >= need
                else _("现有 %(have)d 名，应不少于 %(need)d 名，缺 %(missing)d 名。")
            ) % {"have": have, "need": need, "missing": missing}
            sink.add(community.pk, Record(label=label, ok=have >= need, url=url, note=note))
        out[community.pk] = sink.measure(
            "lead.staffing",
            community.pk,
            _("%(rule)s；按 %(d)s 在岗人员计")
            % {"rule": rules.get(row.rule_id).title, "d": b.end.isoformat()},
        )
    return out


# ---- lead.training -----------------------------------------------------------------------------
def _training(b: Batch) -> dict[int, Measure]:
    """Each community worker in post on ``end``: that year's party-school courses against
    ``training.county`` and ``training.town``. Two queries for any number of communities (more
    with locality overrides: the rules are then read per community)."""
    from dangjian.core import rules
    from dangjian.staff.models import Staff
    from dangjian.training.selectors import staff_compliance

    # the staff page's own list (staff.selectors.staff_visible), for every community at once
    staff = list(
        Staff.objects.visible_to(b.user)
        .filter(community__in=b.pks)
        .current(b.end)
        .select_related("member", "member__org")
        .order_by("kind", "sub_post", "name", "pk")
    )
    if rules.override_org_codes():
        checked = []
        for community in b.communities:
            here = [s for s in staff if s.community_id == community.pk]
            checked += staff_compliance(here, year=b.year, org=community)
    else:
        checked = staff_compliance(staff, year=b.year, org=b.communities[0])
    school = {"county": _("县委党校"), "town": _("镇党校")}
    member_url = url_of("training:member")
    sink = b.sink()
    for t in checked:
        s = t.staff
        if not sink.count(s.community_id, t.met):
            continue
        roster = _with_query("staff:home", org=s.community_id)
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
        sink.add(
            s.community_id,
            Record(
                label=_("%(name)s（%(kind)s）") % {"name": s.name, "kind": s.get_kind_display()},
                ok=t.met,
                url=member_url(s.member_id) if s.member_id else roster,
                note=note + "。",
            ),
        )
    return {
        ctx.community.pk: sink.measure("lead.training", ctx.community.pk, as_of_note(ctx))
        for ctx in b.ctxs
    }


INDICATORS: list[Indicator] = [
    Indicator(
        key="lead.committee",
        good=Good.LEADERSHIP,
        title="班子健全",
        explain=(
            "社区党组织和应设支部委员会的党支部（正式党员达到设立门槛的）：有书记、委员会人数合规、"
            "任期未届满的计为达标，与组织架构的“结构提醒”同一判断。"
        ),
        many=_committee,
        unit="个组织",
    ),
    Indicator(
        key="lead.lectures",
        good=Good.LEADERSHIP,
        title="书记讲党课",
        explain="在任的社区党组织书记和各支部书记，当年亲自讲党课达到规定次数的计为达标。",
        many=_lectures,
        unit="人",
    ),
    Indicator(
        key="lead.staffing",
        good=Good.LEADERSHIP,
        title="社区工作者配备",
        explain="社区工作者按编制类型逐项对照配备标准（县城所在地或建制镇社区），达到的项计为达标。",
        many=_staffing,
        unit="项",
    ),
    Indicator(
        key="lead.training",
        good=Good.LEADERSHIP,
        title="社区干部培训",
        explain="在岗社区工作者当年参加县委党校、镇党校培训的次数和天数都达到规定的计为达标。",
        many=_training,
        unit="人",
    ),
]
