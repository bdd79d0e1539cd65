"""Putting many members on the register at once (a roster import): the same rows as
``member_register`` writes one by one — the member, their categories, the REGISTERED event that
opens their timeline and an audit entry — made into rows a chunk at a time (on a thread of its
own while the chunk before is written: ``core.bulk.built_ahead``) and written in bulk. The caller has validated every row and
holds the transaction; nothing here checks again."""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import islice
from typing import Any, NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from dangjian.core import audit
from dangjian.core.bulk import Batch, CreatedAudit, Table, write
from dangjian.core.models import AuditEntry
from dangjian.core.services import user_or_none

from .models import EventKind, Member, MemberCategory, MemberEvent


def _created(values: dict[str, Any]) -> dict[str, Any]:
    """The audit changes of a new member — what ``audit.diff({}, audit.snapshot(member))`` gives
    (tested equal), built directly: at a hundred thousand rows the generic path dominates."""
    out: dict[str, Any] = {}
    for name in sorted(values):
        value = values[name]
        if value is None or name in audit.SKIP_FIELDS:
            continue
        if name in audit.SECRET_FIELDS:
            out[name] = {"before": "***", "after": "***(已修改)"}
        else:
            out[name] = {"before": None, "after": audit.plain(value)}
    return out


def reserve_ids(n: int) -> range | list[int]:
    """The ids of ``n`` new members, drawn before they are written, so their categories, events
    and audit entries are made with them and nothing is read back after the INSERTs. Safe beside
    other writers on both databases:

    - PostgreSQL: from the table's sequence, in one query;
    - SQLite: past the table's AUTOINCREMENT counter (``sqlite_sequence``), which is moved on in
      the same statements — writing it takes the database's write lock, held to the end of the
      transaction, so no other connection gets these ids; and an id once used (by a member since
      deleted, whose audit entries still name it) is never handed out again, as AUTOINCREMENT
      promises. SQLite keeps the counter as it is when the rows come with these ids."""
    if n <= 0:
        return []
    table = Member._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, n],
            )
            ids = [r[0] for r in cursor.fetchall()]
            # one after another as a rule (nothing drew from the sequence meanwhile): then a
            # range, not a hundred thousand numbers held while the members are written
            low, high = min(ids), max(ids)
            return range(low, high + 1) if high - low + 1 == n else ids
        quoted = connection.ops.quote_name(table)
        cursor.execute(
            "INSERT INTO sqlite_sequence (name, seq) SELECT %s, 0 "
            "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = %s)",
            [table, table],
        )
        cursor.execute(
            "UPDATE sqlite_sequence SET seq = max(seq, "
            f"(SELECT coalesce(max(id), 0) FROM {quoted})) + %s WHERE name = %s",
            [n, table],
        )
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        (last,) = cursor.fetchone()
    return range(last - n + 1, last + 1)


class Made(NamedTuple):
    ids: list[int]
    batch: Batch


