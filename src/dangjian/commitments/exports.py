"""党员承诺台帐: the columns and rows of the ledger (written by core/xlsx)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from .models import Commitment


def columns() -> list[tuple[str, int]]:
    return [
        (_("年度"), 8),
        (_("党员"), 10),
        (_("所在支部"), 24),
        (_("承诺类型"), 10),
        (_("承诺事项"), 30),
        (_("承诺内容"), 40),
        (_("所处环节"), 12),
        (_("议诺会议"), 22),
        (_("公开示诺日期"), 12),
        (_("践诺记录（条）"), 10),
        (_("综合得分"), 10),
        (_("评定等次"), 10),
    ]


def rows(qs: QuerySet[Commitment]) -> Iterator[list[Any]]:
    # 践诺记录: the deeds counted for the commitment (picked or recorded once, see deeds)
    qs = qs.select_related("meeting").annotate(n_evidence=Count("deeds", distinct=True))
    for c in qs.iterator(chunk_size=2000):
        yield [
            c.year,
            c.member.name,
            c.org.name,
            c.get_kind_display(),
            c.title,
            c.content,
            c.get_state_display(),
            f"{c.meeting.date} {c.meeting.get_kind_display()}" if c.meeting else "",
            c.published_on,
            c.n_evidence,
            float(c.score) if c.score is not None else None,
            c.grade,
        ]
