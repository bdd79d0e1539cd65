"""The figures of a community's annual report (年度党建工作报告), each with the page it comes from.

Every figure is computed by the same selector or indicator as the page it names, for the same
community and year, so the report and the page agree; the figure carries the page's address
(``ref``) so a reader can check it. The secretary writes the prose around the figures
(``reports.models.ReportDraft``) but never types a figure.

Indicators (``assessment.indicators``) are measured once per report; the five goods come from
the same scorecard as the assessment pages.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import NoReverseMatch, reverse

from dangjian.assessment.indicators import Ctx, system_user
from dangjian.assessment.scoring import Line, Scorecard, scorecard
from dangjian.core.access import subtree_q


@dataclass(frozen=True)
class Figure:
    label: str
    value: Any  # int, Decimal or text
    unit: str = ""
    ref: str = ""  # the page the figure comes from (path with query)
    ref_title: str = ""

    @property
    def text(self) -> str:
        if self.value is None:
            return "—"
        if isinstance(self.value, Decimal):
            return f"{self.value:.2f}" if self.unit == "元" else f"{self.value.normalize():f}"
        return str(self.value)


@dataclass
class Section:
    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    hint: str = ""  # what the secretary might write about, shown beside the prose box


#: Sections in the order of the report; their keys are the keys of the draft's prose.
SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("orgs", "一、组织设置和党员队伍", "组织设置的调整、党员队伍的变化和特点。"),
    ("life", "二、组织生活", "三会一课、主题党日、组织生活会的开展情况和特色。"),
    ("cobuild", "三、共驻共建", "驻区单位参与共建、办实事和志愿服务的情况，星光榜评定。"),
    ("commit", "四、党员承诺和作用发挥", "党员承诺践诺、在职党员到社区报到办实事的情况。"),
    ("services", "五、服务群众", "便民服务工单的办理和居民评价。"),
    ("grid", "六、网格管理和平安建设", "片区走访、矛盾纠纷调处和困难家庭结对帮扶。"),
    ("funds", "七、经费保障", "经费的来源、使用和结余。"),
    ("assess", "八、考核评价", "“五个好”各项得分、差距和下一年的打算。"),
)
SECTION_KEYS = tuple(k for k, _t, _h in SECTIONS)


def _url(name: str, args: list[Any] | None = None, **query: Any) -> str:
    try:
        path = reverse(name, args=args or [])
    except NoReverseMatch:
        return ""
    q = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{path}?{urlencode(q)}" if q else path


def _indicator_figures(lines: dict[str, Line], keys: list[str], community, year) -> list[Figure]:
    out = []
    for key in keys:
        line = lines.get(key)
        if line is None:
            continue
        m = line.measure
        ind = line.indicator
        ref = _url("assessment:records", [community.pk, year, key])
        out.append(
            Figure(
                f"{ind.title}（达标/应计）",
                f"{m.numerator.normalize():f}/{m.denominator.normalize():f}",
                ind.unit,
                ref,
                "考核指标明细",
            )
        )
        if line.percent is not None:
            out.append(Figure(f"{ind.title}（比例）", line.percent, "%", ref, "考核指标明细"))
    return out


def _lines(community: Any, year: int, card: Scorecard, today: dt.date) -> dict[str, Line]:
    """Every indicator the report quotes: the scorecard's, plus those a locality weighs 0."""
    from dangjian.assessment.indicators import all_indicators

    lines = {ln.key: ln for ln in card.lines}
    ctx = Ctx.of(community, year, today)
    for ind in all_indicators():
        if ind.key not in lines and not ind.key.startswith("inspect."):
            lines[ind.key] = Line(
                ind, ind.measure(ctx), card.numbers.weight(ind.key), card.numbers.target(ind.key)
            )
    return lines


