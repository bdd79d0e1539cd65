"""The cadence roll-up keeps each organisation's evaluation of its closed periods (issue 21).

A street's roll-up evaluates every organisation × rule × period of the year. A period that has
ended (its last day is before today) can only be done, overdue or not applicable, whatever day it
is later, so its status changes only when something it was computed from changes. The roll-up
therefore keeps, per organisation and year, how many closed periods are overdue and how many done
(:class:`~dangjian.meetings.models_kept.CadenceKept`); a request reads only the held meetings of
the open periods (the one containing today and those to come), evaluates those and adds the kept
counts — the same numbers as evaluating everything (``cadence.evaluate(only=...)``;
``tests/meetings/test_cadence_kept.py`` compares the two after every kind of change).

Each kept row carries a fingerprint of everything its counts were computed from, and is used only
while the fingerprint computed now is the same; otherwise the organisation is recomputed. Its
parts:

- read in Python from rows the roll-up reads anyway, at no cost: the year and how many of its
  months have ended; the organisation's kind and founding date; whether it has enough full
  members for a branch committee (today's count, read in the same query); every number of the
  rules it is judged by, after the locality overrides of its ancestors (so editing the rules file,
  or moving the organisation under another locality, changes it);
- for its meetings, the organisation's :class:`~dangjian.meetings.models_kept.CadenceStamp`, a
  token the services that write meetings set anew (:func:`touch`): ``meeting_create``,
  ``meeting_update`` (both the old and the new organisation when a meeting moves),
  ``meeting_set_leaders`` (a county leader's part decides two rules) and ``body_update`` (a body's
  kind decides which rule its meetings count for).

Why a stamp set by the services rather than a fingerprint of the meetings themselves: a count,
largest id and latest ``updated_at`` of each organisation's past meetings, read by correlated
subqueries in the same query, was tried first — it needs no hook, but it reads every past meeting
on every request (about 110 ms for the benchmark street on a loaded machine, as much as the whole
grouped read it was meant to save). The stamp is one primary-key lookup per organisation. The
price: code that writes meetings, their leaders or bodies *without* those services (a bulk load
through ``bulk_create`` or ``QuerySet.update``) must call :func:`touch` for the organisations
concerned — the city generator and the benchmark only create new organisations, which have nothing
kept yet.

The stamp is read in the organisations' query, before the meetings; a service that commits while
a request is computing leaves that request's row carrying the old stamp, so it is recomputed on the
next request rather than kept stale. A request that finds missing or stale rows reads the held
meetings of the closed months (one more grouped query), evaluates the closed periods of those
organisations only and writes their rows in one upsert (unique per organisation and year; two
requests at once write the same values). So a GET writes only then: for every organisation once a
month, when a month ends, and for one organisation after its meetings changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import CharField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat

from . import cadence as cad
from .models_kept import CadenceKept, CadenceStamp

_SEP = "|"


def closed_months(year: int, today: dt.date) -> int:
    """How many months of ``year`` have ended by ``today`` (every period ends at a month end)."""
    if year < today.year:
        return 12
    if year > today.year:
        return 0
    return today.month - 1


def closed_end(year: int, months: int) -> dt.date:
    """The last day of the closed months (``months`` ≥ 1)."""
    return (
        dt.date(year + 1, 1, 1) if months == 12 else dt.date(year, months + 1, 1)
    ) - dt.timedelta(1)


def _text(expr: Any) -> Any:
    return Coalesce(Cast(expr, CharField()), Value(""), output_field=CharField())


def _joined(*parts: Any) -> Concat:
    out: list[Any] = []
    for part in parts:
        if out:
            out.append(Value(_SEP))
        out.append(_text(part))
    return Concat(*out, output_field=CharField())


def annotations(year: int) -> dict[str, Any]:
    """For the organisations' query: the kept row of ``year`` and the organisation's stamp."""
    kept = (
        CadenceKept.objects.filter(org_id=OuterRef("pk"), year=year)
        .annotate(row=_joined("fingerprint", "overdue", "done"))
        .values("row")
    )
    stamp = CadenceStamp.objects.filter(org_id=OuterRef("pk")).values("token")
    return {
        "kept_row": Subquery(kept[:1], output_field=CharField()),
        "kept_stamp": Subquery(stamp[:1], output_field=CharField()),
    }


def touch(org_ids: Iterable[int | None]) -> None:
    """Something the closed periods of these organisations count may have changed: what is kept
    for them no longer applies. Called by the services that write meetings (see above)."""
    ids = sorted({pk for pk in org_ids if pk is not None})
    if not ids:
        return
    token = uuid.uuid4().hex
    CadenceStamp.objects.bulk_create(
        [CadenceStamp(org_id=pk, token=token) for pk in ids],
        update_conflicts=True,
        unique_fields=["org"],
        update_fields=["token"],
    )


def open_filters(today: dt.date, year: int, numbers: Iterable[cad.Numbers]) -> list[Q]:
    """The held meetings the open periods of ``year`` count: for each counted kind, from the
    start of the earliest open period of any rule counting it under any of ``numbers`` — one
    filter per first day, each a range of the (organisation, kind, date) index, for a
    ``UNION ALL`` (an ``OR`` of them would scan the whole year)."""
    if year < today.year:  # every period has ended: nothing (still one statement)
        return [Q(date__gt=dt.date(year, 12, 31))]
    since: dict[str, dt.date] = {}
    first = dt.date(year, 1, 1)
    for nums in numbers:
        for check in cad.CHECKS:
            start = (
                cad.period_of(today, cad.period_kind(check, nums)).start
                if year == today.year
                else first
            )
            kind = str(check.meeting_kind)
            since[kind] = min(since.get(kind, start), start)
    by_day: dict[dt.date, list[str]] = {}
    for kind, day in since.items():
        by_day.setdefault(day, []).append(kind)
    return [Q(kind__in=sorted(kinds), date__gte=day) for day, kinds in sorted(by_day.items())]


class Prints:
    """Fingerprints of the organisations' closed periods, the rules' part computed once per
    distinct set of numbers and kind of organisation."""

    def __init__(self, year: int, months: int) -> None:
        self.head = f"{year}{_SEP}{months}"
        self._rules: dict[tuple[int, str], tuple[str, int]] = {}

    def _rules_part(self, numbers: cad.Numbers, kind: str) -> tuple[str, int]:
        key = (id(numbers), kind)
        got = self._rules.get(key)
        if got is None:
            checks = cad.checks_for(kind)
            ids = sorted({c.rule_id for c in checks} | {"org.branch_committee_threshold"})
            need = int(numbers("org.branch_committee_threshold")["min_full_members"])
            text = repr([(r, sorted(numbers(r).items())) for r in ids])
            got = self._rules[key] = (text, need)
        return got

    def of(self, org: Any, numbers: cad.Numbers) -> str:
        """``org`` carries ``full`` and ``kept_stamp`` (see :func:`annotations`); ``numbers``
        must be the same object for the same numbers."""
        rules_text, need = self._rules_part(numbers, str(org.kind))
        facts = _SEP.join(
            (
                self.head,
                str(org.kind),
                str(org.established_on or ""),
                "1" if org.full >= need else "0",
                org.kept_stamp or "",
                rules_text,
            )
        )
        return hashlib.sha1(facts.encode(), usedforsecurity=False).hexdigest()


def kept_counts(org: Any, fingerprint: str) -> tuple[int, int] | None:
    """(overdue, done) of the closed periods kept for ``org``, if still valid."""
    row = org.kept_row
    if not row:
        return None
    fp, overdue, done = row.split(_SEP)
    if fp != fingerprint:
        return None
    return int(overdue), int(done)


def store(year: int, rows: list[tuple[int, str, int, int]]) -> None:
    """Write (org id, fingerprint, overdue, done) rows of ``year``, replacing what was kept —
    in one statement whatever their number (the rows travel as one JSON parameter; Django's
    ``bulk_create`` would cut a street's thousand rows into batches of 199 on SQLite)."""
    if not rows:
        return
    table = CadenceKept._meta.db_table
    cols = ("org_id", "year", "fingerprint", "overdue", "done")
    upsert = (
        " ON CONFLICT (org_id, year) DO UPDATE SET fingerprint = excluded.fingerprint,"
        " overdue = excluded.overdue, done = excluded.done"
    )
    data = json.dumps([list(r) for r in rows])
    if connection.vendor == "sqlite":
        select = (
            "SELECT json_extract(value, '$[0]'), %s, json_extract(value, '$[1]'),"
            " json_extract(value, '$[2]'), json_extract(value, '$[3]')"
            " FROM json_each(%s) WHERE true"  # WHERE: SQLite's upsert after a SELECT
        )
    elif connection.vendor == "postgresql":
        select = (
            "SELECT (e->>0)::bigint, %s, e->>1, (e->>2)::integer, (e->>3)::integer"
            " FROM jsonb_array_elements(%s::jsonb) AS e"
        )
    else:  # pragma: no cover - the two databases the platform runs on are above
        CadenceKept.objects.bulk_create(
            [
                CadenceKept(org_id=pk, year=year, fingerprint=f, overdue=o, done=d)
                for pk, f, o, d in rows
            ],
            update_conflicts=True,
            unique_fields=["org", "year"],
            update_fields=["fingerprint", "overdue", "done"],
        )
        return
    sql = f"INSERT INTO {table} ({', '.join(cols)}) {select}{upsert}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [year, data])


def store_later(year: int, rows: list[tuple[int, str, int, int]]) -> None:
    """:func:`store` once the surrounding transaction commits (at once outside one). A failed
    write (a locked database, a read-only replica) is logged and costs the next request the
    work again — never this request its answer."""
    if rows:
        transaction.on_commit(lambda: store(year, rows), robust=True)
