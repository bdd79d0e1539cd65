"""What every register's .xlsx export is filtered by, read from the query string the register's
page links with: ``org`` (one of the user's organisations, with its subtree; one they may not
see is a 404, the same as a missing one) and, where the register has dates, a period — ``year``
or ``from``/``to``. And what every export does once written: an audit entry, then the file.

The rows themselves always start from the model's scoped queryset (``visible_to(user)``); the
organisation only narrows them, so a user of another community gets nothing either way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import IO, Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from dangjian.core import audit, xlsx
from dangjian.core.access import export_scope_path, get_visible_or_404, scope_for
from dangjian.core.forms import parse_date
from dangjian.core.models import AuditEntry

from .models import Organisation


@dataclass(frozen=True)
class Period:
    """A closed range of days; either end may be open (no period: everything)."""

    start: dt.date | None = None
    end: dt.date | None = None
    year: int | None = None

    def __bool__(self) -> bool:
        return bool(self.start or self.end)

    @property
    def text(self) -> str:
        if self.year:
            return _("%(y)d 年度") % {"y": self.year}
        if self.start and self.end:
            return _("%(a)s 至 %(b)s") % {"a": self.start.isoformat(), "b": self.end.isoformat()}
        if self.start:
            return _("%(a)s 起") % {"a": self.start.isoformat()}
        if self.end:
            return _("截至 %(b)s") % {"b": self.end.isoformat()}
        return _("全部")

    def within(self, field: str) -> Q:
        """Rows whose date ``field`` lies in the period."""
        q = Q()
        if self.start:
            q &= Q(**{f"{field}__gte": self.start})
        if self.end:
            q &= Q(**{f"{field}__lte": self.end})
        return q

    def overlaps(self, start: str, end: str | None) -> Q:
        """Rows that run from ``start`` to ``end`` (null: still running) and overlap the
        period: a term, an agreement, a seat held at some point in it."""
        q = Q()
        if self.end:
            q &= Q(**{f"{start}__lte": self.end})
        if self.start and end:
            q &= Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": self.start})
        return q

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
        }


def register_export(view: Callable[..., FileResponse]) -> Callable[..., FileResponse]:
    """A register's export: a GET by someone who keeps or inspects registers (a grant on an
    organisation). A plain member reads their own records on their own pages; for them (and
    anyone without a grant) the export is the same 404 as a missing page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> FileResponse:
        if not scope_for(request.user).is_staff_role:
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(require_GET(wrapped))


def period_from(request: HttpRequest) -> Period:
    """``?year=2025`` (the calendar year), else ``?from=``/``?to=`` (either may be left out;
    given the wrong way round they are swapped). Anything unreadable is no filter."""
    raw = request.GET.get("year", "").strip()
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        y = int(raw)
        return Period(dt.date(y, 1, 1), dt.date(y, 12, 31), y)
    start = parse_date(request.GET.get("from") or request.GET.get("date_from"))
    end = parse_date(request.GET.get("to") or request.GET.get("date_to"))
    if start and end and end < start:
        start, end = end, start
    return Period(start, end)


def org_from(request: HttpRequest) -> Organisation | None:
    """The organisation asked for (``?org=``), one the user may see, or None."""
    raw = request.GET.get("org", "").strip()
    if not raw:
        return None
    return get_visible_or_404(
        Organisation.objects.all(), request.user, pk=raw if raw.isdigit() else 0
    )


def title(what: str, *, org: Organisation | None, period: Period | None = None) -> str:
    """``文化东路社区党委驻区单位名册（2025 年度）  导出日期：2026-01-05``."""
    head = f"{org.name}{what}" if org else what
    if period:
        head += f"（{period.text}）"
    return f"{head}  {_('导出日期')}：{timezone.localdate().isoformat()}"


def respond(
    request: HttpRequest,
    *,
    fh: IO[bytes],
    count: int,
    what: str,
    org: Organisation | None,
    period: Period | None = None,
    **filters: Any,
) -> FileResponse:
    """Log the export (who, what, how many rows, which filters) and send the file."""
    shown = {"org": org.pk if org else None, **(period.as_dict() if period else {}), **filters}
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        object_repr=_("%(w)s导出（%(n)d 条）") % {"w": what, "n": count},
        changes={"filters": shown, "rows": count},
        scope_path=export_scope_path(request.user, org.path if org else None),
        ip=request.META.get("REMOTE_ADDR"),
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    name = f"{what}-{org.name}-{stamp}.xlsx" if org else f"{what}-{stamp}.xlsx"
    return FileResponse(fh, as_attachment=True, filename=name)


Sheet = tuple[str, Sequence[tuple[str, int]], Iterable[Sequence[Any]]]


def write_sheets(*, title: str, sheets: Sequence[Sheet]) -> tuple[IO[bytes], int]:
    """A register of several tables (units, their agreements, the pledges), one sheet each in
    the layout of :func:`dangjian.core.xlsx.write_table`; (file, rows of the first sheet)."""
    wb = Workbook(write_only=True)
    first = None
    for name, columns, rows in sheets:
        ws = wb.create_sheet(str(name)[:31])
        for i, (_text, width) in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "B3"
        ws.append([xlsx.cell(ws, f"{title}　{name}", font=Font(bold=True, size=14))])
        ws.append(xlsx.header_row(ws, [text for text, _width in columns], wrap=True))
        count = 0
        for values in rows:
            ws.append(xlsx.row(ws, values))
            count += 1
        first = count if first is None else first
    return xlsx.save(wb), first or 0
