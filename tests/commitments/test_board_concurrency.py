"""Two ratings from one address at the same moment are counted and saved one after the other
on PostgreSQL, so both cannot slip under the per-address limit (SQLite writes one transaction at
a time anyway)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from dangjian.commitments import services_rating
from dangjian.commitments.models import Rating, State

from .factories import draft, put_in

ADDR = "10.1.1.1"


@pytest.mark.django_db(transaction=True)
def test_a_rating_waits_while_another_from_the_same_address_is_being_counted(cast):
    if connection.vendor != "postgresql":
        pytest.skip("the address lock is PostgreSQL's")
    c = put_in(draft(cast), State.PUBLISHED)
    counting, finish = threading.Event(), threading.Event()
    done: list[Rating] = []

    def first_request() -> None:  # holds the address, as a request between count and save
        try:
            with transaction.atomic():
                services_rating._one_at_a_time(services_rating.address_key(ADDR))
                counting.set()
                finish.wait(10)
        finally:
            connection.close()

    def second_request() -> None:
        try:
            done.append(
                services_rating.rate_as_resident(c, phone="13900000001", score=90, client_addr=ADDR)
            )
        finally:
            connection.close()

    first = threading.Thread(target=first_request)
    first.start()
    assert counting.wait(10)
    second = threading.Thread(target=second_request)
    second.start()
    second.join(1.0)
    assert not done  # waiting for the first to finish
    finish.set()
    first.join(10)
    second.join(10)
    assert len(done) == 1 and Rating.objects.filter(tier="resident").count() == 1
