"""Pages of 党费: an organisation's month (who has paid, who owes), recording a payment (several
months at once, amount filled in from the rate), a member's dues page with base, payments and
good reasons, and the monthly and yearly ledgers (.xlsx); a member's own dues."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core import audit
from dangjian.core.access import CHANGE, get_visible_or_404, scope_for
from dangjian.core.forms import add_service_errors, org_options, parse_date
from dangjian.core.models import AuditEntry
from dangjian.core.xlsx import write_table
from dangjian.members.models import Member
from dangjian.orgs.models import Organisation

from . import selectors, services
from .forms import BaseForm, PayForm, ReasonForm, VoidForm
from .models import ArrearsReason, DuesBase, Kind, Payment
from .months import month_of


def _org(request: HttpRequest) -> Organisation:
    raw = request.GET.get("org", "")
    if raw:
        return get_visible_or_404(
            Organisation.objects.all(), request.user, pk=raw if raw.isdigit() else 0
        )
    found = (
        Organisation.objects.visible_to(request.user)
        .filter(is_active=True)
        .order_by("depth", "path")
        .first()
    )
    if found is None or not scope_for(request.user).is_staff_role:
        raise Http404
    return found


def _month(request: HttpRequest) -> dt.date:
    raw = request.GET.get("month", "")
    day = parse_date(raw + "-01") if len(raw) == 7 else None
    return month_of(day or timezone.localdate())


@login_required
def home(request: HttpRequest) -> HttpResponse:
    staff = scope_for(request.user).is_staff_role
    if not staff and not request.GET.get("org"):
        return redirect("dues:mine")
    org = _org(request)  # an organisation the user may not see is a 404
    if not staff:
        raise Http404
    month = _month(request)
    page = Paginator(selectors.members_of(user=request.user, org=org), 50).get_page(
        request.GET.get("page")
    )
    rows = selectors.ledger(user=request.user, org=org, months=[month], members=list(page))
    streaks = selectors.unpaid_streaks([r.member.pk for r in rows], today=timezone.localdate())
    return render(
        request,
        "dues/home.html",
        {
            "org": org,
            "month": month,
            "page": page,
            "rows": [(r, streaks.get(r.member.pk, 0)) for r in rows],
            "summary": selectors.month_summary(user=request.user, org=org, month=month),
            "org_options": org_options(request.user, org.pk),
            "can_change": scope_for(request.user).reaches_path(org.path, CHANGE),
            "kinds": Kind.choices,
            "payments": selectors.payments_visible(user=request.user, org=org)[:20],
        },
    )


def _member_to_change(request: HttpRequest, raw: Any) -> Member:
    raw = str(raw or "")
    return get_visible_or_404(
        Member.objects.select_related("org"), request.user, CHANGE, pk=raw if raw.isdigit() else 0
    )


def _back(request: HttpRequest, member: Member) -> HttpResponse:
    nxt = request.POST.get("next", "")
    return redirect(nxt if nxt.startswith("/dues/") else reverse("dues:member", args=[member.pk]))


def _refused(request: HttpRequest, form: Any) -> None:
    """From the month's list (no fields typed): the refusal as a message, field by field."""
    parts = []
    for name, errs in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        parts += [f"{label}：{e}" if label else e for e in errs]
    messages.error(request, "；".join(parts))


