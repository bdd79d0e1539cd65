"""Writes on accounts: profiles, the second factor, API tokens, role grants, passwords.

Every write is keyword-only, atomic and audited. Accounts are not organisation data, so their
audit rows carry no scope path (only a superuser reads them, and each user reads their own
actions); grants do carry the organisation's path, so the secretaries above see who was given
access to what.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.access import forget_scope
from dangjian.core.models import AuditEntry
from dangjian.orgs.models import Organisation

from .models import ApiToken, Grant, Profile
from .selectors import admin_reaches


def profile_for(user: Any) -> Profile:
    """The user's profile, made on first use (accounts created by ``createsuperuser`` or by
    other apps have none until something needs it)."""
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def profile_set_require_2fa(*, user: Any, required: bool, acting_user: Any) -> Profile:
    """Require (or stop requiring) a TOTP code at login for ``user``."""
    profile = profile_for(user)
    if profile.require_2fa != required:
        audit.record(
            action=AuditEntry.Action.UPDATE,
            obj=profile,
            acting_user=acting_user,
            changes={"require_2fa": {"before": profile.require_2fa, "after": required}},
            object_repr=_("%(u)s 的账号设置") % {"u": user.get_username()},
        )
        profile.require_2fa = required
        profile.save(update_fields=["require_2fa"])
    return profile


@transaction.atomic
def token_issue(*, user: Any, name: str, acting_user: Any) -> tuple[ApiToken, str]:
    """A new API token for ``user``; returns the row and the key, which is shown only once."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请填写令牌用途，例如“区组织部统计系统”。")})
    if not user.is_active:
        raise ValidationError(_("该账号已停用，不能签发令牌。"))
    token, key = ApiToken.issue(user=user, name=name)
    audit.record_create(token, acting_user=acting_user)
    return token, key


@transaction.atomic
def token_revoke(*, token: ApiToken, acting_user: Any) -> ApiToken:
    """Revoke a token at once; requests with it are refused (401) from now on."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if not token.revoked:
        token.revoked = True
        token.save(update_fields=["revoked"])
        audit.record(
            action=AuditEntry.Action.UPDATE,
            obj=token,
            acting_user=acting_user,
            changes={"revoked": {"before": False, "after": True}},
        )
    return token


def _forget(user: Any) -> None:
    """Drop what this request cached about the user's reach (it has just changed)."""
    forget_scope(user)
    if hasattr(user, "_dangjian_admin_paths"):
        del user._dangjian_admin_paths


def _check_admin_reaches(acting_user: Any, org: Organisation) -> None:
    if not admin_reaches(user=acting_user, org_path=org.path):
        raise ValidationError({"org": _("只能在您管理的组织及其下级组织中授权。")})


@transaction.atomic
def grant_add(*, user: Any, org: Organisation, role: str, acting_user: Any) -> Grant:
    """Give ``user`` a role on ``org`` (and so on its whole subtree)."""
    _check_admin_reaches(acting_user, org)
    if role not in Grant.Role.values:
        raise ValidationError({"role": _("请选择角色。")})
    if not org.is_active:
        raise ValidationError({"org": _("该组织已撤销，不能授权。")})
    if Grant.objects.filter(user=user, org=org, role=role).exists():
        raise ValidationError(
            _("%(u)s 已经是%(org)s的%(role)s。")
            % {"u": user.get_username(), "org": org.name, "role": Grant.Role(role).label}
        )
    grant = Grant.objects.create(user=user, org=org, role=role)
    audit.record_create(grant, acting_user=acting_user)
    _forget(user)
    return grant


@transaction.atomic
def grant_revoke(*, grant: Grant, acting_user: Any) -> None:
    """Take a role away. Nobody revokes their own grants: that is for the level above."""
    _check_admin_reaches(acting_user, grant.org)
    if grant.user_id == acting_user.pk:
        raise ValidationError(_("不能撤销自己的授权，请联系上级管理员。"))
    audit.record_delete(grant, acting_user=acting_user)
    grant.delete()
    _forget(grant.user)
    _revoke_tokens_after_role_change(grant.user, acting_user=acting_user)


def _revoke_tokens_after_role_change(user: Any, *, acting_user: Any) -> None:
    """A token was issued for the roles its user held then; taking a role away ends every live
    token of the user (each revocation audited), and the user issues new ones if still needed."""
    for token in ApiToken.objects.filter(user=user, revoked=False):
        token_revoke(token=token, acting_user=acting_user)


@transaction.atomic
def password_changed(*, user: Any, acting_user: Any, ip: str | None = None) -> None:
    """Record a password change (the hash itself never goes into the audit)."""
    audit.record(
        action=AuditEntry.Action.UPDATE,
        obj=user,
        acting_user=acting_user,
        field="password",
        changes={"password": {"before": "***", "after": "***(已修改)"}},
        object_repr=user.get_username(),
        ip=ip,
    )


def login_failed(*, username: str, locked: bool, ip: str | None) -> AuditEntry:
    """A failed login: against an existing account it is filed under that account, so the
    account's audit shows attempts to guess its password; the actor is unknown."""
    target = get_user_model().objects.filter(username=username).first() if username else None
    return audit.record(
        action=AuditEntry.Action.LOGIN_FAILED,
        obj=target,
        acting_user=None,
        object_repr=username[:150],
        changes={"locked": True} if locked else {},
        ip=ip,
        scope_path="",
    )


def logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A user logged out (Django's ``user_logged_out`` signal): audited like the login."""
    if user is None:
        return
    audit.record(
        action=AuditEntry.Action.LOGOUT,
        obj=None,
        acting_user=user,
        object_repr=user.get_username(),
        ip=request.META.get("REMOTE_ADDR") if request is not None else None,
    )
