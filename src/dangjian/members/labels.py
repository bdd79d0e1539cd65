"""Names that tell people apart (issue 20 item 4): two 叶尔江·沙吾提 in one branch.

Where people are picked or listed, a name that occurs more than once in the same list gets a
short hint beside it — the birth year; when the birth years are the same too, the last four
characters of the ID number as the register already shows them (``id_masked``, never a
decryption); when those are the same or missing, the household. A name that is unique in the
list stays bare: the hint is there to separate, not to clutter every row.

Pure: it reads only what the rows carry (a ``Member`` with its household loaded, or a mapping
with ``name``, ``birth_date``, ``id_masked`` and optionally ``household``), so a list costs no
query more. Names are compared after NFKC and with the middle dots people type differently
(叶尔江·沙吾提, 叶尔江•沙吾提, 叶尔江.沙吾提) made one.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

# the dots and spaces of transliterated names: · • ・ ‧ . and any space
_DOTS = re.compile(r"[\s·•・‧．.\u00b7\u2027\u30fb]+")


def name_key(name: object) -> str:
    """The name as compared for "the same name"."""
    return _DOTS.sub("·", unicodedata.normalize("NFKC", str(name or "")).strip())


def _get(row: Any, key: str) -> Any:
    if isinstance(row, Mapping):
        return row.get(key)
    return getattr(row, key, None)


def _year(row: Any) -> str:
    day = _get(row, "birth_date")
    return _("%(y)d年生") % {"y": day.year} if day else ""


def _id_tail(row: Any) -> str:
    masked = (_get(row, "id_masked") or "").strip()
    return "…" + masked[-4:] if len(masked) >= 4 and "*" not in masked[-4:] else ""


def _household(row: Any) -> str:
    if isinstance(row, Mapping):
        name = str(row.get("household") or "")
    else:
        # a Member: only a household already loaded (select_related), never a query per row
        meta = getattr(type(row), "_meta", None)
        field = meta.get_field("household") if meta else None
        cached = field is not None and getattr(row, "household_id", None) and field.is_cached(row)
        name = row.household.name if cached else ""
    return _("住%(h)s") % {"h": name} if name else ""


def _separate(group: Sequence[Any]) -> list[str]:
    """Hints for rows that share one name: the fewest parts that make them different."""
    parts: list[list[str]] = [[_year(r)] for r in group]
    for extra in (_id_tail, _household):
        seen: dict[tuple[str, ...], int] = defaultdict(int)
        for p in parts:
            seen[tuple(p)] += 1
        if all(seen[tuple(p)] == 1 for p in parts):
            break
        for p, r in zip(parts, group, strict=True):
            if seen[tuple(p)] > 1:
                p.append(extra(r))
    return ["，".join(x for x in p if x) for p in parts]


def duplicate_hints(rows: Iterable[Any], *, also: set[str] | None = None) -> list[str]:
    """For each row, in order, the hint that tells it from the others of the same name ("" for a
    name that occurs once). ``also``: name keys known to be shared with people outside ``rows``
    (another page of the same list), whose rows get the hint too."""
    rows = list(rows)
    groups: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        groups[name_key(_get(r, "name"))].append(i)
    hints = [""] * len(rows)
    for key, idx in groups.items():
        if len(idx) > 1 or (also and key in also):
            for i, hint in zip(idx, _separate([rows[i] for i in idx]), strict=True):
                hints[i] = hint
    return hints


def with_hint(name: str, hint: str, *extra: str) -> str:
    """``name（hint，extra…）``, or the bare name when there is nothing to add."""
    inside = "，".join(x for x in (hint, *extra) if x)
    return f"{name}（{inside}）" if inside else name


def add_hint(label: str, name: str, hint: str) -> str:
    """Put ``hint`` into a label made elsewhere: ``"name（org）"`` → ``"name（hint，org）"``,
    ``"name"`` → ``"name（hint）"``; any other label gets it at the end."""
    if not hint:
        return label
    if label.startswith(f"{name}（") and label.endswith("）"):
        return f"{name}（{hint}，{label[len(name) + 1 :]}"
    if label == name:
        return f"{name}（{hint}）"
    return f"{label}（{hint}）"


def member_labels(rows: Iterable[Any]) -> list[str]:
    """Each row's name, with the hint when the name is not unique among ``rows``."""
    rows = list(rows)
    return [
        with_hint(str(_get(r, "name") or ""), h)
        for r, h in zip(rows, duplicate_hints(rows), strict=True)
    ]


def member_choices(rows: Iterable[Any], label: Any = None) -> list[tuple[Any, str]]:
    """``(pk, label)`` choices for a ``ChoiceField`` built from members; ``label(member)`` makes
    each label (the name by default), the hint is put in where the name is not unique."""
    rows = list(rows)
    make = label or (lambda r: str(_get(r, "name") or ""))
    return [
        (_get(r, "pk"), add_hint(make(r), str(_get(r, "name") or ""), h))
        for r, h in zip(rows, duplicate_hints(rows), strict=True)
    ]