def _service(form: Any, call: Any) -> Any:
    """Run a service on a valid form; its refusal goes onto the form (beside the field)."""
    if not form.is_valid():
        return None
    try:
        return call(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
    return None


class _DryRun(Exception):  # noqa: N818 - not an error: undoes a trial payment
    pass


def _record(request: HttpRequest, member: Member, d: dict[str, Any]) -> services.Recorded:
    return services.payment_record(
        acting_user=request.user,
        member=member,
        first_month=d["first_month"],
        months=d["months"],
        amount_paid=d["amount_paid"] or None,
        note=d["note"],
    )


def _trial(request: HttpRequest, member: Member, form: PayForm) -> Payment | None:
    """The payment as it would be recorded (every check of the service run), written nothing."""
    out = []

    def run(d: dict[str, Any]) -> None:
        with transaction.atomic():
            out.append(_record(request, member, d).payment)
            raise _DryRun

    try:
        _service(form, run)
    except _DryRun:
        pass
    return out[0] if out else None


@login_required
@require_POST
def pay(request: HttpRequest) -> HttpResponse:
    """Record a payment. From the member's page a first post (``preview``) shows the months and
    the amount to confirm; the month's list confirms in the browser (``data-confirm``)."""
    member = _member_to_change(request, request.POST.get("member"))
    form = PayForm(request.POST)
    if request.POST.get("preview"):
        trial = _trial(request, member, form)
        return _member_page(request, member, mine=False, pay_form=form, confirm=trial)
    r = _service(form, lambda d: _record(request, member, d))
    if r is None:
        if request.POST.get("next"):
            _refused(request, form)
            return _back(request, member)
        return _member_page(request, member, mine=False, pay_form=form)
    messages.success(
        request,
        _("已登记 %(m)s 交纳党费 %(a)s 元（%(n)d 个月），收据号 %(r)s。")
        % {
            "m": member.name,
            "a": r.payment.amount_paid,
            "n": r.payment.months,
            "r": r.payment.receipt_no,
        },
    )
    for w in r.warnings:
        messages.warning(request, w)
    return _back(request, member)


@login_required
@require_POST
def base_set(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member_to_change(request, pk)
    form = BaseForm(request.POST)
    done = _service(
        form,
        lambda d: services.base_set(
            acting_user=request.user,
            member=member,
            kind=d["kind"],
            base=d["base"],
            from_month=d["from_month"],
        ),
    )
    if done is None:
        return _member_page(request, member, mine=False, base_form=form)
    messages.success(request, _("已设置党费基数。"))
    return _back(request, member)


@login_required
@require_POST
def reason_add(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member_to_change(request, pk)
    form = ReasonForm(request.POST)
    done = _service(
        form,
        lambda d: services.reason_record(
            acting_user=request.user,
            member=member,
            from_month=d["from_month"],
            to_month=d["to_month"],
            reason=d["reason"],
        ),
    )
    if done is None:
        return _member_page(request, member, mine=False, reason_form=form)
    messages.success(request, _("已记录未交党费的理由。"))
    return _back(request, member)


@login_required
@require_POST
def payment_void(request: HttpRequest, pk: int) -> HttpResponse:
    payment = get_visible_or_404(
        Payment.objects.select_related("member__org"), request.user, CHANGE, pk=pk
    )
    member = payment.member
    form = VoidForm(request.POST, payment_pk=payment.pk)
    done = _service(
        form,
        lambda d: services.payment_void(
            acting_user=request.user,
            payment=payment,
            reason=d["void_reason"],
            expected_version=d["version"],
        ),
    )
    if done is None:
        return _member_page(request, member, mine=False, void_form=form, void_pk=payment.pk)
    messages.success(
        request,
        _("已作废收据 %(r)s（%(a)s 元），这 %(n)d 个月重新计为未交，可重新登记。")
        % {"r": done.receipt_no, "a": done.amount_paid, "n": done.months},
    )
    return redirect("dues:member", member.pk)


def _member_page(
    request: HttpRequest,
    member: Member,
    *,
    mine: bool,
    pay_form: Any = None,
    base_form: Any = None,
    reason_form: Any = None,
    void_form: Any = None,
    void_pk: int = 0,
    confirm: Payment | None = None,
) -> HttpResponse:
    today = timezone.localdate()
    year = today.year
    row = next(
        (
            r
            for r in selectors.ledger(
                user=request.user, org=member.org, months=selectors.year_months(year)
            )
            if r.member.pk == member.pk
        ),
        None,
    )
    this_month = month_of(today)
    payments = list(
        Payment.objects.filter(member=member)
        .select_related("voided_by")
        .order_by("-paid_on", "-pk")
    )
    for p in payments:
        p.void_form = (
            void_form
            if p.pk == void_pk
            else VoidForm(initial={"version": p.version}, payment_pk=p.pk)
        )
    latest = DuesBase.objects.filter(member=member).order_by("-from_month", "-pk").first()
    return render(
        request,
        "dues/member.html",
        {
            "m": member,
            "mine": mine,
            "year": year,
            "months": list(zip(selectors.year_months(year), row.due, row.paid, strict=True))
            if row
            else [],
            "bases": DuesBase.objects.filter(member=member).order_by("-from_month"),
            "payments": payments,
            "reasons": ArrearsReason.objects.filter(member=member),
            "streak": selectors.unpaid_streaks([member.pk], today=today)[member.pk],
            "can_change": not mine
            and scope_for(request.user).reaches_path(member.org.path, CHANGE),
            "pay_form": pay_form
            or PayForm(initial={"member": member.pk, "first_month": this_month, "months": 1}),
            "confirm": confirm,
            "base_form": base_form
            or BaseForm(
                initial={
                    "kind": latest.kind if latest else Kind.RETIRED,
                    "base": latest.base if latest else "",
                    "from_month": this_month,
                }
            ),
            "reason_form": reason_form or ReasonForm(),
            "this_month": this_month,
        },
    )


@login_required
def member_dues(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(Member.objects.select_related("org"), request.user, pk=pk)
    if not scope_for(request.user).is_staff_role:
        raise Http404
    return _member_page(request, member, mine=False)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    member_id = scope_for(request.user).member_id
    if member_id is None:
        raise Http404
    return _member_page(request, Member.objects.select_related("org").get(pk=member_id), mine=True)


@login_required
def ledger_export(request: HttpRequest) -> FileResponse:
    """党费收缴台帐: the year (12 months) or one month, per member, with totals."""
    org = _org(request)
    raw_year = request.GET.get("year", "")
    if raw_year.isdigit():
        months = selectors.year_months(int(raw_year))
        title = _("%(o)s %(y)s 年党费收缴台帐") % {"o": org.name, "y": raw_year}
    else:
        months = [_month(request)]
        title = _("%(o)s %(y)d 年 %(m)d 月党费收缴台帐") % {
            "o": org.name,
            "y": months[0].year,
            "m": months[0].month,
        }
    rows = selectors.ledger(user=request.user, org=org, months=months)
    kinds = dict(Kind.choices)
    columns = [(_("姓名"), 10), (_("所在支部"), 24), (_("交纳类别"), 16), (_("基数（元）"), 10)]
    columns += [(f"{m.month}月", 8) for m in months] + [(_("应交合计"), 10), (_("未交月数"), 8)]

    def lines():  # noqa: ANN202
        for r in rows:
            cells = [
                ("—" if d is None else (f"{d}" if p else f"欠{d}"))
                for d, p in zip(r.due, r.paid, strict=True)
            ]
            yield [
                r.member.name,
                r.member.org.name,
                str(kinds.get(r.kind, "")),
                float(r.base) if r.base is not None else None,
                *cells,
                float(r.due_total),
                r.unpaid,
            ]

    fh, count = write_table(sheet=_("党费收缴台帐"), title=title, columns=columns, rows=lines())
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        field="dues.ledger",
        changes={"rows": count},
        scope_path=org.path,
    )
    return FileResponse(
        fh, as_attachment=True, filename=f"{_('党费收缴台帐')}-{months[0]:%Y%m}.xlsx"
    )


app_name = "dues"
urlpatterns = [
    path("", home, name="home"),
    path("mine/", mine, name="mine"),
    path("pay/", pay, name="pay"),
    path("export/", ledger_export, name="export"),
    path("members/<int:pk>/", member_dues, name="member"),
    path("members/<int:pk>/base/", base_set, name="base_set"),
    path("members/<int:pk>/reasons/", reason_add, name="reason_add"),
    path("payments/<int:pk>/void/", payment_void, name="payment_void"),
]
