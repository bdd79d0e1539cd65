"""Structural warnings (SPEC §1): the system warns, it never refuses.

Every number comes from the rules table (``core/rules.py``), read with the organisation's
locality overrides. :func:`org_warnings` works on any number of organisations in a fixed number
of queries: member counts (one), current offices (one) and, when a locality overrides rules for
some organisations, the codes of the ancestors (one).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy

from dangjian.core import rules

from ..models import BRANCH_KINDS, COMMUNITY_KINDS, UPPER_KINDS, Office, Organisation, OrgKind
from .tree import member_counts, orgs_visible, prefix_q, today


class WarningKind(models.TextChoices):
    TOO_FEW_FULL = "too_few_full", gettext_lazy("正式党员不足")
    NEEDS_COMMITTEE = "needs_committee", gettext_lazy("应设支部委员会")
    COMMITTEE_NOT_NEEDED = "committee_not_needed", gettext_lazy("可不设支部委员会")
    COMMITTEE_TOO_LARGE = "committee_too_large", gettext_lazy("支部委员会人数过多")
    SHOULD_BE_GENERAL_BRANCH = "should_be_general_branch", gettext_lazy("党员较多，应设党总支")
    SHOULD_BE_PARTY_COMMITTEE = "should_be_party_committee", gettext_lazy("党员较多，应设党委")
    TERM_ENDING = "term_ending", gettext_lazy("任期即将届满")
    TERM_ENDED = "term_ended", gettext_lazy("任期已届满")
    NO_SECRETARY = "no_secretary", gettext_lazy("没有书记")
    NO_GROUP_LEADER = "no_group_leader", gettext_lazy("没有党小组长")


#: Organisations that should have a secretary recorded.
SECRETARY_KINDS = BRANCH_KINDS | COMMUNITY_KINDS | UPPER_KINDS
#: Organisations that become a party committee when they grow (a committee already is one).
GROWING_KINDS = BRANCH_KINDS | {OrgKind.GENERAL_BRANCH}


#: Messages, formatted only when a warning is shown (a city-wide list computes thousands).
MESSAGES = {
    WarningKind.TOO_FEW_FULL: gettext_lazy(
        "正式党员只有 %(n)d 名，不足 %(min)d 名。可与邻近支部联合或调整设置。"
    ),
    WarningKind.NEEDS_COMMITTEE: gettext_lazy(
        "正式党员 %(n)d 名，达到 %(t)d 名，应选举支部委员会（%(a)d 至 %(b)d 人）；现有在任委员 %(c)d 人。"
    ),
    WarningKind.COMMITTEE_NOT_NEEDED: gettext_lazy(
        "正式党员 %(n)d 名，不足 %(t)d 名，一般不设支部委员会，只设书记（必要时设副书记）；现有在任委员 %(c)d 人。"
    ),
    WarningKind.COMMITTEE_TOO_LARGE: gettext_lazy("支部委员会现有 %(c)d 人，超过最多 %(max)d 人。"),
    WarningKind.SHOULD_BE_PARTY_COMMITTEE: gettext_lazy(
        "党员 %(n)d 名，超过 %(over)d 名，一般应设立党的基层委员会。"
    ),
    WarningKind.SHOULD_BE_GENERAL_BRANCH: gettext_lazy(
        "党员 %(n)d 名，超过 %(over)d 名，一般应设立党的总支部委员会。"
    ),
    WarningKind.TERM_ENDED: gettext_lazy("%(who)s 的任期已于 %(d)s 届满，请尽快换届选举。"),
    WarningKind.TERM_ENDING: gettext_lazy(
        "%(who)s 的任期将于 %(d)s 届满（还有 %(n)d 天），请提前准备换届。"
    ),
    WarningKind.NO_SECRETARY: gettext_lazy("没有在任书记的记录，请及时选举或补录。"),
    WarningKind.NO_GROUP_LEADER: gettext_lazy("没有在任党小组长的记录，请及时确定或补录。"),
}


@dataclass(frozen=True)
class OrgWarning:
    """One warning about one organisation, with the rule it comes from. ``holders`` are the
    (title, name) of the office holders a term warning is about."""

    org: Organisation
    kind: str
    rule_id: str
    params: dict[str, Any] = field(default_factory=dict)
    holders: tuple[tuple[str, str], ...] = field(default=())

    @property
    def label(self) -> str:
        return str(WarningKind(self.kind).label)

    @property
    def message(self) -> str:
        params = dict(self.params)
        if self.holders:
            params["who"] = "、".join(f"{Office.Title(t).label} {name}" for t, name in self.holders)
        return str(MESSAGES[WarningKind(self.kind)]) % params

    @property
    def rule(self) -> rules.Rule:
        return rules.get(self.rule_id)


def _codes_with_overrides() -> set[str]:
    """Codes of the organisations that have local rule overrides. Only they change a rule's
    numbers, so every other organisation shares the cached defaults — which keeps a city-wide
    list fast."""
    return rules.override_org_codes()


class _RuleReader:
    """Rule numbers for many organisations: overrides resolved from ancestor codes in memory."""

    def __init__(self, orgs: list[Organisation]) -> None:
        overridden = _codes_with_overrides()
        self._chains: dict[int, tuple[str, ...]] = {}
        if overridden:
            codes = {o.pk: o.code for o in orgs}
            ancestors = {i for o in orgs for i in o.ancestor_ids()} - set(codes)
            if ancestors:
                codes.update(
                    Organisation.objects.filter(pk__in=ancestors).values_list("pk", "code")
                )
            for o in orgs:
                chain = (codes.get(i, "") for i in o.ancestor_ids())
                self._chains[o.pk] = tuple(c for c in chain if c in overridden)
        self._cache: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = {}

    def __call__(self, org: Organisation, rule_id: str, key: str) -> Any:
        k = (rule_id, self._chains.get(org.pk, ()))
        values = self._cache.get(k)
        if values is None:
            values = self._cache[k] = rules.effective(rule_id, org_codes=k[1])
        return values[key]


def _current_offices(orgs: list[Organisation], on: dt.date) -> dict[int, list[Office]]:
    """Current offices of the given organisations in one query: a prefix and depth filter, so
    the query stays small however many organisations there are."""
    ids = {o.pk for o in orgs}
    rows = (
        Office.objects.current(on)
        .filter(prefix_q("org__path", (o.path for o in orgs)))
        .filter(org__depth__in={o.depth for o in orgs})
        .only("org_id", "title", "member_id", "holder_name", "term_end", "left_on")
        .order_by("org_id", "title", "term_start", "pk")
    )
    out: dict[int, list[Office]] = defaultdict(list)
    for office in rows:
        if office.org_id in ids:
            out[office.org_id].append(office)
    return out


def _persons(offices: Iterable[Office]) -> set[Any]:
    """One person may hold two titles; count people, not offices."""
    return {o.member_id or ("name", o.holder_name) for o in offices}


def org_warnings(
    *, orgs: Iterable[Organisation], on: dt.date | None = None
) -> dict[int, list[OrgWarning]]:
    """Warnings for each organisation (its own situation; descendants are counted as members
    of it). Returns every given organisation's id, with an empty list when all is well."""
    orgs = list(orgs)
    if not orgs:
        return {}
    on = on or today()
    counts = member_counts(orgs=orgs)
    offices = _current_offices(orgs, on)
    rule = _RuleReader(orgs)
    out: dict[int, list[OrgWarning]] = {}
    for org in orgs:
        found: list[OrgWarning] = []
        c = counts[org.pk]
        held = offices.get(org.pk, [])
        if org.kind in BRANCH_KINDS:
            found += _branch_warnings(org, c.full, held, rule)
        found += _size_warnings(org, c.total, rule)
        found += _term_warnings(org, held, on, rule)
        titles = {o.title for o in held}
        if org.kind in SECRETARY_KINDS and Office.Title.SECRETARY not in titles:
            found.append(OrgWarning(org, WarningKind.NO_SECRETARY, "org.branch_committee_size"))
        if org.kind == OrgKind.GROUP and Office.Title.GROUP_LEADER not in titles:
            found.append(OrgWarning(org, WarningKind.NO_GROUP_LEADER, "org.branch_committee_size"))
        out[org.pk] = found
    return out


