"""Audit records are append-only in the database itself (PostgreSQL, the production database):
a trigger refuses DELETE and any UPDATE except the one Django makes when a user or content type
is removed (the reference set to NULL). The models refuse both too, on every database; SQLite
(the demo) has no trigger because Django's test flush empties tables with DELETE there."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION '审计记录只能新增，不能修改或删除。' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF (NEW.id, NEW.at, NEW.action, NEW.object_id, NEW.object_repr, NEW.field, NEW.changes::text,
      NEW.scope_path, NEW.ip)
     IS DISTINCT FROM
     (OLD.id, OLD.at, OLD.action, OLD.object_id, OLD.object_repr, OLD.field, OLD.changes::text,
      OLD.scope_path, OLD.ip)
     OR (NEW.actor_id IS NOT NULL AND NEW.actor_id IS DISTINCT FROM OLD.actor_id)
     OR (NEW.content_type_id IS NOT NULL AND NEW.content_type_id IS DISTINCT FROM OLD.content_type_id)
  THEN
    RAISE EXCEPTION '审计记录只能新增，不能修改或删除。' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE OR DELETE ON core_auditentry
  FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS core_auditentry_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
