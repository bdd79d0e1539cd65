"""Helpers of the target letters' tests: a secretary in office in each community of the cast and
a letter drafted (and, on request, signed) by the street."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.orgs.models import Office
from dangjian.orgs.services import office_create
from dangjian.targets import services

TODAY = timezone.localdate()
YEAR = TODAY.year


@pytest.fixture
def secretary(cast):
    """The secretary of 文化东路社区党委, in office since 2024 (an invented name)."""
    return office_create(
        acting_user=None,
        org=cast.comm_a,
        title=Office.Title.SECRETARY,
        holder_name="欧阳书记",
        term_start=dt.date(2024, 1, 1),
    )


def draft(cast, *, community=None, year=YEAR, **kw):
    return services.letter_create(
        acting_user=kw.pop("user", cast.street_sec),
        community=community or cast.comm_a,
        year=year,
        issuer_signatory=kw.pop("issuer_signatory", "司徒主任"),
        **kw,
    )


def sign(cast, letter, office, *, on=None, user=None):
    letter.refresh_from_db()
    return services.letter_sign(
        letter,
        acting_user=user or cast.street_sec,
        version=letter.version,
        signer_office=office,
        signed_on=on or TODAY,
    )


def keys_by_data(community):
    """Indicator keys with something to count for ``community`` this year, and those without."""
    from dangjian.assessment.indicators import all_indicators
    from dangjian.assessment.scoring import measure_one

    with_data, without = [], []
    for ind in all_indicators():
        try:
            line = measure_one(community, YEAR, ind.key)
        except Exception:  # noqa: BLE001 - another part's indicator still being built
            continue
        (with_data if line.percent is not None else without).append(ind.key)
    return with_data, without