def _branch_warnings(org, full, held, rule) -> list[OrgWarning]:
    out = []
    minimum = rule(org, "org.branch_min_full_members", "min")
    if full < minimum:
        out.append(
            OrgWarning(
                org,
                WarningKind.TOO_FEW_FULL,
                "org.branch_min_full_members",
                {"n": full, "min": minimum},
            )
        )
    threshold = rule(org, "org.branch_committee_threshold", "min_full_members")
    size_min = rule(org, "org.branch_committee_size", "min")
    size_max = rule(org, "org.branch_committee_size", "max")
    committee = len(_persons(o for o in held if o.title in Office.COMMITTEE_TITLES))
    has_committee = committee >= size_min
    if full >= threshold and not has_committee:
        usual = rule(org, "org.branch_committee_size", "max_usual")
        out.append(
            OrgWarning(
                org,
                WarningKind.NEEDS_COMMITTEE,
                "org.branch_committee_threshold",
                {"n": full, "t": threshold, "a": size_min, "b": usual, "c": committee},
            )
        )
    if full < threshold and has_committee:
        out.append(
            OrgWarning(
                org,
                WarningKind.COMMITTEE_NOT_NEEDED,
                "org.branch_committee_threshold",
                {"n": full, "t": threshold, "c": committee},
            )
        )
    if committee > size_max:
        out.append(
            OrgWarning(
                org,
                WarningKind.COMMITTEE_TOO_LARGE,
                "org.branch_committee_size",
                {"c": committee, "max": size_max},
            )
        )
    return out


