"""Objects of community A for the commitments area (see endpoints.py).

``{commitment}`` 欧阳测试's commitment “甲社区承诺事项”, submitted (待支部议诺) in
文化东路离退休党支部 — a step its branch (comm_a_sec) may take now. ``{holder}`` 欧阳测试 on
甲社区特色岗; ``{linked_deed}`` “甲社区履职实事”, a deed of 欧阳测试 counted for both.
"""

from __future__ import annotations

from dangjian.commitments import services, services_posts
from dangjian.commitments.models import Commitment, Rating
from dangjian.deeds.services import deed_record
from dangjian.members.models import Member

from .endpoints import Endpoint, Listing


def build(cast, ids):
    member = Member.objects.get(pk=ids["member"])
    c = services.commitment_draft(
        acting_user=cast.comm_a_sec,
        member=member,
        year=2026,
        kind="deed",
        title="甲社区承诺事项",
        content="甲社区承诺内容",
    )
    Commitment.objects.filter(pk=c.pk).update(state="applied")
    post = services_posts.post_create(
        acting_user=cast.comm_a_sec, community=cast.comm_a, name="甲社区特色岗"
    )
    holder = services_posts.post_take(post, member=member, acting_user=cast.comm_a_sec)
    # a deed of the member counted for the holding and the commitment (to detach, to pick)
    deed = deed_record(
        acting_user=cast.comm_a_sec,
        community=cast.comm_a,
        date=holder.since,
        title="甲社区履职实事",
        members=[member.pk],
        holdings=[holder],
    )
    deed.commitments.add(c)  # as if picked while it was on display (it is submitted now)
    hidden = ("甲社区承诺事项", "甲社区承诺内容", "甲社区履职实事")
    # the community's own members see its posts (to choose one): not hidden from member_user
    markers = (*hidden, "甲社区特色岗")
    # a resident's rating of it, for voiding (作废) on the community's burst page
    rating = Rating.objects.create(
        commitment=c, tier="resident", score=100, resident_key="k", resident_addr="a"
    )
    ids = {
        "commitment": c.pk,
        "post": post.pk,
        "holder": holder.pk,
        "rating": rating.pk,
        "linked_deed": deed.pk,
    }
    return ids, markers, hidden


RATE = {"score": "90"}
STEP_API = {"action": "return_from_deliberation", "reason": "渗透"}

OBJECT_PAGES = [
    Endpoint("commitments:detail", "/commitments/{commitment}/"),
    Endpoint("commitments:edit", "/commitments/{commitment}/edit/", change=True),
    Endpoint(
        "commitments:edit",
        "/commitments/{commitment}/edit/",
        "POST",
        {"kind": "deed", "title": "渗透", "content": "渗透"},
        change=True,
    ),
    Endpoint(
        "commitments:step",
        "/commitments/{commitment}/steps/return_from_deliberation/",
        "POST",
        {"reason": "渗透"},
        change=True,
    ),
    Endpoint(
        "commitments:evidence",
        "/commitments/{commitment}/evidence/",
        "POST",
        {"date": "2026-11-01", "text": "渗透"},
        change=True,
    ),
    Endpoint(
        "commitments:evidence_pick",
        "/commitments/{commitment}/evidence/pick/",
        "POST",
        {"deed": "{linked_deed}"},
        change=True,
    ),
    Endpoint(
        "commitments:evidence_detach",
        "/commitments/{commitment}/evidence/detach/",
        "POST",
        {"deed": "{linked_deed}"},
        change=True,
    ),
    Endpoint("commitments:rate", "/commitments/{commitment}/rate/org/", "POST", RATE, change=True),
    Endpoint("commitments:list", "/commitments/?org={community}"),
    Endpoint("commitments:posts", "/commitments/posts/?org={community}"),
    Endpoint(
        "commitments:posts_seed",
        "/commitments/posts/seed/",
        "POST",
        {"org": "{community}"},
        change=True,
    ),
    Endpoint(
        "commitments:post_create",
        "/commitments/posts/new/",
        "POST",
        {"org": "{community}", "name": "渗透岗"},
        change=True,
    ),
    Endpoint(
        "commitments:post_active",
        "/commitments/posts/{post}/active/",
        "POST",
        {"active": "0"},
        change=True,
    ),
    Endpoint(
        "commitments:post_take",
        "/commitments/posts/{post}/take/",
        "POST",
        {"member": "{member}"},
        change=True,
    ),
    Endpoint(
        "commitments:holder_leave", "/commitments/holders/{holder}/leave/", "POST", change=True
    ),
    Endpoint(
        "commitments:holder_log",
        "/commitments/holders/{holder}/log/",
        "POST",
        {"text": "渗透"},
        change=True,
    ),
    # a holding's page is for the member and whoever may change their organisation
    Endpoint("commitments:holder", "/commitments/holders/{holder}/", change=True),
    Endpoint(
        "commitments:holder_pick",
        "/commitments/holders/{holder}/pick/",
        "POST",
        {"deed": "{linked_deed}"},
        change=True,
    ),
    Endpoint(
        "commitments:holder_detach",
        "/commitments/holders/{holder}/detach/",
        "POST",
        {"deed": "{linked_deed}"},
        change=True,
    ),
    Endpoint("commitments:export", "/commitments/export/?org={community}"),
    Endpoint("commitments:cards", "/commitments/cards/?org={community}"),
    # the community's public board: only its secretaries manage it (a viewer gets 404 too)
    Endpoint("commitments:board_settings", "/commitments/public-board/{community}/", change=True),
    Endpoint(
        "commitments:board_settings",
        "/commitments/public-board/{community}/",
        "POST",
        {"show_full_names": "on"},
        change=True,
    ),
    Endpoint(
        "commitments:board_new_address",
        "/commitments/public-board/{community}/address/",
        "POST",
        change=True,
    ),
    Endpoint(
        "commitments:board_bursts", "/commitments/public-board/{community}/ratings/", change=True
    ),
    Endpoint(
        "commitments:board_void",
        "/commitments/public-board/{community}/ratings/void/",
        "POST",
        {"rating": "{rating}", "reason": "渗透"},
        change=True,
    ),
]

