"""In a real browser, on a phone-sized window: a member checks in to their home community."""

from __future__ import annotations

import pytest

from dangjian.checkin.models import CheckIn
from dangjian.members.models import Member

from ..conftest import login

pytestmark = pytest.mark.browser


def test_a_member_checks_in_to_their_home_community_on_a_phone(cast, live_server, phone):
    Member.objects.filter(pk=cast.member_a.pk).update(work_unit="县人民医院")
    login(phone, live_server, "member_a")
    phone.goto(f"{live_server.url}/checkin/me/")
    assert phone.locator("#community").input_value() == str(cast.comm_a.pk)  # the home community
    # the employer is on the member's record: shown, not asked again
    assert "县人民医院" in phone.locator("#employer-known").inner_text()
    assert phone.locator("#employer").count() == 0
    phone.click("#do-checkin")
    assert "报到成功" in phone.content()
    assert "您已于" in phone.locator("#checked-in").inner_text()
    assert "还没有认领岗位" in phone.locator("#my-posts").inner_text()  # a link to choose one
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    c = CheckIn.objects.get()
    assert (c.member, c.community, c.employer) == (cast.member_a, cast.comm_a, "县人民医院")
