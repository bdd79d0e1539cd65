"""Forms: organisations, offices, places and coverage — audited, version-checked, and plain
Chinese messages that keep what the user typed."""

from __future__ import annotations

import datetime as dt

from dangjian.core.models import AuditEntry
from dangjian.orgs.models import Office, Organisation, OrgKind, Place, PlaceKind
from dangjian.orgs.selectors import today
from dangjian.orgs.services import office_create, org_update

from ..factories import make_place


def new_org(**over):
    data = {"kind": "branch", "name": "文化东路第三党支部", "code": "CA-B3", "sort": "3"}
    data.update(over)
    return data


def test_a_community_secretary_creates_a_branch_under_their_community(cast, client_for):
    r = client_for(cast.comm_a_sec).post(f"/orgs/{cast.comm_a.pk}/new/", new_org())
    org = Organisation.objects.get(code="CA-B3")
    assert r.status_code == 302 and r["Location"] == f"/orgs/{org.pk}/"
    assert org.parent == cast.comm_a and org.path == f"{cast.comm_a.path}{org.pk:07d}/"
    entry = AuditEntry.objects.get(action="create", object_id=str(org.pk))
    assert entry.actor == cast.comm_a_sec and entry.scope_path == org.path


def test_a_taken_code_is_refused_in_chinese_and_the_input_is_kept(cast, client_for):
    r = client_for(cast.comm_a_sec).post(
        f"/orgs/{cast.comm_a.pk}/new/", new_org(code="CA-B1", name="我输入的名称")
    )
    page = r.content.decode()
    assert r.status_code == 200 and "这个组织代码已被其他组织使用，请换一个。" in page
    assert 'value="我输入的名称"' in page and 'value="CA-B1"' in page
    assert not Organisation.objects.filter(name="我输入的名称").exists()


def test_a_street_cannot_be_created_under_a_community(cast, client_for):
    r = client_for(cast.comm_a_sec).post(f"/orgs/{cast.comm_a.pk}/new/", new_org(kind="street"))
    assert "这种组织类型不能设在“社区党委”之下。" in r.content.decode()
    assert not Organisation.objects.filter(code="CA-B3").exists()


def test_nothing_is_created_under_a_group(cast, client_for):
    r = client_for(cast.comm_a_sec).post(f"/orgs/{cast.group_a.pk}/new/", new_org())
    assert r.status_code == 404


def test_a_future_founding_date_is_refused(cast, client_for):
    later = (today() + dt.timedelta(days=3)).isoformat()
    r = client_for(cast.comm_a_sec).post(
        f"/orgs/{cast.comm_a.pk}/new/", new_org(established_on=later)
    )
    assert "成立日期不能晚于今天。" in r.content.decode()


def test_a_branch_secretary_cannot_create_beside_their_branch(cast, client_for):
    c = client_for(cast.branch_sec)
    assert c.get(f"/orgs/{cast.comm_a.pk}/new/").status_code == 404
    assert c.post(f"/orgs/{cast.comm_a.pk}/new/", new_org()).status_code == 404
    assert c.get(f"/orgs/{cast.branch_a.pk}/new/").status_code == 200  # below their branch


def test_a_viewer_can_read_but_not_create(cast, client_for):
    from dangjian.accounts.models import Grant

    Grant.objects.create(user=cast.outsider, org=cast.comm_a, role=Grant.Role.VIEWER)
    c = client_for(cast.outsider)
    assert c.get(f"/orgs/{cast.comm_a.pk}/").status_code == 200
    assert c.post(f"/orgs/{cast.comm_a.pk}/new/", new_org()).status_code == 404
    assert c.post(f"/orgs/{cast.comm_a.pk}/edit/", new_org()).status_code == 404


def test_editing_saves_and_audits_the_change(cast, client_for):
    org = cast.branch_a_2
    r = client_for(cast.comm_a_sec).post(
        f"/orgs/{org.pk}/edit/",
        new_org(code=org.code, name="文化东路老党员党支部", version=org.version),
    )
    assert r.status_code == 302
    org.refresh_from_db()
    assert org.name == "文化东路老党员党支部" and org.version == 2
    entry = AuditEntry.objects.get(action="update", object_id=str(org.pk))
    assert entry.changes["name"]["after"] == "文化东路老党员党支部"


