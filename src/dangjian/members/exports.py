"""Excel exports of the register (.xlsx that opens in WPS and Excel), with Chinese headers.

Rows are read as plain values in chunks and written with openpyxl's write-only mode, so a
100,000-row register is never held in memory as objects; the file is built in a spooled
temporary file. ID numbers are exported masked — the full number is only ever shown through
the logged reveal.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from dangjian.core.xlsx import write_table

from .models import Member, MemberEvent
from .tables import Labels

CHUNK = 2000


def headers() -> list[str]:
    return [
        _("姓名"),
        _("性别"),
        _("民族"),
        _("出生日期"),
        _("身份证号"),
        _("入党时间"),
        _("转正时间"),
        _("党员身份"),
        _("党员类别"),
        _("管理方式"),
        _("学历"),
        _("工作单位"),
        _("联系电话"),
        _("所在党组织"),
    ]


WIDTHS = (10, 6, 8, 12, 22, 12, 12, 10, 22, 18, 10, 24, 16, 28)


def _person(m: Member, lb: Labels) -> list[Any]:
    return [
        m.name,
        lb.gender.get(m.gender, m.gender),
        m.ethnicity,
        m.birth_date,
        m.id_masked,
        m.joined_on,
        m.full_on,
    ]


def member_rows(qs: QuerySet[Member]) -> Iterator[list[Any]]:
    """Rows of the current register (a ``members_visible`` queryset, ``with_list_data`` or not),
    read as plain values in chunks with the categories of each chunk in one query: the rows of
    the background export (:func:`dangjian.background.kinds.member_rows`), so the two files are
    the same cell for cell."""
    from dangjian.background.kinds import member_rows as rows

    # plain values: the prefetch of ``with_list_data`` does not apply to them
    return rows(qs.prefetch_related(None))


def register_rows(events: QuerySet[MemberEvent]) -> Iterator[list[Any]]:
    """Rows of a past register (``selectors.register_on``): membership facts as they were."""
    lb = Labels()
    for e in events.iterator(chunk_size=CHUNK):
        m = e.member
        yield [
            *_person(m, lb),
            lb.status.get(e.status, e.status),
            "、".join(lb.category.get(c, c) for c in e.categories or []),
            lb.mode.get(e.mode, e.mode),
            lb.education.get(m.education, m.education),
            m.employer_label,
            m.phone,
            e.org.name,
        ]


def write_xlsx(*, sheet: str, title: str, rows: Iterable[list[Any]]) -> tuple[IO[bytes], int]:
    """A workbook with a title line, a bold header row and ``rows``; returns (file, row count)."""
    return write_table(
        sheet=sheet,
        title=title,
        columns=list(zip(headers(), WIDTHS, strict=True)),
        rows=rows,
        freeze="A3",
    )
