"""Audit records are append-only (等保 2.0 安全审计: protected against deletion, modification
and overwriting): the model refuses on every database, and on PostgreSQL the database refuses
raw SQL too — except setting the actor to NULL when a user is deleted."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction

from dangjian.core import audit
from dangjian.core.models import AuditEntry, AuditTampering


def _entry(actor=None) -> AuditEntry:
    return audit.record(
        action=AuditEntry.Action.EVENT, obj=None, acting_user=actor, object_repr="测试"
    )


def test_the_model_adds_but_never_changes_or_deletes(db):
    e = _entry()
    e.object_repr = "改过"
    with pytest.raises(AuditTampering, match="只能新增"):
        e.save()
    with pytest.raises(AuditTampering):
        e.delete()
    with pytest.raises(AuditTampering):
        AuditEntry.objects.filter(pk=e.pk).update(object_repr="改过")
    with pytest.raises(AuditTampering):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=e.pk).object_repr == "测试"


@pytest.mark.django_db
def test_postgresql_refuses_raw_sql_that_changes_or_deletes_a_record():
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's (SQLite is the demo database)")
    e = _entry()
    for sql in (
        "UPDATE core_auditentry SET object_repr = '改过' WHERE id = %s",
        "UPDATE core_auditentry SET changes = '{\"x\": 1}' WHERE id = %s",
        "DELETE FROM core_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="只能新增"), transaction.atomic():
            with connection.cursor() as cur:
                cur.execute(sql, [e.pk])
    assert AuditEntry.objects.get(pk=e.pk).object_repr == "测试"


@pytest.mark.django_db
def test_deleting_a_user_keeps_their_records_with_no_actor():
    user = get_user_model().objects.create_user("临时用户", password="x-Pass-2026")
    e = _entry(actor=user)
    user.delete()
    kept = AuditEntry.objects.get(pk=e.pk)
    assert kept.actor_id is None and kept.object_repr == "测试"