LIST_PAGES = [
    Listing("commitments:list", "/commitments/", owner_sees="甲社区承诺事项"),
    Listing("commitments:list", "/commitments/?q=ouyang", owner_sees="甲社区承诺事项"),
    Listing("commitments:export", "/commitments/export/"),
    Listing("commitments:cards", "/commitments/cards/"),
    Listing("commitments:mine", "/commitments/mine/"),
    Listing("commitments:posts", "/commitments/posts/", owner_sees="甲社区特色岗"),
    Listing("commitments:posts_mine", "/commitments/posts/mine/"),
    Listing("commitments:create", "/commitments/new/?for=other"),
]

# The public board is public by design (公开示诺): anyone may read the commitments on display
# and rate them, at an address nobody can guess (the old address by organisation code only
# redirects there, and only if the community keeps it). What it shows is tested in
# tests/commitments/test_board.py — a submitted commitment, like {commitment}, is not on it.
NO_DATA_PAGES = {
    "commitments:board",
    "commitments:board_rate",
    "commitments:board_qr",
    "commitments:public",
}

OBJECT_API = [
    Endpoint("GET /api/v1/commitments/{pk}", "/api/v1/commitments/{commitment}"),
    Endpoint("GET /api/v1/commitments/", "/api/v1/commitments/?org={community}"),
    Endpoint(
        "POST /api/v1/commitments/{pk}/steps",
        "/api/v1/commitments/{commitment}/steps",
        "POST",
        STEP_API,
        change=True,
    ),
    Endpoint(
        "POST /api/v1/commitments/{pk}/ratings",
        "/api/v1/commitments/{commitment}/ratings",
        "POST",
        {"tier": "org", "score": 90},
        change=True,
    ),
    Endpoint(
        "POST /api/v1/commitments/",
        "/api/v1/commitments/",
        "POST",
        {"member_id": "{member}", "kind": "deed", "title": "渗透", "content": "渗透"},
        change=True,
    ),
]

OBJECT_API += [
    Endpoint("GET /api/v1/commitments/posts", "/api/v1/commitments/posts?org={community}"),
    Endpoint(
        "POST /api/v1/commitments/posts/{pk}/take",
        "/api/v1/commitments/posts/{post}/take",
        "POST",
        {"member_id": "{member}"},
        change=True,
    ),
]

LIST_API = [
    Listing("GET /api/v1/commitments/", "/api/v1/commitments/", owner_sees="甲社区承诺事项"),
]
