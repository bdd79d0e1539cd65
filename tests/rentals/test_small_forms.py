"""The “登记搬离” form on a tenant's page: a move-out before the move-in comes back on the same
page (400) beside the date, with the date typed kept; the tenant is not moved out."""

from __future__ import annotations

import datetime as dt
import html

from django.urls import reverse

from dangjian.orgs.models import PlaceKind
from dangjian.rentals import services
from tests.factories import fake_id, make_place


def test_a_move_out_before_the_move_in_is_told_beside_the_date(cast, client_for):
    household = make_place(
        parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name="3号楼101室"
    )
    d = services.dwelling_register(
        acting_user=cast.comm_a_sec, household=household, landlord_name="房东"
    )
    t = services.tenant_add(
        acting_user=cast.comm_a_sec,
        dwelling=d,
        name="租户甲",
        id_number=fake_id(birth_date=dt.date(1990, 5, 17), gender="M"),
        move_in=dt.date(2025, 6, 1),
    )
    r = client_for(cast.comm_a_sec).post(
        reverse("rentals:tenant_move_out", args=[t.pk]),
        {"version": t.version, "move_out": "2025-05-01"},
    )
    assert r.status_code == 400
    form = html.unescape(r.content.decode()).split('id="move-out-form"')[1].split("</form>")[0]
    assert 'value="2025-05-01"' in form
    assert "invalid-feedback" in form.split('id="move-out-field"')[1]
    t.refresh_from_db()
    assert t.move_out is None
