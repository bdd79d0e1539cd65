"""The “撤下” form on a notice's page: a refusal comes back on the same page (400) beside the
date with the date typed kept. Editing a notice dated far ahead (confirmed once) does not ask
about the date again when the date was not changed."""

from __future__ import annotations

import html

from django.urls import reverse

from dangjian.core.forms import far_future_days

from .conftest import days, post


def test_a_bad_withdraw_date_comes_back_beside_the_field(cast, client_for, notice):
    r = client_for(cast.comm_a_sec).post(
        reverse("notices:withdraw", args=[notice.pk]), {"version": 1, "withdraw_on": "2026-13-01"}
    )
    assert r.status_code == 400
    form = html.unescape(r.content.decode()).split('id="withdraw-form"')[1].split("</form>")[0]
    field = form.split('id="withdraw-on"')[1]
    assert "请按“年-月-日”填写日期" in field and 'value="2026-13-01"' in field
    notice.refresh_from_db()
    assert notice.withdraw_on is None and notice.version == 1


def test_a_refused_withdraw_says_why_on_the_form(cast, client_for, notice):
    past = days(-3).isoformat()
    r = client_for(cast.comm_a_sec).post(
        reverse("notices:withdraw", args=[notice.pk]), {"version": 1, "withdraw_on": past}
    )
    assert r.status_code == 400
    form = html.unescape(r.content.decode()).split('id="withdraw-form"')[1].split("</form>")[0]
    assert "撤下日期不能早于今天" in form and f'value="{past}"' in form
    notice.refresh_from_db()
    assert notice.withdraw_on is None


def test_editing_a_notice_dated_far_ahead_does_not_ask_again(cast, client_for):
    ahead = days(far_future_days() + 10)
    n = post(cast, title="年底通知", publish_on=ahead)
    r = client_for(cast.comm_a_sec).post(
        reverse("notices:edit", args=[n.pk]),
        {
            "version": n.version,
            "audience": "members",
            "title": "年底通知（改）",
            "body": "正文",
            "publish_on": ahead.isoformat(),
        },
    )
    assert r.status_code == 302, html.unescape(r.content.decode())[-3000:]
    n.refresh_from_db()
    assert n.title == "年底通知（改）"
