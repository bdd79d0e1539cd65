"""Reads of 党务居务公开: what the community's public board shows — each section a fixed number
of queries for any number of rows — and what a secretary may publish.

Nothing personal reaches a template from here: notices (title, date, body), commitments by the
name the commitment board shows (张某 unless the community chose full names), resident units'
stars, published items by their public words (never a deed's participants or a meeting's
minutes; a deed's place only when it is not a household's), finance sums per category (never
an entry's counterparty or summary), and service figures (counts, never a resident).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet, Sum
from django.utils import timezone

from dangjian.cobuild.models import Photo, StarRating
from dangjian.commitments import selectors as commitment_selectors
from dangjian.commitments.models_board import PublicBoard
from dangjian.core import rules
from dangjian.core.access import subtree_q
from dangjian.core.files import image_type
from dangjian.core.names import public_name
from dangjian.deeds.models import Deed
from dangjian.funds.models import Direction, Entry
from dangjian.funds.selectors import ZERO, ledger_of, money, period
from dangjian.meetings.models import Meeting, MeetingFile, MeetingKind
from dangjian.notices.selectors import public_for
from dangjian.orgs.models import Organisation, ResidentUnit
from dangjian.servicedesk.models import Request

from .models import ItemKind, ItemRating, PublicItem, PublicPhoto

#: how many displayed commitments the board shows (the rest are on the commitment board)
COMMITMENTS_SHOWN = 6
#: how many published items the board lists (newest first)
ITEMS_SHOWN = 30
#: the kinds of meeting a community may show residents (organisational life, not the
#: committee's or councils' internal sessions)
PUBLISHABLE_MEETING_KINDS = (
    MeetingKind.THEME_DAY,
    MeetingKind.PARTY_LECTURE,
    MeetingKind.ORG_LIFE,
    MeetingKind.BRANCH_GENERAL,
    MeetingKind.STUDY,
)
#: how far back a record may be picked for publishing
PICK_DAYS = 366


# ---- the board ---------------------------------------------------------------------------
def notices(community: Organisation, today: dt.date) -> list[dict[str, Any]]:
    return list(
        public_for(community, today)
        .order_by("-publish_on", "-pk")
        .values("pk", "title", "body", "publish_on")[:20]
    )


def commitments(board: PublicBoard, *, year: int, full_names: bool) -> dict[str, Any]:
    """How many commitments are on display this year and the newest few (two queries)."""
    rows = commitment_selectors.public_board(community=board.org, year=year)
    count = rows.count()
    newest = list(rows.order_by("-pk")[:COMMITMENTS_SHOWN])
    return {
        "count": count,
        "rows": [
            {
                "title": r["title"],
                "org_name": r["org__name"],
                "name": r["member__name"] if full_names else public_name(r["member__name"]),
            }
            for r in newest
        ],
    }


def stars(community: Organisation, year: int) -> dict[str, Any]:
    """The year's decided stars of the community's resident units: how many at each level,
    the five-star units by name (one query)."""
    units = ResidentUnit.objects.filter(
        subtree_q("community__path", community.path) | subtree_q("also_in__path", community.path)
    ).values("pk")
    rows = list(
        StarRating.objects.filter(unit__in=units, year=year)
        .order_by("-stars", "unit__name")
        .values("stars", "unit__name")
    )
    levels = {n: 0 for n in range(5, 0, -1)}
    for r in rows:
        if r["stars"] in levels:
            levels[r["stars"]] += 1
    return {
        "total": len(rows),
        "levels": [{"stars": n, "count": c, "marks": "★" * n} for n, c in levels.items()],
        "five": [r["unit__name"] for r in rows if r["stars"] == 5],
    }


def _source_date(item: PublicItem) -> dt.date | None:
    src = item.deed or item.meeting
    return src.date if src is not None else None


def _source_place(item: PublicItem) -> str:
    """The place of the event — never a household's (a deed done for one household names no
    place on the board)."""
    if item.deed_id:
        return "" if item.deed.household_id else item.deed.place
    return item.meeting.place if item.meeting_id else ""


def items_on_board(community: Organisation, year: int | None = None) -> list[PublicItem]:
    """The shown items of the community, newest first by the date of the record, each with
    ``date``, ``place``, ``avg`` and ``n`` (counted ratings) and ``shown_photos`` — three
    queries for any number of items."""
    qs = (
        PublicItem.objects.filter(community=community)
        .shown()
        .select_related("deed", "meeting")
        .annotate(
            n=Count("ratings", filter=Q(ratings__voided_at__isnull=True)),
            avg=Avg("ratings__score", filter=Q(ratings__voided_at__isnull=True)),
        )
        .prefetch_related("photos")
    )
    if year:
        qs = qs.filter(Q(deed__date__year=year) | Q(meeting__date__year=year))
    items = list(qs)
    for it in items:
        it.date = _source_date(it)
        it.place = _source_place(it)
        it.avg = round(float(it.avg), 1) if it.avg is not None else None
    items.sort(key=lambda i: (i.date or dt.date.min, i.pk), reverse=True)
    return items[:ITEMS_SHOWN]


@dataclass
class Quarter:
    number: int
    income: Decimal = ZERO
    spending: Decimal = ZERO
    lines: list[dict[str, Any]] = field(default_factory=list)


def finance(community: Organisation, year: int, today: dt.date) -> dict[str, Any] | None:
    """The community's ledger of ``year`` per quarter: income and spending per category, with
    the year's opening and closing balance — three queries. Only category sums: an entry's
    counterparty (which may be a person) and its summary are never read."""
    ledger = ledger_of(community)
    if ledger is None:
        return None
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    whole = period(ledger=ledger, start=start, end=end)
    rows = (
        Entry.objects.filter(ledger=ledger, voided_at__isnull=True, date__gte=start, date__lte=end)
        .values("date__quarter", "direction", "category__name", "category__sort", "category_id")
        .annotate(total=Sum("amount"))
        .order_by("date__quarter", "direction", "category__sort", "category_id")
    )
    quarters = {q: Quarter(number=q) for q in range(1, 5)}
    categories: dict[tuple[str, str], Decimal] = {}
    for r in rows:
        q = quarters[r["date__quarter"]]
        amount = money(r["total"])
        q.lines.append(
            {
                "direction": r["direction"],
                "is_income": r["direction"] == Direction.IN,
                "category": r["category__name"],
                "amount": amount,
            }
        )
        if r["direction"] == Direction.IN:
            q.income += amount
        else:
            q.spending += amount
        key = (r["direction"], r["category__name"])
        categories[key] = categories.get(key, ZERO) + amount
    # the quarters that have begun, even when nothing was recorded in them
    shown = [q for q in quarters.values() if dt.date(year, 3 * q.number - 2, 1) <= today]
    return {
        "quarters": shown,
        "opening": whole.opening,
        "income": whole.income,
        "spending": whole.spending,
        "closing": whole.closing,
        "by_category": [
            {"is_income": d == Direction.IN, "category": c, "amount": a}
            for (d, c), a in sorted(categories.items(), key=lambda kv: (kv[0][0] != "in", kv[0][1]))
        ],
    }


def services(community: Organisation, year: int) -> dict[str, Any]:
    """The year's service requests of the community: received, closed (办结), average days from
    receipt to 办结, share closed by the deadline, and the share of rated requests rated at
    least “satisfied” (rule ``assess.satisfied``) — two queries, no resident read."""
    satisfied_min = int(rules.value("assess.satisfied", "request_min", org=community))
    base = Request.objects.filter(
        subtree_q("community__path", community.path), received_on__year=year
    )
    agg = base.aggregate(
        received=Count("pk"),
        rated=Count("pk", filter=Q(satisfaction__isnull=False)),
        satisfied=Count("pk", filter=Q(satisfaction__gte=satisfied_min)),
    )
    closed = on_time = days = 0
    for rec, done, deadline in base.filter(done_on__isnull=False).values_list(
        "received_on", "done_on", "deadline"
    ):
        closed += 1
        days += (done - rec).days
        on_time += done <= deadline
    return {
        "received": agg["received"],
        "closed": closed,
        "avg_days": round(days / closed, 1) if closed else None,
        "on_time_pct": round(100 * on_time / closed) if closed else None,
        "rated": agg["rated"],
        "satisfied_pct": round(100 * agg["satisfied"] / agg["rated"]) if agg["rated"] else None,
        "satisfied_min": satisfied_min,
    }


def board_page(board: PublicBoard, *, year: int, today: dt.date | None = None) -> dict[str, Any]:
    """Everything the public board shows for ``year``: a fixed number of queries."""
    today = today or timezone.localdate()
    community = board.org
    return {
        "notices": notices(community, today),
        "commitments": commitments(board, year=year, full_names=board.show_full_names),
        "stars": stars(community, year) if board.show_stars else None,
        "items": items_on_board(community, year),
        "finance": finance(community, year, today),
        "services": services(community, year),
    }


def photo_on_board(board: PublicBoard, pk: int) -> PublicPhoto | None:
    """A photo shown on this board now: of a shown item of the board's community."""
    return (
        PublicPhoto.objects.filter(
            pk=pk, item__community=board.org, item__withdrawn_at__isnull=True
        )
        .select_related("cobuild_photo", "meeting_file")
        .first()
    )


