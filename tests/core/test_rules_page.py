"""The rules page speaks plain Chinese: titles, numbers with units, sources and explanations —
no rule keys as text for a secretary and no Python syntax for anyone (issue 20, item 11)."""

from __future__ import annotations

from django.utils.html import escape

from dangjian.core import rules, rules_view


def _page(client) -> str:
    r = client.get("/rules/")
    assert r.status_code == 200
    text = r.content.decode()
    return text[text.index('id="rules-list"') :]


def test_every_rule_is_shown_by_its_title_without_python_syntax(cast, client_for):
    page = _page(client_for(cast.comm_a_sec))
    for r in rules.RULES:
        assert escape(r.title) in page, r.id
        assert escape(r.source) in page, r.id
    for internal in ("[[", "{'", "[None", "True", "False", "None", "brackets", "_fraction"):
        assert internal not in page, internal


def test_a_secretary_sees_no_rule_keys_and_an_administrator_sees_them_small(cast, client_for):
    assert "meeting.general_vote" not in _page(client_for(cast.comm_a_sec))
    admin_page = _page(client_for(cast.admin))
    assert '<span class="small text-muted fw-normal">meeting.general_vote</span>' in admin_page


def test_numbers_read_as_plain_chinese_with_units(cast, client_for):
    page = _page(client_for(cast.comm_a_sec))
    # dues brackets as a small table of bands and percentages
    assert "3000 元及以下" in page and "0.5%" in page and "10000 元以上" in page
    # fractions as percentages, periods in words, month/day as a date, switches as 开/关
    assert "50%" in page and "每季度" in page
    assert "每年3月1日前" in page
    assert "关" in page
    assert "元旦、春节" in page


def test_every_number_of_every_rule_has_a_chinese_label():
    assert rules_view.unlabelled() == []


def test_a_localitys_unknown_key_is_shown_without_code():
    lines = rules_view.lines_of("dues.flat", {"extra_key": [1, 2], "flag": True}, "元/月")
    texts = [(line["label"], line["text"]) for line in lines]
    assert texts == [("其他", "1、2"), ("其他", "是")]
