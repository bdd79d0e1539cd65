"""Aggregates Django 5.2 lacks on both of our databases."""

from __future__ import annotations

from typing import Any

from django.db.models import Aggregate, TextField

#: Between the joined values (a value that may hold it must not be joined).
JOIN_SEP = ";"


class Joined(Aggregate):
    """The group's values joined by :data:`JOIN_SEP` in no particular order (``GROUP_CONCAT``
    on SQLite, ``STRING_AGG`` on PostgreSQL); NULL for an empty group."""

    function = "GROUP_CONCAT"
    output_field = TextField()
    template = f"%(function)s(%(expressions)s, '{JOIN_SEP}')"

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="STRING_AGG", **extra)
