"""Documents of 信访、民事调解: the 人民调解协议书 of a case (.docx, python-docx) and the
矛盾纠纷排查调处台帐 (.xlsx, through :mod:`dangjian.core.xlsx`). Both are written from the case
as recorded — nothing is retyped."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from typing import IO, Any

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from dangjian.core.xlsx import write_table

from .models import Case, Outcome, PartyRole


def agreement_terms(case: Case) -> str:
    """The agreed terms: the closing agreement of a successful case, else what the latest
    session agreed (a draft to sign before closing). Sessions must be prefetched."""
    if case.outcome == Outcome.SUCCESS and case.agreement:
        return case.agreement
    for s in reversed(list(case.sessions.all())):
        if s.agreed:
            return s.agreed
    return ""


def _chinese_date(d: Any) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def write_agreement(case: Case, *, terms: str) -> IO[bytes]:
    """人民调解协议书: number, parties, the dispute, the agreed terms, the mediators, the date and
    lines to sign. Prefetch parties, mediators and sessions first (``selectors.case_detail``)."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(12)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(_("人民调解协议书"))
    run.bold = True
    run.font.size = Pt(22)
    number = doc.add_paragraph(_("编号：%(n)s") % {"n": case.number})
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    parties = list(case.parties.all())
    for role, label in PartyRole.choices:
        for p in (p for p in parties if p.role == role):
            doc.add_paragraph(_("%(role)s：%(name)s") % {"role": label, "name": p.name})
    doc.add_heading(_("纠纷主要事实、争议事项"), level=2)
    doc.add_paragraph(
        _("纠纷类型：%(c)s　受理日期：%(d)s")
        % {"c": case.get_category_display(), "d": _chinese_date(case.received_on)}
    )
    doc.add_paragraph(case.summary)
    doc.add_heading(_("经调解，自愿达成如下协议"), level=2)
    for i, line in enumerate((t for t in terms.splitlines() if t.strip()), start=1):
        doc.add_paragraph(f"{i}. {line.strip()}" if not line.strip()[0].isdigit() else line)
    doc.add_paragraph(_("履行方式、时限：按上述约定履行。"))
    doc.add_paragraph(
        _("本协议一式三份，当事人各执一份，人民调解委员会留存一份，自各方当事人签名之日起生效。")
    )
    mediators = "、".join(m.name for m in case.mediators.all())
    doc.add_paragraph(_("调解员：%(m)s") % {"m": mediators or "＿＿＿＿"})
    signs = doc.add_paragraph()
    for p in parties:
        signs.add_run(_("%(role)s（签名）：＿＿＿＿＿＿　") % {"role": p.get_role_display()})
    doc.add_paragraph(_("人民调解委员会（盖章）：%(c)s") % {"c": case.community.name})
    sessions = list(case.sessions.all())
    day = (
        case.closed_on
        if case.outcome == Outcome.SUCCESS and case.closed_on
        else (sessions[-1].held_on if sessions else case.received_on)
    )
    end = doc.add_paragraph(_chinese_date(day))
    end.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)
    doc.save(out)
    out.seek(0)
    return out


LEDGER_COLUMNS = [
    ("编号", 14),
    ("类别", 10),
    ("纠纷类型", 12),
    ("受理日期", 12),
    ("所在网格/楼栋/住户", 24),
    ("当事人", 24),
    ("简要情况", 40),
    ("调解员", 18),
    ("调解次数", 8),
    ("办理时限", 12),
    ("状态", 10),
    ("结果", 10),
    ("转交去向", 16),
    ("了结日期", 12),
    ("回访次数", 8),
]


def ledger_rows(cases: Iterable[Case]) -> Iterable[list[Any]]:
    """Rows of the 台帐; parties and mediators prefetched (``selectors.ledger_rows``). Phones are
    left out: the ledger is a record of the work, not a contact list."""
    for c in cases:
        place = c.place
        where = f"{place.parent.name} / {place.name}" if place.parent_id else place.name
        yield [
            c.number,
            c.get_kind_display(),
            c.get_category_display(),
            c.received_on,
            where,
            "、".join(f"{p.name}（{p.get_role_display()}）" for p in c.parties.all()),
            c.summary,
            "、".join(m.name for m in c.mediators.all()),
            c.n_sessions,
            c.deadline,
            _("已超期") if c.overdue else c.get_state_display(),
            c.get_outcome_display() if c.outcome else "",
            c.referred_to,
            c.closed_on,
            c.n_followups,
        ]


def write_ledger(cases: Iterable[Case], *, title: str) -> tuple[IO[bytes], int]:
    return write_table(
        sheet=_("矛盾纠纷排查调处台帐"),
        title=title,
        columns=[(_(h), w) for h, w in LEDGER_COLUMNS],
        rows=ledger_rows(cases),
    )
