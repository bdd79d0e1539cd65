"""驻区单位共建协议台帐 (.xlsx): units, agreements and pledges of the user's communities,
filtered by organisation and by the period the agreements are in force."""

from __future__ import annotations

import datetime as dt

from dangjian.cobuild import services
from tests.exports_helpers import column, same_queries_at_5_and_50, sheets
from tests.meetings.factories import make_unit

URL = "/cobuild/units/export/"
D = dt.date


def agree(sec, unit, title, start, end, pledges=("承诺一",)):
    return services.agreement_create(
        acting_user=sec,
        unit=unit,
        title=title,
        signed_on=start,
        starts_on=start,
        ends_on=end,
        unit_pledges=pledges,
        community_pledges=["社区承诺"],
    )


def setup(cast):
    hospital = make_unit(community=cast.comm_a, name="甲医院")
    school = make_unit(community=cast.comm_a2, name="团结路学校")
    other = make_unit(community=cast.comm_b, name="迎宾路工厂")
    a = agree(cast.comm_a_sec, hospital, "2025年协议", D(2025, 1, 1), D(2025, 12, 31))
    agree(cast.comm_a_sec, hospital, "2026年协议", D(2026, 1, 1), D(2026, 12, 31), ["义诊"])
    agree(cast.street_sec, school, "学校协议", D(2026, 3, 1), D(2027, 2, 28))
    agree(cast.comm_b_sec, other, "乙社区协议", D(2026, 1, 1), D(2026, 12, 31))
    services.pledge_check(a.pledges.get(side="unit"), acting_user=cast.comm_a_sec, kept=True)
    return hospital


def test_three_sheets_with_the_units_their_agreements_and_pledges(cast, client_for):
    setup(cast)
    found = sheets(client_for(cast.comm_a_sec).get(URL))
    assert list(found) == ["驻区单位", "共建协议", "承诺事项"]
    assert found["驻区单位"][1][0] == "单位名称"
    assert [r[0] for r in found["驻区单位"][2:]] == ["甲医院"]
    assert found["驻区单位"][2][10] == 2  # agreements
    assert {r[2] for r in found["共建协议"][2:]} == {"2025年协议", "2026年协议"}
    pledges = {(r[2], r[4]): r[5] for r in found["承诺事项"][2:]}
    assert pledges[("2025年协议", "承诺一")] == "已兑现"
    assert pledges[("2026年协议", "义诊")] == "未核查"


def test_a_year_keeps_the_agreements_in_force_in_it(cast, client_for):
    setup(cast)
    c = client_for(cast.street_sec)
    r = c.get(f"{URL}?year=2025")
    assert column(r, 2, "共建协议") == {"2025年协议"}
    r = c.get(f"{URL}?from=2026-06-01&to=2026-06-30")
    assert column(r, 2, "共建协议") == {"2026年协议", "学校协议"}
    assert column(r, 4, "承诺事项") == {"义诊", "承诺一", "社区承诺"}


def test_an_organisation_narrows_it_to_its_communities(cast, client_for):
    setup(cast)
    c = client_for(cast.street_sec)
    assert column(c.get(URL), 0) == {"甲医院", "团结路学校"}
    r = c.get(f"{URL}?org={cast.comm_a2.pk}")
    assert column(r, 0) == {"团结路学校"}
    assert column(r, 2, "共建协议") == {"学校协议"}


def test_another_community_gets_nothing_of_ours(cast, client_for):
    setup(cast)
    c = client_for(cast.comm_b_sec)
    assert c.get(f"{URL}?org={cast.comm_a.pk}").status_code == 404
    found = sheets(c.get(URL))
    text = repr(found)
    assert "甲医院" not in text and "2025年协议" not in text and "迎宾路工厂" in text
    assert client_for(cast.outsider).get(URL).status_code == 404


def test_it_takes_the_same_queries_for_5_and_50_units(cast, client_for):
    made: list = []

    def grow(n: int) -> None:
        while len(made) < n:
            u = make_unit(community=cast.comm_a, name=f"单位{len(made)}")
            agree(cast.comm_a_sec, u, f"协议{len(made)}", D(2026, 1, 1), D(2026, 12, 31))
            made.append(u)

    same_queries_at_5_and_50(client_for(cast.comm_a_sec), URL, grow)
