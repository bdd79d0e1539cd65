"""反馈函 (.docx): the community's letter to a checked-in member's employer party organisation
when the member has gone silent (the "invisible member" of seed [003])."""

from __future__ import annotations

import datetime as dt
import tempfile
from typing import IO

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from .selectors import Standing


def write_letter(s: Standing, *, on: dt.date) -> IO[bytes]:
    c = s.checkin
    doc = Document()
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = p.add_run(_("在职党员到社区报到情况反馈函"))
    r.bold = True
    r.font.size = Pt(20)
    doc.add_paragraph(f"{c.employer_party_org or c.employer}：")
    doc.add_paragraph(
        _(
            "贵单位党员%(m)s同志于 %(d)s 到%(c)s报到%(p)s。按照在职党员到社区报到的要求，在职党员每年应为社区办 %(a)d–%(b)d 件实事好事，至少结对帮扶 %(h)d 户困难群众。"
        )
        % {
            "m": c.member.name,
            "d": f"{c.checked_in_on.year}年{c.checked_in_on.month}月{c.checked_in_on.day}日",
            "c": c.community.name,
            "p": _("，认领“%(x)s”") % {"x": s.post_label} if s.posts else "",
            "a": s.deeds_min,
            "b": s.deeds_max,
            "h": s.households_min,
        }
    )
    last = s.last_active
    doc.add_paragraph(
        _(
            "截至 %(t)s，该同志最近一次在社区的活动记录为 %(l)s，已连续 %(n)d 个月以上没有参加社区活动；本年度为社区办实事 %(k)d 件，结对帮扶 %(h)d 户。"
        )
        % {
            "t": f"{on.year}年{on.month}月{on.day}日",
            "l": f"{last.year}年{last.month}月{last.day}日",
            "n": s.silent_months,
            "k": s.deeds,
            "h": s.households,
        }
    )
    doc.add_paragraph(_("特此函告，请贵单位党组织督促该同志积极参加社区活动，发挥先锋模范作用。"))
    for line in ("", c.community.name + _("（盖章）"), f"{on.year}年{on.month}月{on.day}日"):
        q = doc.add_paragraph(line)
        q.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)
    doc.save(out)
    out.seek(0)
    return out


def write_opinion(s: Standing, *, purpose: str, opinion: str, on: dt.date) -> IO[bytes]:
    """社区党组织意见: asked for when the employer appraises or develops an in-service member
    who lives in the community (seed [002]) — the record of the check-in and the opinion."""
    c = s.checkin
    doc = Document()
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = p.add_run(_("社区党组织意见"))
    r.bold = True
    r.font.size = Pt(20)
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in (
        (_("姓名"), c.member.name),
        (_("工作单位"), c.employer),
        (_("单位党组织"), c.employer_party_org),
        (_("事由"), purpose),
        (_("报到社区"), c.community.name),
        (_("报到日期"), c.checked_in_on.isoformat()),
        (_("认领岗位或服务"), s.post_label),
        (_("本年度为社区办实事"), _("%(n)d 件") % {"n": s.deeds}),
        (_("结对帮扶困难户"), _("%(n)d 户") % {"n": s.households}),
        (_("最近一次活动"), s.last_active.isoformat()),
        (_("社区党组织意见"), opinion),
    ):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = str(label), value or ""
    for line in ("", c.community.name + _("（盖章）"), f"{on.year}年{on.month}月{on.day}日"):
        q = doc.add_paragraph(line)
        q.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)
    doc.save(out)
    out.seek(0)
    return out
