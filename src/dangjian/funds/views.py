"""Pages of the funds books: the income-and-spending ledger of an organisation (period filter,
balances, running balance per row), recording an entry, one entry with its vouchers, voiding
with confirmation, the ledger's settings, the year's funds against the rules, and the exports
收支台帐 (with opening and closing balance rows)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.cobuild.models import Activity
from dangjian.core import audit
from dangjian.core.access import CHANGE, get_visible_or_404, scope_for, subtree_q
from dangjian.core.files import private_file
from dangjian.core.forms import add_service_errors, org_options, parse_date
from dangjian.core.models import AuditEntry
from dangjian.core.xlsx import write_table
from dangjian.deeds.models import Deed
from dangjian.meetings.models import Meeting
from dangjian.orgs.models import Organisation

from . import selectors, services
from .forms import EntryForm, LedgerSettingsForm, VoidForm, VoucherForm
from .models import LEDGER_KINDS, Category, Entry, Voucher

PAGE_SIZE = 50
#: how far back the "what it paid for" pickers reach
LINK_DAYS = 400


def period_of(request: HttpRequest) -> tuple[dt.date, dt.date]:
    """The period asked for (start/end), else the year asked for, else this year."""
    raw_year = request.GET.get("year", "")
    year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else None
    year = year or timezone.localdate().year
    start = parse_date(request.GET.get("start")) or dt.date(year, 1, 1)
    end = parse_date(request.GET.get("end")) or dt.date(year, 12, 31)
    if end < start:
        start, end = end, start
    return start, end


def staff_only(request: HttpRequest) -> None:
    if not scope_for(request.user).is_staff_role:
        raise Http404


def org_of(
    request: HttpRequest, *, kinds: Any = LEDGER_KINDS, action: str = "view"
) -> Organisation | None:
    """The organisation a page is about: the one asked for (``org``; out of scope → 404), else
    the first the user is responsible for."""
    staff_only(request)
    qs = Organisation.objects.filter(kind__in=list(kinds))
    raw = request.GET.get("org", "")
    if raw:
        return get_visible_or_404(qs, request.user, action, pk=raw if raw.isdigit() else 0)
    scoped = qs.changeable_by(request.user) if action == CHANGE else qs.visible_to(request.user)
    return scoped.filter(is_active=True).order_by("path").first()


def can_change(request: HttpRequest, org: Organisation) -> bool:
    return scope_for(request.user).reaches_path(org.path, CHANGE)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """收支台帐 of one organisation over a period, with its balances."""
    if not scope_for(request.user).is_staff_role:
        if request.GET.get("org"):
            raise Http404
        return render(request, "funds/home.html", {"org": None})
    org = org_of(request)
    if org is None:
        return render(request, "funds/home.html", {"org": None})
    start, end = period_of(request)
    ledger = selectors.ledger_of(org)
    summary = selectors.period(ledger=ledger, start=start, end=end)
    page = Paginator(
        selectors.entries(user=request.user, org=org, start=start, end=end), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    for e in page:
        e.balance = selectors.money(summary.opening + (e.running or 0))
    return render(
        request,
        "funds/home.html",
        {
            "org": org,
            "ledger": ledger,
            "summary": summary,
            "page": page,
            "start": start,
            "end": end,
            "can_change": can_change(request, org),
            "org_options": org_options(request.user, org.pk),
        },
    )


def _picker_querysets(org: Organisation) -> dict[str, Any]:
    """The same choices as querysets a form can validate against (no slicing)."""
    since = timezone.localdate() - dt.timedelta(days=LINK_DAYS)
    community = org.community() or org
    base = community.path
    return {
        "categories": Category.objects.filter(is_active=True),
        "meetings": Meeting.objects.filter(
            subtree_q("org__path", base), date__gte=since, cancelled=False
        ).order_by("-date", "-pk"),
        "activities": Activity.objects.filter(
            subtree_q("deed__community__path", base), deed__date__gte=since
        )
        .select_related("deed")
        .order_by("-deed__date", "-pk"),
        "deeds": Deed.objects.filter(subtree_q("community__path", base), date__gte=since).order_by(
            "-date", "-pk"
        ),
    }


@login_required
def entry_create(request: HttpRequest) -> HttpResponse:
    """记一笔: income or spending, with its vouchers and what it paid for."""
    org = org_of(request, action=CHANGE)
    if org is None:
        raise Http404
    form = EntryForm(
        request.POST or None,
        request.FILES or None,
        initial={"date": timezone.localdate(), "direction": request.GET.get("direction", "out")},
        **_picker_querysets(org),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            entry = services.entry_record(
                acting_user=request.user,
                org=org,
                direction=d["direction"],
                date=d["date"],
                category=d["category"],
                amount=d["amount"],
                summary=d["summary"],
                party=d.get("party", ""),
                voucher_no=d.get("voucher_no", ""),
                purpose=d.get("purpose", ""),
                meeting=d.get("meeting"),
                activity=d.get("activity"),
                deed=d.get("deed"),
                vouchers=d.get("vouchers") or [],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已登记：%(d)s %(k)s %(a)s 元。")
                % {"d": entry.date, "k": entry.get_direction_display(), "a": entry.amount},
            )
            return redirect(f"{reverse('funds:home')}?org={org.pk}&year={entry.date.year}")
    return render(request, "funds/entry_form.html", {"form": form, "org": org})


def _entry(request: HttpRequest, pk: int, action: str = "view") -> Entry:
    staff_only(request)
    qs = Entry.objects.select_related(
        "ledger__org", "category", "recorded_by", "voided_by", "meeting", "deed", "activity__deed"
    )
    return get_visible_or_404(qs, request.user, action, pk=pk)


@login_required
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    changeable = can_change(request, entry.ledger.org)
    return render(
        request,
        "funds/entry.html",
        {
            "e": entry,
            "vouchers": list(entry.vouchers.all()),
            "can_change": changeable,
            "voucher_form": VoucherForm() if changeable else None,
        },
    )


@login_required
def entry_void(request: HttpRequest, pk: int) -> HttpResponse:
    """Void an entry: a confirmation page with the reason, then the void itself."""
    entry = _entry(request, pk, CHANGE)
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_void(
                acting_user=request.user, entry=entry, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, ValidationError):
                add_service_errors(form, exc)
            else:
                raise Http404 from None
        else:
            messages.success(request, _("已作废，这笔不再计入余额，记录保留可查。"))
            return redirect("funds:entry", pk=entry.pk)
    return render(request, "funds/void.html", {"e": entry, "form": form})


@login_required
@require_POST
def voucher_add(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk, CHANGE)
    form = VoucherForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.voucher_attach(
                acting_user=request.user, entry=entry, upload=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("凭证已上传。"))
    else:
        messages.error(request, _("请选择凭证文件。"))
    return redirect("funds:entry", pk=entry.pk)


@login_required
def voucher(request: HttpRequest, pk: int) -> FileResponse:
    staff_only(request)
    row = get_visible_or_404(Voucher.objects.all(), request.user, pk=pk)
    return private_file(row.file, filename=row.name)


@login_required
def ledger_settings(request: HttpRequest) -> HttpResponse:
    """期初余额 and whether overdrafts are refused."""
    org = org_of(request, action=CHANGE)
    if org is None:
        raise Http404
    ledger = selectors.ledger_of(org)
    initial = {
        "opening_balance": ledger.opening_balance if ledger else "0",
        "forbid_overdraft": ledger.forbid_overdraft if ledger else False,
        "version": ledger.version if ledger else 1,
    }
    form = LedgerSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.ledger_settings(
                acting_user=request.user,
                org=org,
                opening_balance=d["opening_balance"],
                forbid_overdraft=d["forbid_overdraft"],
                expected_version=d["version"] if ledger else None,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("台帐设置已保存。"))
            return redirect(f"{reverse('funds:home')}?org={org.pk}")
    return render(
        request,
        "funds/settings.html",
        {"form": form, "org": org, "has_entries": bool(ledger and ledger.entries.exists())},
    )


@login_required
def export(request: HttpRequest) -> FileResponse:
    """收支台帐 (.xlsx) of one organisation over a period: an opening-balance row, every entry
    with its running balance (voided ones shown, not counted), a closing-balance row."""
    org = org_of(request)
    if org is None:
        raise Http404
    start, end = period_of(request)
    ledger = selectors.ledger_of(org)
    summary = selectors.period(ledger=ledger, start=start, end=end)
    qs = selectors.entries(user=request.user, org=org, start=start, end=end)

    def rows() -> Any:
        yield [start, "", _("期初余额"), "", "", "", None, None, float(summary.opening), "", ""]
        for e in qs.iterator(chunk_size=500):
            voided = e.voided_at is not None
            amount = float(e.amount)
            yield [
                e.date,
                e.voucher_no,
                e.summary + (_("（已作废：%(r)s）") % {"r": e.void_reason} if voided else ""),
                e.category.name,
                e.get_purpose_display() if e.purpose else "",
                e.party,
                amount if e.direction == "in" else None,
                amount if e.direction == "out" else None,
                float(selectors.money(summary.opening + (e.running or 0))),
                _paid_for(e),
                e.recorded_by.get_username() if e.recorded_by_id else "",
            ]
        yield [
            end,
            "",
            _("本期合计 / 期末余额"),
            "",
            "",
            "",
            float(summary.income),
            float(summary.spending),
            float(summary.closing),
            "",
            "",
        ]

    fh, count = write_table(
        sheet=_("收支台帐"),
        title=_("%(o)s 收支台帐（%(s)s 至 %(e)s）")
        % {"o": org.name, "s": start.isoformat(), "e": end.isoformat()},
        columns=[
            (_("日期"), 12),
            (_("凭证号"), 10),
            (_("摘要"), 32),
            (_("科目"), 12),
            (_("拨款用途"), 18),
            (_("付款方 / 收款方"), 18),
            (_("收入（元）"), 12),
            (_("支出（元）"), 12),
            (_("余额（元）"), 14),
            (_("用于"), 28),
            (_("经办人"), 12),
        ],
        rows=rows(),
    )
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        field="funds.entry",
        changes={"rows": count, "start": start.isoformat(), "end": end.isoformat()},
        scope_path=org.path,
    )
    return FileResponse(fh, as_attachment=True, filename=f"{_('收支台帐')}-{start}-{end}.xlsx")


def _paid_for(e: Entry) -> str:
    if e.meeting_id:
        return _("会议：%(m)s") % {"m": e.meeting}
    if e.activity_id:
        return _("共建活动：%(d)s %(t)s") % {"d": e.activity.deed.date, "t": e.activity.deed.title}
    if e.deed_id:
        return _("实事：%(d)s") % {"d": e.deed}
    return ""


@login_required
def fund_rules(request: HttpRequest) -> HttpResponse:
    """The year's office-and-activity funds of every community, and the streets' special funds,
    against their rules — shortfalls per community, rolled up per street/town and in total."""
    staff_only(request)
    raw = request.GET.get("org", "")
    orgs = Organisation.objects.all()
    if raw:
        org = get_visible_or_404(orgs, request.user, pk=raw if raw.isdigit() else 0)
    else:
        org = orgs.visible_to(request.user).filter(is_active=True).order_by("path").first()
        if org is None:
            raise Http404
    raw_year = request.GET.get("year", "")
    year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else None
    year = year or timezone.localdate().year
    report = selectors.fund_vs_rule(user=request.user, org=org, year=year)
    return render(
        request,
        "funds/rules.html",
        {
            "org": org,
            "year": year,
            "report": report,
            "org_options": org_options(request.user, org.pk),
        },
    )
