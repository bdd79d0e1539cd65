"""Log in, log out, and the second factor (TOTP)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangjian.core import audit
from dangjian.core.models import AuditEntry

from .forms import LoginForm, OtpForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(
            action=AuditEntry.Action.LOGIN,
            obj=None,
            acting_user=self.request.user,
            object_repr=self.request.user.get_username(),
            ip=self.request.META.get("REMOTE_ADDR"),
        )
        return response


def _safe_next(request: HttpRequest) -> str:
    nxt = request.GET.get("next") or request.POST.get("next") or "/"
    return nxt if url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}) else "/"


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    devices = list(TOTPDevice.objects.devices_for_user(request.user, confirmed=True))
    if not devices:
        return redirect(f"/accounts/otp/setup/?next={_safe_next(request)}")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices:
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(_safe_next(request))
        form.add_error(
            "token", _("动态口令不正确或已过期，请重新输入手机验证器上当前显示的 6 位数字。")
        )
    return render(request, "accounts/otp.html", {"form": form, "next": _safe_next(request)})


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Pair an authenticator app: show the key as a QR code (rendered locally), confirm one code."""
    import segno

    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name=_("手机验证器"), confirmed=False)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save()
            otp_login(request, device)
            messages.success(request, _("动态口令已启用。以后登录时需要输入验证器上的 6 位数字。"))
            return redirect(_safe_next(request))
        form.add_error("token", _("动态口令不正确，请确认手机时间准确后重试。"))
    qr_svg = segno.make(device.config_url).svg_inline(scale=4)
    return render(
        request,
        "accounts/otp_setup.html",
        {"form": form, "qr_svg": qr_svg, "secret": device.config_url, "next": _safe_next(request)},
    )
