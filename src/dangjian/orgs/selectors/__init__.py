"""Reads of the organisation and place trees, always for a user.

``tree`` — navigation and member counts; ``warnings`` — structural warnings; ``coverage`` —
buildings without a branch and corridors without a group; ``places`` — the places tree.
"""

from .coverage import CommunityCoverage, Coverage, coverage_communities, coverage_for
from .places import (
    COVER_KINDS,
    PlaceNode,
    child_place_counts,
    cover_candidates,
    covering_orgs,
    place_ancestors,
    place_children,
    place_tree,
    places_visible,
)
from .tree import (
    Counts,
    Node,
    ancestor_paths,
    child_counts,
    member_counts,
    org_ancestors,
    org_children,
    org_offices,
    org_roots_for,
    org_summaries,
    orgs_visible,
    prefix_q,
    today,
    top_prefixes,
    tree_nodes,
)
from .warnings import OrgWarning, WarningKind, org_warnings, warning_summary, warnings_in

__all__ = [
    "COVER_KINDS",
    "CommunityCoverage",
    "Counts",
    "Coverage",
    "Node",
    "OrgWarning",
    "PlaceNode",
    "WarningKind",
    "ancestor_paths",
    "child_counts",
    "child_place_counts",
    "cover_candidates",
    "coverage_communities",
    "coverage_for",
    "covering_orgs",
    "member_counts",
    "org_ancestors",
    "org_children",
    "org_offices",
    "org_roots_for",
    "org_summaries",
    "org_warnings",
    "orgs_visible",
    "place_ancestors",
    "place_children",
    "place_tree",
    "places_visible",
    "prefix_q",
    "today",
    "top_prefixes",
    "tree_nodes",
    "warning_summary",
    "warnings_in",
]
