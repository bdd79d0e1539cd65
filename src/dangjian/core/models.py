"""Base models and the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .access import ScopedQuerySet


class Versioned(models.Model):
    """A row edited by people: optimistic locking through ``version`` and timestamps.

    Services update with ``WHERE version = <what the user saw>`` so that two secretaries editing
    the same record cannot silently overwrite each other (see ``core.services.audited_update``).
    """

    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class AuditTampering(Exception):
    """An attempt to change or delete an audit record (等保 2.0: audit records are protected
    against deletion, modification and overwriting)."""


APPEND_ONLY = "审计记录只能新增，不能修改或删除。"


class AuditQuerySet(ScopedQuerySet):
    scope_path = "scope_path"

    def update(self, **kwargs):
        raise AuditTampering(APPEND_ONLY)

    def delete(self):
        raise AuditTampering(APPEND_ONLY)


class AuditEntry(models.Model):
    """One change, or one view of a sensitive field: who, when, what, before and after.

    Rows are only ever added. ``scope_path`` is the path of the organisation the object belongs
    to, so a secretary sees the audit of what they manage and nothing else.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        REVEAL = "reveal", _("查看敏感信息")
        READ = "read", _("查阅个人信息")
        EXPORT = "export", _("导出")
        LOGIN = "login", _("登录")
        LOGOUT = "logout", _("退出登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        EVENT = "event", _("记录事项")

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    field = models.CharField(_("字段"), max_length=64, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    scope_path = models.CharField(max_length=255, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditTampering(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTampering(APPEND_ONLY)
