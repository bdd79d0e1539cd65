"""Re-employment: offers at their boundaries (places, period), seekers only with consent (and
hidden from matching once it is withdrawn), the phone masked with every reveal audited,
suggested matches both ways (same category, open, not yet referred — one query), referrals
(never to an ended or expired offer, once per offer) and their outcome (once; never beyond the
places; two people at once), each unit's offers in a year, the pages, the ledger read back, the
API, and the lists' query counts at 1 and 10 rows."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError
from dangjian.jobs import selectors, services
from dangjian.jobs.models import Offer, Outcome, Referral, Seeker
from dangjian.orgs.models import PlaceKind
from tests.factories import make_place
from tests.meetings.factories import make_unit

TODAY = timezone.localdate()
FAR = TODAY + dt.timedelta(days=365)


@pytest.fixture
def unit(cast):
    return make_unit(community=cast.comm_a, name="文化东路物业公司")


def _offer(cast, unit, **kw):
    kw.setdefault("position", "保洁员")
    kw.setdefault("category", "cleaning")
    kw.setdefault("places", 2)
    kw.setdefault("valid_from", TODAY - dt.timedelta(days=30))
    kw.setdefault("valid_until", FAR)
    return services.offer_create(acting_user=kw.pop("user", cast.comm_a_sec), unit=unit, **kw)


def _seeker(cast, **kw):
    kw.setdefault("name", "王秀英")
    kw.setdefault("consent_on", TODAY - dt.timedelta(days=10))
    kw.setdefault("skills", ["cleaning"])
    kw.setdefault("phone", "13912345678")
    return services.seeker_register(
        acting_user=kw.pop("user", cast.comm_a_sec),
        community=kw.pop("community", cast.comm_a),
        **kw,
    )


# ---- offers ---------------------------------------------------------------------------------
def test_an_offer_of_one_place_valid_for_one_day_is_recorded_and_audited(cast, unit):
    o = _offer(cast, unit, places=1, valid_from=TODAY, valid_until=TODAY)
    assert o.community == cast.comm_a and o.places == 1
    assert AuditEntry.objects.filter(action="create", object_id=str(o.pk)).exists()


@pytest.mark.parametrize(
    ("kw", "field", "message"),
    [
        ({"places": 0}, "places", "招聘人数至少 1 人。"),
        (
            {"valid_from": TODAY, "valid_until": TODAY - dt.timedelta(days=1)},
            "valid_until",
            "有效期结束日期不能早于开始日期。",
        ),
        ({"position": " "}, "position", "请填写岗位名称。"),
        ({"category": "astronaut"}, "category", "请选择岗位类别。"),
    ],
)
def test_bad_offers_are_refused_with_a_message_and_nothing_written(cast, unit, kw, field, message):
    with pytest.raises(ValidationError) as exc:
        _offer(cast, unit, **kw)
    assert exc.value.message_dict[field] == [message]
    assert not Offer.objects.exists()


def test_another_community_cannot_record_an_offer_of_a_unit_of_community_a(cast, unit):
    with pytest.raises(PermissionDenied):
        _offer(cast, unit, user=cast.comm_b_sec)


def test_the_database_refuses_zero_places_and_a_reversed_period(cast, unit):
    o = _offer(cast, unit)
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.filter(pk=o.pk).update(places=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.filter(pk=o.pk).update(valid_until=o.valid_from - dt.timedelta(days=1))


def test_ending_an_offer_twice_is_refused(cast, unit):
    o = _offer(cast, unit)
    o = services.offer_end(o, acting_user=cast.comm_a_sec, version=o.version)
    assert o.ended_on == TODAY
    with pytest.raises(ValidationError, match="已经结束"):
        services.offer_end(o, acting_user=cast.comm_a_sec, version=o.version)


# ---- seekers --------------------------------------------------------------------------------
def test_a_seeker_without_consent_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        _seeker(cast, consent_on=None)
    assert "本人同意" in exc.value.message_dict["consent_on"][0]
    assert not Seeker.objects.exists()


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"consent_on": TODAY + dt.timedelta(days=1)}, "consent_on"),
        ({"skills": []}, "skills"),
        ({"skills": ["astronaut"]}, "skills"),
        ({"phone": "call me"}, "phone"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_seekers_are_refused(cast, kw, field):
    with pytest.raises(ValidationError) as exc:
        _seeker(cast, **kw)
    assert field in exc.value.message_dict
    assert not Seeker.objects.exists()


def test_consent_given_today_is_accepted(cast):
    assert _seeker(cast, consent_on=TODAY).consent_on == TODAY


@pytest.mark.parametrize("which", ["building_a", "place_b"])
def test_a_place_that_is_not_a_household_of_the_community_is_refused(cast, which):
    with pytest.raises(ValidationError) as exc:
        _seeker(cast, household=getattr(cast, which))
    assert exc.value.message_dict["household"] == ["住户须是本社区登记的住户。"]
    assert not Seeker.objects.exists()


def test_a_household_of_the_community_is_accepted(cast):
    home = make_place(parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD)
    assert _seeker(cast, household=home).household == home


def test_the_phone_is_stored_encrypted_shown_masked_and_every_reveal_is_audited(cast):
    s = _seeker(cast)
    assert s.phone_masked == "139****5678" and "13912345678" not in s.phone_cipher
    assert services.seeker_reveal_phone(s, acting_user=cast.comm_a_sec) == "13912345678"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REVEAL)
    assert entry.field == "phone" and entry.object_id == str(s.pk)
    with pytest.raises(PermissionDenied):
        services.seeker_reveal_phone(s, acting_user=cast.comm_b_sec)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL).count() == 1


# ---- matching -------------------------------------------------------------------------------
def test_suggestions_are_open_offers_of_the_same_category_not_yet_referred(cast, unit):
    good = _offer(cast, unit, position="小区保洁")
    _offer(cast, unit, position="厨师", category="catering")
    ended = _offer(cast, unit, position="已结束保洁")
    services.offer_end(ended, acting_user=cast.comm_a_sec, version=ended.version)
    _offer(
        cast,
        unit,
        position="过期保洁",
        valid_from=TODAY - dt.timedelta(days=60),
        valid_until=TODAY - dt.timedelta(days=1),
    )
    _offer(cast, unit, position="未开始保洁", valid_from=TODAY + dt.timedelta(days=1))
    _offer(cast, make_unit(community=cast.comm_b), position="乙社区保洁", user=cast.comm_b_sec)
    s = _seeker(cast)
    with CaptureQueriesContext(connection) as q:
        found = list(selectors.suggested_offers(seeker=s, on=TODAY))
    assert [o.position for o in found] == ["小区保洁"]
    assert len(q) == 1
    services.referral_create(acting_user=cast.comm_a_sec, offer=good, seeker=s)
    assert not selectors.suggested_offers(seeker=s, on=TODAY).exists()


def test_suggested_seekers_of_an_offer_leave_out_withdrawn_and_other_skills(cast, unit):
    o = _offer(cast, unit)
    _seeker(cast, name="会保洁")
    _seeker(cast, name="会开车", skills=["driving"])
    gone = _seeker(cast, name="已撤回")
    services.seeker_withdraw(gone, acting_user=cast.comm_a_sec, version=gone.version)
    _seeker(cast, name="乙社区的人", community=cast.comm_b, user=cast.comm_b_sec)
    with CaptureQueriesContext(connection) as q:
        names = [s.name for s in selectors.suggested_seekers(offer=o)]
    assert names == ["会保洁"] and len(q) == 1


def test_withdrawing_consent_hides_the_seeker_and_stops_referrals(cast, unit):
    o = _offer(cast, unit)
    s = _seeker(cast)
    s = services.seeker_withdraw(s, acting_user=cast.comm_a_sec, version=s.version)
    assert not selectors.suggested_offers(seeker=s, on=TODAY).exists()
    with pytest.raises(ValidationError, match="撤回"):
        services.referral_create(acting_user=cast.comm_a_sec, offer=o, seeker=s)
    with pytest.raises(ValidationError, match="已撤回"):
        services.seeker_withdraw(s, acting_user=cast.comm_a_sec, version=s.version)
    assert not Referral.objects.exists()


# ---- referrals ------------------------------------------------------------------------------
def test_a_referral_to_an_ended_or_expired_offer_is_refused(cast, unit):
    s = _seeker(cast)
    ended = _offer(cast, unit)
    services.offer_end(ended, acting_user=cast.comm_a_sec, version=ended.version)
    expired = _offer(
        cast,
        unit,
        valid_from=TODAY - dt.timedelta(days=9),
        valid_until=TODAY - dt.timedelta(days=1),
    )
    for o in (ended, expired):
        with pytest.raises(ValidationError, match="已结束或不在有效期内"):
            services.referral_create(acting_user=cast.comm_a_sec, offer=o, seeker=s)
    assert not Referral.objects.exists()


def test_a_referral_on_the_last_valid_day_is_accepted_and_only_once(cast, unit):
    s = _seeker(cast)
    o = _offer(cast, unit, valid_from=TODAY - dt.timedelta(days=5), valid_until=TODAY)
    services.referral_create(acting_user=cast.comm_a_sec, offer=o, seeker=s)
    with pytest.raises(ValidationError, match="已经推荐过"):
        services.referral_create(acting_user=cast.comm_a_sec, offer=o, seeker=s)
    assert Referral.objects.count() == 1


def test_a_referral_to_another_communitys_offer_is_refused(cast):
    s = _seeker(cast)
    o = _offer(cast, make_unit(community=cast.comm_b), user=cast.comm_b_sec)
    with pytest.raises(ValidationError, match="本社区"):
        services.referral_create(acting_user=cast.comm_a_sec, offer=o, seeker=s)


def test_an_outcome_is_recorded_once_and_dated(cast, unit):
    s = _seeker(cast)
    o = _offer(cast, unit)
    ref = services.referral_create(
        acting_user=cast.comm_a_sec, offer=o, seeker=s, on=TODAY - dt.timedelta(days=3)
    )
    with pytest.raises(ValidationError):
        services.referral_outcome(
            ref,
            acting_user=cast.comm_a_sec,
            version=ref.version,
            outcome="hired",
            on=TODAY - dt.timedelta(days=4),
        )
    with pytest.raises(ValidationError):
        services.referral_outcome(
            ref, acting_user=cast.comm_a_sec, version=ref.version, outcome="pending"
        )
    ref = services.referral_outcome(
        ref,
        acting_user=cast.comm_a_sec,
        version=ref.version,
        outcome="hired",
        on=TODAY - dt.timedelta(days=3),
    )
    assert ref.outcome == Outcome.HIRED
    with pytest.raises(ValidationError, match="已经有结果"):
        services.referral_outcome(
            ref, acting_user=cast.comm_a_sec, version=ref.version, outcome="not_hired"
        )


def test_two_people_recording_one_outcome_at_once_the_second_is_told(cast, unit):
    ref = services.referral_create(
        acting_user=cast.comm_a_sec, offer=_offer(cast, unit), seeker=_seeker(cast)
    )
    seen = ref.version
    services.referral_outcome(ref, acting_user=cast.comm_a_sec, version=seen, outcome="hired")
    with pytest.raises(ValidationError) as exc:
        services.referral_outcome(
            ref, acting_user=cast.comm_a_sec, version=seen, outcome="not_hired"
        )
    assert "已经有结果" in exc.value.messages[0] or isinstance(exc.value, ConflictError)
    assert Referral.objects.get().outcome == Outcome.HIRED  # the first is kept


def test_hiring_beyond_the_places_is_refused(cast, unit):
    o = _offer(cast, unit, places=1)
    r1 = services.referral_create(
        acting_user=cast.comm_a_sec, offer=o, seeker=_seeker(cast, name="甲")
    )
    r2 = services.referral_create(
        acting_user=cast.comm_a_sec, offer=o, seeker=_seeker(cast, name="乙")
    )
    services.referral_outcome(r1, acting_user=cast.comm_a_sec, version=r1.version, outcome="hired")
    with pytest.raises(ValidationError, match="招满"):
        services.referral_outcome(
            r2, acting_user=cast.comm_a_sec, version=r2.version, outcome="hired"
        )
    r2 = services.referral_outcome(
        r2, acting_user=cast.comm_a_sec, version=r2.version, outcome="not_hired"
    )
    assert r2.outcome == Outcome.NOT_HIRED


# ---- a unit's year --------------------------------------------------------------------------
def test_offers_per_unit_counts_offers_valid_in_the_year_in_one_query(cast, unit):
    other = make_unit(community=cast.comm_a, name="文化东路小学")
    y = 2026
    _offer(cast, unit, valid_from=dt.date(y - 1, 6, 1), valid_until=dt.date(y, 1, 1))  # reaches in
    _offer(cast, unit, valid_from=dt.date(y, 12, 31), valid_until=dt.date(y + 1, 3, 1))  # starts in
    _offer(
        cast, unit, valid_from=dt.date(y - 1, 1, 1), valid_until=dt.date(y - 1, 12, 31)
    )  # before
    _offer(cast, unit, valid_from=dt.date(y + 1, 1, 1), valid_until=dt.date(y + 1, 2, 1))  # after
    with CaptureQueriesContext(connection) as q:
        counts = selectors.offers_per_unit([unit, other], y)
    assert counts == {unit.pk: 2, other.pk: 0} and len(q) == 1


# ---- pages ----------------------------------------------------------------------------------
def test_the_jobs_page_lists_offers_and_each_units_offers_this_year(cast, client_for, unit):
    _offer(cast, unit, position="小区保洁")
    page = client_for(cast.comm_a_sec).get(f"/jobs/?org={cast.comm_a.pk}").content.decode()
    assert "小区保洁" in page and "文化东路物业公司" in page and 'id="skills-training"' in page


def test_offers_filter_by_category_and_state(cast, client_for, unit):
    _offer(cast, unit, position="小区保洁")
    ended = _offer(cast, unit, position="食堂帮厨", category="catering")
    services.offer_end(ended, acting_user=cast.comm_a_sec, version=ended.version)
    c = client_for(cast.comm_a_sec)
    base = f"/jobs/?org={cast.comm_a.pk}"
    assert "食堂帮厨" not in c.get(base + "&category=cleaning").content.decode()
    page = c.get(base + "&state=open").content.decode()
    assert "小区保洁" in page and "食堂帮厨" not in page


@pytest.mark.parametrize("path", ["/jobs/?org={org}", "/jobs/seekers/?org={org}&active=all"])
def test_list_pages_queries_do_not_grow_with_rows(
    cast, client_for, unit, django_assert_max_num_queries, path
):
    c = client_for(cast.comm_a_sec)
    url = path.format(org=cast.comm_a.pk)
    o = _offer(cast, unit)
    s = _seeker(cast)
    services.referral_create(acting_user=cast.comm_a_sec, offer=o, seeker=s)
    with CaptureQueriesContext(connection) as one:
        assert c.get(url).status_code == 200
    for i in range(10):
        u = make_unit(community=cast.comm_a)
        o = _offer(cast, u, position=f"岗位{i}")
        s = _seeker(cast, name=f"求职{i}", skills=["cleaning", "driving"])
        services.referral_create(acting_user=cast.comm_a_sec, offer=o, seeker=s)
    with django_assert_max_num_queries(len(one)):
        c.get(url)


def test_an_offer_with_zero_places_shows_the_message_and_saves_nothing(cast, client_for, unit):
    r = client_for(cast.comm_a_sec).post(
        f"/jobs/offers/new/?org={cast.comm_a.pk}",
        {
            "unit": unit.pk,
            "position": "保洁",
            "category": "cleaning",
            "places": "0",
            "valid_from": "2026-01-01",
            "valid_until": "2026-12-31",
        },
    )
    assert r.status_code == 200 and "招聘人数至少 1 人。" in r.content.decode()
    r = client_for(cast.comm_a_sec).post(
        f"/jobs/offers/new/?org={cast.comm_a.pk}",
        {
            "unit": unit.pk,
            "position": "保洁",
            "category": "cleaning",
            "places": "1",
            "valid_from": "2026-12-01",
            "valid_until": "2026-01-01",
        },
    )
    assert "有效期结束日期不能早于开始日期。" in r.content.decode()
    assert not Offer.objects.exists()


def test_a_seeker_form_without_consent_shows_the_message(cast, client_for):
    r = client_for(cast.comm_a_sec).post(
        f"/jobs/seekers/new/?org={cast.comm_a.pk}", {"name": "王秀英", "skills": ["cleaning"]}
    )
    assert r.status_code == 200 and "须经本人同意" in r.content.decode()
    assert not Seeker.objects.exists()


def test_the_flow_register_refer_and_record_the_outcome_on_the_pages(cast, client_for, unit):
    o = _offer(cast, unit, position="小区保洁")
    c = client_for(cast.comm_a_sec)
    r = c.post(
        f"/jobs/seekers/new/?org={cast.comm_a.pk}",
        {
            "name": "王秀英",
            "phone": "13912345678",
            "consent_on": TODAY.isoformat(),
            "skills": ["cleaning"],
        },
    )
    s = Seeker.objects.get()
    assert r.status_code == 302
    page = c.get(f"/jobs/seekers/{s.pk}/").content.decode()
    assert "小区保洁" in page and "139****5678" in page and "13912345678" not in page
    revealed = c.post(f"/jobs/seekers/{s.pk}/reveal-phone/")
    assert "13912345678" in revealed.content.decode()
    assert revealed["Cache-Control"] == "no-store"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL).count() == 1
    c.post(f"/jobs/seekers/{s.pk}/refer/", {"offer": o.pk})
    ref = Referral.objects.get()
    r = c.post(
        f"/jobs/referrals/{ref.pk}/outcome/",
        {"version": ref.version, "outcome": "hired", "on": TODAY.isoformat()},
    )
    assert Referral.objects.get().outcome == Outcome.HIRED
    assert "1 / 1" in c.get(f"/jobs/?org={cast.comm_a.pk}").content.decode()


def test_referring_to_an_ended_offer_on_the_page_says_why(cast, client_for, unit):
    o = _offer(cast, unit)
    services.offer_end(o, acting_user=cast.comm_a_sec, version=o.version)
    s = _seeker(cast)
    r = client_for(cast.comm_a_sec).post(
        f"/jobs/seekers/{s.pk}/refer/", {"offer": o.pk}, follow=True
    )
    assert "已结束或不在有效期内" in r.content.decode()
    assert not Referral.objects.exists()


def test_the_ledger_reads_back_without_phones(cast, client_for, unit):
    o = _offer(cast, unit, position="小区保洁")
    s = _seeker(cast)
    services.referral_create(acting_user=cast.comm_a_sec, offer=o, seeker=s)
    r = client_for(cast.comm_a_sec).get(f"/jobs/export/?org={cast.comm_a.pk}&year={TODAY.year}")
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert "岗位对接台帐" in rows[0][0]
    assert rows[2][1:5] == ("王秀英", "小区保洁", "保洁绿化", "文化东路物业公司")
    assert rows[2][6] == "待反馈"
    assert "13912345678" not in str(rows) and "139****5678" not in str(rows)


def test_a_member_or_outsider_gets_404_on_every_jobs_page(cast, client_for, unit):
    s = _seeker(cast)
    for who in (cast.member_user, cast.outsider):
        c = client_for(who)
        assert c.get("/jobs/").status_code == 404
        assert c.get(f"/jobs/seekers/{s.pk}/").status_code == 404


# ---- API ------------------------------------------------------------------------------------
def _post(c, path, body):
    return c.post(path, json.dumps(body), content_type="application/json")


def test_the_api_records_an_offer_a_seeker_a_referral_and_its_outcome(cast, client_for, unit):
    c = client_for(cast.comm_a_sec)
    bad = _post(
        c,
        "/api/v1/jobs/offers",
        {
            "unit_id": unit.pk,
            "position": "保洁",
            "category": "cleaning",
            "places": 0,
            "valid_from": "2026-01-01",
            "valid_until": "2026-12-31",
        },
    )
    assert bad.status_code == 400 and bad.json()["detail"] == "招聘人数至少 1 人。"
    r = _post(
        c,
        "/api/v1/jobs/offers",
        {
            "unit_id": unit.pk,
            "position": "保洁",
            "category": "cleaning",
            "places": 1,
            "valid_from": TODAY.isoformat(),
            "valid_until": FAR.isoformat(),
        },
    )
    assert r.status_code == 201, r.content
    offer_id = r.json()["id"]
    r = _post(
        c,
        "/api/v1/jobs/seekers",
        {
            "org": cast.comm_a.pk,
            "name": "王秀英",
            "phone": "13912345678",
            "consent_on": TODAY.isoformat(),
            "skills": ["cleaning"],
        },
    )
    assert r.status_code == 201, r.content
    seeker_id = r.json()["id"]
    listed = c.get(f"/api/v1/jobs/seekers?org={cast.comm_a.pk}").content.decode()
    assert "139****5678" in listed and "13912345678" not in listed
    r = _post(c, "/api/v1/jobs/referrals", {"offer_id": offer_id, "seeker_id": seeker_id})
    assert r.status_code == 201, r.content
    ref_id, version = r.json()["id"], r.json()["version"]
    r = _post(
        c, f"/api/v1/jobs/referrals/{ref_id}/outcome", {"version": version, "outcome": "hired"}
    )
    assert r.status_code == 200 and r.json()["outcome"] == "hired"
    items = c.get("/api/v1/jobs/offers").json()["items"]
    assert items[0]["n_hired"] == 1
    no_consent = _post(
        c, "/api/v1/jobs/seekers", {"org": cast.comm_a.pk, "name": "x", "skills": ["cleaning"]}
    )
    assert no_consent.status_code == 400 and "本人同意" in no_consent.json()["detail"]
