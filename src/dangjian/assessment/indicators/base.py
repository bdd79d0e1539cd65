"""What an indicator is, and how its figure stays explainable.

An indicator measures one thing of one community in one year from the platform's own records —
say, how many of the due 三会一课 were held. It returns a :class:`Measure`: the list of
:class:`Record` rows it counted, each with the points it earned out of the points it could earn.
The figure is *derived from the list*: ``numerator`` is the sum of the records' points and
``denominator`` the sum of their ``out_of`` — so the drill-down page, which shows the same list,
always adds up to the figure (SPEC §10 "every score is explainable").

Indicators read the community's records with :func:`system_user` (every record of the community,
whoever looks): the viewer's right to see the community is checked once, by the page, and a score
never depends on who is looking.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import Q
from django.utils import timezone


class Good:
    """The five goods (五个好), in the order they are always shown."""

    LEADERSHIP = "leadership"
    MEMBERS = "members"
    MECHANISM = "mechanism"
    RESULTS = "results"
    RESIDENTS = "residents"

    LABELS = {
        LEADERSHIP: "领导班子好",
        MEMBERS: "党员队伍好",
        MECHANISM: "工作机制好",
        RESULTS: "工作业绩好",
        RESIDENTS: "群众反映好",
    }
    ORDER = (LEADERSHIP, MEMBERS, MECHANISM, RESULTS, RESIDENTS)


@dataclass(frozen=True)
class Record:
    """One record an indicator counted: what it is, where to see it, and what it earned.

    For a yes/no record (a meeting held or not) leave ``points`` to ``ok``; for a graded one (an
    inspector's score 85 of 100) give ``points`` and ``out_of``.
    """

    label: str  # "第一支部 2026年3月 支部委员会会议"
    ok: bool  # met / not met — the drill-down marks it
    url: str = ""  # the record's own page ("" when it has none)
    note: str = ""  # why: "已开 1 次，应开 1 次"
    day: dt.date | None = None
    points: Decimal | int | None = None  # default: 1 if ok else 0
    out_of: Decimal | int = 1

    @property
    def earned(self) -> Decimal:
        if self.points is not None:
            return Decimal(self.points)
        return Decimal(1 if self.ok else 0)


class Tally:
    """What a street's table needs of an indicator's records: their sums, not the records.

    The table shows each community's points only, so its batch is measured *counts only*
    (:attr:`Batch.counts_only`): every indicator judges each record exactly as for the
    drill-down — the same reads, the same ``ok``, ``points`` and ``out_of`` — and adds them up
    here instead of building the record's label, note and link. ``add`` takes the arguments a
    :class:`Record` takes for them, so both paths count the same (tested: the table's points
    equal the full records' for every indicator of a generated city)."""

    __slots__ = ("earned", "met", "n", "out_of")

    def __init__(self) -> None:
        self.n = 0  # records
        self.met = 0  # records met
        self.earned: Decimal | int = 0
        self.out_of: Decimal | int = 0

    def add(self, ok: bool, points: Decimal | int | None = None, out_of: Decimal | int = 1) -> None:
        self.n += 1
        if ok:
            self.met += 1
        self.earned += (1 if ok else 0) if points is None else points
        self.out_of += out_of


@dataclass
class Measure:
    """An indicator's figure for one community and year, with the records behind it — or, for a
    street's table (counts only), with their sums alone (``tally``; ``records`` then empty)."""

    key: str
    records: list[Record] = field(default_factory=list)
    note: str = ""  # one line shown under the figure: "按 2026 年 1–11 月计"
    tally: Tally | None = None

    @cached_property
    def _sums(self) -> tuple[Decimal, Decimal]:
        """Both sums in one pass, once: a street's table asks each figure of every community
        dozens of times (points, total, level), and a measure's records are final once built."""
        if self.tally is not None:
            return Decimal(self.tally.earned), Decimal(self.tally.out_of)
        earned, out_of = Decimal(0), Decimal(0)
        for r in self.records:
            earned += r.earned
            out_of += r.out_of
        return earned, out_of

    @property
    def count(self) -> int:
        """How many records were counted."""
        return self.tally.n if self.tally is not None else len(self.records)

    @property
    def met(self) -> int:
        """How many of them were met."""
        return self.tally.met if self.tally is not None else sum(1 for r in self.records if r.ok)

    @property
    def numerator(self) -> Decimal:
        return self._sums[0]

    @property
    def denominator(self) -> Decimal:
        return self._sums[1]

    @property
    def ratio(self) -> float | None:
        """Share achieved, 0–1; ``None`` when nothing was due (the indicator is not scored)."""
        d = self.denominator
        return None if not d else float(self.numerator / d)


@dataclass(frozen=True)
class Ctx:
    """What an indicator measures: one community organisation, one year, as of ``end``."""

    community: Any  # orgs.Organisation of a community kind
    year: int
    start: dt.date  # 1 January
    end: dt.date  # 31 December, or today while the year is running
    today: dt.date

    @property
    def user(self) -> Any:
        return system_user()

    @classmethod
    def of(cls, community: Any, year: int, today: dt.date | None = None) -> Ctx:
        today = today or timezone.localdate()
        start = dt.date(year, 1, 1)
        end = min(dt.date(year, 12, 31), today)
        return cls(community=community, year=year, start=start, end=end, today=today)

    @property
    def running(self) -> bool:
        return self.end < dt.date(self.year, 12, 31)


class Batch:
    """Several communities measured together for one year (a street's table): each indicator
    reads all of them in the same few grouped queries, then hands each community its own
    records — so a table costs the same for 2 communities as for 50. A single community is a
    batch of one: the scorecard and the drill-down go through the very same code.

    Every context shares ``year`` and ``today``.

    ``counts_only`` (a street's table): each measure carries its records' sums (a
    :class:`Tally`) instead of the records — see :meth:`sink`. ``root``: the organisation above
    the communities, when the caller has it already (the table's street): :attr:`root` then
    needs no query if it is the nearest one above them all."""

    def __init__(self, ctxs: list[Ctx], *, counts_only: bool = False, root: Any = None) -> None:
        assert ctxs, "a batch measures at least one community"
        first = ctxs[0]
        assert all(c.year == first.year and c.today == first.today for c in ctxs)
        self.ctxs = ctxs
        self.counts_only = counts_only
        self._root_hint = root
        self._shared: dict[str, Any] = {}
        self.year, self.start, self.end, self.today = (
            first.year,
            first.start,
            first.end,
            first.today,
        )
        self.by_pk: dict[int, Ctx] = {c.community.pk: c for c in ctxs}

    @property
    def running(self) -> bool:
        return self.ctxs[0].running

    @property
    def user(self) -> Any:
        return system_user()

    @property
    def communities(self) -> list[Any]:
        return [c.community for c in self.ctxs]

    @property
    def pks(self) -> list[int]:
        return list(self.by_pk)

    def subtree(self, lookup: str) -> Q:
        """Rows whose ``lookup`` path lies in one of the communities' subtrees."""
        from dangjian.core.access import subtree_q

        q = Q(pk__in=[])
        for c in self.communities:
            q |= subtree_q(lookup, c.path)
        return q

    def owner(self, path: str) -> int | None:
        """The community (pk) whose subtree holds an organisation path such as ``/1/5/23/``."""
        for part in path.strip("/").split("/"):
            if part and int(part) in self.by_pk:
                return int(part)
        return None

    @cached_property
    def root(self) -> Any:
        """The nearest organisation above (or at) every community — for the selectors of other
        apps that read a whole subtree at once; ``None`` when they share no ancestor. One query
        (none for a single community)."""
        from dangjian.orgs.models import Organisation

        if len(self.ctxs) == 1:
            return self.ctxs[0].community
        common: list[str] | None = None
        for c in self.communities:
            parts = c.path.strip("/").split("/")
            if common is None:
                common = parts
            else:
                n = 0
                while n < min(len(common), len(parts)) and common[n] == parts[n]:
                    n += 1
                common = common[:n]
        if not common:
            return None
        hint = self._root_hint
        if hint is not None and hint.path == "/".join(common) + "/":
            return hint
        return Organisation.objects.get(pk=int(common[-1]))

    def shared(self, name: str, read: Callable[[], Any]) -> Any:
        """What several indicators of the batch read alike (one table, different filters),
        read once for all of them: ``read()`` the first time ``name`` is asked for."""
        if name not in self._shared:
            self._shared[name] = read()
        return self._shared[name]

    def sub(self, ctxs: list[Ctx]) -> Batch:
        """Some of the communities, measured the same way."""
        return Batch(ctxs, counts_only=self.counts_only, root=self._root_hint)

    def empty(self, key: str, note: str = "") -> dict[int, Measure]:
        return {
            pk: Measure(key=key, note=note, tally=Tally() if self.counts_only else None)
            for pk in self.by_pk
        }

    def sink(self) -> Sink:
        """Where an indicator puts each community's records (or, counts only, their sums)."""
        return Sink(self)


class Sink:
    """Each community's records of one indicator, or — for a batch measured counts only — just
    their sums. An indicator judges each record, then::

        if sink.count(pk, ok, points, out_of):  # counts only: added up, nothing more to do
            sink.add(pk, Record(label=..., ok=ok, points=points, out_of=out_of, ...))

    so the record's label, note and link are built only when the records are wanted, and the
    figures of both paths come from the same ``ok``, ``points`` and ``out_of``."""

    def __init__(self, b: Batch) -> None:
        self.full = not b.counts_only
        self.records: dict[int, list[Record]] = {pk: [] for pk in b.by_pk}
        self.tallies: dict[int, Tally] = {pk: Tally() for pk in b.by_pk}

    def count(
        self, pk: int, ok: bool, points: Decimal | int | None = None, out_of: Decimal | int = 1
    ) -> bool:
        """Counts one record of community ``pk``; ``True`` when the record itself is wanted."""
        if self.full:
            return True
        self.tallies[pk].add(ok, points, out_of)
        return False

    def add(self, pk: int, record: Record) -> None:
        self.records[pk].append(record)

    def measure(
        self,
        key: str,
        pk: int,
        note: str = "",
        *,
        sort: Callable[[Record], Any] | None = None,
    ) -> Measure:
        if not self.full:
            return Measure(key=key, note=note, tally=self.tallies[pk])
        records = self.records[pk]
        if sort is not None:
            records.sort(key=sort)
        return Measure(key=key, records=records, note=note)


def one(many: Callable[[Batch], dict[int, Measure]]) -> Callable[[Ctx], Measure]:
    """The single-community measure of a batch measure (a batch of one)."""

    def measure(ctx: Ctx) -> Measure:
        return many(Batch([ctx]))[ctx.community.pk]

    measure.__name__ = getattr(many, "__name__", "measure")
    return measure


@dataclass(frozen=True)
class Indicator:
    """One indicator: a key (also its id in the rules ``assess.weights``/``assess.targets``),
    the good it belongs to, a Chinese title and explanation, and the function that measures it.

    ``many`` measures every community of a :class:`Batch` in a fixed number of queries; an
    indicator given only ``many`` measures one community as a batch of one."""

    key: str
    good: str
    title: str
    explain: str  # what is counted, in one or two Chinese sentences
    measure: Callable[[Ctx], Measure] | None = None
    unit: str = "项"  # what one record is: 次、人、户、项、件
    many: Callable[[Batch], dict[int, Measure]] | None = None

    def __post_init__(self) -> None:
        if self.measure is None:
            assert self.many is not None, self.key
            object.__setattr__(self, "measure", one(self.many))

    def measure_all(self, batch: Batch) -> dict[int, Measure]:
        """Each community's measure (community pk → Measure)."""
        if self.many is not None:
            return self.many(batch)
        return {c.community.pk: self.measure(c) for c in batch.ctxs}


def url_of(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for the many records of a batch: the route reversed once,
    each record's pk put in its place (reversing is most of a record's cost at a street)."""
    from django.urls import reverse

    marker = 918273645  # an id no route can confuse with the rest of its path
    head, tail = reverse(name, args=[marker]).split(str(marker))
    return lambda pk: f"{head}{int(pk)}{tail}"


def in_ids(model: Any, field: str, ids: Iterable[int]) -> Any:
    """A filter ``field IN (ids)`` with the ids written into the statement as numbers — for the
    long lists of a street (the ~2,800 members of its communities): Django prepares each item of
    an ``__in`` list as a parameter, one by one (8 ms for those members, twice a table), where
    integers need nothing. ``ids`` must not be empty (there is nothing to read then)."""
    from django.db import connection
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL

    qn = connection.ops.quote_name
    column = f"{qn(model._meta.db_table)}.{qn(model._meta.get_field(field).column)}"
    listed = ",".join(str(int(i)) for i in ids)  # int(): nothing but numbers reaches the SQL
    assert listed, "in_ids needs at least one id"
    return RawSQL(f"{column} IN ({listed})", [], output_field=BooleanField())


def system_user() -> Any:
    """A user that reaches every record, used only to compute figures (never saved or logged in)."""
    from django.contrib.auth import get_user_model

    user = get_user_model()(username="__assessment__", is_superuser=True, is_active=True)
    return user
