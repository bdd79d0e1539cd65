"""星级社区党建示范点: proposals from the scorecards and the rule, decisions by the street."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.assessment.scoring import scorecard
from dangjian.awards import selectors, services
from dangjian.awards.models import ModelCommunityDecision
from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError

pytestmark = pytest.mark.django_db


def _year() -> int:
    return timezone.localdate().year


@pytest.mark.parametrize(
    ("score", "stars"),
    [
        (95, 5),
        (94.5, 4),
        (90, 4),
        (89.5, 3),
        (85, 3),
        (80, 2),
        (79.5, 1),
        (75, 1),
        (74.5, 0),
    ],
)
def test_proposed_stars_at_and_just_below_each_threshold(
    cast, only_inspected, give_scores, score, stars
):
    give_scores(cast.comm_a, score)
    card = scorecard(cast.comm_a, _year())
    assert card.total == Decimal(str(score))
    p = selectors.proposal(cast.comm_a, _year())
    assert p.total == card.total and p.stars == stars


def test_a_locality_threshold_changes_the_proposal(cast, only_inspected, give_scores):
    give_scores(cast.comm_a, 89.5)
    assert selectors.proposal(cast.comm_a, _year()).stars == 3
    only_inspected(default={"assess.model_community": {"four": 89.5}})
    assert selectors.proposal(cast.comm_a, _year()).stars == 4
    only_inspected(orgs={"SA": {"assess.model_community": {"three": 90, "four": 92}}})
    assert selectors.proposal(cast.comm_a, _year()).stars == 2  # street A's own numbers


def test_no_scores_means_no_proposal(cast, only_inspected):
    p = selectors.proposal(cast.comm_a, _year())
    assert p.total is None and p.stars is None
    assert "不提出建议" in p.reasons[0]


def test_reasons_name_each_good_and_the_indicators_below_target(cast, only_inspected, give_scores):
    give_scores(
        cast.comm_a,
        {"leadership": 100, "members": 80, "mechanism": 100, "results": 100, "residents": 100},
    )
    p = selectors.proposal(cast.comm_a, _year())
    assert p.total == Decimal("96.0") and p.stars == 5
    assert p.strengths == ["领导班子好", "工作机制好", "工作业绩好", "群众反映好"]
    assert [ln.key for ln in p.below_target] == ["inspect.members"]
    assert "党员队伍好：16.0/20 分" in p.reasons
    assert any("未达标" in r and "党员队伍好" in r for r in p.reasons)


def test_the_street_decides_and_the_proposal_is_kept(cast, only_inspected, give_scores):
    give_scores(cast.comm_a, 90)
    d = services.model_decide(
        acting_user=cast.street_sec, community=cast.comm_a, year=_year(), stars=4
    )
    assert (d.proposed_stars, d.proposed_total, d.decided_stars) == (4, Decimal("90.0"), 4)
    assert d.decided_by == cast.street_sec and d.version == 1
    assert AuditEntry.objects.filter(action="create", object_id=str(d.pk)).exists()


def test_an_override_needs_a_reason(cast, only_inspected, give_scores):
    give_scores(cast.comm_a, 90)
    with pytest.raises(ValidationError) as exc:
        services.model_decide(
            acting_user=cast.street_sec, community=cast.comm_a, year=_year(), stars=5, reason=" "
        )
    assert "理由" in exc.value.message_dict["reason"][0]
    assert not ModelCommunityDecision.objects.exists()
    d = services.model_decide(
        acting_user=cast.street_sec,
        community=cast.comm_a,
        year=_year(),
        stars=5,
        reason="创建全国文明社区",
    )
    assert d.overridden and d.reason == "创建全国文明社区"


def test_stars_out_of_range_are_refused(cast, only_inspected):
    for bad in (6, -1, "x"):
        with pytest.raises(ValidationError):
            services.model_decide(
                acting_user=cast.street_sec, community=cast.comm_a, year=_year(), stars=bad
            )


def test_re_deciding_needs_the_version_seen(cast, only_inspected, give_scores):
    give_scores(cast.comm_a, 90)
    kw = {"acting_user": cast.street_sec, "community": cast.comm_a, "year": _year()}
    d = services.model_decide(stars=4, **kw)
    with pytest.raises(ConflictError):
        services.model_decide(stars=3, reason="复查扣分", **kw)  # no version: refused
    d2 = services.model_decide(stars=3, reason="复查扣分", version=d.version, **kw)
    assert d2.version == 2 and d2.decided_stars == 3
    with pytest.raises(ConflictError):
        services.model_decide(stars=5, reason="再改", version=1, **kw)  # stale
    d.refresh_from_db()
    assert (d.decided_stars, d.version) == (3, 2)
    assert AuditEntry.objects.filter(action="update", object_id=str(d.pk)).count() == 1


def test_a_community_cannot_decide_its_own(cast, only_inspected, give_scores):
    give_scores(cast.comm_a, 90)
    for user in (cast.comm_a_sec, cast.branch_sec, cast.comm_b_sec, cast.outsider):
        with pytest.raises(services.NotAllowed):
            services.model_decide(acting_user=user, community=cast.comm_a, year=_year(), stars=4)
    assert not ModelCommunityDecision.objects.exists()


# ---- pages -----------------------------------------------------------------------------------
def test_the_street_list_shows_proposals_and_decisions(
    cast, only_inspected, give_scores, client_for
):
    give_scores(cast.comm_a, 90)
    give_scores(cast.comm_a2, 96)
    services.model_decide(
        acting_user=cast.street_sec, community=cast.comm_a, year=_year(), stars=3, reason="整改中"
    )
    c = client_for(cast.street_sec)
    r = c.get(f"/awards/?org={cast.street_a.pk}&sort=total")
    assert r.status_code == 200
    text = r.content.decode()
    assert "文化东路社区党委" in text and "团结路社区党总支" in text
    assert "迎宾路社区党总支" not in text
    assert text.index("团结路社区党总支") < text.index("文化东路社区党委")  # by total
    assert "调整" in text
    assert c.get(f"/awards/?org={cast.street_b.pk}").status_code == 404


def test_the_community_sees_its_own_read_only(cast, only_inspected, give_scores, client_for):
    give_scores(
        cast.comm_a,
        {"leadership": 100, "members": 50, "mechanism": 100, "results": 100, "residents": 100},
    )
    c = client_for(cast.comm_a_sec)
    r = c.get(f"/awards/models/{cast.comm_a.pk}/{_year()}/")
    assert r.status_code == 200
    text = r.content.decode()
    assert "decide-form" not in text and "90.0" in text
    assert f"/assessment/{cast.comm_a.pk}/{_year()}/inspect.members/" in text  # its drill-down
    r = c.post(f"/awards/models/{cast.comm_a.pk}/{_year()}/decide/", {"stars": 5, "reason": "x"})
    assert r.status_code == 404
    assert not ModelCommunityDecision.objects.exists()
    listing = c.get("/awards/").content.decode()
    assert "文化东路社区党委" in listing and "团结路社区党总支" not in listing


def test_deciding_through_the_page(cast, only_inspected, give_scores, client_for):
    give_scores(cast.comm_a, 90)
    c = client_for(cast.street_sec)
    url = f"/awards/models/{cast.comm_a.pk}/{_year()}/"
    assert "decide-form" in c.get(url).content.decode()
    r = c.post(url + "decide/", {"stars": 5, "reason": "", "version": 0})
    assert r.status_code == 200 and "请写明理由" in r.content.decode()
    r = c.post(url + "decide/", {"stars": 5, "reason": "群众满意度高", "version": 0})
    assert r.status_code == 302
    d = ModelCommunityDecision.objects.get()
    r = c.post(url + "decide/", {"stars": 4, "reason": "", "version": 0})  # stale form
    assert r.status_code == 200 and "已被他人修改" in r.content.decode()
    r = c.post(url + "decide/", {"stars": 4, "reason": "", "version": d.version})
    assert r.status_code == 302
    d.refresh_from_db()
    assert (d.decided_stars, d.version) == (4, 2)


def test_the_list_needs_no_query_per_row_besides_the_scorecards(
    cast, only_inspected, client_for, django_assert_max_num_queries, monkeypatch
):
    from dangjian.orgs.models import OrgKind
    from tests.factories import make_org

    def fake(community, year, **kw):
        return scorecard(community, year, only=set())

    monkeypatch.setattr(selectors, "scorecard", fake)
    c = client_for(cast.street_sec)
    c.get("/awards/")
    with django_assert_max_num_queries(30) as few:
        c.get(f"/awards/?org={cast.street_a.pk}")
    for i in range(6):
        make_org(parent=cast.street_a, kind=OrgKind.GENERAL_BRANCH, name=f"新社区{i}", code=f"N{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = c.get(f"/awards/?org={cast.street_a.pk}")
    assert "新社区5" in r.content.decode()
