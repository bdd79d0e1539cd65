"""Putting many members on the register at once (a roster import): the same rows as
``member_register`` writes one by one — the member, their categories, the REGISTERED event that
opens their timeline and an audit entry — written in batches. The caller has validated every
row and holds the transaction; nothing here checks again."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from dangjian.core import audit
from dangjian.core.models import AuditEntry

from .models import EventKind, Member, MemberCategory, MemberEvent

BATCH = 2000


def _columns() -> list[tuple[str, str, Any]]:
    """(name, attname, default) of the member's columns written by an import, in table order."""
    blank = Member()
    return [
        (f.name, f.attname, getattr(blank, f.attname))
        for f in Member._meta.concrete_fields
        if not f.primary_key and f.name not in ("created_at", "updated_at")
    ]


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


def _insert(model: Any, names: list[str], rows: Iterable[tuple]) -> None:
    """Plain INSERTs in batches (executemany; COPY on PostgreSQL), for rows already validated: a
    tenth of the cost of ``bulk_create``'s per-value preparation at roster sizes. Columns by the
    model's own names. ``rows`` may be a generator: on PostgreSQL they are made while the
    server inserts the ones before."""
    columns = [model._meta.get_field(n).column for n in names]
    qn = connection.ops.quote_name
    if connection.vendor == "postgresql":
        from psycopg.copy import QueuedLibpqWriter

        # COPY: one stream instead of a round trip per row (four times faster at 100,000)
        copy_sql = "COPY {} ({}) FROM STDIN".format(
            qn(model._meta.db_table), ", ".join(qn(c) for c in columns)
        )
        with connection.cursor() as cursor:
            raw = cursor.cursor
            # a writer thread sends while Python prepares the next rows and the server inserts
            writer = QueuedLibpqWriter(raw)
            with raw.copy(copy_sql, writer=writer) as copy:
                for row in rows:
                    copy.write_row(row)
        return
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        qn(model._meta.db_table),
        ", ".join(qn(c) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    rows = iter(rows)
    with connection.cursor() as cursor:
        while batch := list(islice(rows, BATCH)):
            cursor.executemany(sql, batch)


def bulk_register(
    *,
    acting_user: Any,
    members: Sequence[dict[str, Any]],
    categories: Sequence[list[str]],
    note: str = "",
) -> list[int]:
    """``members``: each new member's field values by field name (``org`` an Organisation; the
    other fields take the model's defaults), already validated. Returns the new members' ids."""
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    user_id = user.pk if user is not None else None
    now = timezone.now()
    columns = _columns()
    values: list[dict[str, Any]] = []
    for given in members:
        org = given["org"]
        row = {name: given.get(name, default) for name, _a, default in columns}
        row["org"] = org.pk
        values.append(row)
    names = [*(name for name, _a, _d in columns), "created_at", "updated_at"]
    if connection.vendor == "postgresql":
        # the ids drawn from the table's sequence in one query, written with the rows
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [Member._meta.db_table, len(values)],
            )
            pks = [r[0] for r in cursor.fetchall()]
        _insert(
            Member,
            ["id", *names],
            [(pk, *row.values(), now, now) for pk, row in zip(pks, values, strict=True)],
        )
    else:
        _insert(Member, names, [(*row.values(), now, now) for row in values])
        ids: dict[str, int] = {}
        hashes = [row["id_hash"] for row in values]
        for i in range(0, len(hashes), 900):
            ids.update(
                Member.objects.filter(id_hash__in=hashes[i : i + 900]).values_list("id_hash", "pk")
            )
        pks = [ids[h] for h in hashes]
    _insert(
        MemberCategory,
        ["member", "category"],
        ((pk, c) for pk, cats in zip(pks, categories, strict=True) for c in cats),
    )
    _insert(
        MemberEvent,
        [
            "member",
            "kind",
            "date",
            "seq",
            "org",
            "status",
            "state",
            "mode",
            "categories",
            "from_org_name",
            "to_org_name",
            "letter_no",
            "note",
            "recorded_by",
            "recorded_at",
        ],
        (
            (
                pk,
                EventKind.REGISTERED,
                row["joined_on"],
                1,
                row["org"],
                row["status"],
                row["state"],
                row["mode"],
                json.dumps(cats),
                "",
                "",
                "",
                note,
                user_id,
                now,
            )
            for pk, row, cats in zip(pks, values, categories, strict=True)
        ),
    )
    ct = ContentType.objects.get_for_model(Member)
    _insert(
        AuditEntry,
        [
            "at",
            "actor",
            "action",
            "content_type",
            "object_id",
            "object_repr",
            "field",
            "changes",
            "scope_path",
            "ip",
        ],
        (
            (
                now,
                user_id,
                AuditEntry.Action.CREATE,
                ct.pk,
                str(pk),
                row["name"][:200],
                "",
                json.dumps(_created({**row, "id": pk}), ensure_ascii=False),
                given["org"].path,
                None,
            )
            for pk, row, given in zip(pks, values, members, strict=True)
        ),
    )
    return pks
