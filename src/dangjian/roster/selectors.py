"""Reads of the roster import: where rows may go, the remembered name mappings."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from dangjian.core.access import subtree_q
from dangjian.orgs.models import BRANCH_KINDS, COMMUNITY_KINDS, Organisation

from . import names, parse
from .models import OrgAlias


def import_targets(*, user: Any, org: Organisation) -> QuerySet[Organisation]:
    """The organisations rows imported into ``org`` may go to: active branches and community
    organisations in its subtree that ``user`` may change."""
    return (
        Organisation.objects.changeable_by(user)
        .filter(subtree_q("path", org.path), is_active=True)
        .filter(kind__in=[*BRANCH_KINDS, *COMMUNITY_KINDS])
        .order_by("path")
    )


def aliases_for(*, org: Organisation, targets: dict[int, Organisation]) -> dict[str, Organisation]:
    """Written name → organisation, for an import into ``org``: the mappings remembered for
    ``org`` and the organisations above it (the nearest wins), those whose organisation is one
    of ``targets`` (pk → organisation) only — a mapping to anything else does not apply here."""
    out: dict[str, Organisation] = {}
    for written, org_id in (
        OrgAlias.objects.filter(scope_id__in=org.ancestor_ids())
        .order_by("scope__depth", "pk")
        .values_list("written", "org_id")
    ):
        if org_id in targets:
            out[written] = targets[org_id]
        else:
            out.pop(written, None)  # a nearer mapping to elsewhere hides a farther one
    return out


def aliases_visible(*, user: Any) -> QuerySet[OrgAlias]:
    """The remembered mappings of the organisations the user may change (the roster page)."""
    return (
        OrgAlias.objects.changeable_by(user)
        .select_related("scope", "org", "by")
        .order_by("scope__path", "written", "pk")
    )


def suggest(written: str, targets: list[Organisation]) -> Organisation | None:
    """The organisation ``written`` most likely means, if one stands out (``names.closest``)."""
    return names.closest(parse.text(written), ((o, (o.name, o.short_name)) for o in targets))
