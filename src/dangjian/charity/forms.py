"""Forms of the charity shop: a new item, goods in (who gave what), goods out (to which
household, by whom). Quantities and values are typed as text and checked by the services, so
the page and the API give the same messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import StyledForm, date_field
from dangjian.members.fields import MemberChoiceField

from .models import DonorKind

NUMERIC = {"inputmode": "numeric", "autocomplete": "off"}


def _household_label(p: Any) -> str:
    """楼栋 + 单元 + 室 (the household's parents are selected with it)."""
    parts = [p.name]
    up = p.parent
    for _i in range(2):
        if up is None:
            break
        parts.insert(0, up.name)
        up = up.parent
    return " ".join(parts)


class ItemForm(StyledForm):
    name = forms.CharField(label=_("物品名称"), max_length=60)
    unit = forms.CharField(label=_("计量单位"), max_length=8, initial="件")


class GoodsInForm(StyledForm):
    item = forms.ModelChoiceField(label=_("物品"), queryset=None, empty_label=None)
    quantity = forms.CharField(label=_("数量"), widget=forms.TextInput(attrs=NUMERIC))
    date = date_field(_("日期"))
    donor_kind = forms.ChoiceField(
        label=_("捐赠方"), choices=DonorKind.choices, widget=forms.RadioSelect
    )
    donor_unit = forms.ModelChoiceField(
        label=_("捐赠单位"), queryset=None, required=False, empty_label=_("（选择驻区单位）")
    )
    donor_member = MemberChoiceField(
        label=_("捐赠党员"), queryset=None, required=False, empty_label=_("（选择党员）")
    )
    donor_name = forms.CharField(
        label=_("捐赠居民（称呼）"), max_length=30, required=False, help_text=_("如：王阿姨。")
    )
    value = forms.CharField(
        label=_("价值（元）"),
        required=False,
        help_text=_("不知道可以不填。"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, items: Any, units: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = lambda i: f"{i.name}（现有 {i.stock} {i.unit}）"
        self.fields["donor_unit"].queryset = units
        self.fields["donor_member"].queryset = members


class GoodsOutForm(StyledForm):
    item = forms.ModelChoiceField(label=_("物品"), queryset=None, empty_label=None)
    quantity = forms.CharField(label=_("数量"), widget=forms.TextInput(attrs=NUMERIC))
    household = forms.ModelChoiceField(
        label=_("受助户"),
        queryset=None,
        empty_label=_("（选择住户）"),
        error_messages={
            "invalid_choice": _("受助户须是本社区登记的住户。"),
            "required": _("请选择受助户。"),
        },
    )
    date = date_field(_("日期"))
    handed_by_member = MemberChoiceField(
        label=_("发放志愿者（党员）"),
        queryset=None,
        required=False,
        empty_label=_("（我本人发放）"),
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(
        self, *args: Any, items: Any, households: Any, members: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = lambda i: f"{i.name}（现有 {i.stock} {i.unit}）"
        self.fields["household"].queryset = households
        self.fields["household"].label_from_instance = _household_label
        self.fields["handed_by_member"].queryset = members


class VoidForm(StyledForm):
    reason = forms.CharField(label=_("冲销原因"), max_length=200)
