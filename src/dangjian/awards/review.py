"""The annual review (每年讲评) of an upper organisation's communities, as a .docx: a title, one
table of every community's five goods, total, level and stars (proposed and decided), then for
each community its strengths (the goods at full marks) and the indicators below target. Every
figure comes from the scorecards (``assessment.scoring``) — nothing is typed."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from dangjian.assessment.indicators import Good
from dangjian.orgs.models import Organisation

from .selectors import Proposal

HEAD = [Good.LABELS[g] for g in Good.ORDER]


def fmt(value: Decimal | int | None) -> str:
    return "—" if value is None else str(value)


def stars_text(stars: int | None) -> str:
    if stars is None:
        return "—"
    return _("不评") if stars == 0 else _("%(n)d 星") % {"n": stars}


def columns() -> list[str]:
    return [_("社区"), *HEAD, _("总分"), _("等次"), _("建议星级"), _("决定星级")]


def table_row(p: Proposal) -> list[str]:
    goods = {g.good: g for g in p.goods}
    return [
        p.community.name,
        *[fmt(goods[g].points) for g in Good.ORDER],
        fmt(p.total),
        p.level,
        stars_text(p.stars),
        stars_text(p.decision.decided_stars) if p.decision else _("未决定"),
    ]


def write_review(org: Organisation, year: int, rows: list[Proposal]) -> IO[bytes]:
    doc = Document()
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(_("%(org)s %(y)d 年度社区党建工作讲评") % {"org": org.name, "y": year})
    run.bold = True
    run.font.size = Pt(18)
    doc.add_paragraph(
        _("按“五个好”评分（%(d)s 计算，分值、权重和达标线见规则表）；共 %(n)d 个社区。")
        % {"d": timezone.localdate().isoformat(), "n": len(rows)}
    )
    cols = columns()
    table = doc.add_table(rows=1, cols=len(cols))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, cols, strict=True):
        cell.text = text
    for p in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, table_row(p), strict=True):
            cell.text = text
    doc.add_heading(_("各社区讲评"), level=1)
    for p in rows:
        doc.add_heading(p.community.name, level=2)
        if p.total is None:
            doc.add_paragraph(_("当年尚无可计分的记录，未评分。"))
            continue
        doc.add_paragraph(
            _("总分 %(t)s 分，%(l)s；建议 %(s)s，决定 %(d)s。")
            % {
                "t": p.total,
                "l": p.level,
                "s": stars_text(p.stars),
                "d": stars_text(p.decision.decided_stars) if p.decision else _("未决定"),
            }
        )
        if p.decision and p.decision.reason:
            doc.add_paragraph(_("决定理由：%(r)s") % {"r": p.decision.reason})
        strengths = p.strengths
        doc.add_paragraph(
            _("优势（满分项）：%(s)s") % {"s": "、".join(strengths) if strengths else _("无")}
        )
        below = p.below_target
        if below:
            doc.add_paragraph(_("未达标的指标："))
            for ln in below:
                doc.add_paragraph(
                    _("%(t)s：完成 %(p)s%%，达标线 %(g)s%%")
                    % {
                        "t": ln.indicator.title,
                        "p": ln.percent,
                        "g": f"{(ln.target * 100).normalize():f}",
                    },
                    style="List Bullet",
                )
        else:
            doc.add_paragraph(_("各项指标均已达标。"))
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    doc.save(out)
    out.seek(0)
    return out
