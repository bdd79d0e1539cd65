"""Objects of community A for notices (see endpoints.py).

``{notice}`` 甲楼栋支部通知测试: posted by 文化东路第一楼栋党支部 to its members — the plain member
(in that branch) reads it on /notices/mine/, nobody outside community A sees it anywhere.
``{notice_branch}`` 甲离退休支部通知测试: posted by 文化东路社区党委 to 文化东路离退休党支部 — a
member of another branch, so hidden from the plain member too. ``{notice_public}``
甲社区公开公告测试: a public notice of 文化东路社区党委 (its management pages are the
secretaries'; the public board is the board's own suite). Owner of every page: ``comm_a_sec``.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dangjian.notices import services
from dangjian.notices.models import Audience

from .endpoints import Endpoint, Listing

TODAY = timezone.localdate().isoformat()
TOMORROW = (timezone.localdate() + dt.timedelta(days=1)).isoformat()


def build(cast, ids):
    def post(org, audience, title, to_org=None):
        return services.notice_create(
            acting_user=cast.comm_a_sec,
            org=org,
            audience=audience,
            to_org=to_org,
            title=title,
            body=title + "正文",
            publish_on=timezone.localdate(),
        )

    mine = post(cast.branch_a, Audience.MEMBERS, "甲楼栋支部通知测试")
    branch = post(cast.comm_a, Audience.MEMBERS, "甲离退休支部通知测试", to_org=cast.branch_a_2)
    public = post(cast.comm_a, Audience.PUBLIC, "甲社区公开公告测试")
    ids = {"notice": mine.pk, "notice_branch": branch.pk, "notice_public": public.pk}
    hidden = ("甲离退休支部通知测试", "甲社区公开公告测试")
    return ids, (*hidden, "甲楼栋支部通知测试"), hidden


_EDIT = {
    "version": "1",
    "audience": "members",
    "title": "渗透",
    "body": "渗透",
    "publish_on": TODAY,
}

OBJECT_PAGES = [
    Endpoint("notices:detail", "/notices/{notice}/"),
    Endpoint("notices:detail", "/notices/{notice_branch}/"),
    Endpoint("notices:detail", "/notices/{notice_public}/"),
    Endpoint("notices:edit", "/notices/{notice_branch}/edit/", change=True),
    Endpoint("notices:edit", "/notices/{notice_branch}/edit/", "POST", _EDIT, change=True),
    Endpoint(
        "notices:withdraw",
        "/notices/{notice_public}/withdraw/",
        "POST",
        {"version": "1", "withdraw_on": TOMORROW},
        change=True,
    ),
    Endpoint("notices:create", "/notices/new/?org={community}", change=True),
    Endpoint(
        "notices:create",
        "/notices/new/?org={community}",
        "POST",
        {"org": "{community}", **_EDIT},
        change=True,
    ),
    Endpoint("notices:home", "/notices/?org={community}"),
    Endpoint("notices:export", "/notices/export/?org={community}"),
]

LIST_PAGES = [
    Listing("notices:home", "/notices/", owner_sees="甲社区公开公告测试"),
    Listing("notices:home", "/notices/?state=current", owner_sees="甲离退休支部通知测试"),
    Listing("notices:export", "/notices/export/", owner_sees="甲楼栋支部通知测试"),
    Listing("notices:create", "/notices/new/", owner_sees="文化东路离退休党支部"),
    Listing("notices:mine", "/notices/mine/"),
]

OBJECT_API = [
    Endpoint("GET /api/v1/notices/{notice_id}", "/api/v1/notices/{notice}"),
    Endpoint("GET /api/v1/notices/{notice_id}", "/api/v1/notices/{notice_public}"),
    Endpoint("GET /api/v1/notices/", "/api/v1/notices/?org={community}"),
    Endpoint(
        "POST /api/v1/notices/",
        "/api/v1/notices/",
        "POST",
        {
            "org_id": "{community}",
            "audience": "members",
            "title": "渗透",
            "body": "渗透",
            "publish_on": TODAY,
        },
        change=True,
    ),
    Endpoint(
        "POST /api/v1/notices/{notice_id}/withdraw",
        "/api/v1/notices/{notice_public}/withdraw",
        "POST",
        {"version": 1, "withdraw_on": TOMORROW},
        change=True,
    ),
]

LIST_API = [
    Listing("GET /api/v1/notices/", "/api/v1/notices/", owner_sees="甲离退休支部通知测试"),
    Listing("GET /api/v1/notices/mine", "/api/v1/notices/mine"),
]
