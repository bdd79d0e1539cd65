"""The care ledgers as .xlsx, all read from the same rows: 关爱对象名册 (the list with the latest
visits and this year's aid), 慰问送学台帐 (every visit) and 互助金发放表 (one round, with a column
for the recipient's signature)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from django.utils.translation import gettext as _

from dangjian.core.xlsx import write_table

from .models import AidGrant, AidRound, Recipient, Visit


def recipients_xlsx(*, title: str, recipients: Iterable[Recipient]) -> tuple[IO[bytes], int]:
    columns = [
        (_("姓名"), 10),
        (_("性别"), 6),
        (_("出生日期"), 12),
        (_("所在党组织"), 24),
        (_("联系电话"), 14),
        (_("现居住地址"), 26),
        (_("关爱原因"), 18),
        (_("发展项目"), 16),
        (_("基本情况"), 30),
        (_("列入日期"), 12),
        (_("最近节日慰问"), 12),
        (_("最近送学"), 12),
        (_("本年互助金（元）"), 14),
        (_("移出日期"), 12),
        (_("移出原因"), 14),
    ]

    def rows() -> Iterable[list[Any]]:
        for r in recipients:
            m = r.member
            yield [
                m.name,
                m.get_gender_display(),
                m.birth_date,
                m.org.name,
                m.phone,
                m.address,
                "、".join(r.reasons),
                r.project,
                r.situation,
                r.since,
                getattr(r, "last_holiday", None),
                getattr(r, "last_study", None),
                float(getattr(r, "aid_year", 0) or 0),
                r.ended_on,
                r.end_reason,
            ]

    return write_table(sheet=_("关爱对象名册"), title=title, columns=columns, rows=rows())


def visits_xlsx(*, title: str, visits: Iterable[Visit]) -> tuple[IO[bytes], int]:
    columns = [
        (_("日期"), 12),
        (_("类别"), 10),
        (_("节日"), 12),
        (_("姓名"), 10),
        (_("所在党组织"), 24),
        (_("走访人"), 18),
        (_("送学内容"), 28),
        (_("慰问品"), 16),
        (_("慰问金（元）"), 12),
        (_("了解的情况和诉求"), 36),
    ]

    def rows() -> Iterable[list[Any]]:
        for v in visits:
            yield [
                v.date,
                v.get_kind_display(),
                v.occasion if v.holiday else "",
                v.recipient.member.name,
                v.recipient.member.org.name,
                v.visitors,
                v.materials,
                v.gift,
                float(v.money) if v.money else None,
                v.notes,
            ]

    return write_table(sheet=_("慰问送学台帐"), title=title, columns=columns, rows=rows())


def round_xlsx(*, rnd: AidRound, grants: Iterable[AidGrant]) -> tuple[IO[bytes], int]:
    columns = [
        (_("序号"), 6),
        (_("姓名"), 10),
        (_("所在党组织"), 24),
        (_("关爱原因"), 16),
        (_("发展项目"), 18),
        (_("份数"), 6),
        (_("按份数测算（元）"), 14),
        (_("发放金额（元）"), 14),
        (_("调整理由"), 24),
        (_("领取人签字"), 14),
    ]

    def rows() -> Iterable[list[Any]]:
        total = 0.0
        n = 0
        for n, g in enumerate(grants, start=1):
            r = g.recipient
            total += float(g.amount)
            yield [
                n,
                r.member.name,
                r.member.org.name,
                "、".join(r.reasons),
                r.project,
                g.shares,
                float(g.proposed),
                float(g.amount),
                g.adjust_reason,
                "",
            ]
        yield ["", _("合计"), "", "", "", "", "", round(total, 2), "", ""]

    state = rnd.get_state_display()
    paid = f"，{_('发放日期')}：{rnd.paid_on.isoformat()}" if rnd.paid_on else ""
    title = (
        f"{rnd.title}（{rnd.org.name}，{_('总额')} {rnd.fund} {_('元')}，"
        f"{_('有发展项目每人')} {rnd.project_weight} {_('份、其他每人')} {rnd.difficulty_weight} "
        f"{_('份')}，{state}{paid}）"
    )
    fh, count = write_table(sheet=_("互助金发放表"), title=title, columns=columns, rows=rows())
    return fh, count - 1