def _orgs_members(community, year, ctx: Ctx) -> list[Figure]:
    from dangjian.members.models import EventKind, MemberEvent
    from dangjian.members.selectors import register_counts, register_on
    from dangjian.orgs.models import Organisation, OrgKind

    user = system_user()
    kinds = Counter(
        dict(
            Organisation.objects.filter(subtree_q("path", community.path), is_active=True)
            .exclude(pk=community.pk)
            .values_list("kind")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
    out = [
        Figure(
            f"下设{OrgKind(k).label}",
            n,
            "个",
            _url("orgs:detail", [community.pk]),
            "组织详情",
        )
        for k, n in sorted(kinds.items())
    ]
    before = ctx.start - dt.timedelta(days=1)
    for label, on in (("年初党员", before), ("年末党员", ctx.end)):
        counts = register_counts(register_on(user=user, org_path=community.path, on=on))
        ref = _url("members:register", org=community.pk, on=on.isoformat())
        out.append(Figure(f"{label}（截至 {on:%Y-%m-%d}）", counts.total, "名", ref, "党员名册"))
        if on == ctx.end:
            out.append(Figure("其中正式党员", counts.full, "名", ref, "党员名册"))
            out.append(Figure("其中预备党员", counts.probationary, "名", ref, "党员名册"))
    changes = dict(
        MemberEvent.objects.filter(
            subtree_q("org__path", community.path), date__gte=ctx.start, date__lte=ctx.end
        )
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    shown = (
        EventKind.REGISTERED,
        EventKind.STATUS_CHANGE,
        EventKind.TRANSFER_IN,
        EventKind.TRANSFER_OUT,
        EventKind.CHECK_IN,
        EventKind.DEATH,
        EventKind.LEFT,
        EventKind.LOST_CONTACT,
    )
    ref = _url("members:register", org=community.pk, on=ctx.end.isoformat())
    for kind in shown:
        out.append(Figure(f"年内{kind.label}", changes.get(kind.value, 0), "人次", ref, "党员名册"))
    return out


def _life(community, year, ctx: Ctx, lines: dict[str, Line]) -> list[Figure]:
    from dangjian.meetings.models import Meeting, MeetingKind

    held = dict(
        Meeting.objects.filter(
            subtree_q("org__path", community.path),
            date__gte=ctx.start,
            date__lte=ctx.end,
            cancelled=False,
        )
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    out = []
    for kind in MeetingKind:
        if kind.value in held:
            ref = _url("meetings:list", org=community.pk, kind=kind.value, year=year)
            out.append(Figure(f"召开{kind.label}", held[kind.value], "次", ref, "会议列表"))
    out += _indicator_figures(lines, ["mech.cadence", "lead.lectures"], community, year)
    return out


def _cobuild(community, year, ctx: Ctx, lines: dict[str, Line]) -> list[Figure]:
    from dangjian.cobuild.selectors import standings

    rows = standings(user=system_user(), community=community, year=year)
    ref = _url("cobuild:overview", org=community.pk, year=year)
    decided = [r.decided.stars for r in rows if r.decided is not None]
    out = [
        Figure("驻区单位", len(rows), "个", ref, "共驻共建总览"),
        Figure("年内办实事", sum(r.year.deeds for r in rows), "件", ref, "共驻共建总览"),
        Figure(
            "年内志愿服务进社区",
            sum(r.year.volunteer_services for r in rows),
            "次",
            ref,
            "共驻共建总览",
        ),
        Figure("已评定星级的单位", len(decided), "个", ref, "共驻共建总览"),
        Figure("评为五星的单位", sum(1 for s in decided if s == 5), "个", ref, "共驻共建总览"),
    ]
    out += _indicator_figures(lines, ["results.cobuild"], community, year)
    return out


def _services(community, year, ctx: Ctx, lines: dict[str, Line]) -> list[Figure]:
    from dangjian.servicedesk.selectors import monthly_figures, totals

    months = monthly_figures(user=system_user(), community=community, year=year)
    t = totals(months)
    ref = _url("servicedesk:stats", org=community.pk, year=year)
    out = [
        Figure("受理居民诉求", t["received"], "件", ref, "服务统计"),
        Figure("已办结", t["closed"], "件", ref, "服务统计"),
    ]
    out += _indicator_figures(
        lines, ["residents.requests", "residents.satisfaction"], community, year
    )
    return out


def _funds(community, year, ctx: Ctx) -> list[Figure]:
    from dangjian.funds.selectors import ledger_of, period

    p = period(ledger=ledger_of(community), start=ctx.start, end=ctx.end)
    ref = _url("funds:home", org=community.pk, start=ctx.start.isoformat(), end=ctx.end.isoformat())
    return [
        Figure("年初结余", p.opening, "元", ref, "经费收支台帐"),
        Figure("收入", p.income, "元", ref, "经费收支台帐"),
        Figure("支出", p.spending, "元", ref, "经费收支台帐"),
        Figure("结余", p.closing, "元", ref, "经费收支台帐"),
    ]


def _assess(community, year, card: Scorecard) -> list[Figure]:
    ref = _url("assessment:scorecard", [community.pk, year])
    out = [
        Figure(g.label, g.points, f"分（满分 {g.max_points}）", ref, "“五个好”考核")
        for g in card.goods
    ]
    out.append(Figure("总分", card.total, "分", ref, "“五个好”考核"))
    out.append(Figure("等次", card.level, "", ref, "“五个好”考核"))
    return out


def annual_sections(community: Any, year: int, *, today: dt.date | None = None) -> list[Section]:
    """The report's sections with their figures, for one community and year."""
    card = scorecard(community, year, today=today)
    ctx = card.ctx
    lines = _lines(community, year, card, ctx.today)
    figures = {
        "orgs": _orgs_members(community, year, ctx),
        "life": _life(community, year, ctx, lines),
        "cobuild": _cobuild(community, year, ctx, lines),
        "commit": _indicator_figures(
            lines, ["members.commitments", "members.deeds", "members.dues"], community, year
        ),
        "services": _services(community, year, ctx, lines),
        "grid": _indicator_figures(
            lines, ["results.grid_visits", "results.cases", "results.households"], community, year
        ),
        "funds": _funds(community, year, ctx),
        "assess": _assess(community, year, card),
    }
    return [Section(k, t, figures[k], h) for k, t, h in SECTIONS]


def default_prose(section: Section, community: Any, year: int) -> str:
    """A first sentence to start from; the secretary rewrites it (the figures stay as they are)."""
    return f"{year}年，{community.name}{section.hint}（数据见下表，由系统根据记录生成。）"
