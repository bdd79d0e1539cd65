"""A rule's numbers for every organisation of a subtree, honouring locality overrides, in one
query at most (none when no locality has numbers of its own)."""

from __future__ import annotations

from typing import Any

from dangjian.core import rules
from dangjian.orgs.models import Organisation


def numbers_by_org(
    rule_id: str, *, root: Organisation, orgs: list[Organisation]
) -> dict[int, dict[str, Any]]:
    """``{org.pk: effective numbers}`` of ``rule_id`` for each of ``orgs`` (all below ``root``)."""
    if not rules.override_org_codes():
        default = rules.effective(rule_id)
        return {o.pk: default for o in orgs}
    codes = {o.pk: o.code for o in orgs}
    codes.update(Organisation.objects.filter(pk__in=root.ancestor_ids()).values_list("pk", "code"))
    missing = {i for o in orgs for i in o.ancestor_ids()} - set(codes)
    if missing:
        codes.update(Organisation.objects.filter(pk__in=missing).values_list("pk", "code"))
    return {
        o.pk: rules.effective(
            rule_id, org_codes=tuple(codes[i] for i in o.ancestor_ids() if i in codes)
        )
        for o in orgs
    }
