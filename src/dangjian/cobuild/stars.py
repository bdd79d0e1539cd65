"""星光榜: the stars the system proposes for a resident unit's year, with the reasons. Pure —
the year's facts come in a :class:`UnitYear`, the numbers from the rules table.

Five things a unit can do in a year, one star each (at least one star): attend the joint council
(the share of the meetings it was due at in ``cobuild.star_proposal``), do the practical deeds of
``cobuild.unit_deeds``, take part in co-building activities, send its volunteer team the times
of ``cobuild.unit_volunteer_services``, keep its pledges in the co-building agreement. Each
criticism notice of the year takes stars off. A unit that did nothing gets the minimum; one
that did everything, the maximum.

What else the unit gave the community in the year — job offers for residents (再就业) and goods
donated to the charity shop (爱心超市) — counts in its year and is listed among the reasons, but
earns no star of its own (the rule ``cobuild.star_proposal`` names five things only): those
reasons are not ``scored``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

Numbers = Callable[[str], Mapping[str, Any]]


@dataclass(frozen=True)
class UnitYear:
    councils_due: int
    councils_attended: int
    deeds: int
    activities: int  # joint activities other than deeds and volunteer services
    volunteer_services: int
    pledges: int  # the unit's pledges checked this year
    pledges_kept: int
    criticisms: int
    job_offers: int = 0  # the unit's job offers valid at some time in the year
    donations: int = 0  # times the unit donated goods to a charity shop (voided ones left out)
    donated_pieces: int = 0
    donated_value: Decimal = Decimal(0)


@dataclass(frozen=True)
class Reason:
    met: bool
    text: str
    scored: bool = True  # False: listed as part of the year, earns no star


@dataclass(frozen=True)
class Proposal:
    stars: int
    reasons: tuple[Reason, ...]

    def as_json(self) -> list[dict[str, Any]]:
        return [{"met": r.met, "text": r.text} for r in self.reasons]


def propose(y: UnitYear, numbers: Numbers) -> Proposal:
    p = numbers("cobuild.star_proposal")
    deeds_min = int(numbers("cobuild.unit_deeds")["min_per_year"])
    services_min = int(numbers("cobuild.unit_volunteer_services")["min_per_year"])
    lo, hi = int(numbers("cobuild.stars")["min"]), int(numbers("cobuild.stars")["max"])
    share = float(p["council_attendance"])
    attended_enough = y.councils_due > 0 and y.councils_attended >= share * y.councils_due
    reasons = [
        Reason(
            attended_enough,
            _("出席联席会 %(a)d/%(d)d 次") % {"a": y.councils_attended, "d": y.councils_due}
            if y.councils_due
            else _("本年度没有应出席的联席会"),
        ),
        Reason(
            y.deeds >= deeds_min,
            _("为社区办实事 %(n)d 件（应不少于 %(m)d 件）") % {"n": y.deeds, "m": deeds_min},
        ),
        Reason(
            y.activities >= int(p["min_activities"]),
            _("参加共建活动 %(n)d 次（达到 %(m)d 次得星）")
            % {"n": y.activities, "m": p["min_activities"]},
        ),
        Reason(
            y.volunteer_services >= services_min,
            _("志愿服务队进社区服务 %(n)d 次（应不少于 %(m)d 次）")
            % {"n": y.volunteer_services, "m": services_min},
        ),
        Reason(
            y.pledges > 0 and y.pledges_kept == y.pledges,
            _("共建协议承诺兑现 %(k)d/%(n)d 项") % {"k": y.pledges_kept, "n": y.pledges}
            if y.pledges
            else _("没有经核查的共建协议承诺"),
        ),
    ]
    stars = sum(1 for r in reasons if r.met and r.scored)
    if y.job_offers:
        reasons.append(
            Reason(
                True,
                _("提供就业岗位 %(n)d 个（计入共建年度，不单独计星）") % {"n": y.job_offers},
                scored=False,
            )
        )
    if y.donations:
        reasons.append(
            Reason(
                True,
                _("向爱心超市捐赠 %(n)d 次、%(q)d 件，价值 %(v)s 元（计入共建年度，不单独计星）")
                % {"n": y.donations, "q": y.donated_pieces, "v": f"{y.donated_value:.2f}"},
                scored=False,
            )
        )
    if y.criticisms:
        stars -= int(p["criticism_penalty"]) * y.criticisms
        reasons.append(Reason(False, _("本年度受通报批评 %(n)d 次") % {"n": y.criticisms}))
    return Proposal(max(lo, min(hi, stars)), tuple(reasons))
