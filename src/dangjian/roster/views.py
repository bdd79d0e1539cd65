"""Pages of the roster import: upload a sheet and choose where it goes; the preview with the
columns as recognised (each can be corrected) and every problem with its row and column; import
when nothing is wrong. The file is read once, at upload, within the caps of ``bounds``; the rows
wait in the data folder (``uploads``) under a token kept in the user's session, so nobody else can
open or import them, until the import, a cancel or the daily sweep deletes them.

Organisation names the register does not know are listed once each in the preview, each with a
choice of the organisations the rows may go to and the closest one preselected; confirming
remembers the choices (``OrgAlias``) and checks again with them. The roster page lists what is
remembered, each with a delete button."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core.access import CHANGE, get_visible_or_404, scope_for
from dangjian.members.selectors import member_orgs_changeable
from dangjian.orgs.models import Organisation

from . import parse, reader, selectors, services, template, uploads
from .columns import FIELDS, detect
from .models import ImportRun, OrgAlias

MAX_BYTES = 30 * 1024 * 1024
PREVIEW_ROWS = 10
MAX_ALIASES_SHOWN = 500
SESSION_KEY = "roster_uploads"


def _staff(request: HttpRequest) -> None:
    scope = scope_for(request.user)
    if not (scope.everything or scope.change_paths):
        raise Http404


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    _staff(request)
    orgs = member_orgs_changeable(user=request.user)
    if request.method == "POST":
        f = request.FILES.get("file")
        raw = request.POST.get("org", "")
        org = get_visible_or_404(
            Organisation.objects.all(), request.user, CHANGE, pk=raw if raw.isdigit() else 0
        )
        if f is None:
            messages.error(request, _("请选择要导入的名册文件。"))
        elif f.size > MAX_BYTES:
            messages.error(request, _("文件太大，请小于 30 MB。"))
        else:
            try:
                # read here, once: every preview (each column correction) uses the stored rows
                sheet = reader.read(f.read(), f.name)
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
            else:
                token = uploads.save(sheet)
                stored = request.session.get(SESSION_KEY, {})
                stored[token] = {"name": f.name[:200], "org": org.pk}
                request.session[SESSION_KEY] = stored
                return redirect("roster:preview", token=token)
    runs = Paginator(
        ImportRun.objects.visible_to(request.user).select_related("org", "by"), 20
    ).get_page(request.GET.get("page"))
    aliases = selectors.aliases_visible(user=request.user)[:MAX_ALIASES_SHOWN]
    return render(request, "roster/upload.html", {"orgs": orgs, "page": runs, "aliases": aliases})


@login_required
def template_download(request: HttpRequest) -> HttpResponse:
    """The roster template: the recognised headers, one made-up example row, a sheet of notes.
    It holds no one's data, so it is not logged as an export."""
    _staff(request)
    return FileResponse(template.build(), as_attachment=True, filename=template.filename())


@login_required
@require_POST
def alias_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    alias = get_visible_or_404(OrgAlias.objects.all(), request.user, CHANGE, pk=pk)
    services.alias_delete(acting_user=request.user, alias=alias)
    messages.success(
        request,
        _("已删除“%(w)s”的对应，以后导入这个写法时会重新询问。") % {"w": alias.written},
    )
    return redirect("roster:upload")


def _stored(request: HttpRequest, token: str) -> tuple[dict[str, Any], reader.Sheet]:
    info = request.session.get(SESSION_KEY, {}).get(token)
    sheet = uploads.load(token) if info is not None else None
    if info is None or sheet is None:
        raise Http404
    return info, sheet


def _forget(request: HttpRequest, token: str) -> None:
    """The upload is done with: its rows deleted, its token out of the session."""
    uploads.delete(token)
    stored = request.session.get(SESSION_KEY, {})
    stored.pop(token, None)
    request.session[SESSION_KEY] = stored


def _mapping(request: HttpRequest, headers: list[str]) -> dict[int, str]:
    """The detected columns, with the user's corrections (``col_3=phone``, ``col_5=`` to skip)."""
    source = request.POST if request.method == "POST" else request.GET
    mapping = detect(headers)
    for i in range(len(headers)):
        key = f"col_{i}"
        if key in source:
            chosen = source[key]
            mapping.pop(i, None)
            if chosen in FIELDS:
                for j in [j for j, f in mapping.items() if f == chosen]:
                    mapping.pop(j)
                mapping[i] = chosen
    return mapping


