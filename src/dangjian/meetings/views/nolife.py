"""Pages: nolife — members without organisational life for N months (Party constitution art. 9).

The list of a branch (or of every branch of a community, grouped), the meetings each member
missed, how the branch handled each case, a page to record the handling, and the .xlsx export
(audited). Only for those holding a grant on the organisation; everybody else gets a 404.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from dangjian.core import audit, xlsx
from dangjian.core.access import CHANGE, scope_for
from dangjian.core.forms import StyledForm, add_service_errors, date_field
from dangjian.core.models import AuditEntry

from .. import services_nolife
from ..models import NoLifeHandling
from ..selectors import nolife as sel

PER_PAGE = 50


def _today() -> dt.date:
    return timezone.localdate()


def _org(request: HttpRequest):
    raw = request.GET.get("org", "")
    if raw:
        return sel.org_or_404(user=request.user, pk=raw)
    org = sel.default_org(request.user)
    if org is None:
        raise Http404
    return org


def _detail_prefix() -> str | None:
    try:
        return reverse("meetings:detail", args=[0]).removesuffix("0/")
    except NoReverseMatch:
        return None


@login_required
def no_life(request: HttpRequest) -> HttpResponse:
    org = _org(request)
    result, page = sel.no_life_page(
        user=request.user, org=org, today=_today(), page=request.GET.get("page"), per_page=PER_PAGE
    )
    return render(
        request,
        "meetings/nolife/list.html",
        {
            "org": org,
            "result": result,
            "rule": result.rule,
            "page": page,
            "rows": page.object_list,
            "can_change": scope_for(request.user).reaches_path(org.path, CHANGE),
            "detail_prefix": _detail_prefix(),
        },
    )


def _missed_text(row: sel.Row) -> str:
    return "；".join(
        f"{m.date.isoformat()} {m.topic}" + ("" if m.recorded else _("（未登记）"))
        for m in row.missed
    )


def _cases_text(row: sel.Row) -> str:
    return "；".join(
        f"{c.handled_on.isoformat()} {c.get_handling_display()}" + (f"：{c.note}" if c.note else "")
        for c in row.cases
    )


def _reasons_text(row: sel.Row) -> str:
    reasons = []
    if row.no_life:
        reasons.append(_("不参加组织生活"))
    if row.unpaid_too:
        reasons.append(_("不交纳党费"))
    if row.no_work:
        reasons.append(_("不做党所分配的工作"))
    return "、".join(reasons)


@login_required
def no_life_export(request: HttpRequest) -> HttpResponse:
    org = _org(request)
    today = _today()
    result = sel.no_life_list(user=request.user, org=org, today=today)
    title = _("%(org)s 连续不参加组织生活党员名单") % {"org": org.name}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("不参加组织生活"))
    for col, width in zip("ABCDEFGHI", (28, 12, 22, 16, 16, 12, 14, 60, 50), strict=True):
        ws.column_dimensions[col].width = width
    head = f"{title}  {_('统计日期')}：{today.isoformat()}"
    ws.append([xlsx.cell(ws, head, font=Font(bold=True, size=14))])
    ws.append([xlsx.cell(ws, f"{result.rule.source}：{result.rule.explain}")])
    heads = (
        _("所在党组织"),
        _("姓名"),
        _("列入原因"),
        _("最后参加组织生活"),
        _("统计起始日"),
        _("缺席次数"),
        _("连续未交党费（月）"),
        _("未参加的会议"),
        _("处理情况"),
    )
    ws.append(xlsx.header_row(ws, heads))
    for r in result.rows:
        ws.append(
            xlsx.row(
                ws,
                [
                    r.org.name,
                    r.name,
                    _reasons_text(r),
                    r.last_attended.isoformat() if r.last_attended else _("从未"),
                    r.start.isoformat(),
                    len(r.missed),
                    r.unpaid_months or None,
                    _missed_text(r),
                    _cases_text(r),
                ],
            )
        )
    fh = xlsx.save(wb)
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=org,
        acting_user=request.user,
        object_repr=_("%(org)s 不参加组织生活名单导出（%(n)d 人）")
        % {"org": org.name, "n": len(result.rows)},
        changes={"rows": len(result.rows), "today": today.isoformat()},
        ip=request.META.get("REMOTE_ADDR"),
    )
    return FileResponse(
        fh, as_attachment=True, filename=f"{_('不参加组织生活名单')}-{org.name}-{today}.xlsx"
    )


class HandleForm(StyledForm):
    handling = forms.ChoiceField(
        label=gettext_lazy("处理方式"),
        choices=[("", gettext_lazy("请选择")), *NoLifeHandling.choices],
        error_messages={"required": gettext_lazy("请选择处理方式。")},
    )
    handled_on = date_field(gettext_lazy("处理日期"))
    note = forms.CharField(
        label=gettext_lazy("情况说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("谈了什么、对方怎么说、下一步怎么办。"),
    )


@login_required
def no_life_handle(request: HttpRequest, org_id: int, member_id: int) -> HttpResponse:
    org = sel.org_or_404(user=request.user, pk=org_id, action=CHANGE)
    member = sel.member_or_404(user=request.user, org=org, pk=member_id)
    today = _today()
    form = HandleForm(request.POST or None, initial={"handled_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            services_nolife.no_life_case_add(
                member=member, acting_user=request.user, today=today, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已记录对 %(name)s 的处理情况。") % {"name": member.name})
            return redirect(f"{reverse('meetings:no_life')}?org={org.pk}")
    result = sel.no_life_list(user=request.user, org=org, today=today, member_id=member.pk)
    row = result.rows[0] if result.rows else None
    cases = (
        row.cases
        if row
        else list(member.no_life_cases.visible_to(request.user).select_related("handled_by"))
    )
    return render(
        request,
        "meetings/nolife/handle.html",
        {
            "org": org,
            "member": member,
            "row": row,
            "cases": cases,
            "form": form,
            "rule": result.rule,
            "last": sel.last_attended(member_id=member.pk, today=today),
            "detail_prefix": _detail_prefix(),
        },
    )


urls = [
    path("no-life/", no_life, name="no_life"),
    path("no-life/export/", no_life_export, name="no_life_export"),
    path("no-life/<int:org_id>/handle/<int:member_id>/", no_life_handle, name="no_life_handle"),
]
