"""Documents of 共驻共建: the activity ledger (.xlsx), the chronicle (大事记, .docx) of a period,
and a briefing (简报, .docx) on selected activities with their photos, in the form a street
office sends upward. Written from the activities and their deeds (date, title, units, number
served — see :mod:`dangjian.deeds`) — nothing is retyped. Select ``deed`` and prefetch
``deed__units`` first (``selectors.activities_visible`` does)."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable
from typing import IO, Any

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

from dangjian.core.xlsx import write_table

from .models import Activity


def ledger_columns() -> list[tuple[str, int]]:
    return [
        (_("日期"), 12),
        (_("活动名称"), 28),
        (_("类别"), 14),
        (_("八进社区"), 12),
        (_("实事"), 6),
        (_("志愿服务"), 8),
        (_("参加单位"), 30),
        (_("参加党员（人）"), 10),
        (_("受益人数"), 10),
        (_("投入资金（元）"), 12),
        (_("物资"), 20),
        (_("居民反映"), 30),
    ]


def ledger_rows(activities: Iterable[Activity]) -> Iterable[list[Any]]:
    for a in activities:
        yield [
            a.date,
            a.title,
            a.get_kind_display(),
            a.get_theme_display() if a.theme else "",
            "是" if a.is_deed else "",
            "是" if a.is_volunteer_service else "",
            "、".join(u.name for u in a.deed.units.all()),
            a.n_members,
            a.beneficiaries,
            float(a.money) if a.money is not None else None,
            a.goods,
            a.feedback,
        ]


def write_ledger(activities: Iterable[Activity], *, title: str) -> tuple[IO[bytes], int]:
    return write_table(
        sheet=_("共驻共建活动台帐"),
        title=title,
        columns=ledger_columns(),
        rows=ledger_rows(activities),
    )


def _save(doc: Any) -> IO[bytes]:
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    doc.save(out)
    out.seek(0)
    return out


def _heading(doc: Any, text: str, *, size: int = 22, red: bool = False) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(text)
    run.bold = True
    run.font.size = Pt(size)
    if red:
        run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)


def write_chronicle(
    activities: Iterable[Activity], *, community: str, start: dt.date, end: dt.date
) -> tuple[IO[bytes], int]:
    """大事记: one line per activity, by date."""
    doc = Document()
    _heading(doc, _("%(c)s共驻共建大事记") % {"c": community})
    doc.add_paragraph(
        _("（%(s)s 至 %(e)s）") % {"s": start.isoformat(), "e": end.isoformat()}
    ).alignment = WD_ALIGN_PARAGRAPH.CENTER
    n = 0
    for a in sorted(activities, key=lambda x: (x.date, x.pk)):
        units = "、".join(u.name for u in a.deed.units.all())
        p = doc.add_paragraph()
        p.add_run(f"{a.date.month}月{a.date.day}日　").bold = True
        text = a.title
        if units:
            text += _("（%(u)s参加）") % {"u": units}
        if a.beneficiaries:
            text += _("，受益 %(n)d 人") % {"n": a.beneficiaries}
        p.add_run(text + "。")
        n += 1
    if not n:
        doc.add_paragraph(_("本期无共驻共建活动记录。"))
    return _save(doc), n


def write_briefing(
    activities: list[Activity], *, community: str, issue_no: str, on: dt.date, photo_opener: Any
) -> tuple[IO[bytes], int]:
    """简报: the masthead, then each activity's story and its photos."""
    doc = Document()
    _heading(doc, _("共驻共建工作简报"), size=26, red=True)
    p = doc.add_paragraph(
        _("第 %(no)s 期　　%(c)s　　%(d)s")
        % {"no": issue_no, "c": community, "d": f"{on.year}年{on.month}月{on.day}日"}
    )
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph("—" * 30).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for a in activities:
        h = doc.add_paragraph()
        r = h.add_run(a.title)
        r.bold = True
        r.font.size = Pt(16)
        units = "、".join(u.name for u in a.deed.units.all())
        lead = _("%(d)s，%(u)s在社区开展%(k)s活动。") % {
            "d": f"{a.date.month}月{a.date.day}日",
            "u": units or community,
            "k": a.get_kind_display(),
        }
        doc.add_paragraph(lead + (a.summary or ""))
        if a.beneficiaries:
            doc.add_paragraph(_("活动受益群众 %(n)d 人。") % {"n": a.beneficiaries})
        if a.feedback:
            doc.add_paragraph(_("居民反映：%(f)s") % {"f": a.feedback})
        for photo in a.photos.all():
            try:
                with photo_opener(photo) as fh:
                    doc.add_picture(fh, width=Cm(14))
            except Exception:  # a photo the reader cannot place is left out, not the briefing
                continue
            if photo.caption:
                doc.add_paragraph(photo.caption).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph("")
    doc.add_paragraph(_("报：县社区大党建指导委员会　　送：各驻区单位"))
    return _save(doc), len(activities)
