"""The annual report as a .docx: the secretary's words, then each section's figures in a table
with the page each figure comes from."""

from __future__ import annotations

import tempfile
from typing import IO, Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from .figures import Section, default_prose


def write_report(
    *,
    community: Any,
    year: int,
    sections: list[Section],
    prose: dict[str, str],
    site: str = "",
    draft: bool = True,
) -> IO[bytes]:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(12)
    h = doc.add_paragraph()
    h.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = h.add_run(f"{community.name}{year}年度党建工作报告")
    run.bold = True
    run.font.size = Pt(20)
    if draft:
        doc.add_paragraph(
            "（根据平台记录生成；表中数字由系统计算，请勿改动。）"
        ).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for s in sections:
        head = doc.add_paragraph()
        r = head.add_run(s.title)
        r.bold = True
        r.font.size = Pt(15)
        text = prose.get(s.key) or default_prose(s, community, year)
        for para in text.splitlines():
            if para.strip():
                doc.add_paragraph(para.strip())
        if not s.figures:
            doc.add_paragraph("（本年度无可统计的记录。）")
            continue
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, title in zip(
            table.rows[0].cells, ("项目", "数值", "单位", "数据来源"), strict=True
        ):
            cell.text = title
        for f in s.figures:
            cells = table.add_row().cells
            cells[0].text = f.label
            cells[1].text = f.text
            cells[2].text = f.unit
            cells[3].text = f"{f.ref_title} {site}{f.ref}".strip() if f.ref else f.ref_title
    fh = tempfile.TemporaryFile()
    doc.save(fh)
    fh.seek(0)
    return fh