def _size_warnings(org, total, rule) -> list[OrgWarning]:
    if org.kind not in GROWING_KINDS:
        return []
    party_over = rule(org, "org.party_committee_threshold", "members_over")
    if total > party_over:
        return [
            OrgWarning(
                org,
                WarningKind.SHOULD_BE_PARTY_COMMITTEE,
                "org.party_committee_threshold",
                {"n": total, "over": party_over},
            )
        ]
    general_over = rule(org, "org.general_branch_threshold", "members_over")
    if org.kind in BRANCH_KINDS and total > general_over:
        return [
            OrgWarning(
                org,
                WarningKind.SHOULD_BE_GENERAL_BRANCH,
                "org.general_branch_threshold",
                {"n": total, "over": general_over},
            )
        ]
    return []


def _term_warnings(org, held, on, rule) -> list[OrgWarning]:
    """One warning per term end date: a committee elected together ends together."""
    if not held:
        return []
    days = rule(org, "org.branch_committee_size", "remind_days_before_end")
    ends: dict[dt.date, list[Office]] = defaultdict(list)
    for o in held:
        if o.term_end is not None and o.term_end <= on + dt.timedelta(days=days):
            ends[o.term_end].append(o)
    out = []
    for end in sorted(ends):
        holders = tuple((o.title, o.holder_name) for o in ends[end])
        kind = WarningKind.TERM_ENDED if end < on else WarningKind.TERM_ENDING
        params = {"d": end.isoformat(), "n": (end - on).days}
        out.append(OrgWarning(org, kind, "org.branch_committee_size", params, holders))
    return out


def warnings_in(*, user: Any, org: Organisation, kind: str | None = None) -> list[OrgWarning]:
    """Every warning in an organisation's subtree that the user may see, in tree order."""
    orgs = list(
        orgs_visible(user=user)
        .filter(path__startswith=org.path)
        .only("path", "depth", "kind", "name", "code", "parent_id", "is_active")
        .order_by("path")
    )
    found = org_warnings(orgs=orgs)
    out = [w for o in orgs for w in found[o.pk]]
    if kind:
        out = [w for w in out if w.kind == kind]
    return out


def warning_summary(warnings: Iterable[OrgWarning]) -> list[tuple[str, str, int]]:
    """(kind, label, count) for the kinds present, in the order of :class:`WarningKind`."""
    n: dict[str, int] = defaultdict(int)
    for w in warnings:
        n[w.kind] += 1
    return [(k, str(label), n[k]) for k, label in WarningKind.choices if n.get(k)]
