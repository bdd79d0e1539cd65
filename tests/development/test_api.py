"""The development API: the pipeline, one person, registering and recording a step, with the
same refusals in Chinese as the pages and the same 404 for what is not the caller's."""

from __future__ import annotations

import datetime as dt
import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.development.models import Candidate, Stage, StageEvent
from dangjian.members.models import Member, Status
from tests.factories import fake_id

from .conftest import add_people
from .factories import make_candidate

D = dt.date


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_list_gives_each_person_what_is_due_next(cast, client_for):
    make_candidate(org=cast.branch_a, name="孙积极", upto=Stage.ACTIVIST, applied_on=D(2026, 1, 5))
    r = client_for(cast.comm_a_sec).get("/api/v1/development/", {"org": cast.comm_a.pk})
    assert r.status_code == 200
    (item,) = r.json()["items"]
    assert item["name"] == "孙积极" and item["stage"] == "activist"
    assert item["next"] == {
        "text": "2027年2月24日起可列为发展对象",
        "on": "2027-02-24",
        "overdue": False,
    }
    assert "id_cipher" not in item and item["id_masked"].count("*") == 10


def test_the_detail_has_the_timeline(cast, client_for):
    c = make_candidate(org=cast.branch_a, upto=Stage.PROBATIONARY)
    r = client_for(cast.comm_a_sec).get(f"/api/v1/development/{c.pk}")
    body = r.json()
    assert body["member_id"] == c.member_id and body["introducers"] == ["介绍人甲", "介绍人乙"]
    steps = [e["step"] for e in body["events"]]
    assert steps[0] == "applied" and "admitted" in steps and "approved" in steps
    assert body["steps_allowed"] == ["extended", "full"]


def test_an_applicant_is_registered_and_an_under_age_one_refused(cast, client_for):
    client = client_for(cast.comm_a_sec)
    ok = {
        "org_id": cast.branch_a.pk,
        "name": "冯申请",
        "id_number": fake_id(birth_date=D(1999, 9, 9), gender="M"),
        "gender": "M",
        "birth_date": "1999-09-09",
        "applied_on": "2026-03-05",
    }
    r = post(client, "/api/v1/development/", ok)
    assert r.status_code == 201 and r.json()["stage"] == "applicant"
    young = {
        **ok,
        "name": "冯少年",
        "birth_date": "2008-09-09",
        "id_number": fake_id(birth_date=D(2008, 9, 9), gender="M"),
    }
    r = post(client, "/api/v1/development/", young)
    assert r.status_code == 400 and "未满 18 周岁" in r.json()["detail"]
    assert Candidate.objects.count() == 1


def test_a_warning_is_returned_with_the_saved_step(cast, client_for):
    c = make_candidate(org=cast.branch_a, applied_on=D(2026, 3, 1), talk=False)
    r = post(
        client_for(cast.comm_a_sec),
        f"/api/v1/development/{c.pk}/steps",
        {"step": "talked", "date": "2026-04-01", "version": c.version},
    )
    assert r.status_code == 201
    body = r.json()
    assert body["findings"][0]["rule"] == "dev.applicant_talk"
    assert body["candidate"]["talked_on"] == "2026-04-01"


def test_a_blocked_step_is_a_400_with_the_reason_and_changes_nothing(cast, client_for):
    c = make_candidate(org=cast.branch_a, upto=Stage.PROBATIONARY)
    events = StageEvent.objects.count()
    day = c.admitted_on.replace(year=c.admitted_on.year + 1) - dt.timedelta(days=1)
    r = post(
        client_for(cast.comm_a_sec),
        f"/api/v1/development/{c.pk}/steps",
        {"step": "full", "date": day.isoformat()},
    )
    assert r.status_code == 400 and "才能讨论转正" in r.json()["detail"]
    assert StageEvent.objects.count() == events
    assert Member.objects.get(pk=c.member_id).status == Status.PROBATIONARY


def test_a_stale_version_is_refused(cast, client_for):
    c = make_candidate(org=cast.branch_a, talk=False)
    r = post(
        client_for(cast.comm_a_sec),
        f"/api/v1/development/{c.pk}/steps",
        {"step": "talked", "date": "2023-01-12", "version": c.version - 1},
    )
    assert r.status_code == 400 and "刷新" in r.json()["detail"]


def test_another_community_gets_404_and_an_empty_list(cast, client_for):
    c = make_candidate(org=cast.branch_a, name="钱保密", talk=False)
    client = client_for(cast.comm_b_sec)
    assert client.get(f"/api/v1/development/{c.pk}").status_code == 404
    r = post(client, f"/api/v1/development/{c.pk}/steps", {"step": "talked", "date": "2023-01-12"})
    assert r.status_code == 404
    assert client.get("/api/v1/development/", {"org": cast.comm_a.pk}).status_code == 404
    assert client.get("/api/v1/development/").json()["items"] == []
    assert Candidate.objects.get(pk=c.pk).talked_on is None


def test_the_list_costs_the_same_queries_for_5_and_50_people(
    cast, client_for, django_assert_num_queries
):
    client = client_for(cast.comm_a_sec)
    add_people(cast.branch_a, 5)
    client.get("/api/v1/development/?stage=all")
    with CaptureQueriesContext(connection) as ctx:
        client.get("/api/v1/development/?stage=all")
    n5 = len(ctx.captured_queries)
    add_people(cast.branch_a, 45, start=5)
    with django_assert_num_queries(n5):
        r = client.get("/api/v1/development/?stage=all&limit=100")
    assert r.json()["count"] == 50 and len(r.json()["items"]) == 50
