"""The registers' .xlsx exports (issue 14, "every register exports"), for the isolation suites
and ``test_export_formulas.py``: each with community A's organisation (an attacker gets the
404 of a missing one) and without (an attacker's download holds nothing of community A).

Their rows are the objects the other areas build: organisations and offices (endpoints.py),
resident units, agreements and pledges (endpoints_cobuild), posts and holders
(endpoints_commitments), study groups, bodies, seats and county leaders
(endpoints_meetings*), check-ins (endpoints_checkin); and here a pairing of its own:
甲社区帮扶党员, checked in to 文化东路社区党委, pairs with 甲社区一对一帮扶户."""

from __future__ import annotations

import datetime as dt

from dangjian.checkin.models import CheckIn, Pairing
from tests.factories import make_member

from .endpoints import Endpoint, Listing


def build(cast, ids):
    member = make_member(org=cast.branch_a_2, name="甲社区帮扶党员")
    c = CheckIn.objects.create(
        member=member, community=cast.comm_a, checked_in_on=dt.date(2026, 3, 1)
    )
    Pairing.objects.create(
        checkin=c, household_note="甲社区一对一帮扶户", since=dt.date(2026, 4, 1)
    )
    hidden = ("甲社区帮扶党员", "甲社区一对一帮扶户")
    return {}, hidden, hidden


EXPORTS = [
    ("orgs:export", "/orgs/export/"),
    ("cobuild:units_export", "/cobuild/units/export/"),
    ("commitments:posts_export", "/commitments/posts/export/"),
    ("meetings:study_groups_export", "/meetings/study/export/"),
    ("meetings:bodies_export", "/meetings/bodies/export/"),
    ("meetings:leaders_export", "/meetings/leaders/export/"),
    ("checkin:pairings_export", "/checkin/pairings/export/"),
]

OBJECT_PAGES = [
    *(Endpoint(name, f"{url}?org={{community}}") for name, url in EXPORTS),
    *(Endpoint(name, f"{url}?org={{community}}&year=2026") for name, url in EXPORTS[1:]),
    Endpoint("orgs:export", "/orgs/export/?org={community}&from=2000-01-01"),
    Endpoint("checkin:export", "/checkin/export/?org={community}&year=2026"),
    Endpoint("mobility:export", "/mobility/export/?org={community}&year=2026"),
    Endpoint("development:export", "/development/export/?org={community}&year=2026"),
    Endpoint("meetings:ledger", "/meetings/ledger/?org={community}&kind=council"),
]

LIST_PAGES = [
    Listing("orgs:export", "/orgs/export/", owner_sees="文化东路社区党委"),
    Listing("cobuild:units_export", "/cobuild/units/export/", owner_sees="甲社区共建协议"),
    Listing("commitments:posts_export", "/commitments/posts/export/", owner_sees="甲社区特色岗"),
    Listing(
        "meetings:study_groups_export", "/meetings/study/export/", owner_sees="甲社区离退休学习组"
    ),
    Listing("meetings:bodies_export", "/meetings/bodies/export/", owner_sees="甲社区实验小学"),
    Listing("meetings:leaders_export", "/meetings/leaders/export/", owner_sees="钱甲县长"),
    Listing(
        "checkin:pairings_export", "/checkin/pairings/export/", owner_sees="甲社区一对一帮扶户"
    ),
    Listing("checkin:pairings_export", "/checkin/pairings/export/?year=2026"),
    Listing("mobility:export", "/mobility/export/?year=2026"),
    Listing("development:export", "/development/export/?from=2020-01-01&to=2026-12-31"),
]
