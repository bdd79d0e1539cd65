"""The audit trail as a person reads it: field names in Chinese (the model field's
``verbose_name``), linked records by their name, choice values by their label, yes/no for
booleans.

:func:`readable` takes a batch of entries (a page, or a chunk of an export) and resolves every
linked record of the batch with one query per linked model — never one per row. A linked record
is named only when the reader may see it (the model's ``visible_to`` where it has one); otherwise,
or when it no longer exists, it is shown by its number.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from .models import AuditEntry

EMPTY = "—"

#: Keys of ``changes`` that are not model fields (exports, events) and their Chinese names.
KEY_LABELS = {
    "rows": "行数",
    "start": "起始日期",
    "end": "截止日期",
    "year": "年度",
    "filters": "筛选条件",
    "org": "组织",
    "on": "日期",
    "export": "导出",
    "places": "区域",
    "withdrawn_reason": "撤回原因",
    "withdrawn_at": "撤回时间",
    "what": "事项",
    "today": "当天",
    "skipped": "跳过",
    "since": "起始",
    "round": "轮次",
    "revoked": "已撤销",
    "purpose": "用途",
    "photos": "照片",
    "password": "密码",
    "members": "党员",
    "locked": "已锁定",
    "leaders": "领导",
    "item": "事项",
    "id_numbers_revealed": "显示身份证号",
    "figures": "数字",
    "event": "事项",
    "date": "日期",
    "created": "新增",
    "reason": "原因",
    "q": "搜索",
    "actor": "操作人",
    "action": "操作",
    "ct": "记录类别",
}


@dataclass
class Change:
    label: str
    before: str = ""
    after: str = ""
    text: str = ""  # a value that is not a before/after pair

    @property
    def is_pair(self) -> bool:
        return not self.text


@dataclass
class Readable:
    entry: AuditEntry
    kind: str = ""
    field: str = ""
    changes: list[Change] = dataclasses.field(default_factory=list)

    @property
    def changes_text(self) -> str:
        return "；".join(
            f"{c.label}：{c.before} → {c.after}" if c.is_pair else f"{c.label}：{c.text}"
            for c in self.changes
        )


def model_of(content_type_id: int | None) -> type[models.Model] | None:
    if not content_type_id:
        return None
    try:
        return ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        return None


def kind_of(content_type_id: int | None) -> str:
    model = model_of(content_type_id)
    return str(model._meta.verbose_name) if model is not None else ""


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None or not name:
        return None
    try:
        f = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return f if isinstance(f, models.Field) else None


def field_label(model: type[models.Model] | None, name: str) -> str:
    """A changed field's Chinese name; a key that is no field keeps a known label or itself."""
    f = _field(model, name)
    if f is not None:
        return str(f.verbose_name)
    return KEY_LABELS.get(name, name)


def field_column(entry: AuditEntry, model: type[models.Model] | None) -> str:
    """The ``field`` column: a model field by its name, an ``app.model`` by the model's name."""
    name = entry.field
    if not name:
        return ""
    f = _field(model, name)
    if f is not None:
        return str(f.verbose_name)
    if "." in name:
        app_label, _dot, model_name = name.partition(".")
        try:
            other = apps.get_model(app_label, model_name)
        except (LookupError, ValueError):
            other = None
        if other is not None:
            return str(other._meta.verbose_name)
    return name


def _is_link(f: models.Field | None) -> bool:
    return f is not None and f.is_relation and (f.many_to_one or f.one_to_one)


def _plain(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(_plain(v) for v in value) or EMPTY
    if isinstance(value, dict):
        return "；".join(f"{KEY_LABELS.get(str(k), k)}：{_plain(v)}" for k, v in value.items())
    return str(value)


class _Names:
    """Names of linked records, looked up once per model for a whole batch."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        self.names: dict[tuple[type[models.Model], str], str] = {}

    def want(self, f: models.Field, value: Any) -> None:
        if value not in (None, "", "***"):
            self.wanted[f.related_model].add(value)

    def resolve(self) -> None:
        for model, ids in self.wanted.items():
            qs = model._default_manager.all()
            if hasattr(qs, "visible_to"):
                qs = qs.visible_to(self.user)
            pks = []
            for v in ids:
                try:
                    pks.append(model._meta.pk.to_python(v))
                except Exception:  # a value that is no key of the model: shown as it is
                    continue
            for obj in qs.filter(pk__in=pks):
                self.names[(model, str(obj.pk))] = str(obj)
        self.wanted.clear()

    def name(self, f: models.Field, value: Any) -> str:
        if value is None or value == "":
            return EMPTY
        found = self.names.get((f.related_model, str(value)))
        return found if found is not None else f"编号 {value}"


def _value(f: models.Field | None, value: Any, names: _Names) -> str:
    if f is None or value == "***" or (isinstance(value, str) and value.startswith("***")):
        return _plain(value)
    if _is_link(f):
        return names.name(f, value)
    if f.choices and value is not None:
        labels = {str(k): str(v) for k, v in f.flatchoices}
        return labels.get(str(value), _plain(value))
    return _plain(value)


def readable(entries: Iterable[AuditEntry], *, user: Any) -> list[Readable]:
    """The entries with their changes in words; linked names in one query per linked model."""
    entries = list(entries)
    names = _Names(user)
    for e in entries:
        model = model_of(e.content_type_id)
        if model is None or not isinstance(e.changes, dict):
            continue
        for key, v in e.changes.items():
            f = _field(model, key)
            if not _is_link(f):
                continue
            if isinstance(v, dict) and ("before" in v or "after" in v):
                names.want(f, v.get("before"))
                names.want(f, v.get("after"))
            else:
                names.want(f, v)
    names.resolve()
    out = []
    for e in entries:
        model = model_of(e.content_type_id)
        changes = []
        items = e.changes.items() if isinstance(e.changes, dict) else ()
        for key, v in items:
            f = _field(model, key)
            label = field_label(model, key)
            if isinstance(v, dict) and ("before" in v or "after" in v):
                changes.append(
                    Change(
                        label,
                        before=_value(f, v.get("before"), names),
                        after=_value(f, v.get("after"), names),
                    )
                )
            else:
                changes.append(Change(label, text=_value(f, v, names)))
        out.append(
            Readable(
                entry=e,
                kind=str(model._meta.verbose_name) if model is not None else "",
                field=field_column(e, model),
                changes=changes,
            )
        )
    return out
