"""The votes of a branch general meeting added to its minutes (.docx), before the signature
lines — the minutes themselves are written by ``exports_meetings.write_minutes``."""

from __future__ import annotations

import io
from typing import IO

from django.utils.translation import gettext as _

from .models_votes import Vote, fraction_text


def vote_line(v: Vote) -> str:
    result = _("通过") if v.passed else _("未通过")
    return _(
        "%(m)s：赞成 %(y)d 票，反对 %(n)d 票，弃权 %(a)d 票（应到会有表决权党员 %(e)d 人，"
        "实到 %(p)d 人；赞成须超过应到会人数的%(f)s，即至少 %(need)d 票）——%(r)s"
    ) % {
        "m": v.motion,
        "y": v.yes,
        "n": v.no,
        "a": v.abstain,
        "e": v.expected,
        "p": v.present,
        "f": fraction_text(v.fraction),
        "need": v.needed,
        "r": result,
    }


def add_votes(fh: IO[bytes], votes: list[Vote]) -> IO[bytes]:
    """``fh`` (a .docx) with a 表决情况 section inserted before its last paragraph (the
    signature lines); unchanged when there are no votes."""
    if not votes:
        return fh
    from docx import Document

    doc = Document(fh)
    sign = doc.paragraphs[-1]
    head = sign.insert_paragraph_before()
    head.add_run(_("表决情况")).bold = True
    for i, v in enumerate(votes, 1):
        sign.insert_paragraph_before(f"{i}. {vote_line(v)}")
    sign.insert_paragraph_before()
    out = io.BytesIO()
    doc.save(out)
    out.seek(0)
    return out
