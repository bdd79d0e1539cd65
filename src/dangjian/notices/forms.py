"""Forms of notices: post or correct one, withdraw it. The form only reads the input; every rule
(who may post where, dates, lengths) is the service's, shown beside the field it names.

The body has no ``maxlength`` in the page: a browser would cut a pasted text silently. A body too
long is refused by the service with the count, and the text stays in the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import StyledForm, date_field
from dangjian.members.models import Category

from .models import Audience


class _OrgChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        depth = getattr(self, "base_depth", obj.depth)
        return "\u3000" * max(obj.depth - depth, 0) + obj.name


def _org_field(label: str, *, required: bool, help_text: str = "") -> _OrgChoice:
    return _OrgChoice(
        label=label,
        queryset=None,
        required=required,
        help_text=help_text,
        empty_label=_("（发布组织全体党员）") if not required else None,
        error_messages={"invalid_choice": _("只能选择您负责的组织及其下属组织。")},
    )


class NoticeForm(StyledForm):
    far_future_fields = ("publish_on",)

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    org = _org_field(_("发布组织"), required=True)
    audience = forms.ChoiceField(
        label=_("发给"),
        choices=Audience.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择发给居民（公开栏）还是发给党员。")},
    )
    to_org = _org_field(
        _("接收组织（党员通知）"),
        required=False,
        help_text=_(
            "发布组织本身或它下属的支部；留空则发给发布组织的全体党员。居民公开的通知请留空。"
        ),
    )
    category = forms.ChoiceField(
        label=_("党员类别（党员通知）"),
        required=False,
        choices=[("", _("（全体党员）"))] + list(Category.choices),
        help_text=_("只发给这一类党员，例如离退休党员；留空则发给全体。"),
    )
    title = forms.CharField(
        label=_("标题"),
        error_messages={"required": _("请填写标题。")},
    )
    body = forms.CharField(
        label=_("正文"),
        widget=forms.Textarea(attrs={"rows": 8}),
        strip=False,
        error_messages={"required": _("请填写正文。")},
        help_text=_("最多 5000 字。不要写身份证号、电话、住址等个人信息。"),
    )
    publish_on = date_field(_("发布日期"))
    withdraw_on = date_field(
        _("撤下日期"),
        required=False,
        help_text=_("这一天起不再显示；留空则一直显示，直到撤下。"),
    )

    def __init__(
        self,
        *args: Any,
        orgs: Any,
        to_orgs: Any,
        base_depth: int = 0,
        edit: bool = False,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["org"].queryset = orgs
        self.fields["org"].base_depth = base_depth
        self.fields["to_org"].queryset = to_orgs
        self.fields["to_org"].base_depth = base_depth
        if edit:
            del self.fields["org"]
            self.fields["version"].required = True


class WithdrawForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    withdraw_on = date_field(_("撤下日期"), required=False)
