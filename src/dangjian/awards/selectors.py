"""Reads of the awards: a community's model-community proposal (from its scorecard and the rule
``assess.model_community``), the year's list for an upper organisation, and the rounds and
nominations a user may see.

A proposal measures the community's whole scorecard (~17 indicators): the list computes one per
community on the page it shows, never per row of a longer loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from dangjian.assessment.scoring import Scorecard, scorecard
from dangjian.assessment.selectors import communities_visible, may_decide
from dangjian.core import rules
from dangjian.core.access import CHANGE, VIEW, scope_for, subtree_q
from dangjian.orgs.models import COMMUNITY_KINDS, UPPER_KINDS, Organisation

from .models import ModelCommunityDecision, Nomination, Round

#: rule ``assess.model_community``: stars → the key of its threshold
STAR_KEYS = ((5, "five"), (4, "four"), (3, "three"), (2, "two"), (1, "one"))


def thresholds(community: Organisation) -> dict[int, Decimal]:
    """The lowest total for each number of stars, as it applies to the community."""
    return {
        stars: Decimal(str(rules.value("assess.model_community", key, org=community)))
        for stars, key in STAR_KEYS
    }


def stars_for(total: Decimal | None, limits: dict[int, Decimal]) -> int | None:
    """Proposed stars for a total: the most stars whose threshold it reaches; ``None`` unscored."""
    if total is None:
        return None
    for stars in sorted(limits, reverse=True):
        if total >= limits[stars]:
            return stars
    return 0


@dataclass
class Proposal:
    """One community's proposal for one year, with its reasons and the decision if made."""

    community: Organisation
    year: int
    card: Scorecard
    stars: int | None
    decision: ModelCommunityDecision | None = None
    limits: dict[int, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal | None:
        return self.card.total

    @property
    def level(self) -> str:
        return self.card.level

    @property
    def goods(self) -> list[Any]:
        return self.card.goods

    @property
    def strengths(self) -> list[str]:
        """The goods at full marks."""
        return [
            g.label for g in self.card.goods if g.points is not None and g.points >= g.max_points
        ]

    @property
    def below_target(self) -> list[Any]:
        """The indicators measured and short of their target (score below 1)."""
        return [ln for ln in self.card.lines if ln.score is not None and ln.score < 1]

    @property
    def reasons(self) -> list[str]:
        """Why these stars, in words: each good's points, then the indicators below target."""
        out = []
        if self.total is None:
            return ["当年尚无可计分的记录，不提出建议。"]
        for g in self.card.goods:
            pts = "未评分" if g.points is None else f"{g.points}/{g.max_points} 分"
            out.append(f"{g.label}：{pts}")
        for ln in self.below_target:
            out.append(
                f"未达标：{ln.indicator.title}（完成 {ln.percent}%，达标线 "
                f"{(ln.target * 100).normalize():f}%）"
            )
        return out

    @property
    def threshold_text(self) -> str:
        return "；".join(f"{s} 星 ≥ {v.normalize():f} 分" for s, v in sorted(self.limits.items()))


def proposal(community: Organisation, year: int, *, decision: Any = "load") -> Proposal:
    """The proposal of one community for one year (one scorecard)."""
    card = scorecard(community, year)
    limits = thresholds(community)
    if decision == "load":
        decision = ModelCommunityDecision.objects.filter(community=community, year=year).first()
    return Proposal(community, year, card, stars_for(card.total, limits), decision, limits)


def proposals(communities: list[Organisation], year: int) -> list[Proposal]:
    """Proposals for the given communities (one scorecard each); decisions in one query."""
    decisions = {
        d.community_id: d
        for d in ModelCommunityDecision.objects.filter(
            community__in=[c.pk for c in communities], year=year
        ).select_related("decided_by")
    }
    return [proposal(c, year, decision=decisions.get(c.pk)) for c in communities]


def upper_orgs_visible(user: Any) -> QuerySet[Organisation]:
    """Upper organisations (county, street, town) in the user's view."""
    scope = scope_for(user)
    if not scope.everything and not scope.view_paths:
        return Organisation.objects.none()
    q = Q(pk__in=[])
    if scope.everything:
        q = Q()
    for p in scope.view_paths:
        q |= subtree_q("path", p)
    return Organisation.objects.filter(q, kind__in=list(UPPER_KINDS), is_active=True).order_by(
        "path"
    )


def upper_org_or_404(user: Any, pk: Any) -> Organisation:
    try:
        return upper_orgs_visible(user).get(pk=int(pk))
    except (Organisation.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def deciding_community_or_404(user: Any, pk: Any) -> Organisation:
    """A community the user may decide for (a changing grant above it), else 404."""
    from dangjian.assessment.selectors import community_or_404

    community = community_or_404(user=user, pk=pk)
    if not may_decide(user=user, community=community):
        raise Http404
    return community


def rounds_visible(user: Any) -> QuerySet[Round]:
    scope = scope_for(user)
    if not scope.everything and not scope.view_paths:
        return Round.objects.none()
    return Round.objects.visible_to(user).select_related("org")


def round_or_404(user: Any, pk: Any) -> Round:
    try:
        return rounds_visible(user).get(pk=int(pk))
    except (Round.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def may_decide_round(user: Any, rnd: Round) -> bool:
    """The round's organisation (or above) decides its nominations."""
    return scope_for(user).reaches_path(rnd.org.path, CHANGE)


def nominations_visible(user: Any, rnd: Round | None = None) -> QuerySet[Nomination]:
    scope = scope_for(user)
    if not scope.everything and not scope.view_paths:
        return Nomination.objects.none()
    qs = Nomination.objects.visible_to(user)
    if rnd is not None:
        qs = qs.filter(round=rnd)
    return qs.select_related(
        "round__org", "community", "member__org", "staff", "decided_by"
    ).order_by("round", "community__path", "pk")


def nomination_or_404(user: Any, pk: Any) -> Nomination:
    try:
        return nominations_visible(user).get(pk=int(pk))
    except (Nomination.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def nominating_communities(user: Any, rnd: Round) -> QuerySet[Organisation]:
    """The communities under the round's organisation the user may nominate for."""
    scope = scope_for(user)
    if not scope.everything and not scope.change_paths:
        return Organisation.objects.none()
    return (
        Organisation.objects.changeable_by(user)
        .filter(subtree_q("path", rnd.org.path), kind__in=list(COMMUNITY_KINDS), is_active=True)
        .order_by("path")
    )


def reaches(user: Any, org: Organisation, action: str = VIEW) -> bool:
    return scope_for(user).reaches_path(org.path, action)


__all__ = [
    "Proposal",
    "communities_visible",
    "deciding_community_or_404",
    "may_decide",
    "nominating_communities",
    "nomination_or_404",
    "nominations_visible",
    "proposal",
    "proposals",
    "round_or_404",
    "rounds_visible",
    "stars_for",
    "thresholds",
    "upper_org_or_404",
    "upper_orgs_visible",
]
