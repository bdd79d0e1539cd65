"""Log in and out, the second factor (TOTP), one's own account: password, API tokens; roles."""

from __future__ import annotations

import base64
import math
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp import verify_token as otp_verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangjian.core import audit
from dangjian.core.models import AuditEntry

from . import selectors, services
from .forms import GrantForm, LoginForm, OtpForm, PasswordChangeForm, TokenForm
from .models import Grant

PAGE_SIZE = 50
NEW_TOKEN_SESSION_KEY = "dangjian_new_token"


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


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
            ip=_client_ip(self.request),
        )
        return response

    def form_invalid(self, form):
        # Only real attempts (username and password given) count; an empty field is a typo.
        data = form.data
        if data.get("username") and data.get("password"):
            services.login_failed(
                username=data["username"],
                locked=bool(getattr(self.request, "axes_locked_out", False)),
                ip=_client_ip(self.request),
            )
        return super().form_invalid(form)


def _safe_next(request: HttpRequest) -> str:
    nxt = request.GET.get("next") or request.POST.get("next") or "/"
    ok = url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return nxt if ok else "/"


def _with_next(name: str, nxt: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': nxt})}"


def _wait_message(devices: list[TOTPDevice]) -> str:
    """After wrong codes django-otp makes the device wait (1, 2, 4 … seconds) before it checks
    another; say so, rather than calling a right code wrong."""
    waits = []
    for device in devices:
        allowed, info = device.verify_is_allowed()
        if allowed:
            return ""
        until = (info or {}).get("locked_until")
        if until is not None:
            waits.append(math.ceil((until - timezone.now()).total_seconds()))
    seconds = max(min(waits, default=1), 1)
    return _("输错次数较多，请等 %(s)d 秒后再输入。") % {"s": seconds}


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The second step of logging in: a code from the paired authenticator."""
    devices = list(TOTPDevice.objects.devices_for_user(request.user, confirmed=True))
    if not devices:
        return redirect(_with_next("accounts:otp_setup", _safe_next(request)))
    if request.user.is_verified():
        return redirect(_safe_next(request))
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (wait := _wait_message(devices)):
        form.add_error("token", wait)
    elif request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        # django-otp's verify_token locks the device row and applies its throttling, so codes
        # cannot be guessed quickly either.
        for device in devices:
            verified = otp_verify_token(request.user, device.persistent_id, token)
            if verified is not None:
                otp_login(request, verified)
                return redirect(_safe_next(request))
        form.add_error(
            "token", _("动态口令不正确或已过期，请重新输入手机验证器上当前显示的 6 位数字。")
        )
    return render(request, "accounts/otp.html", {"form": form, "next": _safe_next(request)})


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Pair an authenticator app: show the key as a QR code (rendered locally), confirm one code.

    Someone who already has a paired authenticator and has not yet entered its code must not get
    here — otherwise a stolen password alone could pair a new authenticator and pass.
    """
    import segno

    if user_has_device(request.user, confirmed=True) and not request.user.is_verified():
        return redirect(_with_next("accounts:otp", _safe_next(request)))
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=request.user, name=_("手机验证器"), confirmed=False
            )
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (wait := _wait_message([device])):
        form.add_error("token", wait)
    elif request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit.record(
                action=AuditEntry.Action.CREATE,
                obj=device,
                acting_user=request.user,
                object_repr=_("%(u)s 的手机验证器") % {"u": request.user.get_username()},
                ip=_client_ip(request),
            )
            otp_login(request, device)
            messages.success(request, _("动态口令已启用。以后登录时需要输入验证器上的 6 位数字。"))
            return redirect(_safe_next(request))
        form.add_error("token", _("动态口令不正确，请确认手机时间准确后重试。"))
    qr_svg = segno.make(device.config_url).svg_inline(scale=4)
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr_svg": qr_svg,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _safe_next(request),
        },
    )


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """My account: password, second factor, API tokens, my own audit trail."""
    return render(
        request,
        "accounts/account.html",
        {
            "has_device": user_has_device(request.user, confirmed=True),
            "require_2fa": services.profile_for(request.user).require_2fa,
            "is_role_admin": selectors.is_role_admin(user=request.user),
        },
    )


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            services.password_changed(user=user, acting_user=user, ip=_client_ip(request))
        # Keep this session logged in; every other session of the user ends.
        update_session_auth_hash(request, user)
        messages.success(request, _("密码已修改。下次登录请使用新密码。"))
        return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens; a new one is shown once, right after it is issued."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, key = services.token_issue(
                user=request.user, name=form.cleaned_data["name"], acting_user=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            # Post/redirect/get, the key travelling once through the session: a reload of the
            # page afterwards neither issues a second token nor shows the key again.
            request.session[NEW_TOKEN_SESSION_KEY] = {"id": token.pk, "key": key}
            return redirect("accounts:tokens")
    new = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    page = Paginator(selectors.tokens_of(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "accounts/tokens.html", {"form": form, "page": page, "new": new})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(selectors.tokens_of(user=request.user), pk=pk)
    services.token_revoke(token=token, acting_user=request.user)
    messages.success(
        request, _("令牌“%(n)s”已撤销，使用它的系统将无法再访问。") % {"n": token.name}
    )
    return redirect("accounts:tokens")


def _base_depth(paths: tuple[str, ...] | None) -> int:
    return min((p.count("/") - 1 for p in paths), default=0) if paths else 0


@login_required
def roles(request: HttpRequest) -> HttpResponse:
    """Who holds which role on the organisations an administrator manages; grant a new one."""
    paths = selectors.admin_paths(user=request.user)
    if paths == ():
        raise Http404
    form = GrantForm(
        request.POST or None,
        orgs=selectors.orgs_grantable(user=request.user),
        base_depth=_base_depth(paths),
    )
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.grant_add(
                user=form.cleaned_data["username"],
                org=form.cleaned_data["org"],
                role=form.cleaned_data["role"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已授权：%(g)s。") % {"g": str(grant)})
            return redirect("accounts:roles")
    page = Paginator(selectors.grants_manageable(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # The choices as a list, built by iterating (``list()`` would ask for a COUNT first).
    org_choices = [choice for choice in form.fields["org"].choices]  # noqa: C416
    return render(
        request,
        "accounts/roles.html",
        {"form": form, "page": page, "org_choices": org_choices},
    )


@login_required
@require_POST
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    grant: Grant = get_object_or_404(selectors.grants_manageable(user=request.user), pk=pk)
    try:
        services.grant_revoke(grant=grant, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已撤销：%(g)s。") % {"g": str(grant)})
    return redirect("accounts:roles")
