"""In a real browser: a community secretary finds the gaps and walks the tree."""

from __future__ import annotations

import pytest

from dangjian.orgs.services import org_cover_places

from ..conftest import login

pytestmark = pytest.mark.browser


def test_a_community_secretary_sees_the_uncovered_corridor(cast, live_server, page):
    org_cover_places(org=cast.branch_a, places=[cast.building_a], acting_user=None)
    login(page, live_server, "comm_a_sec")
    page.click("nav >> text=组织体系")  # the menu opens (Bootstrap's script, served locally)
    page.click("nav >> text=覆盖情况")
    page.wait_for_url("**/orgs/coverage/")
    gaps = page.locator("#uncovered-corridors")
    assert gaps.is_visible()
    assert "1号楼" in gaps.inner_text() and "1单元" in gaps.inner_text()
    assert page.locator("#uncovered-buildings").count() == 0  # the building has its branch
    gaps.get_by_text("1单元").click()
    page.wait_for_url(f"**/orgs/places/{cast.corridor_a.pk}/")
    assert page.locator("h1").inner_text() == "1单元"


def test_the_tree_opens_level_by_level(cast, live_server, page):
    login(page, live_server, "comm_a_sec")
    page.goto(f"{live_server.url}/orgs/")
    branch = page.locator(f"#org-{cast.branch_a.pk}")
    branch.wait_for()  # the community's children load by themselves
    assert "楼栋党支部" in branch.inner_text()
    group = page.locator(f"#org-{cast.group_a.pk}")
    assert group.count() == 0
    branch.locator("summary").first.click(position={"x": 5, "y": 10})
    group.wait_for()
    assert "楼道党小组" in group.inner_text()
