"""The home page: a card per organisation the user is responsible for, with its figures."""

import re


def _text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_street_secretary_sees_their_street_with_member_counts(client, cast):
    client.force_login(cast.street_sec)
    body = _text(client.get("/"))
    assert "东城街道党工委" in body and "西山镇党委" not in body
    assert re.search(
        r">\s*1\s*</div>\s*<div class=\"small text-muted\">在册党员",
        client.get("/").content.decode(),
    )


def test_a_secretary_of_another_community_sees_nothing_of_community_a(client, cast):
    client.force_login(cast.comm_b_sec)
    body = _text(client.get("/"))
    assert "迎宾路社区党总支" in body and "文化东路" not in body


def test_a_member_is_taken_to_their_own_record(client, cast):
    client.force_login(cast.member_user)
    response = client.get("/")
    assert response.status_code == 302 and response.url == "/m/"  # the member app (issue 19)


def test_the_home_page_query_count_does_not_grow_with_members(
    client, cast, django_assert_max_num_queries
):
    from dangjian.core.todos import PROVIDERS
    from tests.factories import make_member

    client.force_login(cast.comm_a_sec)
    client.get("/")
    # The page's own cards and figures take 22 queries; each 待办 provider may take at most
    # 2 (most take 1). A new part of the platform that needs more must make its count cheaper.
    with django_assert_max_num_queries(22 + 2 * len(PROVIDERS)) as few:
        client.get("/")
    for _ in range(20):
        make_member(org=cast.branch_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/")
