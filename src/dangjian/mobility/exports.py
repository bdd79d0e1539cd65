"""流动党员台帐 as .xlsx: one row per absence, with the card, the paired contact, the latest
contact and what needs attention."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from django.utils.translation import gettext as _

from dangjian.core.xlsx import write_table

from .selectors import Row


def headers() -> list[tuple[str, int]]:
    return [
        (_("姓名"), 10),
        (_("所在党组织"), 24),
        (_("外出日期"), 12),
        (_("外出去向"), 22),
        (_("从事工作"), 16),
        (_("外出期间联系电话"), 16),
        (_("结对联系人"), 12),
        (_("联系人电话"), 14),
        (_("流动党员活动证号"), 18),
        (_("发放日期"), 12),
        (_("有效期至"), 12),
        (_("最近联系"), 12),
        (_("状态"), 8),
        (_("返回日期"), 12),
        (_("提醒"), 40),
    ]


def ledger_rows(rows: Iterable[Row]) -> Iterable[list[Any]]:
    for row in rows:
        o = row.outbound
        yield [
            o.member.name,
            o.member.org.name,
            o.left_on,
            o.destination,
            o.work,
            o.phone,
            o.contact_label,
            o.contact_phone,
            o.card_no,
            o.card_issued_on,
            o.card_valid_until,
            o.last_contact_on,
            o.get_state_display(),
            o.returned_on,
            "；".join(a.message for a in row.alerts),
        ]


def write_xlsx(*, title: str, rows: Iterable[list[Any]]) -> tuple[IO[bytes], int]:
    return write_table(sheet=_("流动党员台帐"), title=title, columns=headers(), rows=rows)
