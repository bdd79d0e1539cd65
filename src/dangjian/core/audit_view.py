"""Filters, search and export of the audit trail page (``/audit/``).

Every filter narrows :func:`dangjian.core.selectors.audit_visible` — the entries the reader may
read — and never widens it: an organisation outside the reader's scope, a date that is no date or
an unknown action gives nothing rather than everything.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from itertools import islice
from typing import Any

from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .access import export_scope_path, scope_for, subtree_q
from .audit_display import readable
from .models import AuditEntry

#: How many entries an export resolves at a time (one query per linked model per chunk).
CHUNK = 500
#: Organisations offered in the filter: the kinds a reader picks from (not every small branch).
MAX_ORG_OPTIONS = 400
SEARCH_MAX = 50


def _date(text: str | None) -> dt.date | None | bool:
    """A date, None when empty, False when not a date."""
    if not text or not str(text).strip():
        return None
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        return False


def org_options(user: Any) -> list[Any]:
    """The organisations the reader may filter on: those they see, above branch level, plus
    their own top organisations (a branch secretary's branch)."""
    from dangjian.orgs.models import BRANCH_KINDS, LEAF_KINDS, Organisation

    scope = scope_for(user)
    qs = Organisation.objects.visible_to(user).filter(is_active=True)
    if not scope.everything and not scope.view_paths:
        return []
    own = Q(path__in=list(scope.view_paths)) if scope.view_paths else Q(pk__in=[])
    qs = qs.filter(own | ~Q(kind__in=[*BRANCH_KINDS, *LEAF_KINDS]))
    return list(qs.only("pk", "name", "path").order_by("path")[:MAX_ORG_OPTIONS])


def kind_options() -> list[tuple[int, str]]:
    """The kinds of record the reader may filter on: the platform's models (from the
    content-type cache, not a scan of the audit table)."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    found = ContentType.objects.get_for_models(
        *(
            m
            for c in apps.get_app_configs()
            if c.name.startswith("dangjian")
            for m in c.get_models()
            if m is not AuditEntry
        )
    )
    return sorted(((ct.pk, str(m._meta.verbose_name)) for m, ct in found.items()), key=_second)


def _second(pair: tuple[int, str]) -> str:
    return pair[1]


def apply(qs: QuerySet[AuditEntry], user: Any, params: Mapping[str, str]) -> tuple[Any, dict]:
    """``qs`` narrowed by the page's filters, and the filter values to show back."""
    f = {
        "who": (params.get("who") or "").strip()[:SEARCH_MAX],
        "action": params.get("action") or "",
        "org": params.get("org") or "",
        "start": params.get("start") or "",
        "end": params.get("end") or "",
        "q": (params.get("q") or "").strip()[:SEARCH_MAX],
    }
    qs = qs.select_related("actor__profile")
    if f["who"]:
        qs = qs.filter(
            Q(actor__username__icontains=f["who"])
            | Q(actor__profile__display_name__icontains=f["who"])
        )
    if f["action"]:
        if f["action"] not in AuditEntry.Action.values:
            return qs.none(), f
        qs = qs.filter(action=f["action"])
    if f["org"]:
        from dangjian.orgs.models import Organisation

        path = (
            Organisation.objects.visible_to(user)
            .filter(pk=f["org"] if str(f["org"]).isdigit() else None)
            .values_list("path", flat=True)
            .first()
        )
        if not path:
            return qs.none(), f
        qs = qs.filter(subtree_q("scope_path", path))
        f["org_path"] = path
    start, end = _date(f["start"]), _date(f["end"])
    if start is False or end is False:
        return qs.none(), f
    if start:
        qs = qs.filter(at__date__gte=start)
    if end:
        qs = qs.filter(at__date__lte=end)
    if f["q"]:
        q = f["q"]
        # JSON may hold Chinese as \\uXXXX escapes (SQLite) or as itself (PostgreSQL)
        escaped = json.dumps(q)[1:-1]
        qs = qs.annotate(_changes_text=Cast("changes", TextField())).filter(
            Q(object_repr__icontains=q)
            | Q(field__icontains=q)
            | Q(actor__username__icontains=q)
            | Q(_changes_text__icontains=q)
            | Q(_changes_text__icontains=escaped)
        )
    return qs, f


def _lines(qs: QuerySet[AuditEntry], user: Any) -> Iterator[list[Any]]:
    it = qs.iterator(chunk_size=CHUNK)
    while True:
        chunk = list(islice(it, CHUNK))
        if not chunk:
            return
        for r in readable(chunk, user=user):
            e = r.entry
            yield [
                timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S") if e.at else "",
                actor_name(e),
                e.get_action_display(),
                r.kind,
                e.object_repr,
                r.field,
                r.changes_text,
                e.ip or "",
            ]


def actor_name(e: AuditEntry) -> str:
    """Who acted: their name and login (a login alone when they have no name)."""
    user = e.actor
    if user is None:
        return ""
    try:
        name = user.profile.display_name
    except Exception:  # no profile row
        name = ""
    return f"{name}（{user.get_username()}）" if name else user.get_username()


def export(qs: QuerySet[AuditEntry], *, user: Any, f: Mapping[str, str]) -> FileResponse:
    """审计记录 (.xlsx) of the filtered entries, readable as on the page; the export is itself
    audited."""
    from .xlsx import write_table

    fh, count = write_table(
        sheet=_("审计记录"),
        title=_("审计记录（导出于 %(d)s）") % {"d": timezone.localdate().isoformat()},
        columns=[
            (_("时间"), 20),
            (_("操作人"), 18),
            (_("操作"), 12),
            (_("记录类别"), 14),
            (_("对象"), 28),
            (_("字段"), 14),
            (_("变更内容"), 60),
            (_("IP 地址"), 16),
        ],
        rows=_lines(qs, user),
    )
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=user,
        field="core.auditentry",
        changes={
            "rows": count,
            "filters": {k: v for k, v in f.items() if v and k != "org_path"},
        },
        scope_path=export_scope_path(user, f.get("org_path")),
    )
    return FileResponse(fh, as_attachment=True, filename=f"{_('审计记录')}.xlsx")


#: The actions offered in the filter.
ACTIONS = AuditEntry.Action.choices


def export_query(params: Mapping[str, str]) -> str:
    """The page's query string for its export (without the page number)."""
    from urllib.parse import urlencode

    keep = {k: v for k, v in params.items() if k not in ("page", "export") and v}
    keep["export"] = "xlsx"
    return urlencode(keep)
