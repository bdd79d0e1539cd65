"""Publishing on the community's public board (党务居务公开): who may, what may be published
(the community's own recent records, once), which photos (the record's own), the pages and the
API; and the privacy of the board and the poster — no ID numbers, phones, addresses, difficulty
or full names of members who did not consent."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dangjian.commitments.models import State
from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError
from dangjian.deeds.services import deed_record
from dangjian.households.models import Difficulty
from dangjian.meetings.models import MeetingKind
from dangjian.meetings.services import meeting_attach
from dangjian.openness import services
from dangjian.openness.models import ItemKind, PublicItem
from dangjian.orgs.models import PlaceKind
from dangjian.volunteering.models import Team
from tests.cobuild.images import png
from tests.commitments.factories import draft, put_in
from tests.factories import make_member, make_place
from tests.meetings.factories import make_meeting

from .board_helpers import (
    TODAY,
    activity,
    board,
    get_board,
    publish_activity,
    text,
    theme_day,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _refused(fn, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as exc:
        fn(*args, **kwargs)
    return "；".join(exc.value.messages)


def test_publish_an_activity_with_its_photos_audited(cast):
    a = activity(cast, photos=2)
    item = publish_activity(cast, a, title="义诊进社区", summary="量血压。")
    assert item.kind == ItemKind.ACTIVITY and item.deed == a.deed
    assert item.photos.count() == 2 and item.published_by == cast.comm_a_sec
    assert AuditEntry.objects.filter(object_id=str(item.pk), action="create").exists()


def test_kinds_follow_the_record(cast):
    vol = activity(cast, title="志愿服务", photos=0, is_volunteer_service=True)
    assert publish_activity(cast, vol).kind == ItemKind.SERVICE
    team = Team.objects.create(community=cast.comm_a, name="红马甲服务队", kind="other")
    d = deed_record(
        acting_user=cast.comm_a_sec,
        community=cast.comm_a,
        date=TODAY,
        title="为老人理发",
        members=[cast.member_a.pk],
    )
    d.team = team
    d.save()
    item = services.item_publish(
        acting_user=cast.comm_a_sec, community=cast.comm_a, deed=d, title="义务理发"
    )
    assert item.kind == ItemKind.SERVICE
    plain = deed_record(
        acting_user=cast.comm_a_sec,
        community=cast.comm_a,
        date=TODAY,
        title="清理楼道",
        members=[cast.member_a.pk],
    )
    item = services.item_publish(
        acting_user=cast.comm_a_sec, community=cast.comm_a, deed=plain, title="清理楼道"
    )
    assert item.kind == ItemKind.ACTIVITY
    m = theme_day(cast)
    item = services.item_publish(
        acting_user=cast.comm_a_sec, community=cast.comm_a, meeting=m, title="主题党日"
    )
    assert item.kind == ItemKind.ORG_LIFE


def test_only_those_who_may_change_the_community(cast):
    a = activity(cast, photos=0)
    for user in (cast.branch_sec, cast.comm_b_sec, cast.member_user, cast.outsider):
        with pytest.raises(PermissionDenied):
            publish_activity(cast, a, user=user)
    assert not PublicItem.objects.exists()


def test_the_record_must_be_the_communitys_and_published_once(cast):
    a = activity(cast, photos=0)
    b_act = activity(cast, community=cast.comm_b, title="乙社区活动", photos=0)
    msg = _refused(
        services.item_publish,
        acting_user=cast.comm_a_sec,
        community=cast.comm_a,
        deed=b_act.deed,
        title="x",
    )
    assert msg == "这条记录不属于本社区。"
    publish_activity(cast, a)
    assert _refused(publish_activity, cast, a) == "这条记录已经公开过了，请在已发布的内容里修改。"
    assert PublicItem.objects.count() == 1
    assert (
        _refused(
            services.item_publish,
            acting_user=cast.comm_a_sec,
            community=cast.comm_a,
            deed=a.deed,
            meeting=theme_day(cast),
            title="x",
        )
        == "请选择一条活动、服务或组织生活记录。"
    )


def test_meetings_not_cancelled_not_internal_not_of_another_community(cast):
    m = theme_day(cast)
    m.cancelled = True
    m.save()
    kw = {"acting_user": cast.comm_a_sec, "community": cast.comm_a, "title": "x"}
    assert _refused(services.item_publish, meeting=m, **kw) == "这次组织生活已取消，不能公开。"
    committee = make_meeting(org=cast.branch_a, kind=MeetingKind.BRANCH_COMMITTEE, date=TODAY)
    assert _refused(services.item_publish, meeting=committee, **kw) == "这类会议不在公开栏公开。"
    other = make_meeting(org=cast.branch_b, kind=MeetingKind.THEME_DAY, date=TODAY)
    assert _refused(services.item_publish, meeting=other, **kw) == "这次组织生活不属于本社区。"


def test_photos_must_be_the_records_own_and_meeting_photos_by_their_bytes(cast):
    a = activity(cast, photos=1)
    other = activity(cast, title="别的活动", photos=1)
    msg = _refused(publish_activity, cast, a, photos=[other.photos.get().pk])
    assert msg == "只能选择这条记录自己的照片。"
    m = theme_day(cast)
    pic = meeting_attach(
        meeting=m, upload=SimpleUploadedFile("合影.png", png()), acting_user=cast.comm_a_sec
    )
    pdf = meeting_attach(
        meeting=m,
        upload=SimpleUploadedFile("签到表.png", b"%PDF-1.4 x"),
        acting_user=cast.comm_a_sec,
    )
    kw = {"acting_user": cast.comm_a_sec, "community": cast.comm_a, "meeting": m, "title": "x"}
    assert _refused(services.item_publish, photos=[pdf.pk], **kw) == "只能选择这条记录自己的照片。"
    item = services.item_publish(photos=[pic.pk], **kw)
    assert item.photos.get().meeting_file == pic
    r = Client().get(f"/open/{board(cast).slug}/photo/{item.photos.get().pk}/")
    assert r.status_code == 200 and r["Content-Type"] == "image/png"


def test_update_with_optimistic_locking_and_withdraw_needs_a_reason(cast):
    a = activity(cast, photos=2)
    item = publish_activity(cast, a)
    keep = a.photos.first().pk
    item = services.item_update(
        item,
        acting_user=cast.comm_a_sec,
        title="新标题",
        summary="新说明",
        photos=[keep],
        rating_open=False,
        expected_version=item.version,
    )
    assert item.title == "新标题" and not item.rating_open
    assert list(item.photos.values_list("cobuild_photo_id", flat=True)) == [keep]
    with pytest.raises(ConflictError):
        services.item_update(
            item, acting_user=cast.comm_a_sec, title="旧的", expected_version=item.version - 1
        )
    assert _refused(services.item_withdraw, item, acting_user=cast.comm_a_sec, reason=" ") == (
        "请写明撤下原因。"
    )
    with pytest.raises(PermissionDenied):
        services.item_withdraw(item, acting_user=cast.comm_b_sec, reason="x")
    item = services.item_withdraw(item, acting_user=cast.comm_a_sec, reason="照片不合适")
    assert item.withdrawn_at is not None and item.withdraw_reason == "照片不合适"
    assert _refused(services.item_withdraw, item, acting_user=cast.comm_a_sec, reason="x") == (
        "这条内容已经撤下了。"
    )


def test_the_pages_pick_write_publish_edit_withdraw(cast, client_for):
    a = activity(cast, title="重阳节敬老包饺子", photos=1)
    m = theme_day(cast, topic="七月主题党日")
    sec = client_for(cast.comm_a_sec)
    page = text(sec.get(f"/openness/{cast.comm_a.pk}/publish/"))
    assert "重阳节敬老包饺子" in page and "七月主题党日" in page
    page = text(sec.get(f"/openness/{cast.comm_a.pk}/publish/?deed={a.deed.pk}"))
    assert 'value="重阳节敬老包饺子"' in page
    assert re.search(r'<textarea name="summary"[^>]*>\s*</textarea>', page)  # never prefilled
    photo = a.photos.get()
    r = sec.post(
        f"/openness/{cast.comm_a.pk}/publish/",
        {
            "deed": a.deed.pk,
            "title": "敬老包饺子",
            "summary": "",
            "photos": [photo.pk],
            "rating_open": "on",
        },
    )
    item = PublicItem.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/openness/items/{item.pk}/"
    # published records leave the pick list
    page = text(sec.get(f"/openness/{cast.comm_a.pk}/publish/"))
    assert "重阳节敬老包饺子" not in page and "七月主题党日" in page
    home = text(sec.get(f"/openness/?org={cast.comm_a.pk}"))
    b = board(cast)
    assert "敬老包饺子" in home and f"/open/{b.slug}/poster/" in home
    assert f"/commitments/public-board/{cast.comm_a.pk}/" in home
    r = sec.post(
        f"/openness/items/{item.pk}/",
        {"title": "敬老包饺子活动", "summary": "和老人一起包饺子。", "version": item.version},
    )
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.title == "敬老包饺子活动" and not item.rating_open and not item.photos.exists()
    page = text(sec.get(f"/openness/items/{item.pk}/"))
    assert "data-confirm=" in page
    r = sec.post(f"/openness/items/{item.pk}/withdraw/", {"reason": "", "version": item.version})
    item.refresh_from_db()
    assert item.withdrawn_at is None
    sec.post(f"/openness/items/{item.pk}/withdraw/", {"reason": "重复", "version": item.version})
    item.refresh_from_db()
    assert item.withdrawn_at is not None
    assert "敬老包饺子活动" not in text(get_board(b))
    # another community's secretary finds nothing
    other = client_for(cast.comm_b_sec)
    assert other.get(f"/openness/items/{item.pk}/").status_code == 404
    assert other.get(f"/openness/{cast.comm_a.pk}/publish/").status_code == 404
    assert m.pk  # still pickable


def test_the_api_lists_publishes_and_withdraws(cast, client_for):
    a = activity(cast, photos=1)
    sec = client_for(cast.comm_a_sec)
    body = {
        "org": cast.comm_a.pk,
        "deed_id": a.deed.pk,
        "title": "义诊",
        "photo_ids": [a.photos.get().pk],
    }
    r = sec.post("/api/v1/openness/items", json.dumps(body), content_type="application/json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["photo_ids"] == [a.photos.get().pk] and r.json()["kind"] == "activity"
    r = sec.post("/api/v1/openness/items", json.dumps(body), content_type="application/json")
    assert r.status_code == 400 and "已经公开过" in r.json()["detail"]
    r = sec.get(f"/api/v1/openness/items?org={cast.comm_a.pk}")
    assert [i["id"] for i in r.json()["items"]] == [pk]
    other = client_for(cast.comm_b_sec)
    assert other.get(f"/api/v1/openness/items/{pk}").status_code == 404
    assert other.get("/api/v1/openness/items").json()["items"] == []
    r = sec.post(
        f"/api/v1/openness/items/{pk}/withdraw",
        json.dumps({"reason": "撤下"}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["withdrawn"] is True


# ---- privacy -------------------------------------------------------------------------------
PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID18 = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def test_no_personal_data_on_the_board_or_the_poster(cast):
    corridor = cast.corridor_a
    home = make_place(
        parent=corridor, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name="1号楼1单元502室"
    )
    Difficulty.objects.create(household=home, kind="dibao", since=dt.date(2024, 1, 1))
    person = make_member(
        org=cast.branch_a,
        name="欧阳明远",
        phone="13912345678",
        address="文化东路88号3单元501室",
        household=home,
    )
    put_in(draft(cast, member=person, by=cast.comm_a_sec, title="为邻居代买药品"), State.PUBLISHED)
    a = activity(cast, title="为困难家庭送米面油", photos=1, members=[person.pk])
    deed = a.deed
    deed.household = home
    deed.place = "1号楼1单元502室"
    deed.save()
    publish_activity(cast, a, title="送米面油进家门", summary="社区党员为困难家庭送去米面油。")
    b = board(cast)
    page = get_board(b, year=TODAY.year).content.decode()
    poster = Client().get(f"/open/{b.slug}/poster/").content.decode()
    id_number = _id_number(person)
    for html in (page, poster):
        assert id_number not in html
        assert not PHONE.search(html), PHONE.search(html)
        assert not ID18.search(html), ID18.search(html)
        assert "文化东路88号" not in html and "502室" not in html
        assert "欧阳明远" not in html
        assert "低保" not in html
    assert "欧阳某" in page and "送米面油进家门" in page
    b.show_full_names = True
    b.save()
    assert "欧阳明远" in get_board(b, year=TODAY.year).content.decode()


def _id_number(member) -> str:
    from dangjian.core.crypto import decrypt

    return decrypt(member.id_cipher)


def test_the_management_list_query_count_does_not_grow_with_rows(cast, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sec = client_for(cast.comm_a_sec)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert sec.get(f"/openness/?org={cast.comm_a.pk}").status_code == 200
        return len(ctx.captured_queries)

    publish_activity(cast, activity(cast, title="活动0", photos=1))
    m = theme_day(cast)
    services.item_publish(
        acting_user=cast.comm_a_sec, community=cast.comm_a, meeting=m, title="主题党日"
    )
    count()  # the first request also loads the session and the user's scope
    one = count()
    for n in range(1, 5):
        item = publish_activity(cast, activity(cast, title=f"活动{n}", photos=2))
        if n % 2:
            services.item_withdraw(item, acting_user=cast.comm_a_sec, reason="撤下")
    assert count() == one
