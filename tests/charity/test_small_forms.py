"""The small forms of the charity shop (add an item on the shop page, void a movement on its
page): a mistake comes back on the same page (400) beside the field, what was typed kept."""

from __future__ import annotations

import html

from django.urls import reverse

from dangjian.charity import services
from dangjian.charity.models import Item


def _page(r) -> str:
    return html.unescape(r.content.decode())


def test_an_item_with_the_name_of_another_comes_back_with_what_was_typed(cast, client_for):
    services.item_create(acting_user=cast.comm_a_sec, community=cast.comm_a, name="棉被")
    url = f"{reverse('charity:item_create')}?org={cast.comm_a.pk}"
    r = client_for(cast.comm_a_sec).post(url, {"name": "棉被", "unit": "条"})
    assert r.status_code == 400
    form = _page(r).split('id="item-form"')[1].split("</form>")[0]
    assert "同名" in form and 'value="棉被"' in form and 'value="条"' in form
    assert Item.objects.count() == 1


def test_an_item_without_a_name_is_told_beside_the_name(cast, client_for):
    url = f"{reverse('charity:item_create')}?org={cast.comm_a.pk}"
    r = client_for(cast.comm_a_sec).post(url, {"name": "", "unit": "袋"})
    assert r.status_code == 400
    form = _page(r).split('id="item-form"')[1].split("</form>")[0]
    assert "此项必须填写。" in form.split('id="item-name"')[1].split('id="item-unit"')[0]
    assert 'value="袋"' in form and not Item.objects.exists()


def test_a_void_without_a_reason_is_told_beside_the_reason(cast, client_for):
    from django.utils import timezone

    from dangjian.charity.models import Movement

    item = services.item_create(acting_user=cast.comm_a_sec, community=cast.comm_a, name="挂面")
    services.goods_in(
        acting_user=cast.comm_a_sec,
        item=item,
        quantity=3,
        date=timezone.localdate(),
        donor_kind="resident",
        donor_name="王阿姨",
    )
    m = Movement.objects.get()
    r = client_for(cast.comm_a_sec).post(reverse("charity:movement_void", args=[m.pk]), {})
    assert r.status_code == 400
    form = _page(r).split('id="void-form"')[1].split("</form>")[0]
    assert "此项必须填写。" in form.split('id="void-reason"')[1]
    assert Movement.objects.count() == 1