# ---- publishing --------------------------------------------------------------------------
def kind_of_deed(deed: Deed) -> str:
    """A co-building activity → 共建活动 (its unit's volunteer service → 志愿服务); a deed of
    a volunteer team → 志愿服务; anything else → 共建活动."""
    act = getattr(deed, "activity", None)
    if act is not None:
        return ItemKind.SERVICE if act.is_volunteer_service else ItemKind.ACTIVITY
    return ItemKind.SERVICE if deed.team_id else ItemKind.ACTIVITY


def candidate_deeds(community: Organisation, today: dt.date) -> QuerySet[Deed]:
    since = today - dt.timedelta(days=PICK_DAYS)
    return (
        Deed.objects.filter(community=community, date__gte=since, date__lte=today)
        .filter(public_items__isnull=True)
        .select_related("activity", "team")
        .order_by("-date", "-pk")
    )


def candidate_meetings(community: Organisation, today: dt.date) -> QuerySet[Meeting]:
    since = today - dt.timedelta(days=PICK_DAYS)
    return (
        Meeting.objects.filter(
            subtree_q("org__path", community.path),
            kind__in=PUBLISHABLE_MEETING_KINDS,
            cancelled=False,
            date__gte=since,
            date__lte=today,
        )
        .filter(public_items__isnull=True)
        .select_related("org")
        .order_by("-date", "-pk")
    )


