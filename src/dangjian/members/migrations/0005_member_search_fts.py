"""The search box through an index on SQLite too: an FTS5 table with the trigram tokenizer.

``member_search`` holds (rowid = member id, search_key). ``search_filter`` looks a query of three
or more characters up in it, together with the few members listed in ``member_search_pending``,
and checks the LIKE on just those rows, so a whole-city search reads the matching members instead
of every member. It needs SQLite ≥ 3.34 (trigram); on an older SQLite nothing is made and
searching stays a scan.

Triggers on ``members_member`` keep it in step for every writer — the ORM, ``queryset.update``,
the executemany of the roster import and of the city generator alike. A write into an FTS5 table
from a trigger costs 30–60 µs a row (FTS5 flushes its buffer at each trigger's savepoint), too
much for an import of 10,000 rows a second; so an inserted or renamed member is only noted in
``member_search_pending`` (a few µs), and each time a thousand are noted a trigger moves them into
the FTS table with one INSERT … SELECT. Searches also read the pending rows, so a member is found
the moment it is written. A deleted member leaves the FTS table at once.

PostgreSQL has its trigram GIN index since 0003 (``member_search_trgm``, pg_trgm); this migration
does nothing there.

Caution for later migrations: on SQLite, Django alters a column by re-making the table (create,
copy, drop, rename), and dropping ``members_member`` drops these triggers. Such a migration must
run ``install_member_search`` again (``RunPython`` importing it from here); the test
``tests/members/test_search_index.py`` fails when the triggers are missing after migrating.
"""

from django.db import migrations

TABLE = "member_search"
PENDING = "member_search_pending"
#: Members noted as pending before they are moved into the FTS table in one statement.
FLUSH_EVERY = 1000
#: The FTS table's terms with the number of members holding each (migration 0007): a query of
#: two characters is looked up through the trigrams it begins.
VOCAB = "member_search_vocab"
#: What the FTS table holds of a member: its search key and a space, so that every two characters
#: of the key begin one of its trigrams — the last two as well (since migration 0007).
INDEXED = "search_key || ' '"

FLUSH = f"""
    DELETE FROM {TABLE} WHERE rowid IN (SELECT member_id FROM {PENDING});
    INSERT INTO {TABLE}(rowid, search_key)
        SELECT id, {INDEXED} FROM members_member WHERE id IN (SELECT member_id FROM {PENDING});
    DELETE FROM {PENDING};
"""

CREATE = [
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(search_key, tokenize='trigram')",
    f"CREATE VIRTUAL TABLE {VOCAB} USING fts5vocab({TABLE}, 'row')",
    f"CREATE TABLE {PENDING} (seq INTEGER PRIMARY KEY, member_id INTEGER NOT NULL)",
    f"""CREATE TRIGGER {TABLE}_ai AFTER INSERT ON members_member BEGIN
        INSERT INTO {PENDING}(member_id) VALUES (new.id);
    END""",
    f"""CREATE TRIGGER {TABLE}_au AFTER UPDATE OF id, search_key ON members_member BEGIN
        INSERT INTO {PENDING}(member_id) VALUES (new.id);
    END""",
    f"""CREATE TRIGGER {TABLE}_ad AFTER DELETE ON members_member BEGIN
        DELETE FROM {TABLE} WHERE rowid = old.id;
    END""",
    f"""CREATE TRIGGER {TABLE}_flush AFTER INSERT ON {PENDING}
    WHEN new.seq >= {FLUSH_EVERY} BEGIN {FLUSH} END""",
]
DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_ai",
    f"DROP TRIGGER IF EXISTS {TABLE}_au",
    f"DROP TRIGGER IF EXISTS {TABLE}_ad",
    f"DROP TRIGGER IF EXISTS {TABLE}_flush",
    f"DROP TABLE IF EXISTS {PENDING}",
    f"DROP TABLE IF EXISTS {VOCAB}",
    f"DROP TABLE IF EXISTS {TABLE}",
]


def trigram_available() -> bool:
    import sqlite3

    return sqlite3.sqlite_version_info >= (3, 34, 0)


def install_member_search(apps, schema_editor):
    """(Re)make the table and its triggers and fill it from the members (idempotent)."""
    conn = schema_editor.connection
    if conn.vendor != "sqlite" or not trigram_available():
        return
    with conn.cursor() as cur:
        for sql in DROP:
            cur.execute(sql)
        for sql in CREATE:
            cur.execute(sql)
        cur.execute(
            f"INSERT INTO {TABLE}(rowid, search_key) SELECT id, {INDEXED} FROM members_member"
        )


def remove_member_search(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cur:
        for sql in DROP:
            cur.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_member_employer_unit"),
    ]

    operations = [
        migrations.RunPython(install_member_search, remove_member_search, elidable=False),
    ]
