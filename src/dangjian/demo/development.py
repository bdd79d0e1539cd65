"""The demo county's member development: a few people at the early stages in each community.

Through ``development.services`` (so the timing rules apply and the audit is real): per
community, an applicant whose talk is overdue, one talked to on time and made an activist over a
year ago (due to become a candidate), and an activist of five months. Dates are relative to the
day of the build; ID numbers are synthetic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils import timezone

from dangjian.development.models import Step
from dangjian.development.services import candidate_create, candidate_record

from . import names

if TYPE_CHECKING:
    from .county import Demo


def build_development(demo: Demo, *, log: Callable[[str], None]) -> None:
    rng = demo.rng
    today = timezone.localdate()
    ids = names.IdNumbers(rng)
    made = 0
    for c in demo.communities:
        branch = c.branches[0]
        plans = (
            (today - dt.timedelta(days=45), None, None),  # talk overdue
            (today - dt.timedelta(days=500), 20, 480),  # activist > 1 year: due to be a candidate
            (today - dt.timedelta(days=200), 10, 150),  # activist of five months
        )
        for applied, talk_after, activist_ago in plans:
            gender = rng.choice("MF")
            born = names.birth_date(rng, 1990, 2004)
            person = candidate_create(
                acting_user=demo.admin,
                org=branch,
                id_number=ids.new(birth=born, gender=gender),
                name=names.han_name(rng, gender),
                gender=gender,
                birth_date=born,
                applied_on=applied,
            ).candidate
            made += 1
            if talk_after is None:
                continue
            candidate_record(
                candidate=person,
                step=Step.TALKED,
                date=applied + dt.timedelta(days=talk_after),
                acting_user=demo.admin,
                talked_by="支部书记",
            )
            person.refresh_from_db()
            candidate_record(
                candidate=person,
                step=Step.ACTIVIST,
                date=today - dt.timedelta(days=activist_ago),
                acting_user=demo.admin,
            )
    log(f"发展党员：{made} 名入党申请人和积极分子")