def record_photos(*, deed: Deed | None = None, meeting: Meeting | None = None) -> list[Any]:
    """The photos of a record one may choose from: the co-building activity's photos, or the
    meeting's attachments that are photos by their first bytes."""
    if deed is not None:
        return list(Photo.objects.filter(activity__deed=deed).order_by("pk"))
    if meeting is not None:
        return [f for f in MeetingFile.objects.filter(meeting=meeting) if is_photo(f.file)]
    return []


def is_photo(field_file: Any) -> bool:
    """Whether a stored file is a photo by its first bytes (:mod:`dangjian.core.files`)."""
    try:
        with field_file.open("rb") as fh:
            return image_type(fh.read(16)) is not None
    except (FileNotFoundError, ValueError, OSError):
        return False


def items_for(community: Organisation) -> QuerySet[PublicItem]:
    """The community's published items, shown and withdrawn, for its secretaries."""
    return (
        PublicItem.objects.filter(community=community)
        .select_related("deed", "meeting")
        .annotate(
            n=Count("ratings", filter=Q(ratings__voided_at__isnull=True), distinct=True),
            n_photos=Count("photos", distinct=True),
        )
        .order_by(F("withdrawn_at").asc(nulls_first=True), "-created_at", "-pk")
    )


def rating_figures(item: PublicItem) -> dict[str, Any]:
    agg = ItemRating.objects.filter(item=item).counted().aggregate(n=Count("pk"), a=Avg("score"))
    return {"n": agg["n"], "avg": round(float(agg["a"]), 1) if agg["a"] is not None else None}