def test_a_stale_edit_shows_the_conflict_and_keeps_the_input(cast, client_for):
    org = cast.branch_a_2
    seen = org.version
    org_update(org, data={"short_name": "离退休"}, acting_user=cast.street_sec)
    r = client_for(cast.comm_a_sec).post(
        f"/orgs/{org.pk}/edit/", new_org(code=org.code, name="我改的名称", version=seen)
    )
    page = r.content.decode()
    assert r.status_code == 200 and "该记录已被他人修改" in page
    assert 'value="我改的名称"' in page
    org.refresh_from_db()
    assert org.name == "文化东路离退休党支部"


def test_an_office_without_end_date_gets_the_rule_term_and_an_audit(cast, client_for):
    r = client_for(cast.comm_a_sec).post(
        f"/orgs/{cast.branch_a.pk}/offices/new/",
        {"title": "secretary", "member": cast.member_a.pk, "term_start": "2024-07-01"},
    )
    assert r.status_code == 302
    office = Office.objects.get(org=cast.branch_a)
    assert office.holder_name == "张三" and office.term_end == dt.date(2029, 6, 30)
    assert AuditEntry.objects.filter(action="create", object_id=str(office.pk)).exists()


def test_an_office_needs_a_member_or_a_name(cast, client_for):
    r = client_for(cast.comm_a_sec).post(
        f"/orgs/{cast.branch_a.pk}/offices/new/", {"title": "deputy", "term_start": "2024-07-01"}
    )
    assert "请选择党员，或填写任职人姓名。" in r.content.decode()


def test_another_communitys_member_cannot_be_made_an_office_holder(cast, client_for):
    r = client_for(cast.comm_a_sec).post(
        f"/orgs/{cast.branch_a.pk}/offices/new/",
        {"title": "deputy", "member": cast.member_b.pk, "term_start": "2024-07-01"},
    )
    assert "所选党员不在本组织，请重新选择。" in r.content.decode()
    assert not Office.objects.exists()


def test_bad_office_dates_are_refused_with_the_input_kept(cast, client_for):
    later = (today() + dt.timedelta(days=1)).isoformat()
    r = client_for(cast.comm_a_sec).post(
        f"/orgs/{cast.branch_a.pk}/offices/new/",
        {
            "title": "deputy",
            "holder_name": "王五",
            "term_start": "2024-07-01",
            "term_end": "2023-01-01",
            "left_on": later,
        },
    )
    page = r.content.decode()
    assert "任期届满日期不能早于任期开始日期。" in page and "离任日期不能晚于今天。" in page
    assert 'value="王五"' in page and not Office.objects.exists()


def test_recording_the_day_an_office_holder_left_ends_the_office(cast, client_for):
    office = office_create(
        acting_user=None,
        org=cast.branch_a,
        title="secretary",
        holder_name="王五",
        term_start=dt.date(2021, 1, 1),
    )
    r = client_for(cast.comm_a_sec).post(
        f"/orgs/offices/{office.pk}/edit/",
        {
            "title": "secretary",
            "holder_name": "王五",
            "term_start": "2021-01-01",
            "term_end": office.term_end.isoformat(),
            "left_on": today().isoformat(),
            "version": office.version,
        },
    )
    assert r.status_code == 302
    office.refresh_from_db()
    assert office.left_on == today() and not office.is_current(today())


def test_a_stale_office_edit_is_refused(cast, client_for):
    office = office_create(
        acting_user=None,
        org=cast.branch_a,
        title="secretary",
        holder_name="王五",
        term_start=dt.date(2021, 1, 1),
    )
    data = {"title": "secretary", "holder_name": "王六", "term_start": "2021-01-01"}
    c = client_for(cast.comm_a_sec)
    assert c.post(f"/orgs/offices/{office.pk}/edit/", {**data, "version": 1}).status_code == 302
    r = c.post(f"/orgs/offices/{office.pk}/edit/", {**data, "holder_name": "王七", "version": 1})
    assert "该记录已被他人修改" in r.content.decode()
    office.refresh_from_db()
    assert office.holder_name == "王六"


