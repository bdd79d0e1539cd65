"""Forms of the accounts pages: plain Chinese messages, what the user typed is kept."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.forms import REQUIRED, SharedMessages
from dangjian.orgs.models import Organisation

from .models import Grant


def lockout_minutes() -> int:
    """django-axes' cool-off (hours in settings) in whole minutes, for messages."""
    return round(float(settings.AXES_COOLOFF_TIME) * 60)


class LoginForm(SharedMessages, auth_forms.AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The numbers come from the throttling settings, so the warning never disagrees with them.
        self.error_messages = {
            "invalid_login": _(
                "用户名或密码不正确。注意：连续输错 %(limit)d 次将暂时锁定 %(minutes)d 分钟。"
            )
            % {"limit": settings.AXES_FAILURE_LIMIT, "minutes": lockout_minutes()},
            "inactive": _("该账号已停用，请联系管理员。"),
        }


class OtpForm(SharedMessages, forms.Form):
    token = forms.CharField(
        label=gettext_lazy("6 位动态口令"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
        error_messages={"required": gettext_lazy("请输入动态口令。")},
    )

    def clean_token(self) -> str:
        # Authenticator apps often show the code as "123 456"; accept it as typed.
        token = re.sub(r"\s+", "", self.cleaned_data["token"])
        if not re.fullmatch(r"\d{6}", token):
            raise forms.ValidationError(_("请输入 6 位数字。"))
        return token


class PasswordChangeForm(SharedMessages, auth_forms.PasswordChangeForm):
    """Django's form with our wording; the strength checks are Django's validators (translated)."""

    error_messages = {
        "password_incorrect": gettext_lazy("原密码不正确，请重新输入。"),
        "password_mismatch": gettext_lazy("两次输入的新密码不一致，请重新输入。"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("原密码")
        self.fields["new_password1"].label = _("新密码")
        self.fields["new_password1"].help_text = _(
            "至少 8 个字符，不要使用太常见的密码（如 12345678）。"
        )
        self.fields["new_password2"].label = _("再次输入新密码")
        for f in self.fields.values():
            f.error_messages["required"] = REQUIRED


class TokenForm(SharedMessages, forms.Form):
    name = forms.CharField(
        label=gettext_lazy("用途"),
        max_length=50,
        help_text=gettext_lazy("写明给哪个系统使用，例如“区组织部统计系统”。"),
        error_messages={"required": gettext_lazy("请填写令牌用途。")},
    )


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        # Indent by depth so the select shows the tree (full-width spaces keep alignment).
        return "\u3000" * max(obj.depth - self.base_depth, 0) + obj.name

    base_depth = 0


class GrantForm(SharedMessages, forms.Form):
    username = forms.CharField(
        label=gettext_lazy("用户名"),
        max_length=150,
        error_messages={"required": gettext_lazy("请填写用户名。")},
    )
    org = OrgChoiceField(
        label=gettext_lazy("党组织"),
        queryset=Organisation.objects.none(),
        error_messages={
            "required": gettext_lazy("请选择党组织。"),
            "invalid_choice": gettext_lazy("只能在您管理的组织及其下级组织中授权。"),
        },
    )
    role = forms.ChoiceField(
        label=gettext_lazy("角色"),
        choices=Grant.Role.choices,
        error_messages={"required": gettext_lazy("请选择角色。")},
    )

    def __init__(self, *args: Any, orgs: Any, base_depth: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["org"]
        field.queryset = orgs.order_by("path")
        field.base_depth = base_depth

    def clean_username(self) -> Any:
        name = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("没有用户名为“%(u)s”的有效账号，请核对后重新输入。") % {"u": name}
            )
        return user
