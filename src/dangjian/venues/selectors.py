"""Reads of venues and office space: a community's six venues, and the office-space band table of
seed 001 (拆迁过渡 / under 100 / 100–150 / 150–300 / 300 and more square metres) for any level."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from dangjian.core import rules
from dangjian.core.access import subtree_q
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation

from .models import Kind, OfficeSpace, Venue


def venues_of(community: Organisation) -> list[tuple[str, str, Venue | None]]:
    """(kind, label, venue or None) for each of the six, in the order of 一厅一校四室."""
    have = {v.kind: v for v in Venue.objects.filter(community=community).select_related("resource")}
    return [(k, str(label), have.get(k)) for k, label in Kind.choices]


@dataclass(frozen=True)
class Band:
    label: str
    count: int
    communities: tuple[str, ...]


def band_table(*, user: Any, org: Organisation) -> tuple[list[Band], int]:
    """Communities under ``org`` by office floor area, as seed 001 counts them (two queries),
    and how many have not recorded theirs."""
    bounds = [Decimal(b) for b in rules.value("office.space_bands", "bands_m2", org=org)]
    communities = list(
        Organisation.objects.visible_to(user)
        .filter(subtree_q("path", org.path), kind__in=list(COMMUNITY_KINDS), is_active=True)
        .order_by("path")
        .values_list("pk", "name")
    )
    offices = {
        o.community_id: o
        for o in OfficeSpace.objects.filter(community_id__in=[pk for pk, _n in communities])
    }
    labels = [_("拆迁过渡中"), _("%(b)s 平方米以下") % {"b": bounds[0]}]
    labels += [
        _("%(a)s–%(b)s 平方米") % {"a": lo, "b": hi}
        for lo, hi in zip(bounds, bounds[1:], strict=False)
    ]
    labels.append(_("%(b)s 平方米以上") % {"b": bounds[-1]})
    members: list[list[str]] = [[] for _label in labels]
    missing = 0
    for pk, name in communities:
        o = offices.get(pk)
        if o is None:
            missing += 1
        elif o.in_transition:
            members[0].append(name)
        else:
            i = sum(1 for b in bounds if o.floor_area_m2 >= b)
            members[1 + i].append(name)
    return [Band(lab, len(m), tuple(m)) for lab, m in zip(labels, members, strict=True)], missing