def test_a_place_is_added_with_the_kind_its_parent_calls_for(cast, client_for):
    r = client_for(cast.comm_a_sec).post(
        f"/orgs/places/{cast.corridor_a.pk}/new/", {"name": "101室", "population": "3"}
    )
    assert r.status_code == 302
    place = Place.objects.get(name="101室")
    assert place.kind == PlaceKind.HOUSEHOLD and place.community == cast.comm_a
    assert place.path.startswith(cast.corridor_a.path)
    assert AuditEntry.objects.filter(action="create", object_id=str(place.pk)).exists()


def test_nothing_is_added_under_a_household(cast, client_for):
    household = make_place(parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD)
    r = client_for(cast.comm_a_sec).get(f"/orgs/places/{household.pk}/new/")
    assert r.status_code == 404


def test_a_place_without_a_name_is_refused(cast, client_for):
    r = client_for(cast.comm_a_sec).post(f"/orgs/places/{cast.building_a.pk}/new/", {"name": " "})
    assert "此项必须填写。" in r.content.decode()


def test_a_community_gets_its_top_place(cast, client_for):
    r = client_for(cast.street_sec).post(f"/orgs/{cast.comm_a2.pk}/places/new/", {"name": "团结路"})
    assert r.status_code == 302
    assert Place.objects.get(community=cast.comm_a2).kind == PlaceKind.COMMUNITY


def test_editing_a_place_is_version_checked(cast, client_for):
    c = client_for(cast.comm_a_sec)
    url = f"/orgs/places/{cast.building_a.pk}/edit/"
    assert c.post(url, {"name": "一号楼", "version": 1}).status_code == 302
    r = c.post(url, {"name": "壹号楼", "version": 1})
    assert "该记录已被他人修改" in r.content.decode() and 'value="壹号楼"' in r.content.decode()


def test_ticking_places_sets_what_an_organisation_covers(cast, client_for):
    c = client_for(cast.comm_a_sec)
    second = make_place(parent=cast.building_a, community=cast.comm_a, kind=PlaceKind.CORRIDOR)
    url = f"/orgs/{cast.group_a.pk}/cover/"
    assert c.post(url, {"places": [cast.corridor_a.pk, second.pk]}).status_code == 302
    assert set(cast.group_a.places.all()) == {cast.corridor_a, second}
    assert c.post(url, {"places": [second.pk]}).status_code == 302
    assert list(cast.group_a.places.all()) == [second]
    changes = AuditEntry.objects.filter(object_id=str(cast.group_a.pk), action="update")
    assert changes.count() == 2


def test_a_place_of_another_community_cannot_be_ticked(cast, client_for):
    r = client_for(cast.comm_a_sec).post(
        f"/orgs/{cast.group_a.pk}/cover/", {"places": [cast.place_b.pk]}
    )
    assert "所选区域不在本社区，请重新选择。" in r.content.decode()
    assert not cast.group_a.places.exists()


def test_a_branch_is_offered_buildings_and_grids_not_corridors(cast, client_for):
    page = client_for(cast.comm_a_sec).get(f"/orgs/{cast.branch_a.pk}/cover/").content.decode()
    assert "1号楼（楼栋）" in page and "第一网格（网格/片区）" in page
    assert "1单元" not in page


def test_org_kinds_change_through_the_edit_form(cast, client_for):
    org = cast.branch_a_2
    r = client_for(cast.comm_a_sec).post(
        f"/orgs/{org.pk}/edit/",
        new_org(kind=OrgKind.GENERAL_BRANCH, code=org.code, name=org.name, version=org.version),
    )
    assert r.status_code == 302
    org.refresh_from_db()
    assert org.kind == OrgKind.GENERAL_BRANCH
