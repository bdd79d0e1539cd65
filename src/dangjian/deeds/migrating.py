"""Moving the five old deed logs into :class:`~dangjian.deeds.models.Deed` (issue 14), for the
data migrations of checkin, commitments, volunteering and cobuild. They call these with their
historical models (``apps``), never the live ones.

Two old records describe the same event when they are in the same community, on the same day,
and their text is the same once spaces and punctuation are ignored: then the second becomes one
more participant (or one more link) of the deed the first created, instead of a second deed.
Anything else — a different day, a different wording — stays a deed of its own: merging on a
guess would lose a real deed, keeping two loses nothing.
"""

from __future__ import annotations

import re
from typing import Any

COMMUNITY_KINDS = ("community_committee", "general_branch", "community_branch")
_NOISE = re.compile(r"[\s，。、,.;；:：!！?？()（）“”\"'‘’《》<>\-—_]+")


def same_text(text: str) -> str:
    """The text as compared for "the same event": no spaces or punctuation."""
    return _NOISE.sub("", text or "")[:300]


class Merger:
    """Finds or makes the deed for one old record; counts what it merged (for the report)."""

    def __init__(self, apps: Any) -> None:
        self.Deed = apps.get_model("deeds", "Deed")
        self.Participant = apps.get_model("deeds", "Participant")
        self.Organisation = apps.get_model("orgs", "Organisation")
        self._communities: dict[int, int | None] = {}
        self._seen: dict[tuple[int, Any, str], Any] = {}
        self.merged = 0
        self.created = 0
        for d in self.Deed.objects.all().only("pk", "community_id", "date", "title"):
            self._seen.setdefault((d.community_id, d.date, same_text(d.title)), d)

    def community_of(self, org_id: int) -> int | None:
        """The community an organisation is in (itself, or the nearest community above it)."""
        if org_id not in self._communities:
            org = self.Organisation.objects.get(pk=org_id)
            parts = [p for p in org.path.split("/") if p]
            paths = ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
            above = self.Organisation.objects.filter(path__in=paths, kind__in=COMMUNITY_KINDS)
            found = max(above, key=lambda o: len(o.path), default=None)
            self._communities[org_id] = found.pk if found else None
        return self._communities[org_id]

    def deed(self, *, community_id: int, date: Any, title: str, **fields: Any) -> Any:
        key = (community_id, date, same_text(title))
        found = self._seen.get(key)
        if found is not None:
            self.merged += 1
            for k, v in fields.items():  # fill what the first record did not know
                if v not in (None, "") and getattr(found, k) in (None, ""):
                    setattr(found, k, v)
                    found.save(update_fields=[k])
            return found
        d = self.Deed.objects.create(
            community_id=community_id, date=date, title=title[:300], **fields
        )
        self._seen[key] = d
        self.created += 1
        return d

    def take_part(self, deed: Any, member_id: int, hours: Any = None) -> None:
        p, made = self.Participant.objects.get_or_create(
            deed=deed, member_id=member_id, defaults={"hours": hours}
        )
        if not made and hours is not None and p.hours is None:
            p.hours = hours
            p.save(update_fields=["hours"])
