"""The members API (/api/v1/members): the same scope, checks and Chinese messages as the pages."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from dangjian.accounts.models import ApiToken
from dangjian.members.models import EventKind, Member, State
from dangjian.members.services import member_record_event

from .conftest import valid_id, wrong_check

D = dt.date
API = "/api/v1/members"


@pytest.fixture
def api_for(db):
    """``api_for(user)``: a client that sends ``user``'s bearer token."""

    def make(user) -> Client:
        _token, key = ApiToken.issue(user=user, name="测试")
        return Client(headers={"Authorization": f"Bearer {key}"})

    return make


def test_the_list_is_scoped_filtered_and_searchable(cast, api_for):
    a = api_for(cast.comm_a_sec)
    body = a.get(f"{API}/").json()
    assert body["count"] == 1 and body["items"][0]["name"] == "张三"
    assert body["items"][0]["id_masked"] == cast.member_a.id_masked
    assert "id_cipher" not in body["items"][0] and "id_hash" not in body["items"][0]
    assert a.get(f"{API}/", {"q": "zs"}).json()["count"] == 1
    assert a.get(f"{API}/", {"q": "張三"}).json()["count"] == 1
    assert a.get(f"{API}/", {"q": "lisi"}).json()["count"] == 0
    assert a.get(f"{API}/", {"org": cast.branch_a_2.pk}).json()["count"] == 0
    assert a.get(f"{API}/", {"category": "retired"}).json()["count"] == 1
    assert api_for(cast.comm_b_sec).get(f"{API}/", {"q": "zs"}).json()["count"] == 0


def test_nobody_without_credentials_gets_anything(cast):
    assert Client().get(f"{API}/").status_code == 401
    assert Client().get(f"{API}/{cast.member_a.pk}").status_code == 401


def test_detail_and_timeline(cast, api_for):
    a = api_for(cast.comm_a_sec)
    m = cast.member_a
    body = a.get(f"{API}/{m.pk}").json()
    assert body["name"] == "张三" and body["version"] == 1 and body["categories"] == ["retired"]
    events = a.get(f"{API}/{m.pk}/events").json()
    assert [e["kind"] for e in events] == ["registered"] and events[0]["kind_label"] == "建档登记"


@pytest.mark.parametrize("who", ["comm_b_sec", "outsider", "member_user"])
def test_other_communities_get_404_for_guessed_ids(cast, api_for, who):
    a = api_for(getattr(cast, who))
    other = cast.member_b if who == "member_user" else cast.member_a
    for url in (f"{API}/{other.pk}", f"{API}/{other.pk}/events", f"{API}/999999"):
        r = a.get(url)
        assert r.status_code == 404 and "未找到" in r.json()["detail"]
    r = a.post(
        f"{API}/{other.pk}/events",
        {"kind": "death", "date": "2024-01-01"},
        content_type="application/json",
    )
    assert r.status_code == 404
    other.refresh_from_db()
    assert other.state == State.ACTIVE


def test_a_member_reads_only_their_own_record(cast, api_for):
    a = api_for(cast.member_user)
    assert [m["name"] for m in a.get(f"{API}/").json()["items"]] == ["张三"]
    assert a.get(f"{API}/{cast.member_a.pk}").status_code == 200
    r = a.post(
        f"{API}/{cast.member_a.pk}/events",
        {"kind": "death", "date": "2024-01-01"},
        content_type="application/json",
    )
    assert r.status_code == 404


def new_member(cast, **over):
    data = {
        "name": "孙七",
        "id_number": valid_id(D(1975, 4, 4), "F"),
        "joined_on": "2001-07-01",
        "full_on": "2002-07-01",
        "org_id": cast.branch_a.pk,
        "categories": ["in_service"],
    }
    data.update(over)
    return data


def test_a_secretary_registers_a_member(cast, api_for):
    r = api_for(cast.comm_a_sec).post(f"{API}/", new_member(cast), content_type="application/json")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["gender"] == "F" and body["birth_date"] == "1975-04-04"  # read from the number
    assert Member.objects.get(pk=body["id"]).events.get().kind == EventKind.REGISTERED


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"id_number": wrong_check(valid_id(D(1975, 4, 4), "F"))}, "id_number", "校验位不正确"),
        ({"gender": "M"}, "gender", "性别与身份证号不一致"),
        ({"joined_on": "二〇〇一年"}, "joined_on", "请按“年-月-日”填写日期"),
        ({"name": ""}, "name", ""),
    ],
)
def test_bad_input_is_a_400_with_the_chinese_reason(cast, api_for, over, field, message):
    r = api_for(cast.comm_a_sec).post(
        f"{API}/", new_member(cast, **over), content_type="application/json"
    )
    assert r.status_code == 400
    body = r.json()
    assert field in body["errors"] and message in " ".join(body["errors"][field])
    assert body["detail"]
    assert not Member.objects.filter(name="孙七").exists()


