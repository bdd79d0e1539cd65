from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码不正确。注意：连续输错 5 次将暂时锁定 15 分钟。"),
        "inactive": _("该账号已停用，请联系管理员。"),
    }


class OtpForm(forms.Form):
    token = forms.CharField(
        label=_("6 位动态口令"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
        error_messages={"min_length": _("请输入 6 位数字。"), "required": _("请输入动态口令。")},
    )
