"""Forms of the funds books. Amounts are typed as text and checked by the services, so a page
and the API give the same messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.cobuild.forms import MultiFileField
from dangjian.core.forms import StyledForm, date_field

from .models import Direction, Purpose

MONEY = {"inputmode": "decimal", "autocomplete": "off"}


class EntryForm(StyledForm):
    direction = forms.ChoiceField(
        label=_("收入还是支出"), choices=Direction.choices, widget=forms.RadioSelect
    )
    date = date_field(_("日期"))
    category = forms.ModelChoiceField(label=_("科目"), queryset=None, empty_label=_("（选择科目）"))
    amount = forms.CharField(
        label=_("金额（元）"),
        widget=forms.TextInput(attrs=MONEY),
        help_text=_("填正数；收入还是支出由上面的选项决定。"),
    )
    summary = forms.CharField(label=_("摘要"), max_length=200, help_text=_("如：三季度办公用品。"))
    party = forms.CharField(label=_("付款方 / 收款方"), max_length=100, required=False)
    voucher_no = forms.CharField(label=_("凭证号"), max_length=30, required=False)
    purpose = forms.ChoiceField(
        label=_("拨款用途（上级拨款时选）"),
        choices=[("", "——")] + list(Purpose.choices),
        required=False,
        help_text=_("“社区办公和活动经费”“街道党建工作专项经费”计入年度经费达标。"),
    )
    meeting = forms.ModelChoiceField(
        label=_("用于哪次会议（可不选）"), queryset=None, required=False
    )
    activity = forms.ModelChoiceField(
        label=_("用于哪项共建活动（可不选）"), queryset=None, required=False
    )
    deed = forms.ModelChoiceField(label=_("用于哪件实事（可不选）"), queryset=None, required=False)
    vouchers = MultiFileField(label=_("凭证照片或扫描件（可多选）"), required=False)

    def __init__(
        self,
        *args: Any,
        categories: Any,
        meetings: Any,
        activities: Any,
        deeds: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.fields["category"].label_from_instance = lambda c: (
            f"{c.get_direction_display()}：{c.name}"
        )
        self.fields["meeting"].queryset = meetings
        self.fields["activity"].queryset = activities
        self.fields["activity"].label_from_instance = lambda a: f"{a.deed.date} {a.deed.title}"
        self.fields["deed"].queryset = deeds


class VoidForm(StyledForm):
    reason = forms.CharField(
        label=_("作废原因"), max_length=200, help_text=_("如：金额录错，已重新登记。")
    )


class VoucherForm(StyledForm):
    file = forms.FileField(label=_("凭证文件"))


class LedgerSettingsForm(StyledForm):
    opening_balance = forms.CharField(
        label=_("期初余额（元）"),
        widget=forms.TextInput(attrs=MONEY),
        help_text=_("开始在平台记账时账上的钱；已有收支记录后不能再改。"),
    )
    forbid_overdraft = forms.BooleanField(label=_("不允许超支（支出不能超过余额）"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class AssetForm(StyledForm):
    name = forms.CharField(label=_("资产名称"), max_length=100)
    code = forms.CharField(label=_("资产编号"), max_length=30, required=False)
    spec = forms.CharField(label=_("规格型号"), max_length=100, required=False)
    quantity = forms.CharField(label=_("数量"), initial="1", widget=forms.TextInput(attrs=MONEY))
    value = forms.CharField(label=_("原值（元，本行合计）"), widget=forms.TextInput(attrs=MONEY))
    acquired_on = date_field(_("购置日期"))
    venue = forms.CharField(label=_("存放地点"), max_length=100, required=False)
    custodian = forms.CharField(label=_("保管人"), max_length=30, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class DisposeForm(StyledForm):
    disposed_on = date_field(_("处置日期"))
    reason = forms.CharField(
        label=_("处置原因"), max_length=200, help_text=_("如：报废、调拨、丢失。")
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
