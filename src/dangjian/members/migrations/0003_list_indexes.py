"""Indexes for the member list at city scale (100,000+ members).

On PostgreSQL the search box (``search_key LIKE '%zhang%'``) also gets a trigram GIN index, so a
search does not read every row. The ``(state, status)`` index goes: it led the SQLite planner
(which has no statistics unless someone runs ANALYZE) to read all members through it. pg_trgm is a trusted extension (PostgreSQL 13+): the database
owner may create it. Where that is refused the index is skipped and searching still works, by a
scan. SQLite has no such index; the covering ``(state, search_key)`` index keeps its scan narrow.
"""

import logging

from django.db import migrations, models, transaction

log = logging.getLogger(__name__)


def add_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(
                "CREATE INDEX IF NOT EXISTS member_search_trgm ON members_member "
                "USING gin (search_key gin_trgm_ops)"
            )
    except Exception as exc:  # no privilege or no contrib package: search works without it
        log.warning("pg_trgm index for member search not created: %s", exc)


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS member_search_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_initial"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="member",
            name="members_mem_state_e4075c_idx",
        ),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(fields=["state", "search_key"], name="member_state_search"),
        ),
        migrations.RunPython(add_trigram_index, drop_trigram_index, elidable=False),
    ]
