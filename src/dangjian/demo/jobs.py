"""The demo county's re-employment: in each community three or four resident units offer jobs
(one offer already ended, one expired last year), a dozen residents registered with their
consent (one withdrew it), and referrals with every outcome — hired, not hired, still pending.
No phone numbers are made up (see :mod:`.names`): the demo seekers have none."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils import timezone

from dangjian.jobs import selectors, services
from dangjian.jobs.models import JobCategory, Outcome
from dangjian.orgs.models import ResidentUnit

from . import names

if TYPE_CHECKING:
    from .county import Demo

POSITIONS = {
    JobCategory.CLEANING: "小区保洁员",
    JobCategory.SECURITY: "门卫保安",
    JobCategory.CATERING: "食堂帮厨",
    JobCategory.DELIVERY: "快递分拣员",
    JobCategory.CARE: "养老护理员",
    JobCategory.HOUSEKEEPING: "家政服务员",
    JobCategory.SALES: "超市理货员",
    JobCategory.DRIVING: "班车司机",
}
REQUIREMENTS = (
    "身体健康，能吃苦耐劳",
    "55 岁以下，有相关经验优先",
    "持有效证件，会简单操作电脑",
    "",
)


def build_jobs(demo: Demo, *, log: Callable[[str], None]) -> None:
    rng = random.Random("jobs-demo-2026")
    today = timezone.localdate()
    admin = demo.admin
    cats = list(POSITIONS)
    n_offers = n_seekers = n_refs = 0
    for c in demo.communities:
        units = list(ResidentUnit.objects.filter(community=c.org).order_by("id"))[:4]
        offers = []
        for i, unit in enumerate(units):
            for k in range(1 + i % 2):
                cat = cats[(i * 2 + k + len(offers)) % len(cats)]
                start = today - dt.timedelta(days=rng.randrange(20, 200))
                offers.append(
                    services.offer_create(
                        acting_user=admin,
                        unit=unit,
                        position=POSITIONS[cat],
                        category=cat,
                        places=rng.randrange(1, 5),
                        requirements=rng.choice(REQUIREMENTS),
                        valid_from=start,
                        valid_until=today + dt.timedelta(days=rng.randrange(30, 240)),
                    )
                )
        if units:
            # one offer of last year, long expired, so the ledger and the unit's years differ
            last = today.replace(year=today.year - 1, month=3, day=1)
            services.offer_create(
                acting_user=admin,
                unit=units[0],
                position="绿化养护工",
                category=JobCategory.CLEANING,
                places=2,
                valid_from=last,
                valid_until=last + dt.timedelta(days=90),
            )
        n_offers += len(offers) + (1 if units else 0)
        seekers = []
        for _ in range(12):
            gender = rng.choice("MF")
            skills = rng.sample(cats, rng.randrange(1, 3))
            seekers.append(
                services.seeker_register(
                    acting_user=admin,
                    community=c.org,
                    name=names.han_name(rng, gender),
                    consent_on=today - dt.timedelta(days=rng.randrange(10, 300)),
                    skills=skills,
                    note=rng.choice(("下岗失业", "大龄待业", "家庭困难", "")),
                )
            )
        n_seekers += len(seekers)
        for j, s in enumerate(seekers):
            for offer in list(selectors.suggested_offers(seeker=s, on=today))[:1]:
                on = max(offer.valid_from, s.consent_on)
                ref = services.referral_create(acting_user=admin, offer=offer, seeker=s, on=on)
                n_refs += 1
                outcome = (Outcome.HIRED, Outcome.NOT_HIRED, None)[j % 3]
                hired = offer.referrals.filter(outcome=Outcome.HIRED).count()
                if outcome == Outcome.HIRED and hired >= offer.places:
                    outcome = Outcome.NOT_HIRED
                if outcome:
                    services.referral_outcome(
                        ref,
                        acting_user=admin,
                        version=ref.version,
                        outcome=outcome,
                        on=min(on + dt.timedelta(days=rng.randrange(3, 20)), today),
                    )
        if offers:
            done = offers[-1]
            services.offer_end(done, acting_user=admin, version=done.version)
        gone = seekers[-1]
        services.seeker_withdraw(gone, acting_user=admin, version=gone.version)
    log(f"再就业：{n_offers} 个岗位，{n_seekers} 名求职人员，{n_refs} 次推荐")
