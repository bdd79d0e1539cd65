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
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from dangjian.members.labels import name_key
from dangjian.members.models import Member, State

from .columns import FIELDS

#: names per register query (bounded parameter count on SQLite and PostgreSQL)
CHUNK = 900

Key = tuple[str, dt.date]


def on_register(acting_user: Any, names: Sequence[str]) -> dict[Key, list[Member]]:
    """The members the user can see (any state) whose name is one of ``names``, by
    (``name_key``, birth date), in the order found: read before the rows are checked, so that
    checking needs no database (one ``IN`` query per 900 names, whatever the file's length)."""
    found: dict[Key, list[Member]] = {}
    for i in range(0, len(names), CHUNK):
        members = (
            Member.objects.visible_to(acting_user)
            .filter(name__in=names[i : i + CHUNK])
            .select_related("org")
            .only("name", "birth_date", "id_hash", "id_masked", "state", "org__name")
            .order_by("pk")
        )
        for m in members:
            found.setdefault((name_key(m.name), m.birth_date), []).append(m)
    return found


class Finder:
    """The likely duplicates among the rows the import would create, given one by one in row
    order (``add``) — against the rows before and against ``register`` (``on_register``) — then
    as problems (``warnings``). No database."""

    def __init__(self, register: dict[Key, list[Member]]) -> None:
        self.register = register
        # the first row of each (name, birth date) — its number only: the rows given are each
        # the first of their ID number (a later one is the import's duplicate error), so a
        # second row of the same name and birth date always has another number
        self.first: dict[Key, int] = {}
        self.within: list[tuple[int, str]] = []
        self.found: list[tuple[int, Member]] = []

    def add(self, n: int, name: str, birth_date: dt.date | None, hash_: str) -> None:
        """Row ``n`` would create a member, under the ID number of blind index ``hash_`` — a
        number no row before it has."""
        if not (name and birth_date):
            return
        folded = name_key(name)
        # the name itself when folding leaves it as it is: one string fewer a row (8 MB at a
        # hundred thousand)
        key = (name if folded == name else folded, birth_date)
        seen = self.first.get(key)
        if seen is None:
            self.first[key] = n
        else:
            self.within.append(
                (
                    n,
                    _(
                        "与第 %(r)d 行姓名、出生日期相同，身份证号不同：是同一人填错了号码，"
                        "还是同名的两个人？请核对。"
                    )
                    % {"r": seen},
                )
            )
        for member in self.register.get(key, ()):
            if member.id_hash != hash_:
                self.found.append((n, member))

    def warnings(self, *, label: dict[str, str], problem: Any) -> list[Any]:
        """``problem(row, column, reason)`` for each likely duplicate, in row order. ``label``:
        the file's own column headers by field."""
        column = label.get("name", FIELDS["name"][0])
        out = list(self.within)
        for n, member in self.found:
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