class BulkRegister:
    """Validated members made into rows chunk by chunk (``make``, which needs no database, so it
    can run on a thread of its own: ``core.bulk.built_ahead``) and written (``core.bulk.write``,
    on the thread holding the transaction). Whatever the rows need from the database — the new
    ids, the content type — is read when it is created. ``count``: how many members will be made
    in all."""

    def __init__(self, *, acting_user: Any, count: int, note: str = "") -> None:
        user = user_or_none(acting_user)
        self.user_id = user.pk if user is not None else None
        self.note = note
        self.now = now = timezone.now()
        self.reserved = reserve_ids(count)
        self.ids = iter(self.reserved)
        self.used = 0
        self.members = Table(Member, now)  # every row names its id (reserved above)
        self.cats = Table(MemberCategory, now, with_pk=False)
        self.events = Table(MemberEvent, now, with_pk=False)
        self.entries = Table(AuditEntry, now, with_pk=False)
        self.created_json = CreatedAudit(Member)  # what _created gives, as JSON text
        self.content_type_id = ContentType.objects.get_for_model(Member).pk
        # a foreign key is given as the object (``org``) and written as its id (``org_id``)
        self.keys = {f.name: f.attname for f in Member._meta.concrete_fields if f.name != f.attname}

    def make(self, *, members: dict[str, Sequence[Any]], categories: Sequence[list[str]]) -> Made:
        """``members``: the new members' values by field name, a column each (``org`` a column
        of Organisations; the fields not given take the model's defaults). Their ids, and the
        rows of the four tables to write."""
        n = len(categories)
        pks = list(islice(self.ids, n))
        if len(pks) != n:
            raise ValueError("more members than reserved ids")
        self.used += n
        orgs = members["org"]
        each = {name: values for name, values in members.items() if name not in self.keys}
        for name, attname in self.keys.items():
            if name in members:
                each[attname] = [o.pk if o is not None else None for o in members[name]]
        each["id"] = pks
        rows = self.members.by_column(each=each)

        def column(attname: str) -> Sequence[Any]:
            if attname in each:
                return each[attname]
            return [self.members.defaults[attname]] * n

        dumped: dict[tuple[str, ...], str] = {}  # a roster repeats its categories
        cats_json = []
        for cs in categories:
            text = dumped.get(key := tuple(cs))
            if text is None:
                text = dumped[key] = json.dumps(cs)
            cats_json.append(text)
        batch: Batch = [
            (self.members, rows),
            (
                self.cats,
                self.cats.by_column(
                    each={
                        "member_id": [
                            pk for pk, cs in zip(pks, categories, strict=True) for _ in cs
                        ],
                        "category": [c for cs in categories for c in cs],
                    }
                ),
            ),
            (
                self.events,
                self.events.by_column(
                    each={
                        "member_id": pks,
                        "date": column("joined_on"),
                        "org_id": column("org_id"),
                        "status": column("status"),
                        "state": column("state"),
                        "mode": column("mode"),
                        "categories": cats_json,
                    },
                    same={
                        "kind": EventKind.REGISTERED.value,
                        "seq": 1,
                        "note": self.note,
                        "recorded_by_id": self.user_id,
                        "recorded_at": self.now,
                    },
                ),
            ),
            (
                self.entries,
                self.entries.by_column(
                    each={
                        "object_id": [str(pk) for pk in pks],
                        "object_repr": [name[:200] for name in column("name")],
                        "changes": self.created_json.by_column(rows, self.members.names),
                        "scope_path": [o.path for o in orgs],
                    },
                    same={
                        "at": self.now,
                        "actor_id": self.user_id,
                        "action": AuditEntry.Action.CREATE.value,
                        "content_type_id": self.content_type_id,
                        "field": "",
                        "ip": None,
                    },
                ),
            ),
        ]
        # made ready for the database here, not on the thread that writes them
        return Made(pks, [(table, table.ready(rows)) for table, rows in batch])

    def give_back(self) -> None:
        """On SQLite, the reserved ids not made into members (``count`` was more than were
        made: an upper bound) are given back — the AUTOINCREMENT counter is moved back to the
        last one used, under the write lock this transaction holds since it reserved them, so no
        other connection has drawn any since. PostgreSQL's sequence is not moved back (another
        transaction may have drawn from it meanwhile): its unused ids are a gap, as after a
        rolled-back insert. Call it on the thread holding the transaction, after the last
        ``make``."""
        reserved = self.reserved
        if connection.vendor != "sqlite" or not isinstance(reserved, range):
            return
        if self.used >= len(reserved):
            return
        last_used = reserved.start + self.used - 1
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = %s WHERE name = %s AND seq = %s",
                [last_used, Member._meta.db_table, reserved[-1]],
            )


def bulk_register(
    *,
    acting_user: Any,
    members: dict[str, Sequence[Any]],
    categories: Sequence[list[str]],
    note: str = "",
) -> list[int]:
    """Register one chunk of validated members (see ``BulkRegister.make``) on this thread.
    Returns the new members' ids."""
    made = BulkRegister(acting_user=acting_user, count=len(categories), note=note).make(
        members=members, categories=categories
    )
    write(made.batch)
    return made.ids
