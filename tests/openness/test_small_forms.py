"""The “从公开栏撤下” form on an item's page: without a reason it comes back on the same page
(400) with the message beside the reason; the item stays on the board and its own form is
shown as it was."""

from __future__ import annotations

import html

from django.urls import reverse

from .board_helpers import activity, publish_activity


def test_a_withdraw_without_a_reason_is_told_beside_the_field(cast, client_for):
    item = publish_activity(cast, activity(cast, title="重阳节敬老包饺子", photos=1))
    r = client_for(cast.comm_a_sec).post(
        reverse("openness:withdraw", args=[item.pk]), {"reason": "", "version": item.version}
    )
    assert r.status_code == 400
    page = html.unescape(r.content.decode())
    form = page.split('id="withdraw-form"')[1].split("</form>")[0]
    assert "请写明撤下原因。" in form.split('id="withdraw-reason"')[1]
    assert 'value="重阳节敬老包饺子"' in page  # the item's own form, not bound to the withdraw
    assert "没有保存，请检查标红的内容" not in page.split('id="withdraw-form"')[0]
    item.refresh_from_db()
    assert item.withdrawn_at is None
