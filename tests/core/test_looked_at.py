"""Who looked at a person's data (issue 16 item 5, PIPL's right to know): the per-object audit
narrowed to reads and reveals for those who manage the record, and the member's own page."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from dangjian.core import audit
from dangjian.members.models import Member
from dangjian.members.services import member_reveal_id


def _looked_url(member: Member) -> str:
    ct = ContentType.objects.get_for_model(Member)
    return f"/audit/?ct={ct.pk}&id={member.pk}&looked=1"


def test_the_looked_view_lists_reads_and_reveals_but_not_changes(cast, client_for):
    member_reveal_id(cast.member_a, acting_user=cast.branch_sec, ip="10.0.0.9")
    audit.record_read(cast.member_a, acting_user=cast.street_sec)
    page = client_for(cast.comm_a_sec).get(_looked_url(cast.member_a)).content.decode()
    rows = page[page.index('id="audit-table"') :]
    assert "谁查阅过个人信息" in page
    assert "branch_a_sec" in rows and "查看敏感信息" in rows
    assert "查阅个人信息" in rows and cast.street_sec.username in rows
    assert "新增" not in rows  # the member's creation is a change, not a look


def test_a_member_sees_who_looked_at_their_record_and_nothing_of_others(cast, client_for):
    member_reveal_id(cast.member_a, acting_user=cast.branch_sec, ip="10.0.0.9")
    member_reveal_id(cast.member_b, acting_user=cast.comm_b_sec, ip="10.0.0.8")
    r = client_for(cast.member_user).get("/audit/mine/")
    assert r.status_code == 200
    page = r.content.decode()
    rows = page[page.index('id="looked-table"') :]
    assert "查看敏感信息" in rows
    assert rows.count("<tr>") == 2  # the header and the one reveal of their own record
    assert "10.0.0.8" not in page and "10.0.0.9" not in page  # addresses are for administrators


def test_someone_without_a_member_record_sees_an_empty_list(cast, client_for):
    member_reveal_id(cast.member_a, acting_user=cast.branch_sec, ip="10.0.0.9")
    page = client_for(cast.outsider).get("/audit/mine/").content.decode()
    assert "还没有人查看过您的信息" in page


def test_the_member_page_links_to_who_looked(cast, client_for):
    own = client_for(cast.member_user).get(f"/members/{cast.member_a.pk}/").content.decode()
    assert "/audit/mine/" in own
    sec = client_for(cast.comm_a_sec).get(f"/members/{cast.member_a.pk}/").content.decode()
    assert "looked=1" in sec
