"""What needs doing — the home page's 待办 panel.

Each part of the domain that knows of something due or overdue offers a *provider*: a function
``todos(*, user, org, today) -> list[Todo]`` in its own ``todos`` module, listed in
:data:`PROVIDERS`. The home page asks every provider about each organisation a user is
responsible for. A provider counts — it never lists rows — so the panel costs a fixed number of
queries per organisation, whatever the size of the register. A provider whose app is not
installed, or which finds nothing, simply adds nothing.

A provider that only counts says what to count rather than counting: it is written as
``todos(*, user, org, today) -> Counting | list[Todo]`` under :func:`counts_later`, which makes
it the ordinary provider (counting at once) with the lazy function kept as ``todos.later``. The
panel (:func:`todos_for_all`) asks every provider first and then reads the counts of all of
them — of every organisation of the page — in one SQL statement (:mod:`.batchcount`).

What two parts of one page both need (the cadence roll-up of the 待办 panel and of a street's
overview) is read once inside :func:`one_page` — see :func:`once`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.utils.module_loading import import_string

from .batchcount import count_all

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

_PAGE: ContextVar[dict[Hashable, Any] | None] = ContextVar("dangjian_todos_page", default=None)


@contextlib.contextmanager
def one_page() -> Iterator[None]:
    """While it lasts (one page being made), :func:`once` reads each thing once."""
    token = _PAGE.set({})
    try:
        yield
    finally:
        _PAGE.reset(token)


def once(key: Hashable, make: Callable[[], Any]) -> Any:
    """``make()``, made once per ``key`` inside :func:`one_page` (every time outside it). The key
    names everything the result depends on (the user, the organisation, the day); the result is
    shared, so it is only read, never changed."""
    memo = _PAGE.get()
    if memo is None:
        return make()
    if key not in memo:
        memo[key] = make()
    return memo[key]


@dataclass(frozen=True)
class Counting:
    """Items not built yet: ``build`` makes them from the counts of ``counts`` (in order) — a
    queryset's count, or a number already known (a count some rule made the provider read
    another way)."""

    counts: Sequence[QuerySet | int]
    build: Callable[[list[int]], list[Todo]]


Found = Counting | list[Todo]


def one_count(
    qs: QuerySet, *, label: Callable[[int], str], url: str, level: str = WARNING
) -> Counting:
    """A provider's one count and the one item it makes, ``label(n)`` (nothing for none)."""
    return Counting([qs], lambda counts: [Todo(label(n), n, url, level) for n in counts if n])


def counts_later(later: Callable[..., Found]) -> Provider:
    """The provider ``todos`` of a ``later`` function: its items counted at once, one statement
    for all its counts; ``todos.later`` is ``later`` itself, for the panel to batch."""

    @functools.wraps(later)
    def todos(*, user: Any, org: Any, today: dt.date) -> list[Todo]:
        return settle([later(user=user, org=org, today=today)])[0]

    todos.later = later  # type: ignore[attr-defined]
    return todos


def settle(found: Sequence[Found]) -> list[list[Todo]]:
    """The items of each provider's answer: every count of every :class:`Counting` read in one
    statement, then each built."""
    querysets = [
        c for f in found if isinstance(f, Counting) for c in f.counts if not isinstance(c, int)
    ]
    numbers = iter(count_all(querysets))
    out = []
    for f in found:
        if isinstance(f, Counting):
            out.append(f.build([c if isinstance(c, int) else next(numbers) for c in f.counts]))
        else:
            out.append(list(f))
    return out


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


def _ask(provider: Provider, *, user: Any, org: Any, today: dt.date) -> Found:
    later = getattr(provider, "later", None)
    if later is not None:
        return later(user=user, org=org, today=today)
    return provider(user=user, org=org, today=today)


def todos_for_all(*, user: Any, orgs: Iterable[Any], today: dt.date) -> list[list[Todo]]:
    """:func:`todos_for` of each of ``orgs``, the counts of all of them read in one statement."""
    orgs = list(orgs)
    providers = _providers()
    found = [_ask(p, user=user, org=org, today=today) for org in orgs for p in providers]
    items = settle(found)
    order = {DANGER: 0, WARNING: 1, INFO: 2}
    out = []
    for i in range(len(orgs)):
        mine = [t for part in items[i * len(providers) : (i + 1) * len(providers)] for t in part]
        out.append(sorted((t for t in mine if t.count), key=lambda t: order.get(t.level, 3)))
    return out


def todos_for(*, user: Any, org: Any, today: dt.date) -> list[Todo]:
    """Everything due for ``org`` (and the organisations below it), pressing items first."""
    return todos_for_all(user=user, orgs=[org], today=today)[0]