@login_required
def preview(request: HttpRequest, token: str) -> HttpResponse:
    _staff(request)
    info, sheet = _stored(request, token)
    if request.method == "POST" and "cancel" in request.POST:
        # the user gives up on this upload, or goes to correct the file: delete it now
        _forget(request, token)
        messages.info(request, _("已取消，上传的名册已从服务器删除。"))
        return redirect("roster:upload")
    org = get_visible_or_404(Organisation.objects.all(), request.user, CHANGE, pk=info["org"])
    mapping = _mapping(request, sheet.headers)
    if request.method == "POST" and "map_names" in request.POST:
        col = next((i for i, f in mapping.items() if f == "org"), None)
        written = {parse.text(r[col]) for r in sheet.rows if col is not None and col < len(r)}
        _remember(request, org, written)
        query = urlencode({f"col_{i}": mapping.get(i, "") for i in range(len(sheet.headers))})
        return redirect(f"{reverse('roster:preview', args=[token])}?{query}")
    if request.method == "POST" and len(sheet.rows) > settings.DANGJIAN_BACKGROUND_ROWS:
        return _import_in_background(request, token, info, org, mapping, len(sheet.rows))
    try:
        outcome = services.import_rows(
            acting_user=request.user,
            org=org,
            headers=sheet.headers,
            rows=sheet.rows,
            mapping=mapping,
            filename=info["name"],
            header_row=sheet.header_row,
            dry_run=request.method != "POST",
        )
    except (PermissionDenied, ValidationError) as exc:
        _forget(request, token)
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        return redirect("roster:upload")
    if request.method == "POST" and outcome.ok:
        _forget(request, token)
        messages.success(
            request,
            _("导入完成：新建 %(c)d 名党员，%(s)d 名已在册（跳过）。")
            % {"c": outcome.created, "s": outcome.skipped},
        )
        return redirect(f"{reverse('members:list')}?org={org.pk}")
    columns = [
        {"index": i, "header": h, "field": mapping.get(i, "")} for i, h in enumerate(sheet.headers)
    ]
    unknown = [
        {"written": w, "rows": rows, "suggested": outcome.suggested.get(w)}
        for w, rows in list(outcome.unknown.items())[: services.MAX_NAMES_SUGGESTED]
    ]
    problems = outcome.other_problems
    return render(
        request,
        "roster/preview.html",
        {
            "token": token,
            "filename": info["name"],
            "org": org,
            "outcome": outcome,
            "columns": columns,
            "fields": [(k, v[0]) for k, v in FIELDS.items()],
            "sample": _masked(sheet.rows[:PREVIEW_ROWS], mapping),
            "header_row": sheet.header_row,
            "problems": problems[:500],
            "more": max(0, len(problems) - 500),
            "unknown": unknown,
            "unknown_more": max(0, len(outcome.unknown) - len(unknown)),
            "targets": _targets(request, org) if unknown else [],
            "remembered": sorted(outcome.remembered.items()),
        },
    )


def _import_in_background(
    request: HttpRequest,
    token: str,
    info: dict[str, Any],
    org: Organisation,
    mapping: dict[int, str],
    rows: int,
) -> HttpResponse:
    """确认导入 of a big sheet: the worker imports it (the same service, all or nothing) and the
    user watches its page. The token leaves the session (the preview cannot be confirmed twice);
    the rows stay on disk for the worker, which deletes them once the import is committed."""
    from dangjian.background import services as background

    job = background.request_import(
        acting_user=request.user,
        org=org,
        token=token,
        mapping=mapping,
        filename=info["name"],
        rows=rows,
        ip=request.META.get("REMOTE_ADDR"),
    )
    stored = request.session.get(SESSION_KEY, {})
    stored.pop(token, None)
    request.session[SESSION_KEY] = stored
    return redirect("background:detail", pk=job.pk)


def _targets(request: HttpRequest, org: Organisation) -> QuerySet[Organisation]:
    return selectors.import_targets(user=request.user, org=org).only("pk", "name", "code")


def _remember(request: HttpRequest, org: Organisation, in_sheet: set[str]) -> None:
    """The names the user mapped in the preview (``written_3`` and ``target_3``), remembered; a
    choice that is not one of the organisations offered is refused, and then nothing is. Only
    names the sheet holds are taken: the form cannot plant others."""
    targets = {str(o.pk): o for o in _targets(request, org)}
    names: dict[str, Organisation] = {}
    refused: list[str] = []
    for key, written in request.POST.items():
        if not key.startswith("written_") or parse.text(written) not in in_sheet:
            continue
        chosen = request.POST.get("target_" + key.removeprefix("written_"), "")
        if not chosen:
            continue  # left at “请选择”: still unknown, asked again
        if chosen in targets:
            names[written] = targets[chosen]
        else:
            refused.append(written)
    if refused:
        # the same words for a missing and a forbidden organisation
        messages.error(
            request,
            _("“%(w)s”选择的党组织不在%(o)s下您负责的范围内，没有记住任何对应，请重新选择。")
            % {"w": "”“".join(refused), "o": org.name},
        )
        return
    if not names:
        messages.warning(request, _("没有选择任何对应的党组织。"))
        return
    try:
        services.alias_remember(acting_user=request.user, scope=org, names=names)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        return
    messages.success(
        request,
        _("已记住 %(n)d 个名称对应，本次和以后导入都会自动使用（可在“名册导入”页删除）。")
        % {"n": len(names)},
    )


def _masked(rows: list[list[Any]], mapping: dict[int, str]) -> list[list[Any]]:
    """The sample rows with ID numbers masked: the screen never shows a full number."""
    from dangjian.core.idcard import mask, normalise

    ids = [i for i, f in mapping.items() if f == "id_number"]
    out = []
    for row in rows:
        row = list(row)
        for i in ids:
            if i < len(row) and row[i]:
                row[i] = mask(normalise(str(row[i])))
        out.append(row)
    return out


app_name = "roster"
urlpatterns = [
    path("", upload, name="upload"),
    path("preview/<str:token>/", preview, name="preview"),
    path("template.xlsx", template_download, name="template"),
    path("aliases/<int:pk>/delete/", alias_delete, name="alias_delete"),
]
