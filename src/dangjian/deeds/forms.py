"""The one form for a deed: what, when, where, for whom, who took part and for how long."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import StyledForm, date_field
from dangjian.members.fields import MemberMultipleChoiceField


class DeedForm(StyledForm):
    date = date_field(_("日期"))
    title = forms.CharField(label=_("做了什么"), max_length=300)
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    household = forms.ModelChoiceField(
        label=_("服务对象（户）"),
        queryset=None,
        required=False,
        empty_label=_("（全社区 / 不针对某一户）"),
    )
    beneficiaries = forms.IntegerField(
        label=_("服务人数"), min_value=0, max_value=100000, required=False
    )
    hours = forms.CharField(
        label=_("每人时长（小时）"),
        required=False,
        help_text=_("不计时长的可以不填。"),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    members = MemberMultipleChoiceField(
        label=_("参加的党员（打勾）"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    units = forms.ModelMultipleChoiceField(
        label=_("参加的驻区单位"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    team = forms.ModelChoiceField(
        label=_("服务队"), queryset=None, required=False, empty_label=_("（不是服务队的服务）")
    )

    def __init__(
        self, *args: Any, households: Any, members: Any, units: Any, teams: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households
        self.fields["members"].queryset = members
        self.fields["units"].queryset = units
        self.fields["team"].queryset = teams
        if members is None:
            del self.fields["members"]
            del self.fields["units"]
            del self.fields["team"]
            del self.fields["hours"]


class DeedEditForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    date = date_field(_("日期"))
    title = forms.CharField(label=_("做了什么"), max_length=300)
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    household = forms.ModelChoiceField(
        label=_("服务对象（户）"), queryset=None, required=False, empty_label=_("（全社区）")
    )
    beneficiaries = forms.IntegerField(
        label=_("服务人数"), min_value=0, max_value=100000, required=False
    )

    def __init__(self, *args: Any, households: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households
