"""Search keys folded like a query: lower case, half width, no spaces (as members 0006).

The name part of ``search_key`` kept the name's case, so on PostgreSQL "anna" did not find a
candidate "Anna李". This recomputes every key and writes only those that change.
"""

from django.db import migrations

BATCH = 1000


def recompute_search_keys(apps, schema_editor):
    from dangjian.core.search import search_key

    Candidate = apps.get_model("development", "Candidate")
    candidates = Candidate.objects.using(schema_editor.connection.alias)
    last = 0
    while rows := list(
        candidates.filter(pk__gt=last)
        .order_by("pk")
        .values_list("pk", "name", "search_key")[:BATCH]
    ):
        last = rows[-1][0]
        changed = [
            Candidate(pk=pk, search_key=new)
            for pk, name, old in rows
            if (new := search_key(name)) != old
        ]
        if changed:
            candidates.bulk_update(changed, ["search_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("development", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(recompute_search_keys, migrations.RunPython.noop, elidable=True),
    ]
