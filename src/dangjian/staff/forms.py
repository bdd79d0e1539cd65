"""Forms of the staff roster."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import StyledForm, date_field
from dangjian.members.fields import MemberChoiceField
from dangjian.members.models import Member

from .models import Staff


class MemberChoice(MemberChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return f"{obj.name}（{obj.org.name}）"


class StaffForm(StyledForm):
    member = MemberChoice(
        label=_("本社区党员（是党员的请选择，姓名随档案）"), queryset=None, required=False
    )
    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    kind = forms.ChoiceField(label=_("编制类型"), choices=Staff.Kind.choices)
    sub_post = forms.ChoiceField(
        label=_("公益性岗位类别"),
        choices=[("", _("（不分）")), *Staff.SubPost.choices],
        required=False,
        help_text=_("只有公益性岗位才选：计生、社保或治安信息员。"),
    )
    post = forms.CharField(label=_("岗位"), max_length=50, required=False)
    started_on = date_field(_("到岗日期"), required=False)
    is_seconded = forms.BooleanField(label=_("下派干部"), required=False)
    seconded_from = forms.CharField(label=_("派出单位"), max_length=100, required=False)
    seconded_until = date_field(_("下派期满日期"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("member") and not (data.get("name") or "").strip():
            self.add_error("name", _("请填写姓名，或选择本社区的党员。"))
        return data


class LeaveForm(StyledForm):
    left_on = date_field(_("离岗日期"))
    version = forms.IntegerField(widget=forms.HiddenInput)
