"""Accounts: roles granted on a subtree of the organisation tree, API tokens, second factor."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ScopedQuerySet


class GrantQuerySet(ScopedQuerySet):
    scope_path = "org__path"


class Grant(models.Model):
    """A role on an organisation: it reaches that organisation and everything below it.

    A street secretary holds ``secretary`` on the street's committee, a community secretary on the
    community's, a branch secretary on the branch. ``viewer`` reads without changing (inspectors,
    the organisation department). Plain members need no grant: their account is linked to their
    member record and reaches only that.
    """

    class Role(models.TextChoices):
        ADMIN = "admin", _("管理员")
        SECRETARY = "secretary", _("书记/党务工作者")
        VIEWER = "viewer", _("查看（督查）")

    CHANGING_ROLES = {"admin", "secretary"}

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants"
    )
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("党组织"),
        on_delete=models.CASCADE,
        related_name="grants",
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("授权")
        verbose_name_plural = _("授权")
        constraints = [models.UniqueConstraint(fields=["user", "org", "role"], name="grant_once")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_role_display()} @ {self.org}"

    def audit_scope_path(self) -> str:
        return self.org.path


class Profile(models.Model):
    """Per-user settings that Django's user model lacks."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    require_2fa = models.BooleanField(
        _("必须使用动态口令"),
        default=False,
        help_text=_("开启后，登录时除密码外还须输入手机验证器上的 6 位动态口令。"),
    )

    class Meta:
        verbose_name = _("用户设置")

    def __str__(self) -> str:
        return self.display_name or str(self.user)


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its hash is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途"), max_length=50)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user, name: str) -> tuple[ApiToken, str]:
        key = "dj_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=key[3:11], key_hash=cls.hash(key))
        return token, key
