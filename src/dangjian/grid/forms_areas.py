"""Forms of the areas' pages: put someone on an area, end a duty."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import StyledForm, date_field
from dangjian.members.fields import MemberChoiceField

from .models import DutyRole


class DutyForm(StyledForm):
    role = forms.ChoiceField(label=_("职责"), choices=DutyRole.choices, initial=DutyRole.CADRE)
    name = forms.CharField(
        label=_("姓名"),
        max_length=50,
        required=False,
        help_text=_("包片干部不填时用其账号的姓名；选了党员时用党员的姓名。"),
    )
    username = forms.CharField(
        label=_("登录账号（用户名）"),
        max_length=150,
        required=False,
        help_text=_("包片干部必填：有了账号，他才能看到并走访本片区的住户。社情联络员可不填。"),
    )
    member = MemberChoiceField(
        label=_("是本社区党员（可选）"),
        queryset=None,
        required=False,
        empty_label=_("（不是/不选）"),
    )
    since = date_field(_("起始日期"))
    until = date_field(_("结束日期（可不填）"), required=False)

    def __init__(self, *args: Any, members: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if members is None:
            del self.fields["member"]
        else:
            self.fields["member"].queryset = members


class EndDutyForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    until = date_field(_("结束日期"))
