"""Demo data for the target responsibility letters (issue 18): this year's letter of every demo
community, issued by its town, with the default targets (one per weighted indicator, the rule's
target as value) plus two targets the assessment team judges, each with a progress note; signed
in February with the community's secretary in office that day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from dangjian.targets import services

#: The two targets every demo letter adds to the indicators' (judged by the assessment team).
EXTRA = (
    ("推进“红色物业”建设，物业服务企业党组织应建尽建", "已与辖区物业服务企业签订党建共建协议。"),
    ("开展“我为群众办实事”主题活动，年内办结民生实事不少于 10 件", "上半年已办结民生实事 6 件。"),
)


def build(demo: Any, *, log: Callable[[str], None] = lambda s: None) -> None:
    today = timezone.localdate()
    year = today.year
    signed = 0
    for c in demo.communities:
        letter = services.letter_create(
            acting_user=demo.admin,
            community=c.org,
            year=year,
            issuer=c.town,
            today=today,
        )
        extra = []
        for text, _note in EXTRA:
            letter.refresh_from_db()
            extra.append(
                services.target_add(
                    letter, acting_user=demo.admin, version=letter.version, text=text
                )
            )
        on = min(today, dt.date(year, 2, 20))
        offices = services.current_secretaries(org=c.org, on=on)
        if not offices:
            offices = services.current_secretaries(org=c.org, on=today)
            on = today
        if not offices or not letter.issuer_signatory:
            continue  # left as a draft: it shows in the town's 待办
        letter.refresh_from_db()
        services.letter_sign(
            letter,
            acting_user=demo.admin,
            version=letter.version,
            signer_office=offices[0],
            signed_on=on,
            today=today,
        )
        signed += 1
        note_day = min(today, on + dt.timedelta(days=120))
        for target, (_text, note) in zip(extra, EXTRA, strict=True):
            services.note_add(target, acting_user=demo.admin, day=note_day, text=note, today=today)
    log(f"目标责任书：{signed} 份已签订（{year} 年度，各镇党委与社区党组织书记）")
