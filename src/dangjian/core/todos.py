"""What needs doing — the home page's 待办 panel.

Each part of the domain that knows of something due or overdue offers a *provider*: a function
``todos(*, user, org, today) -> list[Todo]`` in its own ``todos`` module, listed in
:data:`PROVIDERS`. The home page asks every provider about each organisation a user is
responsible for. A provider counts — it never lists rows — so the panel costs a fixed number of
queries per organisation, whatever the size of the register. A provider whose app is not
installed, or which finds nothing, simply adds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils.module_loading import import_string

#: Providers in the order their items are shown (the most pressing kinds of work first).
PROVIDERS: tuple[str, ...] = (
    "dangjian.meetings.todos.todos",
    "dangjian.meetings.todos_leave.todos",
    "dangjian.development.todos.todos",
    "dangjian.dues.todos.todos",
    "dangjian.checkin.todos.todos",
    "dangjian.mobility.todos.todos",
    "dangjian.care.todos.todos",
    "dangjian.commitments.todos.todos",
    "dangjian.cobuild.todos.todos",
    "dangjian.servicedesk.todos.todos",
    "dangjian.households.todos.todos",
    "dangjian.grid.todos.todos",
    "dangjian.mediation.todos.todos",
    "dangjian.rentals.todos.todos",
    "dangjian.staff.todos.todos",
    "dangjian.inspections.todos.todos",
    "dangjian.targets.todos.todos",
)

DANGER, WARNING, INFO = "danger", "warning", "info"


@dataclass(frozen=True)
class Todo:
    label: str  # Chinese, already counted: “3 个支部本季度未开支委会”
    count: int
    url: str
    level: str = WARNING


Provider = Callable[..., list[Todo]]


def _providers() -> list[Provider]:
    out = []
    for dotted in PROVIDERS:
        app_label = dotted.split(".")[1]
        if not apps.is_installed(f"dangjian.{app_label}"):
            continue
        try:
            out.append(import_string(dotted))
        except ImportError:
            continue  # an app without a todos module yet
    return out


def todos_for(*, user: Any, org: Any, today: dt.date) -> list[Todo]:
    """Everything due for ``org`` (and the organisations below it), pressing items first."""
    items: list[Todo] = []
    for provider in _providers():
        items.extend(t for t in provider(user=user, org=org, today=today) if t.count)
    order = {DANGER: 0, WARNING: 1, INFO: 2}
    return sorted(items, key=lambda t: order.get(t.level, 3))
