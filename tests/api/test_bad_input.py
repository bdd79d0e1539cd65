"""Malformed input to the API gets a 400 with a Chinese message and changes nothing."""

from dangjian.members.models import Member


def test_a_body_of_the_wrong_shape_is_refused_and_changes_nothing(client, cast):
    client.force_login(cast.comm_a_sec)
    before = Member.objects.count()
    r = client.post("/api/v1/members/", data="[1, 2, 3]", content_type="application/json")
    assert r.status_code == 400
    assert Member.objects.count() == before


def test_a_query_parameter_of_the_wrong_type_is_a_400_in_chinese(client, cast):
    client.force_login(cast.comm_a_sec)
    r = client.get("/api/v1/orgs/?parent=abc")
    assert r.status_code == 400
    assert "输入格式不正确" in r.json()["detail"]
