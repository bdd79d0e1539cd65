"""In a real browser: a community secretary finds 关爱帮扶 in the menu, puts a member on the care
list (the form keeps what was typed when a reason is missing), records study material taken to
the home, and finds it in the ledger."""

from __future__ import annotations

import pytest

from dangjian.care.models import Recipient, Visit

from ..conftest import login

pytestmark = pytest.mark.browser


def test_a_secretary_puts_a_member_on_the_care_list_and_records_a_visit(cast, live_server, page):
    login(page, live_server, "comm_a_sec")
    page.click("nav >> text=党员管理")
    page.click("nav >> text=关爱帮扶")
    page.click("#create-recipient")
    page.select_option("#id_member", str(cast.member_a.pk))
    page.fill("#id_situation", "独居，腿脚不便")
    page.click("#care-form button[type=submit]")
    assert "请至少选择一项关爱原因" in page.inner_text("#form-errors") + page.content()
    assert page.input_value("#id_situation") == "独居，腿脚不便"  # kept
    page.check("#id_elderly")
    page.click("#care-form button[type=submit]")
    r = Recipient.objects.get()
    assert r.elderly and page.url.endswith(f"/care/{r.pk}/")
    page.select_option("#id_visit-kind", "study")
    page.fill("#id_visit-visitors", "离退休党支部书记")
    page.fill("#id_visit-materials", "学习材料：新修订的党章")
    page.click("#visit-form button[type=submit]")
    assert "新修订的党章" in page.inner_text("#visits")
    assert Visit.objects.get().kind == "study"
    page.click("text=返回关爱对象")
    page.click("#care-tabs >> text=慰问送学台帐")
    assert "张三" in page.inner_text("#visits") and "送学上门" in page.inner_text("#visits")
