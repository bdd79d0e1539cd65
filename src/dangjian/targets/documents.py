"""The letter as printed and signed (.docx): title, the parties, the numbered targets with their
target values, the signature block. A draft says 草稿 in its title, so it is never mistaken for
the signed letter."""

from __future__ import annotations

import tempfile
from typing import IO

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from .models import Letter, Status


def title_of(letter: Letter) -> str:
    title = _("%(y)d年度党建工作目标责任书") % {"y": letter.year}
    if letter.status == Status.DRAFT:
        title += _("（草稿）")
    elif letter.status == Status.VOIDED:
        title += _("（已作废）")
    return title


def _date(d) -> str:  # noqa: ANN001
    return f"{d.year}年{d.month}月{d.day}日" if d else _("    年  月  日")


def target_value(t) -> str:  # noqa: ANN001
    if not t.indicator:
        return _("由考核组评定")
    if t.target_percent is None:
        return _("达到考核达标线")
    return f"{t.target_percent:.1f}%"


def write_letter(letter: Letter) -> IO[bytes]:
    doc = Document()
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = p.add_run(title_of(letter))
    r.bold = True
    r.font.size = Pt(20)
    doc.add_paragraph(_("甲方（发文单位）：%(o)s") % {"o": letter.issuer.name})
    doc.add_paragraph(_("乙方（社区党组织）：%(o)s") % {"o": letter.community.name})
    doc.add_paragraph(
        _(
            "为全面落实党建工作责任制，甲方与乙方党组织书记签订本责任书。乙方在 %(y)d 年度内完成下列目标，"
            "甲方采取现场会、实地调研、明察暗访等形式进行考核督察，考核结果纳入年度“五个好”考核。"
        )
        % {"y": letter.year}
    )
    h = doc.add_paragraph()
    h.add_run(_("工作目标")).bold = True
    targets = list(letter.targets.order_by("order", "pk"))
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    head = table.rows[0].cells
    head[0].text, head[1].text, head[2].text = _("序号"), _("目标内容"), _("目标值")
    for i, t in enumerate(targets, start=1):
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = str(i), t.text, target_value(t)
    doc.add_paragraph(_("本责任书一式两份，甲乙双方各执一份，自签订之日起生效。"))
    doc.add_paragraph("")
    sig = doc.add_table(rows=3, cols=2)
    rows = (
        (
            _("甲方：%(o)s（盖章）") % {"o": letter.issuer.name},
            _("乙方：%(o)s（盖章）") % {"o": letter.community.name},
        ),
        (
            _("签订人：%(n)s") % {"n": letter.issuer_signatory or "        "},
            _("党组织书记：%(n)s") % {"n": letter.signer_name or "        "},
        ),
        (
            _("签订日期：%(d)s") % {"d": _date(letter.signed_on)},
            _("签订日期：%(d)s") % {"d": _date(letter.signed_on)},
        ),
    )
    for row, (left, right) in zip(sig.rows, rows, strict=True):
        row.cells[0].text, row.cells[1].text = left, right
    out = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)
    doc.save(out)
    out.seek(0)
    return out
