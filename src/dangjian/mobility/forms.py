"""Forms of the mobile-member pages (and the API, which feeds them the same way)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.forms import REQUIRED as SHARED_REQUIRED
from dangjian.core.forms import StyledForm, date_field
from dangjian.members.fields import MemberChoiceField

from . import selectors
from .models import Way

REQUIRED = {"required": SHARED_REQUIRED}
CHOICE = {
    "required": gettext_lazy("此项必须选择。"),
    "invalid_choice": gettext_lazy("请从列表中选择。"),
}


class MemberChoice(MemberChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.org.name}）"


def _text(label: str, *, required: bool = False, max_length: int = 100, **kw: Any) -> forms.Field:
    return forms.CharField(
        label=label, required=required, max_length=max_length, error_messages=REQUIRED, **kw
    )


class CardAndContactFields(StyledForm):
    destination = _text(gettext_lazy("外出去向（地点、单位）"), required=True)
    work = _text(gettext_lazy("外出从事工作"))
    phone = _text(gettext_lazy("外出期间联系电话"), max_length=30)
    contact_member = MemberChoiceField(
        label=gettext_lazy("结对联系人（党员）"),
        queryset=None,
        required=False,
        error_messages=CHOICE,
        help_text=gettext_lazy("支部成员、离退休党员等；没有的请在下一栏填写志愿者姓名。"),
    )
    contact_name = _text(gettext_lazy("或：结对联系的志愿者姓名"), max_length=50)
    contact_phone = _text(gettext_lazy("结对联系人电话"), max_length=30)
    card_no = _text(gettext_lazy("流动党员活动证号"), max_length=50)
    card_issued_on = date_field(gettext_lazy("活动证发放日期"), required=False)
    card_valid_until = date_field(gettext_lazy("活动证有效期至"), required=False)
    note = _text(gettext_lazy("备注"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: Any, member: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact_member"].queryset = selectors.contact_choices(user=user, member=member)


class OutboundForm(CardAndContactFields):
    member = MemberChoice(label=gettext_lazy("外出党员"), queryset=None, error_messages=CHOICE)
    left_on = date_field(gettext_lazy("外出日期"))

    field_order = ["member", "left_on", "destination", "work", "phone"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["member"].queryset = selectors.members_to_register(user=user)
        self.order_fields(self.field_order)

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {k: v for k, v in d.items()}


class OutboundEditForm(CardAndContactFields):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class ContactForm(StyledForm):
    date = date_field(gettext_lazy("联系日期"))
    way = forms.ChoiceField(
        label=gettext_lazy("联系方式"), choices=Way.choices, error_messages=CHOICE
    )
    passed_on = _text(
        gettext_lazy("传达精神、通报情况"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    difficulties = _text(
        gettext_lazy("反映的困难"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    feedback = _text(
        gettext_lazy("意见建议"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        d = super().clean()
        if not any((d.get(k) or "").strip() for k in ("passed_on", "difficulties", "feedback")):
            self.add_error("passed_on", _("请至少写一项联系内容。"))
        return d


class ReturnForm(StyledForm):
    returned_on = date_field(gettext_lazy("返回日期"))
    note = _text(gettext_lazy("说明"), max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput)