def test_registering_into_another_community_is_refused(cast, api_for):
    r = api_for(cast.comm_b_sec).post(f"{API}/", new_member(cast), content_type="application/json")
    assert r.status_code == 400 and "不在您的管理范围内" in r.json()["errors"]["org"][0]
    r = api_for(cast.member_user).post(f"{API}/", new_member(cast), content_type="application/json")
    assert r.status_code == 400
    assert not Member.objects.filter(name="孙七").exists()


def test_recording_events_through_the_api(cast, api_for):
    a = api_for(cast.comm_a_sec)
    m = cast.member_a
    today = timezone.localdate().isoformat()
    r = a.post(
        f"{API}/{m.pk}/events",
        {
            "kind": "transfer_out",
            "date": today,
            "to_org_name": "外地",
            "letter_no": "Z-1",
            "letter_valid_until": "2099-01-01",
            "version": 1,
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.json()
    assert r.json()["state"] == "transferred_out" and r.json()["letter_no"] == "Z-1"
    r = a.post(
        f"{API}/{m.pk}/events",
        {
            "kind": "transfer_out",
            "date": today,
            "to_org_name": "外地",
            "letter_no": "Z-2",
            "letter_valid_until": "2099-01-01",
        },
        content_type="application/json",
    )
    assert r.status_code == 400 and "不能记录“组织关系转出”" in r.json()["detail"]


def test_an_event_with_a_stale_version_is_a_400_conflict(cast, api_for):
    r = api_for(cast.comm_a_sec).post(
        f"{API}/{cast.member_a.pk}/events",
        {"kind": "mode_change", "date": "2024-01-01", "mode": "dual", "version": 7},
        content_type="application/json",
    )
    assert r.status_code == 400 and "刚被他人修改过" in r.json()["detail"]


def test_an_unknown_event_kind_is_a_400(cast, api_for):
    r = api_for(cast.comm_a_sec).post(
        f"{API}/{cast.member_a.pk}/events",
        {"kind": "registered", "date": "2024-01-01"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "不支持的变动事项" in r.json()["detail"]


def test_the_register_of_a_date(cast, api_for):
    m = cast.member_a
    member_record_event(member=m, kind=EventKind.DEATH, date=D(2022, 1, 10), acting_user=None)
    a = api_for(cast.comm_a_sec)
    body = a.get(f"{API}/register", {"org": cast.comm_a.pk, "on": "2022-01-09"}).json()
    assert body["total"] == 1 and body["items"][0]["name"] == "张三"
    assert body["items"][0]["org_name"] == cast.branch_a.name
    body = a.get(f"{API}/register", {"org": cast.comm_a.pk, "on": "2022-01-10"}).json()
    assert body["total"] == 0 and body["items"] == []
    r = a.get(f"{API}/register", {"org": cast.comm_a.pk, "on": "2022-13-01"})
    assert r.status_code == 400 and "不正确" in r.json()["detail"]
    r = a.get(f"{API}/register", {"org": cast.comm_a.pk, "on": "2999-01-01"})
    assert r.status_code == 400 and "未来" in r.json()["detail"]
    r = api_for(cast.comm_b_sec).get(f"{API}/register", {"org": cast.comm_a.pk, "on": "2022-01-09"})
    assert r.status_code == 404


def test_the_session_works_for_the_api_too(cast, client_for):
    r = client_for(cast.comm_a_sec).get(f"{API}/")
    assert r.status_code == 200 and r.json()["count"] == 1


def test_the_api_list_issues_as_many_queries_for_50_members_as_for_5(
    cast, api_for, same_queries_at_5_and_50
):
    a = api_for(cast.comm_a_sec)

    def check(r):
        assert len(r.json()["items"]) == 51

    same_queries_at_5_and_50(cast.branch_a, lambda: a.get(f"{API}/", {"limit": 100}), check)


def test_the_api_search_issues_as_many_queries_for_50_members_as_for_5(
    cast, api_for, same_queries_at_5_and_50
):
    a = api_for(cast.street_sec)
    same_queries_at_5_and_50(cast.branch_a, lambda: a.get(f"{API}/", {"q": "a", "limit": 100}))


def test_the_api_register_issues_as_many_queries_for_50_members_as_for_5(
    cast, api_for, same_queries_at_5_and_50
):
    a = api_for(cast.comm_a_sec)

    def check(r):
        assert r.json()["total"] == 51

    same_queries_at_5_and_50(
        cast.branch_a,
        lambda: a.get(f"{API}/register", {"org": cast.comm_a.pk, "on": "2020-01-01"}),
        check,
    )


def test_the_schema_documents_the_member_endpoints(cast, client_for):
    paths = client_for(cast.admin).get("/api/v1/openapi.json").json()["paths"]
    for p in ("/api/v1/members/", "/api/v1/members/{member_id}/events", "/api/v1/members/register"):
        assert p in paths
