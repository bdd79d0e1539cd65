"""Forms of the care pages (and the API, which feeds them the same way)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.forms import REQUIRED as SHARED_REQUIRED
from dangjian.core.forms import StyledForm, date_field
from dangjian.members.fields import MemberChoiceField

from . import selectors
from .models import Holiday, VisitKind

REQUIRED = {"required": SHARED_REQUIRED}
CHOICE = {
    "required": gettext_lazy("此项必须选择。"),
    "invalid_choice": gettext_lazy("请从列表中选择。"),
}
MONEY = {
    "required": SHARED_REQUIRED,
    "invalid": gettext_lazy("请填写金额（元），如 500 或 500.00。"),
    "max_decimal_places": gettext_lazy("金额最多到分（两位小数）。"),
    "max_digits": gettext_lazy("金额太大。"),
    "min_value": gettext_lazy("金额不能为负数。"),
}


def _text(label: str, *, required: bool = False, max_length: int = 100, **kw: Any) -> forms.Field:
    return forms.CharField(
        label=label, required=required, max_length=max_length, error_messages=REQUIRED, **kw
    )


def money_field(label: str, *, required: bool = False, **kw: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=11,
        decimal_places=2,
        min_value=Decimal("0"),
        error_messages=MONEY,
        **kw,
    )


class MemberChoice(MemberChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.org.name}）"


class ReasonFields(StyledForm):
    elderly = forms.BooleanField(label=gettext_lazy("年老"), required=False)
    weak = forms.BooleanField(label=gettext_lazy("体弱多病"), required=False)
    hardship = forms.BooleanField(label=gettext_lazy("生活困难"), required=False)
    has_project = forms.BooleanField(
        label=gettext_lazy("有发展项目"),
        required=False,
        help_text=gettext_lazy("互助金按规则向有发展项目的困难党员倾斜。"),
    )
    project = _text(gettext_lazy("发展项目"))
    situation = _text(
        gettext_lazy("基本情况"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    since = date_field(gettext_lazy("列入日期"))

    def clean(self) -> dict[str, Any]:
        d = super().clean()
        if not (d.get("elderly") or d.get("weak") or d.get("hardship")):
            self.add_error("hardship", _("请至少选择一项关爱原因（年老、体弱多病、生活困难）。"))
        return d


class RecipientForm(ReasonFields):
    member = MemberChoice(label=gettext_lazy("党员"), queryset=None, error_messages=CHOICE)
    field_order = ["member"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = selectors.members_to_add(user=user)
        self.order_fields(self.field_order)


class RecipientEditForm(ReasonFields):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class EndForm(StyledForm):
    ended_on = date_field(gettext_lazy("移出日期"))
    reason = _text(
        gettext_lazy("移出原因"), required=True, help_text=gettext_lazy("如：生活好转、去世、转出")
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class VisitFields(StyledForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("类别"), choices=VisitKind.choices, error_messages=CHOICE
    )
    holiday = forms.ChoiceField(
        label=gettext_lazy("节日（节日慰问时选）"),
        choices=[("", "—")] + list(Holiday.choices),
        required=False,
        error_messages=CHOICE,
    )
    date = date_field(gettext_lazy("日期"))
    visitors = _text(
        gettext_lazy("走访人"), required=True, help_text=gettext_lazy("如：社区党委书记 王某某")
    )
    materials = _text(
        gettext_lazy("送学内容"),
        max_length=300,
        help_text=gettext_lazy("送学上门时填写：学习材料、讲解的精神"),
    )
    gift = _text(gettext_lazy("慰问品"))
    money = money_field(gettext_lazy("慰问金（元）"))
    notes = _text(
        gettext_lazy("了解的情况和诉求"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        d = super().clean()
        if d.get("kind") == VisitKind.HOLIDAY and not d.get("holiday"):
            self.add_error("holiday", _("请选择慰问的节日。"))
        if d.get("kind") == VisitKind.STUDY and not (d.get("materials") or "").strip():
            self.add_error("materials", _("请填写送学内容（学习材料、讲解的精神）。"))
        return d


class RecipientsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.member.name}（{obj.member.org.name}）"


class RoundVisitForm(VisitFields):
    """The same holiday visit to several homes (the plan page)."""

    recipients = RecipientsChoice(
        label=gettext_lazy("走访的关爱对象"),
        queryset=None,
        error_messages={
            "required": gettext_lazy("请至少选择一名关爱对象。"),
            "invalid_choice": gettext_lazy("请从列表中选择。"),
            "invalid_pk_value": gettext_lazy("请从列表中选择。"),
        },
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = selectors.current_under(user=user)


class AidRoundForm(StyledForm):
    title = _text(
        gettext_lazy("名称"), required=True, help_text=gettext_lazy("如：2027年春节党员互助金")
    )
    fund = money_field(gettext_lazy("本次分配总额（元）"), required=True)
    recipients = RecipientsChoice(
        label=gettext_lazy("发放对象"),
        queryset=None,
        error_messages={
            "required": gettext_lazy("请至少选择一名困难党员。"),
            "invalid_choice": gettext_lazy("请从列表中选择。"),
            "invalid_pk_value": gettext_lazy("请从列表中选择。"),
        },
        widget=forms.CheckboxSelectMultiple,
    )
    note = _text(gettext_lazy("说明"), max_length=300)

    def __init__(self, *args: Any, user: Any, org: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = selectors.aid_candidates(user=user, org=org)


class GrantForm(StyledForm):
    amount = money_field(gettext_lazy("发放金额（元）"), required=True)
    reason = _text(gettext_lazy("调整理由"), max_length=200)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class PayForm(StyledForm):
    paid_on = date_field(gettext_lazy("发放日期"))
    version = forms.IntegerField(widget=forms.HiddenInput)
