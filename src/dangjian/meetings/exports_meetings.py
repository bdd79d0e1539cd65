"""Files a branch files: the meeting ledger (会议记录台帐, .xlsx) and one meeting's minutes
(.docx), both in the layout of the paper forms they replace."""

from __future__ import annotations

import datetime as dt
import io
from typing import IO

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from dangjian.core import xlsx
from dangjian.orgs.models import Organisation

from .models import Attendance, AttendanceStatus, Meeting, MeetingKind
from .selectors import meetings as sel

THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def ledger_headers() -> list[str]:
    return [
        _("序号"),
        _("日期"),
        _("会议类型"),
        _("主题"),
        _("地点"),
        _("主持人"),
        _("记录人"),
        _("应到"),
        _("实到"),
        _("请假"),
        _("缺席"),
        _("缺席人员"),
        _("决定事项"),
    ]


LEDGER_WIDTHS = (6, 12, 14, 30, 16, 10, 10, 7, 7, 7, 7, 24, 40)
WRAP_COLS = {4, 12, 13}  # 主题, 缺席人员, 决定事项 (1-based)


def period_text(date_from: dt.date | None, date_to: dt.date | None) -> str:
    if date_from and date_to:
        return _("%(a)s 至 %(b)s") % {"a": date_from.isoformat(), "b": date_to.isoformat()}
    if date_from:
        return _("%(a)s 起") % {"a": date_from.isoformat()}
    if date_to:
        return _("截至 %(b)s") % {"b": date_to.isoformat()}
    return _("全部")


def write_ledger(
    *,
    org: Organisation,
    meetings: QuerySet[Meeting],
    date_from: dt.date | None,
    date_to: dt.date | None,
    kind: str | None = None,
) -> tuple[IO[bytes], int]:
    """The ledger of ``meetings`` (a ``selectors.meetings.ledger`` queryset, of one ``kind``
    or all: 主题党日、组织生活会… each print on their own); (file, rows)."""
    wb = Workbook()
    ws = wb.active
    kind_label = str(MeetingKind(kind).label) if kind else ""
    ws.title = kind_label + _("会议记录台帐") if kind_label else _("会议记录台帐")
    heads = ledger_headers()
    ncol = len(heads)
    ws.append([_("%(org)s%(kind)s会议记录台帐") % {"org": org.name, "kind": kind_label}])
    ws.append([_("期间：%(p)s") % {"p": period_text(date_from, date_to)}])
    ws.append(heads)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncol)
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws["A2"].alignment = Alignment(horizontal="center")
    for col in range(1, ncol + 1):
        c = ws.cell(row=3, column=col)
        c.font = Font(bold=True)
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.border = BOX
        ws.column_dimensions[get_column_letter(col)].width = LEDGER_WIDTHS[col - 1]
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    labels = dict(Meeting._meta.get_field("kind").choices)
    count = 0
    for count, m in enumerate(meetings, start=1):  # noqa: B007 — count used after the loop
        kind = str(labels.get(m.kind, m.kind))
        if m.body_id:
            kind = f"{kind}（{m.body.name}）"
        ws.append(
            [
                count,
                m.date,
                kind,
                m.topic,
                m.place,
                m.host,
                m.recorder,
                m.n_expected,
                m.n_present,
                m.n_excused,
                m.n_absent,
                sel.absent_names(m),
                m.decisions,
            ]
        )
        row = ws.max_row
        ws.cell(row=row, column=2).number_format = "yyyy-mm-dd"
        for col in range(1, ncol + 1):
            c = ws.cell(row=row, column=col)
            c.border = BOX
            c.alignment = Alignment(vertical="top", wrap_text=col in WRAP_COLS)
    return xlsx.save(wb), count


def write_minutes(*, meeting: Meeting, rows: list[Attendance]) -> IO[bytes]:
    """One meeting's minutes as .docx: the heading table, then topic, agenda, record,
    decisions and the signature lines."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(12)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(_("%(org)s会议记录") % {"org": meeting.org.name})
    run.bold = True
    run.font.size = Pt(18)
    kind = meeting.get_kind_display()
    if meeting.body_id:
        kind = f"{kind}（{meeting.body.name}）"
    sub = doc.add_paragraph(str(kind))
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER

    by_status: dict[str, list[Attendance]] = {s: [] for s in AttendanceStatus.values}
    for r in rows:
        by_status[r.status].append(r)
    when = meeting.date.strftime("%Y年%m月%d日")
    if meeting.start_time:
        when += " " + meeting.start_time.strftime("%H:%M")
    recorded = meeting.attendance_taken_at is not None
    table_rows = [
        (_("时间"), when),
        (_("地点"), meeting.place),
        (_("主持人"), meeting.host),
        (_("记录人"), meeting.recorder),
        (_("应到人数"), str(len(rows)) if recorded else ""),
        (_("实到人数"), str(len(by_status[AttendanceStatus.PRESENT])) if recorded else ""),
        (_("请假人员及原因"), sel.excused_text(by_status[AttendanceStatus.EXCUSED])),
        (
            _("缺席人员"),
            "、".join(sel._name(r) for r in by_status[AttendanceStatus.ABSENT]),
        ),
    ]
    table = doc.add_table(rows=len(table_rows), cols=2)
    table.style = "Table Grid"
    for i, (label, value) in enumerate(table_rows):
        cells = table.rows[i].cells
        cells[0].text = str(label)
        cells[0].paragraphs[0].runs[0].bold = True
        cells[1].text = value or ""
    for heading, text in (
        (_("会议主题"), meeting.topic),
        (_("议程"), meeting.agenda),
        (_("会议内容（记录）"), meeting.minutes),
        (_("决定事项"), meeting.decisions),
    ):
        p = doc.add_paragraph()
        p.paragraph_format.space_before = Pt(12)
        r = p.add_run(str(heading))
        r.bold = True
        for line in (text or "").splitlines() or [""]:
            doc.add_paragraph(line)
    doc.add_paragraph()
    sign = doc.add_paragraph(
        _("主持人（签字）：__________　　记录人（签字）：__________　　日期：__________")
    )
    sign.paragraph_format.space_before = Pt(24)
    out = io.BytesIO()
    doc.save(out)
    out.seek(0)
    return out
