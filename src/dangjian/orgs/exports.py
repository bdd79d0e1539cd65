"""党组织基本情况及换届台帐 (.xlsx): every organisation of a subtree with its secretary and
committee in office, the term they were elected for and when the next election falls due.

Filtered by organisation (``?org=``, with its subtree) and by period (``?year=`` or
``?from=&to=``): the organisations whose election falls due in it. Three queries for any
number of organisations: the organisations, the offices held, the member counts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _

from dangjian.core.access import subtree_q
from dangjian.core.xlsx import write_table

from .export_filters import Period, org_from, period_from, register_export, respond, title
from .models import Office, Organisation
from .selectors import member_counts, today

COMMITTEE_ORDER = ("secretary", "deputy", "organiser", "propaganda", "discipline", "committee")


def election_rows(*, user: Any, org: Organisation | None, period: Period) -> list[list[Any]]:
    on = today()
    orgs = Organisation.objects.visible_to(user).filter(is_active=True)
    offices = Office.objects.visible_to(user).current(on)
    if org is not None:
        orgs = orgs.filter(subtree_q("path", org.path))
        offices = offices.filter(subtree_q("org__path", org.path))
    orgs_list = list(orgs.select_related("parent").order_by("path"))
    held: dict[int, list[Office]] = defaultdict(list)
    for o in offices.order_by("term_start", "pk"):
        held[o.org_id].append(o)
    counts = member_counts(orgs=orgs_list)
    out = []
    for o in orgs_list:
        due, line = _line(o, held.get(o.pk, []), counts.get(o.pk), on)
        if period and not (due and (period.start or due) <= due <= (period.end or due)):
            continue  # asked for the elections due in a period: this one is not
        out.append(line)
    return out


def _line(
    org: Organisation, offices: list[Office], counts: Any, on: dt.date
) -> tuple[dt.date | None, list[Any]]:
    """(when the next election is due, the row)."""
    committee = [o for o in offices if o.title in Office.COMMITTEE_TITLES]
    committee.sort(key=lambda o: (COMMITTEE_ORDER.index(o.title), o.term_start, o.pk))
    secretary = "、".join(o.holder_name for o in committee if o.title == "secretary")
    deputy = "、".join(o.holder_name for o in committee if o.title == "deputy")
    members = "、".join(
        f"{o.holder_name}（{o.get_title_display()}）"
        for o in committee
        if o.title not in ("secretary", "deputy")
    )
    others = "、".join(
        f"{o.holder_name}（{o.get_title_display()}）"
        for o in offices
        if o.title not in Office.COMMITTEE_TITLES
    )
    starts = [o.term_start for o in committee]
    ends = [o.term_end for o in committee if o.term_end]
    due = min(ends) if ends else None
    if due is None:
        state = _("未录入任期") if committee else _("没有在任书记、委员")
    elif due < on:
        state = _("任期已届满，应换届")
    elif (due - on).days <= 180:
        state = _("任期即将届满")
    else:
        state = _("在任期内")
    return due, [
        org.name,
        org.get_kind_display(),
        org.parent.name if org.parent_id else "",
        org.established_on,
        counts.total if counts else 0,
        counts.full if counts else 0,
        secretary,
        deputy,
        members,
        others,
        min(starts) if starts else None,
        max(ends) if ends else None,
        due,
        state,
    ]


def columns() -> list[tuple[str, int]]:
    return [
        (_("党组织名称"), 28),
        (_("组织类型"), 14),
        (_("上级党组织"), 24),
        (_("成立日期"), 12),
        (_("党员数"), 8),
        (_("正式党员"), 8),
        (_("书记"), 10),
        (_("副书记"), 12),
        (_("委员及分工"), 36),
        (_("其他职务"), 24),
        (_("本届任期开始"), 12),
        (_("任期届满"), 12),
        (_("应换届时间"), 12),
        (_("换届情况"), 16),
    ]


def write(*, heading: str, rows: Iterable[list[Any]]) -> Any:
    return write_table(
        sheet=_("党组织基本情况"),
        title=heading,
        columns=columns(),
        rows=rows,
    )


@register_export
def org_export(request: HttpRequest) -> FileResponse:
    """党组织基本情况及换届台帐: the user's organisations (or one subtree), due in a period."""
    org, period = org_from(request), period_from(request)
    what = _("党组织基本情况及换届台帐")
    rows = election_rows(user=request.user, org=org, period=period)
    fh, count = write(heading=title(what, org=org, period=period), rows=rows)
    return respond(request, fh=fh, count=count, what=what, org=org, period=period)
