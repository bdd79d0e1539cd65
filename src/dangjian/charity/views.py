"""Pages of the charity shop (爱心超市): the shop with its stock, goods in, goods out (a phone
form for the volunteer at the counter), the in/out ledger with filters, one movement with its
correction, and the ledger export (爱心超市台帐)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core import audit
from dangjian.core.access import CHANGE, get_visible_or_404, scope_for, subtree_q
from dangjian.core.forms import add_service_errors, parse_date
from dangjian.core.formviews import bound_form, rerender_on_error
from dangjian.core.models import AuditEntry
from dangjian.core.xlsx import write_table
from dangjian.members.models import Member, State
from dangjian.orgs.models import Organisation, Place, PlaceKind, ResidentUnit
from dangjian.orgs.selectors.communities import community_for

from . import selectors, services
from .forms import GoodsInForm, GoodsOutForm, ItemForm, VoidForm
from .models import Direction, Item, Movement

PAGE_SIZE = 50


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    """The period asked for (start/end), else the year asked for, else this year."""
    raw_year = request.GET.get("year", "")
    year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else None
    year = year or timezone.localdate().year
    start = parse_date(request.GET.get("start")) or dt.date(year, 1, 1)
    end = parse_date(request.GET.get("end")) or dt.date(year, 12, 31)
    return start, end


def _community(request: HttpRequest, action: str = "view") -> Organisation:
    """The community a page is about; for a write, one the user may change (else 404)."""
    if not scope_for(request.user).is_staff_role:
        raise Http404
    community = community_for(user=request.user, raw=request.GET.get("org", ""))
    if community is None:
        raise Http404
    if action == CHANGE and not scope_for(request.user).reaches_path(community.path, CHANGE):
        raise Http404
    return community


def _org(request: HttpRequest) -> Organisation:
    """For the ledger and its export: any organisation the user may see (a street's ledger
    holds its communities' shops), else the user's first community."""
    if not scope_for(request.user).is_staff_role:
        raise Http404
    raw = request.GET.get("org", "")
    if raw:
        return get_visible_or_404(Organisation.objects.all(), request.user, pk=raw)
    community = community_for(user=request.user)
    if community is None:
        raise Http404
    return community


def _can_change(request: HttpRequest, community: Organisation) -> bool:
    return scope_for(request.user).reaches_path(community.path, CHANGE)


def _members(community: Organisation) -> Any:
    return Member.objects.filter(
        subtree_q("org__path", community.path), state=State.ACTIVE
    ).order_by("name")


@login_required
def home(request: HttpRequest, bound: dict | None = None) -> HttpResponse:
    """The shop: every item with its stock, and the way to take goods in and hand them out."""
    if not scope_for(request.user).is_staff_role:
        if request.GET.get("org"):
            raise Http404  # the same answer as for a community that does not exist
        return render(request, "charity/home.html", {"community": None})
    community = community_for(user=request.user, raw=request.GET.get("org", ""))
    if community is None:
        return render(request, "charity/home.html", {"community": None})
    items = selectors.items_visible(user=request.user, community=community)
    can_change = _can_change(request, community)
    return render(
        request,
        "charity/home.html",
        {
            "community": community,
            "items": items,
            "can_change": can_change,
            "item_form": bound_form(bound, "item_form") or (ItemForm() if can_change else None),
            "year": timezone.localdate().year,
        },
    )


@login_required
@require_POST
def item_create(request: HttpRequest) -> HttpResponse:
    community = _community(request, CHANGE)
    form = ItemForm(request.POST)
    if not form.is_valid():  # the page again: its ?org= is the action's own
        return rerender_on_error(home, request, form, name="item_form")
    try:
        item = services.item_create(
            acting_user=request.user,
            community=community,
            name=form.cleaned_data["name"],
            unit=form.cleaned_data["unit"],
        )
    except (ValidationError, PermissionDenied) as exc:
        return rerender_on_error(home, request, form, exc, name="item_form")
    messages.success(request, _("已添加物品“%(n)s”，请登记入库。") % {"n": item.name})
    return redirect(f"{reverse('charity:home')}?org={community.pk}")


def _items(community: Organisation) -> Any:
    return Item.objects.filter(community=community, is_active=True).order_by("name")


@login_required
def goods_in(request: HttpRequest) -> HttpResponse:
    """入库: goods donated by a resident unit, a member or a resident."""
    community = _community(request, CHANGE)
    units = (
        ResidentUnit.objects.filter(
            subtree_q("community__path", community.path)
            | subtree_q("also_in__path", community.path)
        )
        .distinct()
        .order_by("name")
    )
    form = GoodsInForm(
        request.POST or None,
        items=_items(community),
        units=units,
        members=_members(community),
        initial={"date": timezone.localdate(), "item": request.GET.get("item")},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            m = services.goods_in(
                acting_user=request.user,
                item=d["item"],
                quantity=d["quantity"],
                date=d["date"],
                donor_kind=d["donor_kind"],
                donor_unit=d.get("donor_unit"),
                donor_member=d.get("donor_member"),
                donor_name=d.get("donor_name", ""),
                value=d.get("value"),
                note=d.get("note", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已入库：%(i)s %(q)d %(u)s。")
                % {"i": m.item.name, "q": m.quantity, "u": m.item.unit},
            )
            return redirect(f"{reverse('charity:home')}?org={community.pk}")
    return render(
        request,
        "charity/movement_form.html",
        {"form": form, "community": community, "direction": Direction.IN},
    )


@login_required
def goods_out(request: HttpRequest) -> HttpResponse:
    """发放: goods handed to a household of the community (a phone form for the counter)."""
    community = _community(request, CHANGE)
    households = (
        Place.objects.filter(community=community, kind=PlaceKind.HOUSEHOLD)
        .select_related("parent__parent")
        .order_by("path")
    )
    form = GoodsOutForm(
        request.POST or None,
        items=_items(community).filter(stock__gt=0)
        if request.method == "GET"
        else _items(community),
        households=households,
        members=_members(community),
        initial={"date": timezone.localdate(), "item": request.GET.get("item")},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            m = services.goods_out(
                acting_user=request.user,
                item=d["item"],
                quantity=d["quantity"],
                date=d["date"],
                household=d["household"],
                handed_by_member=d.get("handed_by_member"),
                note=d.get("note", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            left = Item.objects.values_list("stock", flat=True).get(pk=m.item_id)
            messages.success(
                request,
                _("已发放：%(i)s %(q)d %(u)s，还剩 %(n)d %(u)s。")
                % {"i": m.item.name, "q": m.quantity, "u": m.item.unit, "n": left},
            )
            return redirect(f"{reverse('charity:home')}?org={community.pk}")
    return render(
        request,
        "charity/movement_form.html",
        {"form": form, "community": community, "direction": Direction.OUT},
    )


def _filtered(request: HttpRequest, community: Organisation) -> tuple[Any, dict[str, Any]]:
    start, end = _period(request)
    raw_item = request.GET.get("item", "")
    item = (
        Item.objects.filter(subtree_q("community__path", community.path), pk=raw_item).first()
        if raw_item.isdigit()
        else None
    )
    direction = request.GET.get("direction", "")
    qs = selectors.movements_visible(
        user=request.user,
        community=community,
        start=start,
        end=end,
        item=item,
        direction=direction,
    )
    return qs, {"start": start, "end": end, "item": item, "direction": direction}


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    """出入库台帐: every movement, by period, item and direction, 50 a page."""
    community = _org(request)
    qs, filters = _filtered(request, community)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "charity/ledger.html",
        {
            "community": community,
            "page": page,
            "items": Item.objects.filter(subtree_q("community__path", community.path))
            .select_related("community")
            .order_by("community__path", "name"),
            "directions": Direction.choices,
            **filters,
        },
    )


def _movement(request: HttpRequest, pk: int, action: str = "view") -> Movement:
    qs = Movement.objects.select_related(
        "item__community",
        "donor_unit",
        "donor_member",
        "household",
        "handed_by_member",
        "recorded_by",
        "voids",
        "voided_by",
    )
    return get_visible_or_404(qs, request.user, action, pk=pk)


@login_required
def movement_detail(request: HttpRequest, pk: int, bound: dict | None = None) -> HttpResponse:
    m = _movement(request, pk)
    can_void = (
        _can_change(request, m.item.community)
        and m.voids_id is None
        and getattr(m, "voided_by", None) is None
    )
    return render(
        request,
        "charity/movement.html",
        {"m": m, "form": bound_form(bound) or (VoidForm() if can_void else None)},
    )


@login_required
@require_POST
def movement_void(request: HttpRequest, pk: int) -> HttpResponse:
    m = _movement(request, pk, CHANGE)
    form = VoidForm(request.POST)
    if not form.is_valid():
        return rerender_on_error(movement_detail, request, form, pk=m.pk)
    try:
        rev = services.movement_void(
            acting_user=request.user, movement=m, reason=form.cleaned_data["reason"]
        )
    except (ValidationError, PermissionDenied) as exc:
        return rerender_on_error(movement_detail, request, form, exc, pk=m.pk)
    messages.success(request, _("已冲销，库存已相应调整。"))
    return redirect("charity:movement", pk=rev.pk)


@login_required
def export(request: HttpRequest) -> FileResponse:
    """爱心超市台帐 (.xlsx): the movements of a community (or a street's communities) in a
    period, as filtered."""
    community = _org(request)
    qs, f = _filtered(request, community)
    start, end = f["start"], f["end"]
    fh, count = write_table(
        sheet=_("爱心超市台帐"),
        title=_("%(c)s 爱心超市台帐（%(s)s 至 %(e)s）")
        % {"c": community.name, "s": start.isoformat(), "e": end.isoformat()},
        columns=[
            (_("日期"), 12),
            (_("社区"), 18),
            (_("物品"), 14),
            (_("出入库"), 10),
            (_("数量"), 8),
            (_("单位"), 6),
            (_("捐赠方"), 10),
            (_("捐赠人 / 单位"), 20),
            (_("价值（元）"), 10),
            (_("受助户"), 16),
            (_("发放人"), 12),
            (_("经办人"), 12),
            (_("备注 / 冲销原因"), 30),
        ],
        rows=(
            [
                m.date,
                m.item.community.name,
                m.item.name,
                (_("冲销") if m.voids_id else "") + m.get_direction_display(),
                m.quantity,
                m.item.unit,
                m.get_donor_kind_display(),
                m.donor_label,
                float(m.value) if m.value is not None else None,
                m.household.name if m.household_id else "",
                m.handed_by_member.name if m.handed_by_member_id else "",
                m.recorded_by.get_username() if m.recorded_by_id else "",
                m.note,
            ]
            for m in qs.iterator(chunk_size=500)
        ),
    )
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        field="charity.movement",
        changes={"rows": count, "start": start.isoformat(), "end": end.isoformat()},
        scope_path=community.path,
    )
    return FileResponse(fh, as_attachment=True, filename=f"{_('爱心超市台帐')}-{start}-{end}.xlsx")


app_name = "charity"
urlpatterns = [
    path("", home, name="home"),
    path("items/new/", item_create, name="item_create"),
    path("in/", goods_in, name="goods_in"),
    path("out/", goods_out, name="goods_out"),
    path("ledger/", ledger, name="ledger"),
    path("movements/<int:pk>/", movement_detail, name="movement"),
    path("movements/<int:pk>/void/", movement_void, name="movement_void"),
    path("export/", export, name="export"),
]
