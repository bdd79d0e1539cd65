"""Objects of community A for the 困难家庭台帐 (see endpoints.py).

``{household}`` 甲社区困难户 (a household under 1号楼1单元) with ``{difficulty}``, an open 低保
row whose note 甲社区困难说明 is masked everywhere, and ``{pairing}``: an in-service member
(甲社区结对党员) checked in to community A and paired with the household. The register is need-to-know: even its pages
that only read are refused to a viewer (a read-only grant), so every entry is ``change=True``.
"""

from __future__ import annotations

import datetime as dt

from dangjian.checkin import services as checkin_services
from dangjian.households import services
from dangjian.orgs.models import PlaceKind
from tests.factories import make_member, make_place

from .endpoints import Endpoint, Listing


def build(cast, ids):
    household = make_place(
        parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name="甲社区困难户"
    )
    d = services.difficulty_record(
        acting_user=cast.comm_a_sec,
        household=household,
        kind="dibao",
        since=dt.date(2026, 1, 1),
        note="甲社区困难说明",
    )
    c = checkin_services.check_in(
        acting_user=cast.comm_a_sec,
        member=make_member(org=cast.branch_a_2, name="甲社区结对党员"),
        community=cast.comm_a,
        employer="县直单位",
        on=dt.date(2026, 3, 1),
    )
    p = services.household_pair(
        acting_user=cast.comm_a_sec, household=household, checkin=c, since=dt.date(2026, 3, 2)
    )
    hidden = ("甲社区困难户",)
    return {"household": household.pk, "difficulty": d.pk, "pairing": p.pk}, hidden, hidden


OBJECT_PAGES = [
    Endpoint("households:home", "/households/?org={community}", change=True),
    Endpoint("households:home", "/households/?org={community}&kind=dibao", change=True),
    Endpoint("households:export", "/households/export/?org={community}", change=True),
    Endpoint("households:export", "/households/export/?org={community}&reveal=1", change=True),
    Endpoint("households:create", "/households/new/?org={community}", change=True),
    Endpoint(
        "households:create",
        "/households/new/?org={community}",
        "POST",
        {"household": "{household}", "kind": "other", "since": "2026-06-01"},
        change=True,
    ),
    Endpoint("households:detail", "/households/{household}/", change=True),
    Endpoint("households:reveal", "/households/{household}/reveal/", "POST", change=True),
    Endpoint(
        "households:add",
        "/households/{household}/difficulties/new/",
        "POST",
        {"kind": "illness", "since": "2026-06-01"},
        change=True,
    ),
    Endpoint(
        "households:pair",
        "/households/{household}/pair/",
        "POST",
        {"checkin": "{checkin}", "since": "2026-06-01"},
        change=True,
    ),
    Endpoint(
        "households:help",
        "/households/{household}/help/",
        "POST",
        {"date": "2026-06-01", "title": "渗透"},
        change=True,
    ),
    Endpoint(
        "households:pairing_end",
        "/households/{household}/pairings/{pairing}/end/",
        "POST",
        {"version": "1", "on": "2026-06-01"},
        change=True,
    ),
    Endpoint(
        "households:end",
        "/households/difficulties/{difficulty}/end/",
        "POST",
        {"version": "1", "until": "2026-06-01"},
        change=True,
    ),
]

LIST_PAGES = [
    Listing("households:home", "/households/", owner_sees="甲社区困难户"),
    Listing("households:export", "/households/export/?active="),
]

OBJECT_API = [
    Endpoint("GET /api/v1/households/", "/api/v1/households/?org={community}", change=True),
    Endpoint(
        "POST /api/v1/households/",
        "/api/v1/households/",
        "POST",
        {"household_id": "{household}", "kind": "other", "since": "2026-06-01"},
        change=True,
    ),
]

LIST_API = [
    Listing("GET /api/v1/households/", "/api/v1/households/", owner_sees="甲社区困难户"),
    Listing("GET /api/v1/households/", "/api/v1/households/?reveal=true&active=all"),
]
