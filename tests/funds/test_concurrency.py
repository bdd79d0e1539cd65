"""Two people record spending in a ledger that forbids overdrafts at the same moment, in two
real database connections (PostgreSQL: SQLite's test database is one connection): the ledger
row lock puts them one after the other — one is recorded, the other is told the balance is
short, and the balance is never below zero."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from dangjian.funds import selectors, services
from dangjian.funds.models import Category, Entry, Ledger
from tests.conftest import build_cast


@pytest.mark.django_db(transaction=True)
def test_two_payments_of_the_last_money_in_two_connections():
    if connection.vendor != "postgresql":
        pytest.skip("needs two real connections (PostgreSQL)")
    cast = build_cast()
    services.ensure_categories()
    out = Category.objects.get(direction="out", name="办公")
    services.ledger_settings(
        acting_user=cast.comm_a_sec, org=cast.comm_a, opening_balance="100", forbid_overdraft=True
    )
    barrier = threading.Barrier(2)
    results: list[str] = []

    def pay(user) -> None:
        from django.db import connection as own

        try:
            barrier.wait()
            services.entry_record(
                acting_user=user,
                org=cast.comm_a,
                direction="out",
                date=dt.date(2026, 5, 2),
                category=out,
                amount="80",
                summary="同时付款",
            )
            results.append("ok")
        except ValidationError as exc:
            results.append(" ".join(exc.messages))
        finally:
            own.close()

    threads = [threading.Thread(target=pay, args=(u,)) for u in (cast.comm_a_sec, cast.street_sec)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1
    assert any("余额不足" in r for r in results)
    assert Entry.objects.count() == 1
    assert selectors.balance(ledger=Ledger.objects.get(org=cast.comm_a)) == 20
