"""Two volunteers hand out the last item at the same moment, in two real database connections
(PostgreSQL: SQLite's test database is one connection): one succeeds, the other is told."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from dangjian.charity import services
from dangjian.charity.models import Item, Movement
from dangjian.orgs.models import PlaceKind
from tests.conftest import build_cast
from tests.factories import make_place


@pytest.mark.django_db(transaction=True)
def test_two_volunteers_and_the_last_item_in_two_connections():
    if connection.vendor != "postgresql":
        pytest.skip("needs two real connections (PostgreSQL)")
    cast = build_cast()
    item = services.item_create(acting_user=cast.comm_a_sec, community=cast.comm_a, name="棉被")
    services.goods_in(
        acting_user=cast.comm_a_sec,
        item=item,
        quantity=1,
        date=dt.date(2026, 5, 1),
        donor_kind="resident",
        donor_name="王阿姨",
    )
    hh = make_place(
        parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name="101室"
    )
    barrier = threading.Barrier(2)
    results: list[str] = []

    def volunteer(user) -> None:
        from django.db import connection as own

        try:
            barrier.wait()
            services.goods_out(
                acting_user=user, item=item, quantity=1, date=dt.date(2026, 5, 2), household=hh
            )
            results.append("ok")
        except ValidationError as exc:
            results.append(" ".join(exc.messages))
        finally:
            own.close()

    threads = [
        threading.Thread(target=volunteer, args=(u,)) for u in (cast.comm_a_sec, cast.street_sec)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "库存不足：现有 0 件"]
    assert Item.objects.get(pk=item.pk).stock == 0
    assert Movement.objects.filter(direction="out").count() == 1
