"""共驻共建 pages: recording an activity with units and photos, the ledger, the chronicle and a
briefing read back, the overview with who is behind, stars decided, bookings refused when they
overlap, the assessment export; community B sees nothing of A."""

from __future__ import annotations

import datetime as dt
import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from openpyxl import load_workbook

from dangjian.cobuild.models import Activity, Booking, StarRating

from .factories import activity, unit
from .images import png


def _text(r) -> str:
    return re.sub(r"\s+", " ", r.content.decode())


def _read(r) -> bytes:
    return b"".join(r.streaming_content)


def test_a_secretary_records_an_activity_with_two_units_and_photos(
    cast, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    school, hospital = unit(cast, "甲社区实验小学"), unit(cast, "甲社区医院")
    c = client_for(cast.comm_a_sec)
    r = c.post(
        f"/cobuild/activities/new/?org={cast.comm_a.pk}",
        {
            "kind": "service",
            "theme": "health",
            "title": "义诊进社区",
            "date": "2026-05-01",
            "units": [school.pk, hospital.pk],
            "beneficiaries": "120",
            "summary": "为居民免费测血压。",
            "photos": [
                SimpleUploadedFile("a.png", png(), content_type="image/png"),
                SimpleUploadedFile("b.png", png(rgb=(0, 90, 200)), content_type="image/png"),
            ],
        },
    )
    a = Activity.objects.get()
    assert r.status_code == 302 and r.url == f"/cobuild/activities/{a.pk}/"
    assert set(a.deed.units.all()) == {school, hospital} and a.photos.count() == 2
    page = _text(c.get(r.url))
    assert "甲社区实验小学" in page and "卫生进社区" in page
    photo = a.photos.first()
    assert c.get(f"/cobuild/photos/{photo.pk}/").status_code == 200
    assert client_for(cast.comm_b_sec).get(f"/cobuild/photos/{photo.pk}/").status_code == 404


def test_a_bad_activity_keeps_what_was_typed(cast, client_for):
    r = client_for(cast.comm_a_sec).post(
        f"/cobuild/activities/new/?org={cast.comm_a.pk}",
        {"kind": "service", "title": "义诊", "date": "2027-01-01"},
    )
    body = _text(r)
    assert "没有保存" in body and "不能晚于今天" in body and 'value="义诊"' in body
    assert not Activity.objects.exists()


def test_the_briefing_and_the_chronicle_read_back(cast, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    school = unit(cast)
    a = activity(
        cast,
        [school],
        title="科普讲座",
        summary="讲解防诈骗知识。",
        photos=[SimpleUploadedFile("p.png", png(), content_type="image/png")],
    )
    activity(cast, [school], title="清理楼道", day=dt.date(2026, 6, 1), kind="environment")
    c = client_for(cast.comm_a_sec)
    r = c.post("/cobuild/briefing/", {"org": cast.comm_a.pk, "activity": [a.pk], "issue_no": "3"})
    doc = Document(io.BytesIO(_read(r)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "共驻共建工作简报" in text and "第 3 期" in text
    assert "科普讲座" in text and "甲社区实验小学在社区开展服务联办活动。讲解防诈骗知识。" in text
    assert "清理楼道" not in text
    assert len(doc.inline_shapes) == 1
    r = c.get(f"/cobuild/chronicle/?org={cast.comm_a.pk}&start=2026-01-01&end=2026-12-31")
    lines = [p.text for p in Document(io.BytesIO(_read(r))).paragraphs]
    assert "5月1日　科普讲座（甲社区实验小学参加）。" in lines
    assert lines.index("5月1日　科普讲座（甲社区实验小学参加）。") < lines.index(
        "6月1日　清理楼道（甲社区实验小学参加）。"
    )


def test_the_ledger_reads_back_with_constant_queries(cast, client_for, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    school = unit(cast)
    c = client_for(cast.comm_a_sec)
    url = f"/cobuild/activities/export/?org={cast.comm_a.pk}&start=2026-01-01&end=2026-12-31"
    for i in range(3):
        activity(cast, [school], title=f"活动{i}", is_deed=i == 0)
    c.get(url)
    with CaptureQueriesContext(connection) as few:
        ws = load_workbook(io.BytesIO(_read(c.get(url)))).active
    assert [x.value for x in ws[2]][:3] == ["日期", "活动名称", "类别"]
    assert ws.max_row == 5 and ws["E3"].value in ("是", None)
    for i in range(20):
        activity(cast, [school], title=f"更多{i}")
    with django_assert_num_queries(len(few.captured_queries)):
        c.get(url)


def test_the_overview_lists_who_is_behind_and_stars_are_decided(cast, client_for):
    done, idle = unit(cast, "甲社区医院"), unit(cast, "甲社区税务所")
    activity(cast, [done], is_deed=True)
    activity(cast, [done], is_volunteer_service=True)
    activity(cast, [done], is_volunteer_service=True, day=dt.date(2026, 6, 1))
    c = client_for(cast.comm_a_sec)
    body = _text(c.get(f"/cobuild/?org={cast.comm_a.pk}&year=2026"))
    assert "个单位尚未达到今年办实事或志愿服务的要求" in body
    # deciding a star is public and yearly: both forms ask first, naming the unit
    html = c.get(f"/cobuild/?org={cast.comm_a.pk}&year=2026").content.decode()
    assert 'data-confirm="按建议把“甲社区税务所”评定为 2026 年' in html
    html = c.get(f"/cobuild/units/{idle.pk}/?year=2026").content.decode()
    assert 'data-confirm="确定评定“甲社区税务所”2026 年的星级' in html
    assert body.index("甲社区税务所") < body.index("甲社区医院")
    r = c.post(f"/cobuild/units/{idle.pk}/stars/", {"year": "2026", "stars": "4"}, follow=True)
    assert "请写明调整理由" in _text(r) and not StarRating.objects.exists()
    c.post(f"/cobuild/units/{idle.pk}/stars/", {"year": "2026", "stars": "4", "reason": "年底补办"})
    assert StarRating.objects.get().stars == 4


def test_an_overlapping_booking_is_refused_with_the_clash_named(cast, client_for):
    from dangjian.cobuild import services

    hall = services.resource_create(
        acting_user=cast.comm_a_sec, unit=unit(cast), kind="venue", name="礼堂"
    )
    c = client_for(cast.comm_a_sec)
    url = f"/cobuild/resources/{hall.pk}/book/"
    c.post(url, {"day": "2026-12-01", "start": "09:00", "end": "11:00", "purpose": "党课"})
    r = c.post(
        url, {"day": "2026-12-01", "start": "10:00", "end": "12:00", "purpose": "讲座"}, follow=True
    )
    assert "与已有预约冲突：12月01日 09:00 至 11:00（党课）" in _text(r)
    assert Booking.objects.count() == 1


def test_the_assessment_export_gives_each_units_result_and_weight(cast, client_for):
    from dangjian.cobuild import services

    school = unit(cast)
    services.stars_decide(acting_user=cast.comm_a_sec, unit=school, year=2026, stars=1)
    r = client_for(cast.comm_a_sec).get(
        f"/cobuild/stars/assessment/?org={cast.comm_a.pk}&year=2026"
    )
    ws = load_workbook(io.BytesIO(_read(r))).active
    assert "权重不低于 20%" in ws["A1"].value
    assert [x.value for x in ws[3]][:6] == ["甲社区实验小学", 2026, 1, 1, 20, "20%"]


def test_community_b_sees_nothing_of_community_a(cast, client_for):
    school = unit(cast)
    activity(cast, [school], title="甲社区的活动")
    other = client_for(cast.comm_b_sec)
    assert "甲社区" not in _text(other.get("/cobuild/"))
    assert "甲社区的活动" not in _text(other.get("/cobuild/activities/"))
    assert other.get(f"/cobuild/units/{school.pk}/").status_code == 404
    assert other.get(f"/cobuild/?org={cast.comm_a.pk}").status_code == 404


def test_a_unit_is_registered_with_the_other_communities_it_sits_in(cast, client_for):
    from dangjian.accounts.models import Grant
    from dangjian.core.access import forget_scope
    from dangjian.orgs.models import ResidentUnit

    Grant.objects.create(user=cast.comm_a_sec, org=cast.comm_a2, role=Grant.Role.SECRETARY)
    forget_scope(cast.comm_a_sec)
    r = client_for(cast.comm_a_sec).post(
        f"/cobuild/units/new/?org={cast.comm_a.pk}",
        {
            "name": "两社区之间的医院",
            "kind": "hospital",
            "member_count": "12",
            "also_in": [cast.comm_a2.pk],
        },
    )
    u = ResidentUnit.objects.get(name="两社区之间的医院")
    assert r.status_code == 302 and list(u.also_in.all()) == [cast.comm_a2]
    r = client_for(cast.comm_a_sec).post(
        f"/cobuild/units/new/?org={cast.comm_a.pk}",
        {
            "name": "乙社区也有",
            "kind": "hospital",
            "member_count": "1",
            "also_in": [cast.comm_b.pk],
        },
    )
    assert r.status_code == 200 and not ResidentUnit.objects.filter(name="乙社区也有").exists()


def test_the_overview_and_the_assessment_export_query_counts_do_not_grow(
    cast, client_for, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(cast.comm_a_sec)
    for i in range(3):
        activity(cast, [unit(cast, f"单位{i}")], is_deed=True)
    for url in (
        f"/cobuild/?org={cast.comm_a.pk}&year=2026",
        f"/cobuild/stars/assessment/?org={cast.comm_a.pk}&year=2026",
        f"/cobuild/chronicle/?org={cast.comm_a.pk}&start=2026-01-01&end=2026-12-31",
    ):
        c.get(url)
        with CaptureQueriesContext(connection) as few:
            c.get(url)
        counts = len(few.captured_queries)
        for i in range(3, 20):
            activity(cast, [unit(cast, f"单位{url[-4:]}{i}")], is_volunteer_service=True)
        with django_assert_num_queries(counts):
            c.get(url)
