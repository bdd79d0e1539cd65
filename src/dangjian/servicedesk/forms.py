"""Forms of the service desk: receive a request (staff), the public request form, a step."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import StyledForm

from .models import Channel


class RequestForm(StyledForm):
    channel = forms.ChoiceField(label=_("受理渠道"), choices=Channel.choices)
    category = forms.ChoiceField(label=_("服务类别"))
    resident_name = forms.CharField(label=_("居民姓名"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    household = forms.ModelChoiceField(label=_("住户"), queryset=None, required=False)
    content = forms.CharField(label=_("诉求内容"), widget=forms.Textarea(attrs={"rows": 3}))
    received_on = forms.DateField(
        label=_("受理日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    deadline = forms.DateField(
        label=_("办理时限"),
        required=False,
        help_text=_("不填则按规则表的类别时限自动计算。"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    is_errand = forms.BooleanField(label=_("全程代办（代居民到部门办理）"), required=False)

    def __init__(
        self, *args: Any, households: Any, categories: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, categories)
        self.fields["household"].queryset = households
        self.fields["household"].error_messages["invalid_choice"] = _("住户须是本社区登记的住户。")


class PublicRequestForm(StyledForm):
    category = forms.ChoiceField(label=_("需要什么帮助"))
    resident_name = forms.CharField(label=_("您的称呼"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=20)
    content = forms.CharField(label=_("具体情况"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, categories)


def _offer(form: forms.Form, categories: list[tuple[str, str]]) -> None:
    """The community's own categories (from the rules table, see ``.categories``)."""
    field = form.fields["category"]
    field.choices = [("", _("请选择")), *categories]
    field.error_messages["invalid_choice"] = _("请从本社区提供的服务类别中选择。")
