"""Pages: members who lost contact (失联党员, rule ``member.lost_contact``) — the list with the
platform's proposals, recording a loss, the regained contact, and the branch's decisions. For
those holding a grant on the organisation; everybody else gets a 404."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.access import CHANGE, get_visible_or_404, scope_for, subtree_q
from dangjian.core.forms import add_service_errors
from dangjian.members.labels import member_choices
from dangjian.members.models import Member, State

from .. import services_lost
from ..forms_rules import DecideForm, FoundForm, LostForm
from ..models_lost import LostContact
from ..selectors import lost as sel
from ..selectors.nolife import default_org, org_or_404


def _today() -> dt.date:
    return timezone.localdate()


def _back(org_id: int) -> str:
    return f"{reverse('meetings:lost')}?org={org_id}"


@login_required
@require_GET
def lost(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("org", "")
    org = org_or_404(user=request.user, pk=raw) if raw else default_org(request.user)
    if org is None:
        raise Http404
    result = sel.lost_list(user=request.user, org=org, today=_today())
    return render(
        request,
        "meetings/lost/list.html",
        {
            "org": org,
            "result": result,
            "rule": result.rule,
            "can_change": scope_for(request.user).reaches_path(org.path, CHANGE),
        },
    )


@login_required
def lost_new(request: HttpRequest, org_id: int) -> HttpResponse:
    org = org_or_404(user=request.user, pk=org_id, action=CHANGE)
    members = list(
        Member.objects.changeable_by(request.user)
        .filter(subtree_q("org__path", org.path), state=State.ACTIVE)
        .exclude(lost_contacts__in=LostContact.objects.open())
        .order_by("org__path", "name", "pk")
        .values("pk", "name", "org__name", "birth_date", "id_masked")
    )
    # a name that is not unique gets its hint (birth year, then the ID's last digits)
    choices = member_choices(members, lambda m: f"{m['name']}（{m['org__name']}）")
    initial = {"lost_on": _today()}
    if request.GET.get("member", "").isdigit():
        initial["member"] = int(request.GET["member"])
    form = LostForm(request.POST or None, members=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        member = Member.objects.select_related("org").get(pk=form.cleaned_data["member"])
        try:
            services_lost.lost_contact_record(
                member=member,
                lost_on=form.cleaned_data["lost_on"],
                note=form.cleaned_data["note"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记 %(n)s 失去联系。") % {"n": member.name})
            return redirect(_back(org.pk))
    return render(
        request,
        "meetings/lost/form.html",
        {"org": org, "form": form, "title": _("登记失联党员"), "rule": sel.rules.get(sel.RULE)},
    )


def _case(request: HttpRequest, pk: int) -> LostContact:
    case = get_visible_or_404(
        LostContact.objects.select_related("member", "org"), request.user, CHANGE, pk=pk
    )
    if not scope_for(request.user).reaches_path(case.org.path, CHANGE):
        raise Http404
    return case


@login_required
def lost_found(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = FoundForm(request.POST or None, initial={"found_on": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            services_lost.lost_contact_found(
                case=case,
                found_on=form.cleaned_data["found_on"],
                note=form.cleaned_data["note"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记 %(n)s 恢复联系。") % {"n": case.member.name})
            return redirect(_back(case.org_id))
    return render(
        request,
        "meetings/lost/form.html",
        {
            "org": case.org,
            "case": case,
            "form": form,
            "title": _("登记恢复联系：%(n)s") % {"n": case.member.name},
            "rule": sel.rules.get(sel.RULE),
        },
    )


@login_required
def lost_decide(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    today = _today()
    row = sel.row_for(
        case, today=today, decisions=list(case.decisions.order_by("decided_on", "id"))
    )
    kinds = row.allowed
    if not kinds:
        messages.error(request, _("目前没有需要作出的决定。"))
        return redirect(_back(case.org_id))
    form = DecideForm(request.POST or None, kinds=kinds, initial={"decided_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            services_lost.lost_contact_decide(
                case=case, acting_user=request.user, today=today, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已记录对 %(n)s 的决定。") % {"n": case.member.name})
            return redirect(_back(case.org_id))
    return render(
        request,
        "meetings/lost/form.html",
        {
            "org": case.org,
            "case": case,
            "row": row,
            "form": form,
            "title": _("登记决定：%(n)s") % {"n": case.member.name},
            "rule": sel.rules.get(sel.RULE),
            "confirm": _(
                "决定将记入 %(n)s 的党员档案（停止党籍、除名或恢复党籍），记录后不能撤销。确定保存吗？"
            )
            % {"n": case.member.name},
        },
    )


urls = [
    path("lost/", lost, name="lost"),
    path("lost/<int:org_id>/new/", lost_new, name="lost_new"),
    path("lost/case/<int:pk>/found/", lost_found, name="lost_found"),
    path("lost/case/<int:pk>/decide/", lost_decide, name="lost_decide"),
]
