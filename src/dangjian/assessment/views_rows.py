"""What the assessment pages, exports and API show, computed once for all three: a community's
row of the table (the five goods' points, total, level), a scorecard's lines with the points each
indicator brings, and the records of a drill-down. Figures come from ``scoring`` unchanged; this
module only arranges and formats them, so a page, its .xlsx and the API always agree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.http import Http404
from django.utils import timezone

from dangjian.core.access import scope_for
from dangjian.orgs.models import UPPER_KINDS, Organisation

from . import scoring, selectors
from .indicators import Good, Record
from .services import FIRST_YEAR

#: rules behind every figure of the assessment (shown on the pages, linked to the rules table)
RULE_IDS = ("assess.goods", "assess.weights", "assess.targets", "assess.levels")

#: the table can be sorted by these (``?sort=``)
SORTS = ("name", "total", "-total")

#: ``?show=`` of a drill-down: every record, those met, those not met
SHOWS = ("all", "ok", "bad")


def num(value: Decimal | float | int | None) -> str:
    """A figure as people write it: ``12``, ``12.5``, ``0.95``; ``—`` for none."""
    if value is None:
        return "—"
    d = Decimal(str(value))
    if d == d.to_integral_value():
        return str(int(d))
    return format(d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize(), "f")


def pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{num(value)}%"


def year_or_404(year: int) -> int:
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404
    return year


def year_of(raw: str | None) -> int:
    """The year asked for in a query string; this year when missing or out of range."""
    this = timezone.localdate().year
    if raw and raw.isdigit() and FIRST_YEAR <= int(raw) <= this:
        return int(raw)
    return this


def year_choices(selected: int) -> list[int]:
    this = timezone.localdate().year
    years = list(range(this, max(FIRST_YEAR, this - 5) - 1, -1))
    if selected not in years:
        years.append(selected)
    return years


def table_org(user: Any, raw: str | int | None, *, among: Any = ()) -> Organisation | None:
    """The organisation a table is about: the one asked for (out of scope → 404), else the
    top-most one the user is responsible for. ``None``: the user has no grant (no data).

    ``among``: organisations already read that the user may see (active, ``visible_to``: the
    page's picker); the one asked for is taken from them when it is there, without a query."""
    scope = scope_for(user)
    raw = str(raw or "")
    if not scope.is_staff_role:
        if raw:
            raise Http404
        return None
    if raw:
        for o in among:
            if raw.isdigit() and o.pk == int(raw):
                return o
        try:
            return Organisation.objects.visible_to(user).get(
                pk=int(raw) if raw.isdigit() else 0, is_active=True
            )
        except Organisation.DoesNotExist:
            raise Http404 from None
    qs = Organisation.objects.filter(is_active=True)
    if scope.everything:
        return qs.order_by("depth", "path").first()
    return qs.filter(path__in=scope.view_paths).order_by("depth", "path").first()


def communities_of(user: Any, org: Organisation) -> list[Organisation]:
    """The communities a table of ``org`` lists: itself if it is one, those below a street, town
    or county the user may see; none below anything else (a branch is not assessed)."""
    if org.is_community:
        return [org]
    if org.kind not in UPPER_KINDS:
        return []
    return list(selectors.communities_visible(user=user, under=org))


@dataclass
class LineRow:
    """One indicator of a scorecard as shown: its figure, its target and weight, its score and
    the points it brings to its good."""

    line: scoring.Line
    points: Decimal | None  # the share of the good's points this indicator earned

    @property
    def key(self) -> str:
        return self.line.key

    @property
    def indicator(self) -> Any:
        return self.line.indicator

    @property
    def numerator(self) -> Decimal:
        return self.line.measure.numerator

    @property
    def denominator(self) -> Decimal:
        return self.line.measure.denominator

    @property
    def count(self) -> int:
        return self.line.measure.count

    @property
    def percent(self) -> Decimal | None:
        return self.line.percent

    @property
    def target_percent(self) -> Decimal:
        return self.line.target * 100

    @property
    def score_percent(self) -> Decimal | None:
        s = self.line.score
        return None if s is None else scoring._round(s * 100)

    @property
    def figure(self) -> str:
        """``实得/应得 单位``: what the drill-down's totals line shows too."""
        return f"{num(self.numerator)}/{num(self.denominator)}"


@dataclass
class GoodRow:
    good: scoring.GoodScore
    lines: list[LineRow]

    @property
    def key(self) -> str:
        return self.good.good

    @property
    def label(self) -> str:
        return self.good.label


def line_rows(good: scoring.GoodScore) -> list[LineRow]:
    """The good's lines with the points each brings: the good's maximum times the indicator's
    weighted score over the weights of the indicators scored (so they add up to the good's points,
    give or take the rounding to one place)."""
    scored = [ln for ln in good.lines if ln.score is not None]
    weights = sum((ln.weight for ln in scored), Decimal(0))
    out = []
    for ln in good.lines:
        points = None
        if ln.score is not None and weights:
            points = scoring._round(good.max_points * ln.weight * ln.score / weights)
        out.append(LineRow(ln, points))
    return out


def good_rows(card: scoring.Scorecard) -> list[GoodRow]:
    return [GoodRow(g, line_rows(g)) for g in card.goods]


@dataclass
class CommunityRow:
    """One community of the table: its scorecard's goods, total and level."""

    community: Any
    card: scoring.Scorecard

    @property
    def goods(self) -> list[scoring.GoodScore]:
        return self.card.goods

    @property
    def total(self) -> Decimal | None:
        return self.card.total

    @property
    def level(self) -> str:
        return self.card.level


def community_rows(
    communities: list[Any],
    year: int,
    *,
    sort: str = "name",
    today: dt.date | None = None,
    above: Any = None,
) -> list[CommunityRow]:
    """The table: one scorecard per community, all measured together and counts only (it shows
    points, not records: ``scoring.scorecards``). ``above``: the table's organisation."""
    cards = scoring.scorecards(list(communities), year, today=today, counts_only=True, above=above)
    rows = [CommunityRow(card.community, card) for card in cards]
    if sort in ("total", "-total"):
        scored = [r for r in rows if r.total is not None]
        unscored = [r for r in rows if r.total is None]
        scored.sort(key=lambda r: (r.total, r.community.path), reverse=sort == "-total")
        rows = scored + unscored  # the unscored always last
    return rows


def good_labels() -> list[tuple[str, str]]:
    return [(g, Good.LABELS[g]) for g in Good.ORDER]


def filtered(records: list[Record], show: str) -> list[Record]:
    if show == "ok":
        return [r for r in records if r.ok]
    if show == "bad":
        return [r for r in records if not r.ok]
    return list(records)
