"""Test data through the real services: synthetic people only (fictitious ID numbers)."""

from __future__ import annotations

import datetime as dt
import itertools
import random

from dangjian.core import idcard
from dangjian.members.models import Member, Status
from dangjian.members.services import member_register
from dangjian.orgs.models import Organisation, OrgKind, Place, PlaceKind
from dangjian.orgs.services import org_create, place_create

_rng = random.Random(20261123)
_seq = itertools.count(1)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英"


def fake_name() -> str:
    return _rng.choice(SURNAMES) + "".join(_rng.choice(GIVEN) for _ in range(_rng.choice((1, 2))))


_issued: set[str] = set()


def fake_id(*, birth_date: dt.date, gender: str) -> str:
    """A fictitious ID number never handed out before in this test process (two members of one
    birth date and gender could otherwise draw the same number and collide on the register)."""
    for _ in range(1000):
        number = idcard.synthetic(birth_date=birth_date, gender=gender, rng=_rng)
        if number not in _issued:
            _issued.add(number)
            return number
    raise RuntimeError(f"no fictitious ID number left for {birth_date} {gender}")


def make_org(
    *,
    parent: Organisation | None,
    kind: str = OrgKind.BRANCH,
    name: str | None = None,
    code: str | None = None,
    user=None,
) -> Organisation:
    n = next(_seq)
    return org_create(
        parent=parent,
        acting_user=user,
        kind=kind,
        name=name or f"测试组织{n}",
        code=code or f"T{n:05d}",
    )


def make_place(
    *,
    parent: Place | None,
    community: Organisation,
    kind: str = PlaceKind.COMMUNITY,
    name: str | None = None,
    population: int = 0,
    user=None,
) -> Place:
    return place_create(
        parent=parent,
        community=community,
        acting_user=user,
        kind=kind,
        name=name or f"区域{next(_seq)}",
        population=population,
    )


def make_member(
    *,
    org: Organisation,
    name: str | None = None,
    status: str = Status.FULL,
    categories: tuple[str, ...] = (),
    user=None,
    gender: str | None = None,
    birth_date: dt.date | None = None,
    joined_on: dt.date | None = None,
    **extra,
) -> Member:
    gender = gender or _rng.choice("MF")
    birth_date = birth_date or dt.date(
        1950 + _rng.randrange(50), 1 + _rng.randrange(12), 1 + _rng.randrange(28)
    )
    joined = joined_on or dt.date(max(birth_date.year + 20, 1975), 7, 1)
    return member_register(
        acting_user=user,
        id_number=fake_id(birth_date=birth_date, gender=gender),
        org=org,
        categories=categories,
        name=name or fake_name(),
        gender=gender,
        birth_date=birth_date,
        joined_on=joined,
        full_on=None if status == Status.PROBATIONARY else joined + dt.timedelta(days=365),
        status=status,
        **extra,
    )
