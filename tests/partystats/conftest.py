"""A hand-built history in 文化东路离退休党支部 (``cast.branch_a_2``) around the half year
ending D = 2025-06-30, the period starting after S = 2024-12-31.

On the register at D (6): 稳定 (in the whole time), 后转出 (transferred out after D), 后去世
(died after D), 期内发展 (admitted as a probationary member in the period), 期内转入
(transferred in during the period), 期内调入 (moved in from 团结路社区 in the period).
Not on it: 期内去世 (died in the period), 期后发展 (admitted after D).
At S (4): 稳定, 后转出, 后去世, 期内去世.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from dangjian.members.models import Category, EventKind, Member, Status
from dangjian.members.services import member_record_event
from tests.factories import make_member

D = dt.date(2025, 6, 30)
S = dt.date(2024, 12, 31)


@dataclass
class History:
    stay: Member
    out_after: Member
    dead_after: Member
    admitted: Member
    transferred_in: Member
    moved_in: Member
    dead_in_period: Member
    admitted_after: Member


def event(member: Member, kind: str, date: dt.date, **kw) -> None:
    member.refresh_from_db()
    member_record_event(member=member, kind=kind, date=date, acting_user=None, **kw)


@pytest.fixture
def history(cast) -> History:
    org = cast.branch_a_2
    stay = make_member(
        org=org,
        name="甲稳定",
        gender="F",
        birth_date=dt.date(1990, 3, 1),
        joined_on=dt.date(2015, 7, 1),
        education="bachelor",
        categories=(Category.IN_SERVICE,),
    )
    Member.objects.filter(pk=stay.pk).update(full_on=dt.date(2016, 7, 1))
    out_after = make_member(
        org=org,
        name="甲后转出",
        gender="M",
        birth_date=dt.date(1950, 1, 1),
        joined_on=dt.date(1975, 7, 1),
        education="senior",
        categories=(Category.RETIRED,),
    )
    event(
        out_after,
        EventKind.TRANSFER_OUT,
        dt.date(2025, 9, 1),
        to_org_name="外县某党支部",
        letter_no="组转〔2025〕9号",
        letter_valid_until=dt.date(2025, 10, 1),
    )
    dead_after = make_member(
        org=org,
        name="甲后去世",
        gender="M",
        birth_date=dt.date(1940, 5, 5),
        joined_on=dt.date(1965, 7, 1),
        education="junior",
        ethnicity="回族",
        categories=(Category.RETIRED,),
    )
    event(dead_after, EventKind.DEATH, dt.date(2025, 10, 10))
    admitted = make_member(
        org=org,
        name="甲期内发展",
        gender="F",
        status=Status.PROBATIONARY,
        birth_date=dt.date(2000, 1, 1),
        joined_on=dt.date(2025, 3, 1),
        education="master",
        categories=(Category.GRADUATE,),
    )
    transferred_in = make_member(
        org=org,
        name="甲期内转入",
        gender="M",
        birth_date=dt.date(1985, 6, 30),
        joined_on=dt.date(2010, 7, 1),
        education="college",
        categories=(Category.MIGRANT, Category.MOBILE),
        kind=EventKind.TRANSFER_IN,
        date=dt.date(2025, 4, 1),
        from_org_name="外县某党支部",
        letter_no="组转〔2025〕3号",
        letter_valid_until=dt.date(2025, 5, 1),
    )
    moved_in = make_member(
        org=cast.comm_a2,
        name="甲期内调入",
        gender="F",
        birth_date=dt.date(1970, 12, 31),
        joined_on=dt.date(1995, 7, 1),
        ethnicity="满族",
        categories=(Category.UNEMPLOYED, Category.DIFFICULTY),
    )
    event(moved_in, EventKind.INTERNAL_MOVE, dt.date(2025, 5, 1), to_org=org)
    dead_in_period = make_member(
        org=org,
        name="甲期内去世",
        gender="M",
        birth_date=dt.date(1945, 2, 2),
        joined_on=dt.date(1970, 7, 1),
        categories=(Category.RETIRED,),
        date=dt.date(2010, 3, 1),
    )
    event(dead_in_period, EventKind.DEATH, dt.date(2025, 2, 1))
    admitted_after = make_member(
        org=org,
        name="甲期后发展",
        gender="F",
        status=Status.PROBATIONARY,
        birth_date=dt.date(2001, 1, 1),
        joined_on=dt.date(2025, 8, 1),
    )
    # a member of another street, never in these tables
    make_member(org=cast.branch_b, name="乙社区党员", joined_on=dt.date(2020, 7, 1))
    return History(
        stay,
        out_after,
        dead_after,
        admitted,
        transferred_in,
        moved_in,
        dead_in_period,
        admitted_after,
    )
