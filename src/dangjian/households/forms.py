"""Forms of the 困难家庭台帐: register a difficulty, end one, pair a member, record help, filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import StyledForm, date_field
from dangjian.members.fields import MemberMultipleChoiceField

from .models import Kind


class DifficultyForm(StyledForm):
    household = forms.ModelChoiceField(label=_("住户"), queryset=None, empty_label=_("（请选择）"))
    kind = forms.ChoiceField(label=_("困难类别"), choices=[("", _("（请选择）")), *Kind.choices])
    since = date_field(_("起始日期"))
    note = forms.CharField(
        label=_("情况说明（简短）"),
        max_length=200,
        required=False,
        help_text=_("只写帮扶需要知道的，如“腿脚不便，需上门”。不要写身份证号、病历等。"),
    )

    def __init__(self, *args: Any, households: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if households is None:
            del self.fields["household"]
        else:
            self.fields["household"].queryset = households
            self.fields["household"].label_from_instance = lambda p: p.address or p.name


class EndForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    until = date_field(_("结束日期"))


class PairForm(StyledForm):
    checkin = forms.ModelChoiceField(
        label=_("结对的在职党员（已在本社区报到）"), queryset=None, empty_label=_("（请选择）")
    )
    since = date_field(_("结对日期"))

    def __init__(self, *args: Any, checkins: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["checkin"].queryset = checkins
        self.fields["checkin"].label_from_instance = lambda c: c.member.name


class HelpForm(StyledForm):
    date = date_field(_("日期"))
    title = forms.CharField(label=_("帮扶了什么"), max_length=300)
    members = MemberMultipleChoiceField(
        label=_("参加帮扶的党员（打勾）"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一名参加帮扶的党员。")},
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members
        self.fields["members"].label_from_instance = lambda m: m.name


class PairingEndForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    on = date_field(_("结束日期"))
