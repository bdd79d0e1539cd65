"""Likely duplicates in a roster (issue 20 item 4): the same name and birth date under a
different ID number is most likely one person typed twice — a mistyped digit in one of the two
numbers — or two people the secretary should tell apart on purpose. The import cannot know which,
so it warns and lets the secretary confirm: a warning never stops an import.

Two kinds, each against the rows the import would create (rows already on the register, with
errors or with a masked number are not new people):

- within the file: a later row with the name and birth date of an earlier one;
- against the register: a member the importing user can see (any state: a member transferred
  out may come back under a mistyped number) with that name and birth date. A member outside
  the user's part of the tree is not looked at: the warning would tell who lives elsewhere.

The same ID number is not a warning: that is the import's own duplicate error, or the same
person skipped. Within the file names are compared as ``members.labels.name_key`` (叶尔江·沙吾提
= 叶尔江•沙吾提); the register is searched for the name as written (one ``IN`` query per
900 names, whatever the file's length).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Protocol

from django.utils.translation import gettext as _

from dangjian.core import crypto
from dangjian.members.labels import name_key
from dangjian.members.models import Member, State

from .columns import FIELDS

#: names per register query (bounded parameter count on SQLite and PostgreSQL)
CHUNK = 900


class Row(Protocol):
    """What is compared of a row the import would create."""

    n: int  # the row number as Excel shows it
    name: str
    birth_date: dt.date | None
    number: str  # the ID number, normalised


def warnings(
    *,
    acting_user: Any,
    rows: Iterable[Row],
    label: dict[str, str],
    problem: Any,
) -> list[Any]:
    """``problem(row, column, reason)`` for each likely duplicate among ``rows`` — the members
    the import would create (row number, ``name``, ``birth_date`` and ``number``) — in row
    order. ``label``: the file's own column headers by field."""
    column = label.get("name", FIELDS["name"][0])
    out: list[tuple[int, str]] = []
    # the rows of each (name, birth date): the first, and the later ones (few) — the rows
    # themselves, no copies: a file of a hundred thousand rows is held once
    first: dict[tuple[str, dt.date], Row] = {}
    later: dict[tuple[str, dt.date], list[Row]] = {}
    for r in rows:
        if not (r.name and r.birth_date):
            continue
        key = (name_key(r.name), r.birth_date)
        seen = first.get(key)
        if seen is None:
            first[key] = r
            continue
        later.setdefault(key, []).append(r)
        if seen.number != r.number:
            out.append(
                (
                    r.n,
                    _(
                        "与第 %(r)d 行姓名、出生日期相同，身份证号不同：是同一人填错了号码，"
                        "还是同名的两个人？请核对。"
                    )
                    % {"r": seen.n},
                )
            )
    for n, member in _on_register(acting_user, first, later):
        state = "" if member.state == State.ACTIVE else f"，{member.get_state_display()}"
        out.append(
            (
                n,
                _(
                    "在册党员中已有同名、出生日期相同的%(name)s（%(org)s，身份证号 %(id)s%(state)s），"
                    "身份证号不同：是同一人吗？请核对。"
                )
                % {
                    "name": member.name,
                    "org": member.org.name,
                    "id": member.id_masked,
                    "state": state,
                },
            )
        )
    out.sort(key=lambda x: x[0])
    return [problem(n, column, reason) for n, reason in out]


def _on_register(
    acting_user: Any,
    first: dict[tuple[str, dt.date], Row],
    later: dict[tuple[str, dt.date], list[Row]],
) -> list[tuple[int, Member]]:
    """(row, member) for each visible member of a row's name and birth date, another number.
    ``first`` / ``later``: the rows by (``name_key``, birth date), the first and the others."""
    names = sorted({r.name for r in first.values()} | {r.name for rs in later.values() for r in rs})
    found: list[tuple[int, Member]] = []
    for i in range(0, len(names), CHUNK):
        members = (
            Member.objects.visible_to(acting_user)
            .filter(name__in=names[i : i + CHUNK])
            .select_related("org")
            .only("name", "birth_date", "id_hash", "id_masked", "state", "org__name")
            .order_by("pk")
        )
        for m in members:
            key = (name_key(m.name), m.birth_date)
            if key not in first:
                continue
            for r in (first[key], *later.get(key, ())):
                if crypto.blind_index(r.number) != m.id_hash:
                    found.append((r.n, m))
    return found
