"""A co-building activity is the co-building detail of a deed (issue 14): recording one records
the deed with its units and members, correcting one corrects the deed, and a unit's year counts
the deeds it took part in — a deed the community recorded with the unit outside co-building
counts as the unit's 实事 too."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError

from dangjian.cobuild import selectors, services
from dangjian.cobuild.models import Activity
from dangjian.deeds import services as deeds
from dangjian.deeds.models import Deed
from tests.factories import make_member

from .factories import activity, unit


def _text(r) -> str:
    return re.sub(r"\s+", " ", r.content.decode())


def _plain_deed(cast, units, *, title="帮独居老人打扫卫生", day=dt.date(2026, 4, 2)):
    return deeds.deed_record(
        acting_user=cast.comm_a_sec,
        community=cast.comm_a,
        date=day,
        title=title,
        units=units,
        today=dt.date(2026, 11, 24),
    )


def test_recording_an_activity_records_its_deed_with_the_units_and_members(cast):
    school = unit(cast)
    a = activity(
        cast,
        [school],
        members=[cast.member_a],
        place="社区广场",
        beneficiaries=80,
        is_deed=True,
        money=500,
    )
    d = Deed.objects.get()
    assert a.deed == d and d.community == cast.comm_a
    assert (d.date, d.title, d.place, d.beneficiaries) == (
        dt.date(2026, 5, 1),
        "义诊进社区",
        "社区广场",
        80,
    )
    assert list(d.units.all()) == [school]
    assert [p.member for p in d.participants.all()] == [cast.member_a]
    assert (a.date, a.title, a.place, a.beneficiaries) == (d.date, d.title, d.place, 80)
    assert a.is_deed and a.money == 500


def test_an_activity_names_someone_who_took_part(cast):
    with pytest.raises(ValidationError, match="至少选择一名参加的党员或一个参加单位"):
        activity(cast, [])
    with pytest.raises(ValidationError, match="参加的党员须是"):
        activity(cast, [unit(cast)], members=[cast.member_b])  # of community B
    assert not Deed.objects.exists() and not Activity.objects.exists()


def test_a_deed_recorded_with_the_unit_outside_cobuild_counts_as_its_practical_deed(cast):
    school = unit(cast)
    _plain_deed(cast, [school])
    _plain_deed(cast, [school], day=dt.date(2025, 4, 2))  # another year
    activity(cast, [school], kind="culture")  # a joint activity, not a deed
    y = selectors.year_counts([school], 2026)[school.pk]
    assert (y.deeds, y.activities, y.volunteer_services) == (1, 1, 0)
    assert selectors.standings(user=cast.comm_a_sec, community=cast.comm_a, year=2026)[
        0
    ].behind == ["志愿服务差 2 次"]


def test_the_unit_page_lists_its_deeds_and_activities(cast, client_for):
    school = unit(cast)
    _plain_deed(cast, [school], title="社区登记的实事")
    a = activity(cast, [school], title="共建的义诊")
    body = _text(client_for(cast.comm_a_sec).get(f"/cobuild/units/{school.pk}/?year=2026"))
    assert "社区登记的实事" in body and f"/cobuild/activities/{a.pk}/" in body


def test_editing_an_activity_corrects_its_deed_and_refuses_a_stale_form(cast, client_for):
    a = activity(cast, [unit(cast)], members=[cast.member_a])
    c = client_for(cast.comm_a_sec)
    url = f"/cobuild/activities/{a.pk}/edit/"
    assert 'value="义诊进社区"' in _text(c.get(url))
    form = {
        "kind": "service",
        "title": "义诊进社区（第二场）",
        "date": "2026-05-02",
        "place": "卫生站",
        "beneficiaries": "30",
        "summary": "测血压。",
        "version": str(a.version),
        "deed_version": str(a.deed.version),
    }
    r = c.post(url, form)
    assert r.status_code == 302
    a.refresh_from_db()
    a.deed.refresh_from_db()
    assert (a.deed.title, a.deed.date, a.deed.place, a.deed.beneficiaries) == (
        "义诊进社区（第二场）",
        dt.date(2026, 5, 2),
        "卫生站",
        30,
    )
    assert a.summary == "测血压。" and a.version == 2
    assert [p.member for p in a.deed.participants.all()] == [cast.member_a]
    r = c.post(url, {**form, "title": "旧表单"})  # the versions of the first form
    assert "已被他人修改" in _text(r)
    a.deed.refresh_from_db()
    assert a.deed.title == "义诊进社区（第二场）"


def test_another_community_cannot_edit_an_activity(cast, client_for):
    a = activity(cast, [unit(cast)])
    url = f"/cobuild/activities/{a.pk}/edit/"
    assert client_for(cast.comm_b_sec).get(url).status_code == 404
    assert client_for(cast.comm_b_sec).post(url, {"title": "x"}).status_code == 404
    a.deed.refresh_from_db()
    assert a.deed.title == "义诊进社区"


def test_the_deed_of_an_activity_is_not_deleted_from_the_deeds_side(cast):
    a = activity(cast, [unit(cast)])
    with pytest.raises(ValidationError, match="共建活动"):
        deeds.deed_delete(a.deed, acting_user=cast.comm_a_sec)
    assert Deed.objects.filter(pk=a.deed_id).exists()


def test_the_activity_list_and_the_unit_page_query_counts_do_not_grow(
    cast, client_for, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    school = unit(cast)
    worker = make_member(org=cast.branch_a, name="王五")
    c = client_for(cast.comm_a_sec)
    urls = (
        f"/cobuild/activities/?org={cast.comm_a.pk}&start=2026-01-01&end=2026-12-31",
        f"/cobuild/units/{school.pk}/?year=2026",
    )
    for i in range(2):
        activity(cast, [school], title=f"活动{i}", members=[worker])
        _plain_deed(cast, [school], title=f"实事{i}")
    counts = {}
    for url in urls:
        c.get(url)
        with CaptureQueriesContext(connection) as few:
            c.get(url)
        counts[url] = len(few.captured_queries)
    for i in range(2, 12):
        activity(cast, [school, unit(cast, f"单位{i}")], title=f"活动{i}", members=[worker])
        _plain_deed(cast, [school], title=f"实事{i}")
    for url in urls:
        with django_assert_num_queries(counts[url]):
            c.get(url)


def test_activity_update_keeps_the_rule_that_a_practical_deed_names_its_unit(cast):
    a = activity(cast, [unit(cast)])
    a = services.activity_update(
        a,
        acting_user=cast.comm_a_sec,
        version=a.version,
        deed_version=a.deed.version,
        data={"is_deed": True, "title": "义诊"},
    )
    assert a.is_deed and a.title == "义诊"
    assert selectors.year_counts(list(a.deed.units.all()), 2026)[a.deed.units.get().pk].deeds == 1


def test_deleting_an_activity_deletes_its_deed_and_photos(
    cast, client_for, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangjian.cobuild.models import Photo

    from .images import png

    settings.MEDIA_ROOT = tmp_path
    a = activity(
        cast,
        [unit(cast)],
        photos=[SimpleUploadedFile("p.png", png(), content_type="image/png")],
    )
    stored = tmp_path / a.photos.get().file.name
    assert stored.exists()
    assert (
        client_for(cast.comm_b_sec).post(f"/cobuild/activities/{a.pk}/delete/").status_code == 404
    )
    with django_capture_on_commit_callbacks(execute=True):
        r = client_for(cast.comm_a_sec).post(f"/cobuild/activities/{a.pk}/delete/")
    assert r.status_code == 302 and r.url == f"/cobuild/activities/?org={cast.comm_a.pk}"
    assert not Activity.objects.exists() and not Deed.objects.exists()
    assert not Photo.objects.exists() and not stored.exists()


def test_an_event_already_recorded_as_a_deed_is_picked_not_typed_again(cast, client_for):
    school = unit(cast)
    d = _plain_deed(cast, [school], title="为社区捐赠健身器材", day=dt.date(2026, 11, 20))
    c = client_for(cast.comm_a_sec)
    page = _text(c.get(f"/cobuild/activities/new/?org={cast.comm_a.pk}&deed={d.pk}"))
    assert f'<option value="{d.pk}" selected>' in page and "为社区捐赠健身器材" in page
    r = c.post(
        f"/cobuild/activities/new/?org={cast.comm_a.pk}",
        {"deed": d.pk, "kind": "service", "is_deed": "on", "money": "8000"},
    )
    a = Activity.objects.get()
    assert r.status_code == 302 and a.deed == d and a.money == 8000
    assert Deed.objects.count() == 1 and a.title == "为社区捐赠健身器材"
    assert selectors.year_counts([school], 2026)[school.pk].deeds == 1  # counted once
    assert f'<option value="{d.pk}"' not in _text(
        c.get(f"/cobuild/activities/new/?org={cast.comm_a.pk}")
    )
    with pytest.raises(ValidationError, match="已经登记为共建活动"):
        services.activity_record(
            acting_user=cast.comm_a_sec, community=cast.comm_a, deed=d, kind="service"
        )


def test_the_api_picks_a_deed_of_the_callers_community_only(cast, client_for):
    import json

    d = _plain_deed(cast, [unit(cast)], day=dt.date(2026, 11, 20))
    url = f"/api/v1/cobuild/activities?org={cast.comm_a.pk}"
    body = json.dumps({"deed_id": d.pk, "kind": "culture"})
    r = client_for(cast.comm_a_sec).post(url, body, content_type="application/json")
    assert r.status_code == 201 and Activity.objects.get(pk=r.json()["id"]).deed == d
    other = _plain_deed(cast, [unit(cast, "另一所学校")], title="另一件", day=dt.date(2026, 11, 21))
    url_b = f"/api/v1/cobuild/activities?org={cast.comm_b.pk}"
    body = json.dumps({"deed_id": other.pk, "kind": "culture"})
    r = client_for(cast.comm_b_sec).post(url_b, body, content_type="application/json")
    assert r.status_code == 400 and not Activity.objects.filter(deed=other).exists()
