"""In a real browser: a member drafts a commitment on a phone and submits it; the secretary
takes it through deliberation (naming the meeting) and review; it appears on the community's
public board (at its random address, the member named 张某), where a resident answers the
arithmetic question and rates it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from dangjian.commitments import services_board
from dangjian.commitments.models import Commitment, Rating, State

from ..conftest import login
from .factories import branch_meeting

pytestmark = pytest.mark.browser


def test_from_a_phone_draft_to_a_residents_rating(cast, live_server, phone, page, browser):
    meeting = branch_meeting(cast, date=timezone.localdate())

    login(phone, live_server, "member_a")
    phone.goto(f"{live_server.url}/commitments/mine/")
    phone.click("#new-commitment")
    phone.select_option("#id_kind", "post")
    phone.fill("#id_title", "每周六晚治安巡逻")
    phone.click("button[type=submit]")  # no content yet
    assert "请填写承诺内容" in phone.locator("#field-content").inner_text()
    assert phone.input_value("#id_title") == "每周六晚治安巡逻"
    phone.fill("#id_content", "每周六晚七点到九点在1号楼周边巡逻。")
    phone.click("button[type=submit]")
    assert "已保存为草稿" in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.click("#step-apply")
    assert "已办理：党员申诺" in phone.content()

    login(page, live_server, "comm_a_sec")
    c = Commitment.objects.get()
    page.goto(f"{live_server.url}/commitments/{c.pk}/")
    page.select_option("#meeting", str(meeting.pk))
    page.get_by_role("button", name="集体议诺").click()
    assert "已办理：集体议诺" in page.content()
    page.click("#step-approve")
    assert "践诺中" in page.locator("#state").inner_text()

    resident = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}
    ).new_page()
    slug = services_board.board_for(cast.comm_a).slug
    resident.goto(f"{live_server.url}/commitments/board/{slug}/")
    board = resident.locator("#public-commitments").inner_text()
    assert "每周六晚治安巡逻" in board and "张某" in board and "张三" not in board
    resident.click("summary:has-text('我来评价')")
    resident.select_option(f"#score-{c.pk}", "85")
    resident.fill(f"#rate-{c.pk} input[name=phone]", "13900001234")
    question = resident.locator(f"#rate-{c.pk} .challenge-question").inner_text()
    a, b = (int(x) for x in question.rstrip("= ?").split("+"))
    resident.get_by_label("请算一算").fill(str(a + b))
    resident.click(f"#rate-{c.pk} button")
    assert "谢谢您的评价" in resident.content()
    assert Rating.objects.get(commitment=c).score == 85
    assert Commitment.objects.get(pk=c.pk).state == State.PUBLISHED
    resident.context.close()
