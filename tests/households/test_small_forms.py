"""The small forms on a household's page (end a difficulty, end a pairing, add one): a mistake
brings the same page back (400) with the message beside the field, on its row, and what was
typed kept; nothing is saved."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.checkin import services as checkin_services
from dangjian.checkin.models import Pairing
from dangjian.households import services
from dangjian.households.models import Difficulty, Kind
from dangjian.orgs.models import PlaceKind
from tests.factories import make_member, make_place

TODAY = timezone.localdate()


def _household(cast, name):
    return make_place(
        parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name=name
    )


def _record(cast, household, kind):
    return services.difficulty_record(
        acting_user=cast.comm_a_sec,
        household=household,
        kind=kind,
        since=TODAY - dt.timedelta(days=90),
    )


@pytest.fixture
def paired(cast):
    h = _household(cast, "结对户501")
    _record(cast, h, Kind.DIBAO)
    checkin = checkin_services.check_in(
        acting_user=cast.admin,
        member=make_member(org=cast.branch_b, name="结对党员丙"),
        community=cast.comm_a,
        employer="县直单位",
        on=TODAY - dt.timedelta(days=120),
    )
    p = services.household_pair(
        acting_user=cast.comm_a_sec,
        household=h,
        checkin=checkin,
        since=TODAY - dt.timedelta(days=5),
    )
    return h, p


def _page(r) -> str:
    return html.unescape(r.content.decode())


def test_a_pairing_ended_before_it_began_is_told_on_its_row(cast, client_for, paired):
    h, p = paired
    early = TODAY - dt.timedelta(days=6)
    r = client_for(cast.comm_a_sec).post(
        reverse("households:pairing_end", args=[h.pk, p.pk]), {"on": early, "version": 1}
    )
    assert r.status_code == 400
    row = _page(r).split(f'id="pairing-{p.pk}"')[1].split("</li>")[0]
    assert (
        "不能早于结对日期" in row
        and f'value="{early}"' in row
        and '<details class="mt-1" open>' in row
    )
    assert Pairing.objects.get().until is None


def test_a_difficulty_ended_with_a_bad_date_keeps_it_beside_the_field(cast, client_for):
    h = _household(cast, "困难户302")
    d = _record(cast, h, Kind.DIBAO)
    r = client_for(cast.comm_a_sec).post(
        reverse("households:end", args=[d.pk]), {"until": "2026-02-31", "version": d.version}
    )
    assert r.status_code == 400
    field = _page(r).split(f'id="until-field-{d.pk}"')[1].split("</div></div>")[0]
    assert "请按“年-月-日”填写日期" in field and 'value="2026-02-31"' in field
    assert Difficulty.objects.get().until is None


def test_adding_a_difficulty_without_a_kind_comes_back_with_400(cast, client_for):
    h = _household(cast, "困难户303")
    r = client_for(cast.comm_a_sec).post(
        reverse("households:add", args=[h.pk]), {"since": "2026-01-05", "note": "母亲卧床"}
    )
    assert r.status_code == 400
    form = _page(r).split('id="add-form"')[1].split("</form>")[0]
    assert "此项必须填写。" in form.split('id="field-kind"')[1] and "母亲卧床" in form
    assert not Difficulty.objects.exists()
