"""A member's own pages and API (meetings area "mine") and the six-month list ("nolife"), for
the isolation suite (see endpoints.py and endpoints_meetings.py).

The member pages act on the member linked to the logged-in user, so their positive control is
that member: ``build`` gives 欧阳测试 (the ``{member}`` of community A, who owns ``{leave}`` and is
expected at ``{upcoming}``) a login, ``cast.ouyang``, and the endpoints name it as ``owner``.
member_user (张三, another branch) is an attacker like the others: 404 for 欧阳测试's meeting and
leave. (The API suite's positive control is always comm_a_sec, who has no member record and so
gets 400 from the member writes; tests/meetings/test_mine_api.py covers the real owner there.)
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from dangjian.members.models import Member

from .endpoints import Endpoint, Listing


def build(cast, ids):
    user = get_user_model().objects.create_user("ouyang", password=cast.password)
    Member.objects.filter(pk=ids["member"]).update(user=user)
    cast.ouyang = user
    return {}, (), ()


OBJECT_PAGES = [
    Endpoint("meetings:mine_leave", "/meetings/mine/{upcoming}/leave/", owner="ouyang"),
    Endpoint(
        "meetings:mine_leave",
        "/meetings/mine/{upcoming}/leave/",
        "POST",
        {"reason": "渗透"},
        change=True,
        owner="ouyang",
    ),
    Endpoint(
        "meetings:mine_leave_withdraw",
        "/meetings/mine/leave/{leave}/withdraw/",
        "POST",
        change=True,
        owner="ouyang",
    ),
    Endpoint("meetings:no_life", "/meetings/no-life/?org={community}"),
    Endpoint("meetings:no_life", "/meetings/no-life/?org={org}"),
    Endpoint("meetings:no_life_export", "/meetings/no-life/export/?org={community}"),
    Endpoint("meetings:no_life_handle", "/meetings/no-life/{org}/handle/{member}/", change=True),
    Endpoint(
        "meetings:no_life_handle",
        "/meetings/no-life/{community}/handle/{member}/",
        "POST",
        {"handling": "talk", "handled_on": "2026-01-05", "note": "渗透"},
        change=True,
    ),
]

LIST_PAGES = [
    Listing("meetings:mine", "/meetings/mine/"),
    Listing("meetings:mine_attendance", "/meetings/mine/attendance/"),
    Listing("meetings:no_life", "/meetings/no-life/", owner_sees="欧阳测试"),
    Listing("meetings:no_life_export", "/meetings/no-life/export/", owner_sees="欧阳测试"),
]

OBJECT_API = [
    Endpoint(
        "POST /api/v1/meetings/mine/leave",
        "/api/v1/meetings/mine/leave",
        "POST",
        {"meeting_id": "{upcoming}", "reason": "渗透"},
        change=True,
        expect=None,
    ),
    Endpoint(
        "POST /api/v1/meetings/mine/leave/{leave_id}/withdraw",
        "/api/v1/meetings/mine/leave/{leave}/withdraw",
        "POST",
        change=True,
        expect=None,
    ),
    Endpoint("GET /api/v1/meetings/no-life/{org_id}", "/api/v1/meetings/no-life/{community}"),
    Endpoint("GET /api/v1/meetings/no-life/{org_id}", "/api/v1/meetings/no-life/{org}?page=2"),
    Endpoint(
        "POST /api/v1/meetings/no-life/{org_id}/cases",
        "/api/v1/meetings/no-life/{community}/cases",
        "POST",
        {"member_id": "{member}", "handling": "talk", "note": "渗透"},
        change=True,
    ),
]

LIST_API = [
    Listing("GET /api/v1/meetings/mine/upcoming", "/api/v1/meetings/mine/upcoming"),
    Listing("GET /api/v1/meetings/mine/attendance", "/api/v1/meetings/mine/attendance"),
]
