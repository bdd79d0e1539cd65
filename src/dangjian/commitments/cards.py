"""承诺卡 (.docx): one card per commitment on display, for the branch's notice board — the
member's name, branch, the kind and words of the commitment, and the approval date. No other
personal data."""

from __future__ import annotations

import tempfile
from typing import IO

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from .models import Commitment


def write_cards(qs: QuerySet[Commitment], *, year: int) -> tuple[IO[bytes], int]:
    doc = Document()
    count = 0
    for c in qs.iterator(chunk_size=500):
        if count:
            doc.add_page_break()
        head = doc.add_paragraph()
        head.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = head.add_run(_("%(y)d 年度党员承诺卡") % {"y": c.year})
        run.bold = True
        run.font.size = Pt(22)
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in (
            (_("党员"), c.member.name),
            (_("所在支部"), c.org.name),
            (_("承诺类型"), c.get_kind_display()),
            (_("承诺事项"), c.title),
            (_("承诺内容"), c.content),
            (_("践诺措施"), c.measures),
            (_("公开示诺日期"), c.published_on.isoformat() if c.published_on else ""),
        ):
            cells = table.add_row().cells
            cells[0].text = str(label)
            cells[1].text = value or ""
        doc.add_paragraph(_("欢迎居民群众监督。"))
        count += 1
    if not count:
        doc.add_paragraph(_("%(y)d 年度暂无公开示诺的党员承诺。") % {"y": year})
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    doc.save(out)
    out.seek(0)
    return out, count
