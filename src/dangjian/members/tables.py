"""What a row of a member table shows, as plain values.

Django's ``get_FOO_display`` rebuilds the choices dict and translates every label on each call,
and the ``date`` filter formats through the locale machinery: for a 50-row page that was most of
the time the page took. Labels are translated once per page here, and dates are ISO strings.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .labels import duplicate_hints
from .models import Category, Education, Gender, Member, MemberEvent, Mode, State, Status


def _labels(choices: Any) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def _iso(day: Any) -> str:
    return day.isoformat() if day else ""


class Labels:
    """Translated labels of the member choices, for one page (translation is per request)."""

    def __init__(self) -> None:
        self.gender = _labels(Gender)
        self.status = _labels(Status)
        self.state = _labels(State)
        self.mode = _labels(Mode)
        self.category = _labels(Category)
        self.education = _labels(Education)


def member_rows(members: Iterable[Member]) -> list[dict[str, Any]]:
    """Rows of the current register (members with ``org`` and ``categories`` loaded). A name
    that occurs twice on the page carries the hint that tells the two apart."""
    lb = Labels()
    members = list(members)
    return [
        {
            "pk": m.pk,
            "name": m.name,
            "hint": hint,
            "gender": lb.gender.get(m.gender, m.gender),
            "birth_date": _iso(m.birth_date),
            "id_masked": m.id_masked,
            "status": lb.status.get(m.status, m.status),
            "state": "" if m.state == State.ACTIVE else lb.state.get(m.state, m.state),
            "categories": [lb.category.get(c.category, c.category) for c in m.categories.all()],
            "mode": lb.mode.get(m.mode, m.mode),
            "joined_on": _iso(m.joined_on),
            "org": m.org.name,
        }
        for m, hint in zip(members, duplicate_hints(members), strict=True)
    ]


def register_rows(events: Iterable[MemberEvent]) -> list[dict[str, Any]]:
    """Rows of a past register: membership facts from the event, the person from the member."""
    lb = Labels()
    events = list(events)
    hints = duplicate_hints([e.member for e in events])
    return [
        {
            "pk": e.member_id,
            "name": e.member.name,
            "hint": hint,
            "gender": lb.gender.get(e.member.gender, e.member.gender),
            "birth_date": _iso(e.member.birth_date),
            "id_masked": e.member.id_masked,
            "status": lb.status.get(e.status, e.status),
            "categories": "、".join(lb.category.get(c, c) for c in e.categories or []),
            "mode": lb.mode.get(e.mode, e.mode),
            "org": e.org.name,
            "since": _iso(e.date),
        }
        for e, hint in zip(events, hints, strict=True)
    ]
