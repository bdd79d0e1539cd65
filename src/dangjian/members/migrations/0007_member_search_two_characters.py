"""Two-character searches through the FTS table on SQLite ("王伟", "zs").

The trigram tokenizer cannot look up fewer than three characters, so a two-character query read
every member's key. Now the FTS table holds each key with a space after it (every two
characters of a key then begin one of its trigrams, the last two as well), and a vocabulary
table (fts5vocab) lists its trigrams with the number of members holding each: a two-character
query asks for the members holding any trigram it begins, found by a range of the vocabulary,
and the LIKE checks just those (``members.selectors.search_filter``).

This re-makes the FTS table, its vocabulary and its triggers, and fills it again from the
members (at 1,000,000 members about half a minute on SQLite). PostgreSQL's trigram GIN index
needs nothing: this does nothing there.
"""

import importlib

from django.db import migrations


def reinstall(apps, schema_editor):
    fts = importlib.import_module("dangjian.members.migrations.0005_member_search_fts")
    fts.install_member_search(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_search_key_lower_case"),
    ]

    operations = [
        migrations.RunPython(reinstall, reinstall, elidable=False),
    ]
