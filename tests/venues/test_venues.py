"""Venues (一厅一校四室) and office space: the band table of seed 001 at its boundaries, a bookable
venue booked through co-building's one engine, bad input changes nothing, another community gets
nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.cobuild import services as cobuild
from dangjian.cobuild.models import Booking
from dangjian.venues import selectors, services
from dangjian.venues.models import OfficeSpace, Venue


def _office(cast, community, area, transition=False):
    return services.office_save(
        acting_user=cast.admin, community=community, floor_area_m2=area, in_transition=transition
    )


@pytest.mark.parametrize(
    ("area", "band"),
    [(30, 1), (99.9, 1), (100, 2), (149.9, 2), (150, 3), (299.9, 3), (300, 4), (1800, 4)],
)
def test_a_community_falls_in_the_band_of_seed_001_by_its_floor_area(cast, area, band):
    _office(cast, cast.comm_a, area)
    bands, missing = selectors.band_table(user=cast.admin, org=cast.street_a)
    assert bands[band].count == 1 and "文化东路社区党委" in bands[band].communities
    assert sum(b.count for b in bands) == 1 and missing == 1  # 团结路 has not recorded


def test_a_community_in_transition_is_counted_as_such(cast):
    _office(cast, cast.comm_a, "", transition=True)
    bands, _missing = selectors.band_table(user=cast.admin, org=cast.county)
    assert bands[0].count == 1 and bands[0].label == "拆迁过渡中"


@pytest.mark.parametrize("area", ["0", "-5", "abc", ""])
def test_a_bad_area_is_refused_and_nothing_is_saved(cast, area):
    with pytest.raises(ValidationError, match="面积"):
        services.venue_save(
            acting_user=cast.comm_a_sec, community=cast.comm_a, kind="school", area_m2=area
        )
    with pytest.raises(ValidationError, match="面积"):
        _office(cast, cast.comm_a, area)
    assert not Venue.objects.exists() and not OfficeSpace.objects.exists()


def test_a_bookable_venue_is_booked_through_cobuilds_engine_and_cannot_be_double_booked(cast):
    v = services.venue_save(
        acting_user=cast.comm_a_sec,
        community=cast.comm_a,
        kind="activity",
        area_m2=80,
        bookable=True,
    )
    assert v.resource.unit is None and v.resource.community == cast.comm_a
    tz = timezone.get_current_timezone()
    day = timezone.localdate() + dt.timedelta(days=3)
    start = dt.datetime.combine(day, dt.time(9), tzinfo=tz)
    cobuild.booking_create(
        acting_user=cast.comm_a_sec,
        resource=v.resource,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        purpose="主题党日",
    )
    with pytest.raises(ValidationError, match="冲突"):
        cobuild.booking_create(
            acting_user=cast.comm_a_sec,
            resource=v.resource,
            starts_at=start + dt.timedelta(hours=1),
            ends_at=start + dt.timedelta(hours=3),
            purpose="合唱排练",
        )
    assert Booking.objects.filter(resource=v.resource).count() == 1
    # saving it again not bookable closes the resource; no second resource is made
    again = services.venue_save(
        acting_user=cast.comm_a_sec, community=cast.comm_a, kind="activity", area_m2=90
    )
    assert again.resource_id == v.resource_id and not again.resource.is_open


def test_the_pages_show_the_six_venues_and_the_band_table(cast, client_for):
    services.venue_save(
        acting_user=cast.comm_a_sec, community=cast.comm_a, kind="hall", area_m2=120
    )
    _office(cast, cast.comm_a, 260)
    c = client_for(cast.comm_a_sec)
    page = c.get(f"/venues/?org={cast.comm_a.pk}").content.decode()
    assert "全程代办大厅" in page and "120.0" in page and page.count("未建") == 5
    street = client_for(cast.street_sec).get(f"/venues/?org={cast.street_a.pk}").content.decode()
    assert "150–300 平方米" in street and "文化东路社区党委" in street


def test_the_form_saves_and_a_bad_value_says_why(cast, client_for):
    c = client_for(cast.comm_a_sec)
    c.post("/venues/save/", {"org": cast.comm_a.pk, "kind": "reading", "area_m2": "45"})
    assert Venue.objects.get(community=cast.comm_a).area_m2 == 45
    r = c.post("/venues/office/", {"org": cast.comm_a.pk, "floor_area_m2": "-1"}, follow=True)
    assert "面积须大于 0" in r.content.decode() and not OfficeSpace.objects.exists()


def test_another_community_gets_nothing(cast, client_for):
    services.venue_save(
        acting_user=cast.comm_a_sec, community=cast.comm_a, kind="hall", area_m2=120
    )
    other = client_for(cast.comm_b_sec)
    assert other.get(f"/venues/?org={cast.comm_a.pk}").status_code == 404
    r = other.post("/venues/save/", {"org": cast.comm_a.pk, "kind": "hall", "area_m2": "1"})
    assert r.status_code == 404 and Venue.objects.get().area_m2 == 120
    assert client_for(cast.member_user).get("/venues/").status_code == 404


def test_only_communities_have_venues(cast):
    with pytest.raises(ValidationError, match="社区党组织"):
        services.venue_save(
            acting_user=cast.admin, community=cast.branch_a, kind="hall", area_m2=10
        )


def test_the_ledger_reads_back(cast, client_for):
    import io

    import openpyxl

    services.venue_save(
        acting_user=cast.comm_a_sec, community=cast.comm_a, kind="hall", area_m2=120
    )
    _office(cast, cast.comm_a, 260)
    r = client_for(cast.street_sec).get(f"/venues/export/?org={cast.street_a.pk}")
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    rows = {row[0]: row for row in ws.iter_rows(min_row=3, values_only=True)}
    assert rows["文化东路社区党委"][1] == "260.0" and rows["文化东路社区党委"][2] == 120
    assert rows["团结路社区党总支"][1] == "未登记" and rows["团结路社区党总支"][2] == "未建"
    assert (
        client_for(cast.comm_b_sec).get(f"/venues/export/?org={cast.comm_a.pk}").status_code == 404
    )
