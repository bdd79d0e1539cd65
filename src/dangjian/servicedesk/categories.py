"""The service categories a community offers (SPEC §7: “configurable per community”).

A community's categories are the keys of rule ``service.request_deadline`` as it applies there
(defaults overlaid by the locality overrides of the community and its ancestors, see
:func:`dangjian.core.rules.effective`); each key's number is its deadline in days. An override
may change a category's days, take one away for a community (``null`` or ``0``: not offered
there any more — requests already received keep it and still display) or add a category of its
own under a new key, which is then also its Chinese label (``"证明开具": 5``)::

    {"orgs": {"C0103": {"service.request_deadline": {"dibao": null, "证明开具": 5}}}}
"""

from __future__ import annotations

from typing import Any

from dangjian.core import rules

from .models import CATEGORY_MAX_LENGTH, category_label

RULE = "service.request_deadline"


def _days(raw: Any) -> int | None:
    if raw is None or isinstance(raw, bool):
        return None
    try:
        days = int(raw)
    except (TypeError, ValueError):
        return None
    return days if days > 0 else None


def offered(community: Any = None) -> dict[str, int]:
    """Category key → deadline days, in the rule's order (built-in ones first, then the
    locality's own). Without a community: the defaults. One query when localities override."""
    codes: tuple[str, ...] = ()
    if community is not None and rules.override_org_codes():
        codes = tuple(community.ancestor_codes())
    out: dict[str, int] = {}
    for key, raw in rules.effective(RULE, org_codes=codes).items():
        key = str(key).strip()
        days = _days(raw)
        if key and len(key) <= CATEGORY_MAX_LENGTH and days is not None:
            out[key] = days
    return out


def choices(community: Any = None) -> list[tuple[str, str]]:
    """(key, label) of the categories a community offers, for forms and filters."""
    return [(k, category_label(k)) for k in offered(community)]
