"""A member's home and employer, each in one place (issue 14): the household on the places tree
is the home and the text only for one not on it; a resident unit is the employer and the text
only for another employer. The form refuses both at once; choosing the one clears the other."""

from __future__ import annotations

import re

from dangjian.members.models import EMPLOYER_RELATED, HOME_RELATED, Member
from dangjian.members.services import member_update
from dangjian.orgs.models import PlaceKind, ResidentUnit
from tests.factories import make_place

from .test_pages import edit_data


def _household(cast):
    return make_place(
        parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name="302室"
    )


def _fresh(m):
    return Member.objects.select_related(EMPLOYER_RELATED, HOME_RELATED).get(pk=m.pk)


def test_the_home_is_the_households_full_place_path_else_the_text(cast):
    m = cast.member_a
    member_update(m, data={"address": "河边平房"}, acting_user=cast.comm_a_sec)
    assert _fresh(m).home_label == "河边平房"
    member_update(_fresh(m), data={"household": _household(cast)}, acting_user=cast.comm_a_sec)
    m = _fresh(m)
    assert m.address == ""  # the household clears the text
    assert m.home_label == "文化东路社区 第一网格 1号楼 1单元 302室"


def test_the_employer_is_the_resident_unit_else_the_text(cast):
    unit = ResidentUnit.objects.create(
        name="县第一中学", kind="school", community=cast.comm_a, party_org=cast.branch_a_2
    )
    m = cast.member_a
    member_update(m, data={"work_unit": "个体经营"}, acting_user=cast.comm_a_sec)
    assert (_fresh(m).employer_label, _fresh(m).employer_party_org_label) == ("个体经营", "")
    member_update(_fresh(m), data={"employer_unit": unit}, acting_user=cast.comm_a_sec)
    m = _fresh(m)
    assert (m.work_unit, m.employer_label, m.employer_party_org_label) == (
        "",
        "县第一中学",
        "文化东路离退休党支部",
    )


def test_the_form_refuses_a_household_and_an_address_at_once(cast, client_for):
    h = _household(cast)
    m = cast.member_a
    page = client_for(cast.comm_a_sec)
    r = page.post(f"/members/{m.pk}/edit/", edit_data(m, household=h.pk))
    assert r.status_code == 200 and "不再填写现居住地址" in r.content.decode()
    r = page.post(f"/members/{m.pk}/edit/", edit_data(m, household=h.pk, address=""))
    assert r.status_code == 302
    body = re.sub(r"\s+", " ", page.get(f"/members/{m.pk}/").content.decode())
    assert "文化东路社区 第一网格 1号楼 1单元 302室" in body


def test_the_form_refuses_a_resident_unit_and_an_employer_typed_at_once(cast, client_for):
    unit = ResidentUnit.objects.create(name="县医院", kind="hospital", community=cast.comm_a)
    m = cast.member_a
    page = client_for(cast.comm_a_sec)
    r = page.post(f"/members/{m.pk}/edit/", edit_data(m, employer_unit=unit.pk, address=""))
    assert r.status_code == 200 and "不再填写工作单位" in r.content.decode()
    r = page.post(
        f"/members/{m.pk}/edit/", edit_data(m, employer_unit=unit.pk, work_unit="", address="")
    )
    assert r.status_code == 302 and _fresh(m).employer_label == "县医院"
