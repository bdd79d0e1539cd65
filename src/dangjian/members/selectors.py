"""Reads of the register, always for a user: the list with filters, one member, past registers."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from dangjian.core import crypto, idcard, sqlplan
from dangjian.core.access import subtree_q
from dangjian.core.search import fold_query
from dangjian.orgs.models import COMMUNITY_KINDS, UPPER_KINDS, Office, Organisation, OrgKind

from . import paging
from .models import Member, MemberCategory, MemberEvent, State, Status

#: Sortable columns of the list: the name a URL uses → the ORM ordering. Nothing else is
#: accepted, so a crafted ``?sort=`` cannot order by (and so probe) a hidden column.
SORTS: dict[str, tuple[str, ...]] = {
    "org": ("org__path", "name", "id"),
    "name": ("name", "id"),
    "joined_on": ("joined_on", "id"),
    "birth_date": ("birth_date", "id"),
}
DEFAULT_SORT = "org"
#: Up to this many organisations in scope, a search starts from the organisations (see
#: ``members_visible``). A community with its branches has a few dozen; a county, thousands.
SMALL_SCOPE_ORGS = 100
#: Over more organisations than this, a name search asks the FTS table first (SQLite): a
#: street of the generated city has about 170, a county of a million members 70,000.
WIDE_SCOPE_ORGS = 1000
#: ``state`` filter value meaning "whatever the state".
ANY_STATE = "all"


def ordering_for(sort: str | None) -> tuple[str, ...]:
    """The ORM ordering for a whitelisted ``sort`` ("name", "-joined_on", …)."""
    sort = sort or DEFAULT_SORT
    desc = sort.startswith("-")
    cols = SORTS.get(sort[1:] if desc else sort)
    if cols is None:
        cols, desc = SORTS[DEFAULT_SORT], False
    if not desc:
        return cols
    return tuple(c[1:] if c.startswith("-") else f"-{c}" for c in cols)


def members_visible(
    *,
    user: Any,
    org: Organisation | int | None = None,
    category: str | None = None,
    status: str | None = None,
    mode: str | None = None,
    state: str | None = State.ACTIVE,
    q: str | None = None,
    sort: str | None = None,
) -> QuerySet[Member]:
    """The members the user may see, filtered and ordered. ``org`` includes its subtree;
    ``state`` defaults to 在册 (``"all"`` or None: any state); ``q`` is a name, full pinyin,
    initials (traditional characters and full-width letters are folded), a phone number or a
    whole ID number."""
    qs = Member.objects.visible_to(user)
    path = None
    if org:
        path = (
            org.path
            if isinstance(org, Organisation)
            else Organisation.objects.filter(pk=org).values_list("path", flat=True).first()
        )
        if not path:
            return qs.none()
    if path:
        qs = qs.filter(subtree_q("org__path", path))
    wide = True
    if connections[qs.db].vendor == "sqlite":
        qs, wide = _sqlite_plan_hint(qs, user=user, path=path, searching=bool(q))
    indexed_search = False
    if q:
        # the FTS table only pays over a wide scope: within a street the scope's own rows are
        # read in a few milliseconds, while "wang" names a tenth of a city's members to the FTS
        # table (at 1,000,000 members: 3.8 ms by the scope, 367 ms through the index)
        found, dense = _fts_lookup(q, using=qs.db) if wide else (None, False)
        qs = qs.filter(_search_q(q, prefix="", found=found))
        indexed_search = found is not None
        if dense:
            # a common syllable over a county: the page is read in the order shown and stops
            # after its rows, and the matches are counted only up to a cap (members.paging)
            qs = qs.alias(**{paging.BROAD: Value(True)})
    if state and state != ANY_STATE:
        if indexed_search:
            # SQLite guesses "state = ?" picks ten rows and would read every member through
            # the (state, search_key) index, asking the FTS table about each; "+state" leaves
            # the index aside, so it reads just the members the FTS table names (36 ms → 2 ms).
            unindexed = sqlplan.Unindexed(F("state"), output_field=CharField())
            qs = qs.alias(_state_unindexed=unindexed).filter(_state_unindexed=state)
        else:
            qs = qs.filter(state=state)
    if status:
        qs = qs.filter(status=status)
    if mode:
        qs = qs.filter(mode=mode)
    if category:
        qs = qs.filter(
            Exists(MemberCategory.objects.filter(member=OuterRef("pk"), category=category))
        )
    return qs.order_by(*ordering_for(sort))


def _sqlite_plan_hint(
    qs: QuerySet[Member], *, user: Any, path: str | None, searching: bool
) -> tuple[QuerySet[Member], bool]:
    """Shape the query for SQLite, which plans without statistics (unless someone runs
    ANALYZE) and, left alone, reads every member through whichever index starts with
    ``state``. PostgreSQL plans from statistics and needs none of this.

    Naming the organisations in scope again, as an IN-list, lets SQLite start from those rows
    and walk the (org, state, name) index: a community's list then takes a few milliseconds
    at 100,000 members, and even a city's first page comes in tens of milliseconds instead of
    hundreds, because the rows arrive in the order shown. A search over a wide scope is the
    exception: there the narrow (state, search_key) index read end to end is far cheaper than
    visiting every member of thousands of organisations, so the IN-list is only added when
    the scope is small — the organisations are counted (one quick query) to tell.

    Also says whether a search's scope is wide enough for the FTS table (more than
    ``WIDE_SCOPE_ORGS`` organisations): a whole county or city, not a street.
    """
    orgs = Organisation.objects.visible_to(user)
    if path:
        orgs = orgs.filter(subtree_q("path", path))
    if searching:
        count = orgs.count()
        if count > SMALL_SCOPE_ORGS:
            return qs, count > WIDE_SCOPE_ORGS
    return qs.filter(org__in=orgs.values("pk")), False


def search_filter(
    q: str, *, using: str = DEFAULT_DB_ALIAS, prefix: str = "", indexed: bool = True
) -> Q:
    """What the search box matches. Names are matched on ``search_key`` ("张三 zhangsan zs"):
    both sides are lower case and simplified, so the LIKE behaves the same on SQLite (whose LIKE
    ignores ASCII case) and PostgreSQL (whose LIKE does not).

    ``prefix`` is the way from another model to its member ("member__",
    "recipient__member__"): the care, mobility and commitment lists search their people
    through it, with pinyin, initials, phone and ID numbers alike.

    The LIKE '%…%' alone reads every member. PostgreSQL answers it from its trigram GIN index
    (migration 0003). On SQLite a query of three or more characters first asks the FTS5 trigram
    table ``member_search`` (migration 0005) for the members containing it — a superset of the
    LIKE's matches, as the tokenizer folds case at least as widely as SQLite's LIKE (members
    written since the table was last brought up to date are listed apart and always checked) —
    and the LIKE then checks only those, so the result is exactly the LIKE's. Two characters
    ("zs", "王伟") are looked up through the trigrams they begin (migration 0007). A query common
    enough to name more than ``DENSE_SHARE`` of all members stays a LIKE over every key, which is
    then the cheaper plan (one small statement on the FTS vocabulary tells).

    ``indexed=False`` leaves the FTS table out: it pays over a whole county or city, where the
    LIKE reads every member, but within a street or a community list the scope's own rows are
    read in milliseconds while a common syllable ("wang") names a tenth of the city to the FTS
    table (1,000,000 members: 3.8 ms by the street's rows, 367 ms through the index). The lists
    of other parts (care, mobility, commitments, deeds) therefore pass ``indexed=False``.
    """
    return _search_q(q, prefix=prefix, found=_fts_found(q, using=using) if indexed else None)


def _search_q(q: str, *, prefix: str, found: RawSQL | None) -> Q:
    """``search_filter``'s condition, given the FTS table's candidates (or None: no FTS)."""
    folded = fold_query(q)
    if not folded:
        return Q()
    number = idcard.normalise(q)
    if re.fullmatch(r"\d{17}[\dX]", number):
        return Q(**{f"{prefix}id_hash": crypto.blind_index(number)})
    if folded.isdigit() and len(folded) >= 4:
        return Q(**{f"{prefix}phone__contains": folded})
    match = Q(**{f"{prefix}search_key__contains": folded})
    if found is not None:
        match &= Q(**{f"{prefix}pk__in": found})
    return match


#: The FTS5 table of member search keys on SQLite (migration 0005), the members written since it
#: was last brought up to date (fewer than a thousand), and the shortest query it can answer (the
#: trigram tokenizer finds nothing for fewer than three characters).
FTS_TABLE = "member_search"
FTS_PENDING = "member_search_pending"
FTS_VOCAB = "member_search_vocab"
TRIGRAM = 3
#: A query of two characters is looked up through the trigrams it begins (migration 0007).
BIGRAM = 2
#: The largest character: "ab" + it bounds every term that begins with "ab".
LAST_CHARACTER = "\U0010ffff"
#: When the FTS table would name more than this share of all members, the LIKE over every key
#: is the cheaper plan (1,000,000 members: the FTS table costs ~4 µs per member it names, the
#: LIKE ~0.13 µs per key read — even at 3 % the LIKE is not much slower).
DENSE_SHARE = 0.03


def fts_phrase(text: str) -> str:
    """``text`` as one FTS5 string: every character literal (AND, OR, NEAR, *, ^, quotes)."""
    return '"' + text.replace('"', '""') + '"'


def _fts_match_for(q: str, *, using: str) -> tuple[str, list[str], str, list[str]] | None:
    """The FTS5 condition for a name search on SQLite and the statement that estimates how many
    members it names, or None when the FTS table does not serve it (PostgreSQL, fewer than two
    characters, an ID or phone number).

    Three or more characters are one FTS5 phrase; its rarest trigram bounds the matches. Two
    characters begin some of the table's trigrams (every key is held with a space after it, so
    the key's last two characters too): the vocabulary gives those trigrams by a range, and the
    members holding any of them are a superset of the LIKE's matches. No such trigram: a phrase
    of control characters, which no key holds, so the MATCH finds nothing."""
    folded = fold_query(q)
    if len(folded) < BIGRAM or not _member_search_table(using):
        return None
    if re.fullmatch(r"\d{17}[\dX]", idcard.normalise(q)) or folded.isdigit():
        return None
    if len(folded) >= TRIGRAM:
        trigrams = sorted({folded[i : i + TRIGRAM] for i in range(len(folded) - TRIGRAM + 1)})
        marks = ", ".join(["%s"] * len(trigrams))
        estimate = (
            f"SELECT CASE WHEN count(*) < {len(trigrams)} THEN 0 ELSE min(doc) END"
            f" FROM {FTS_VOCAB} WHERE term IN ({marks})"
        )
        return f"{FTS_TABLE} MATCH %s", [fts_phrase(folded)], estimate, trigrams
    begun = [folded, folded + LAST_CHARACTER]
    terms = f"FROM {FTS_VOCAB} WHERE term >= %s AND term < %s"
    quoted = "'\"' || replace(term, '\"', '\"\"') || '\"'"
    nothing = "'\"' || char(1, 1, 1) || '\"'"
    match = (
        f"{FTS_TABLE} MATCH (SELECT coalesce(group_concat({quoted}, ' OR '), {nothing}) {terms})"
    )
    return match, begun, f"SELECT coalesce(sum(doc), 0) {terms}", begun


def _fts_found(q: str, *, using: str) -> RawSQL | None:
    """The members the FTS table names for ``q`` (with the pending ones), or None when the LIKE
    alone is the better plan: the FTS table does not serve the query, or the query is common
    enough that reading every key costs less than visiting the members it names (at 1,000,000
    members "wang", a tenth of the city: 373 ms through the FTS table, 128 ms by the LIKE; a
    two-letter "li" likewise). One small statement on the vocabulary decides."""
    return _fts_lookup(q, using=using)[0]


def _fts_lookup(q: str, *, using: str) -> tuple[RawSQL | None, bool]:
    """``_fts_found``, and whether the query was found too common for the FTS table (it names
    more than ``DENSE_SHARE`` of all members)."""
    fts = _fts_match_for(q, using=using)
    if fts is None:
        return None, False
    match, params, estimate, estimate_params = fts
    with connections[using].cursor() as cur:
        cur.execute(f"SELECT ({estimate}), (SELECT max(id) FROM members_member)", estimate_params)
        named, size = cur.fetchone()
    if named > DENSE_SHARE * (size or 0):
        return None, True
    return RawSQL(
        f"SELECT rowid FROM {FTS_TABLE} WHERE {match} UNION ALL SELECT member_id FROM {FTS_PENDING}",
        params,
    ), False


def _member_search_table(using: str) -> bool:
    """Whether the database is SQLite with the FTS table: migration 0005 makes it wherever the
    SQLite library has the trigram tokenizer (3.34+)."""
    return connections[using].vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 34, 0)


def with_list_data(qs: QuerySet[Member]) -> QuerySet[Member]:
    """What a list row shows, in a constant number of queries (one more for categories)."""
    return qs.select_related("org", "employer_unit").prefetch_related(
        Prefetch("categories", queryset=MemberCategory.objects.order_by("category"))
    )


def org_choices(*, user: Any, selected: int | None = None, limit: int = 300) -> list[Any]:
    """Organisations to filter the list by, in tree order: (id, name, depth) rows.

    A city-wide scope has thousands of organisations; then only the levels down to communities
    are offered, plus what lies directly under the chosen one, so the menu stays short.
    """
    base = (
        Organisation.objects.visible_to(user)
        .filter(is_active=True)
        .exclude(kind=OrgKind.GROUP)
        .order_by("path")
    )
    rows = list(base.values_list("pk", "name", "depth", "path")[: limit + 1])
    if len(rows) <= limit:
        return rows
    narrow = Q(kind__in=[*UPPER_KINDS, *COMMUNITY_KINDS])
    if selected:
        chosen = Organisation.objects.filter(pk=selected).values_list("pk", flat=True)
        narrow |= Q(parent_id__in=chosen) | Q(pk__in=chosen)
    return list(base.filter(narrow).values_list("pk", "name", "depth", "path")[:limit])


def member_orgs_changeable(*, user: Any) -> QuerySet[Organisation]:
    """Organisations the user may put members into: branches and community organisations."""
    from dangjian.orgs.models import BRANCH_KINDS

    return (
        Organisation.objects.changeable_by(user)
        .filter(is_active=True, kind__in=[*BRANCH_KINDS, *COMMUNITY_KINDS])
        .order_by("path")
    )


def member_timeline(*, member: Member) -> QuerySet[MemberEvent]:
    return member.events.select_related("org", "recorded_by").order_by("date", "seq", "id")


def member_offices(*, member: Member) -> QuerySet[Office]:
    """Offices the member holds or held, newest first (they are facts of this member)."""
    return member.offices.select_related("org").order_by("left_on", "-term_start")


def register_on(*, user: Any, org_path: str, on: dt.date) -> QuerySet[MemberEvent]:
    """The register of an organisation's subtree as it stood at the end of day ``on``.

    Each member's latest event on or before that date tells where they were and in what state;
    the register is those whose latest event puts them, active, inside the subtree. Returns those
    events with ``member`` and ``org`` joined: status, mode, categories and organisation are
    read from the event (as they were then), the person's details from the member.

    Access is decided on the events: an event at an organisation in the user's scope is theirs
    to read, so a community still sees who was on its register last year even if that member has
    since transferred elsewhere.
    """
    latest = (
        MemberEvent.objects.filter(member=OuterRef("member"), date__lte=on)
        .order_by("-date", "-seq", "-id")
        .values("pk")[:1]
    )
    # The subtree as an IN-list of organisations lets the database start from the events of
    # those organisations (org index) rather than from every event up to the date.
    subtree = Organisation.objects.filter(subtree_q("path", org_path)).values("pk")
    return (
        MemberEvent.objects.visible_to(user)
        .filter(org__in=subtree, date__lte=on, state=State.ACTIVE)
        .filter(pk=Subquery(latest))
        .select_related("member__employer_unit", "org")
        .order_by("org__path", "member__name", "member_id")
    )


@dataclass(frozen=True)
class RegisterCounts:
    total: int
    full: int
    probationary: int


def register_counts(events: QuerySet[MemberEvent]) -> RegisterCounts:
    """Counts by status of a ``register_on`` result, in one query."""
    agg = events.order_by().aggregate(
        total=Count("pk"),
        full=Count("pk", filter=Q(status=Status.FULL)),
        probationary=Count("pk", filter=Q(status=Status.PROBATIONARY)),
    )
    return RegisterCounts(**{k: v or 0 for k, v in agg.items()})


def default_register_org(*, user: Any) -> Organisation | None:
    """The organisation a register page opens on: the top of the user's scope."""
    return (
        Organisation.objects.visible_to(user)
        .filter(is_active=True)
        .order_by("depth", "path")
        .first()
    )


def today() -> dt.date:
    return timezone.localdate()
