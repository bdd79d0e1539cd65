"""Candidates walked through the real services, up to the stage a test needs."""

from __future__ import annotations

import datetime as dt

from dangjian.development import services
from dangjian.development.models import Candidate, Stage, Step
from dangjian.orgs.models import Organisation
from tests.factories import _rng, fake_id, fake_name

ORDER = [Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE, Stage.PROBATIONARY, Stage.FULL]


def make_candidate(
    *,
    org: Organisation,
    upto: str = Stage.APPLICANT,
    name: str | None = None,
    applied_on: dt.date = dt.date(2023, 1, 10),
    birth_date: dt.date | None = None,
    gender: str | None = None,
    approved: bool = True,
    talk: bool = True,
    user=None,
) -> Candidate:
    """A person who applied on ``applied_on`` and took every step on time up to ``upto``:
    talk after 10 days, activist after 50, candidate a year later, admission two months after
    that, approval a month later, 转正 on the anniversary of admission."""
    gender = gender or _rng.choice("MF")
    birth_date = birth_date or dt.date(1995, 1 + _rng.randrange(12), 1 + _rng.randrange(28))
    c = services.candidate_create(
        acting_user=user,
        org=org,
        id_number=fake_id(birth_date=birth_date, gender=gender),
        name=name or fake_name(),
        gender=gender,
        birth_date=birth_date,
        applied_on=applied_on,
        work_unit="示例科技有限公司",
    ).candidate
    target = ORDER.index(upto)

    def rec(step: str, day: dt.date, **kw) -> None:
        nonlocal c
        c = services.candidate_record(candidate=c, step=step, date=day, acting_user=user, **kw)
        c = c.candidate

    if talk:
        rec(Step.TALKED, applied_on + dt.timedelta(days=10), talked_by="王书记")
    if target >= 1:
        rec(Step.ACTIVIST, applied_on + dt.timedelta(days=50))
    if target >= 2:
        cand_on = c.activist_on.replace(year=c.activist_on.year + 1)
        rec(Step.CANDIDATE, cand_on)
    if target >= 3:
        rec(Step.INTRODUCERS, cand_on, introducer_1_name="介绍人甲", introducer_2_name="介绍人乙")
        rec(Step.TRAINING, cand_on + dt.timedelta(days=20), days=3, hours=24)
        rec(Step.REVIEW, cand_on + dt.timedelta(days=25), conclusion="合格")
        rec(Step.NOTICE, cand_on + dt.timedelta(days=30), notice_to=cand_on + dt.timedelta(days=36))
        rec(Step.ADMITTED, cand_on + dt.timedelta(days=60))
        if approved:
            rec(Step.APPROVED, c.admitted_on + dt.timedelta(days=30))
    if target >= 4:
        rec(Step.FULL, c.admitted_on.replace(year=c.admitted_on.year + 1))
    return c
