"""Search keys folded like a query: lower case, half width, no spaces ("Anna李" → "anna李 li l").

The name part of ``search_key`` kept the name's case, so on PostgreSQL (whose LIKE tells upper
from lower case) "anna" did not find "Anna李"; SQLite's LIKE ignores ASCII case and found it.
This recomputes every key with :func:`dangjian.core.search.search_key` and writes only the keys
that change (Han names do not), a thousand members at a time. On SQLite the triggers of 0005
note each rewritten member for the FTS table, so the search index follows.
"""

from django.db import migrations

BATCH = 1000


def recompute_search_keys(apps, schema_editor):
    from dangjian.core.search import search_key

    Member = apps.get_model("members", "Member")
    members = Member.objects.using(schema_editor.connection.alias)
    last = 0
    while rows := list(
        members.filter(pk__gt=last).order_by("pk").values_list("pk", "name", "search_key")[:BATCH]
    ):
        last = rows[-1][0]
        changed = [
            Member(pk=pk, search_key=new)
            for pk, name, old in rows
            if (new := search_key(name)) != old
        ]
        if changed:
            members.bulk_update(changed, ["search_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_member_search_fts"),
    ]

    operations = [
        migrations.RunPython(recompute_search_keys, migrations.RunPython.noop, elidable=True),
    ]
