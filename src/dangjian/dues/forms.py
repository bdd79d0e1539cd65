"""Forms of 党费: a payment, a member's dues base, a good reason for months not paid, voiding a
mistaken payment. Errors show beside the field, what was typed stays, and the wording is the
project's (``dangjian.core.forms``); amounts are checked by the services (one message for the
page and the API)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import REQUIRED, TOO_LONG, StyledForm, parse_date

from .models import Kind


class MonthInput(forms.TextInput):
    input_type = "month"


class MonthField(forms.Field):
    """A month typed as 2026-03 (the browser's month picker) or a date in that month."""

    widget = MonthInput
    default_error_messages = {  # noqa: RUF012 - Django's own pattern
        "required": REQUIRED,
        "invalid": _("请按“年-月”填写月份，例如 2026-03。"),
    }

    def to_python(self, value: Any) -> dt.date | None:
        raw = (value or "").strip() if isinstance(value, str) else value
        if raw in (None, ""):
            return None
        if isinstance(raw, dt.date):
            return raw.replace(day=1)
        day = parse_date(raw + "-01") if len(raw) in (6, 7) else parse_date(raw)
        if day is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return day.replace(day=1)

    def prepare_value(self, value: Any) -> Any:
        return f"{value:%Y-%m}" if isinstance(value, dt.date) else value


def _text(label: Any, *, max_length: int, required: bool = True, **kw: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages={"required": REQUIRED, "max_length": TOO_LONG},
        **kw,
    )


class PayForm(StyledForm):
    member = forms.IntegerField(widget=forms.HiddenInput)
    first_month = MonthField(label=_("从哪个月起"))
    months = forms.IntegerField(
        label=_("交几个月"),
        min_value=1,
        max_value=24,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": REQUIRED,
            "invalid": _("请填写月数（1 到 24 的整数）。"),
            "min_value": _("一次可交 1 到 24 个月。"),
            "max_value": _("一次可交 1 到 24 个月。"),
        },
    )
    amount_paid = forms.CharField(
        label=_("实交金额（元）"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("不填则按党费基数和规定比例自动计算；可多交，不可少交。"),
    )
    note = _text(_("备注（补交的请写原因）"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "pay_%s")
        super().__init__(*args, **kwargs)


class BaseForm(StyledForm):
    kind = forms.ChoiceField(
        label=_("交纳类别"),
        choices=Kind.choices,
        error_messages={"required": REQUIRED, "invalid_choice": _("请选择交纳类别。")},
    )
    base = forms.CharField(
        label=_("月收入（元）"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("在职填税后工资，离退休填养老金；学生、下岗失业、低保不填。"),
    )
    from_month = MonthField(label=_("自哪个月起"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "base_%s")
        super().__init__(*args, **kwargs)


class ReasonForm(StyledForm):
    from_month = MonthField(label=_("自"))
    to_month = MonthField(label=_("至"))
    reason = _text(_("理由"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "reason_%s")
        super().__init__(*args, **kwargs)


class VoidForm(StyledForm):
    void_reason = _text(_("作废原因"), max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, payment_pk: int = 0, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"void{payment_pk}_%s")
        super().__init__(*args, **kwargs)
