"""Objects of community A for the “五个好” assessment (see endpoints.py).

``{assess_score}`` an on-site score of 文化东路社区党委's 领导班子好 this year (``{assess_year}``)
by 甲社区考核组, noted 甲社区考核说明. The scores of a community are read by anyone whose grant
reaches it (a viewer too); on-site scores are entered and voided only from above (the street
secretary is the owner of those). A plain member, another community and the outsider get nothing.
"""

from __future__ import annotations

from django.utils import timezone

from dangjian.assessment import services

from .endpoints import Endpoint, Listing


def build(cast, ids):
    today = timezone.localdate()
    s = services.inspector_score_add(
        acting_user=cast.street_sec,
        community=cast.comm_a,
        year=today.year,
        good="leadership",
        score="88.5",
        inspector="甲社区考核组",
        scored_on=today,
        note="甲社区考核说明",
    )
    hidden = ("甲社区考核组", "甲社区考核说明")
    return {"assess_score": s.pk, "assess_year": today.year}, hidden, hidden


#: a valid on-site score of this year (the owner's request really saves it)
_SCORE = {
    "good": "members",
    "score": "90",
    "inspector": "渗透",
    "scored_on": f"{timezone.localdate().year}-01-01",
}
_Y = "/assessment/{community}/{assess_year}"

OBJECT_PAGES = [
    Endpoint("assessment:home", "/assessment/?org={community}", owner="street_sec"),
    Endpoint("assessment:export", "/assessment/export/?org={community}"),
    Endpoint("assessment:scorecard", f"{_Y}/"),
    Endpoint("assessment:scorecard_export", f"{_Y}/export/"),
    Endpoint("assessment:records", f"{_Y}/inspect.leadership/"),
    Endpoint("assessment:records", f"{_Y}/inspect.leadership/?show=bad"),
    Endpoint("assessment:records_export", f"{_Y}/inspect.leadership/export/"),
    Endpoint("assessment:inspector_scores", f"{_Y}/inspector-scores/"),
    Endpoint(
        "assessment:inspector_scores",
        f"{_Y}/inspector-scores/",
        "POST",
        _SCORE,
        change=True,
        owner="street_sec",
    ),
    Endpoint(
        "assessment:inspector_score_void",
        f"{_Y}/inspector-scores/{{assess_score}}/void/",
        "POST",
        {"reason": "渗透", "version": "1"},
        change=True,
        owner="street_sec",
    ),
]

LIST_PAGES = [
    Listing("assessment:home", "/assessment/"),
    Listing("assessment:export", "/assessment/export/"),
]

_API = "/api/v1/assessment/{community}/{assess_year}"

OBJECT_API = [
    Endpoint("GET /api/v1/assessment/scores", "/api/v1/assessment/scores?org={community}"),
    Endpoint("GET /api/v1/assessment/{pk}/{year}", _API),
    Endpoint(
        "GET /api/v1/assessment/{pk}/{year}/{key}/records",
        f"{_API}/inspect.leadership/records",
    ),
    Endpoint("GET /api/v1/assessment/{pk}/{year}/inspector-scores", f"{_API}/inspector-scores"),
    Endpoint(
        "POST /api/v1/assessment/{pk}/{year}/inspector-scores",
        f"{_API}/inspector-scores",
        "POST",
        _SCORE,
        change=True,
        owner="street_sec",
    ),
]

LIST_API = [
    Listing(
        "GET /api/v1/assessment/scores",
        "/api/v1/assessment/scores",
        owner_sees="文化东路社区党委",
    ),
]
