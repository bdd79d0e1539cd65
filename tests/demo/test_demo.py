"""``dangjian demo --no-serve`` builds the county of seed 002 with the seed's figures, once."""

import re
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q, Sum
from django.utils import timezone

from dangjian.accounts.models import Grant
from dangjian.core.models import AuditEntry
from dangjian.demo import spec
from dangjian.demo.people import ACCOUNTS
from dangjian.members.models import EventKind, Member, MemberEvent, Mode, State, Status
from dangjian.orgs.models import (
    BRANCH_KINDS,
    COMMUNITY_KINDS,
    Office,
    Organisation,
    OrgKind,
    Place,
    PlaceKind,
    ResidentUnit,
)
from dangjian.orgs.selectors import coverage_for
from dangjian.orgs.selectors.warnings import WarningKind, warnings_in
from dangjian.staff.models import Staff

# the demo is built once: all of this module runs on one test worker (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("demo")


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """The demo is built once for this module (it takes a while) and wiped afterwards."""
    out = StringIO()
    with django_db_blocker.unblock():
        call_command("demo", "--no-serve", stdout=out)
        yield out.getvalue()
        call_command("flush", interactive=False, verbosity=0)
        ContentType.objects.clear_cache()


@pytest.fixture
def county(built, db):
    return Organisation.objects.get(code=spec.COUNTY_CODE)


def test_it_builds_the_seed_figures_exactly(county):
    members = Member.objects.filter(org__path__startswith=county.path)
    assert members.count() == 398
    assert members.filter(state=State.ACTIVE).count() == 398
    communities = Organisation.objects.filter(kind__in=COMMUNITY_KINDS)
    assert communities.count() == 8
    assert communities.filter(kind=OrgKind.GENERAL_BRANCH).count() == 4
    assert communities.filter(kind=OrgKind.COMMUNITY_BRANCH).count() == 4
    assert Organisation.objects.filter(kind=OrgKind.TOWN).count() == 3
    residents = Place.objects.filter(kind=PlaceKind.HOUSEHOLD).aggregate(n=Sum("population"))
    assert residents["n"] == 26_620
    assert Place.objects.aggregate(n=Sum("population"))["n"] == 26_620
    assert ResidentUnit.objects.count() == 188
    staff = Staff.objects.all()
    assert staff.count() == 103
    assert staff.filter(kind__in=["admin", "institution"]).count() == 48
    assert staff.filter(kind__in=["public_welfare", "hired"]).count() == 55


def test_the_communities_have_the_names_the_seed_gives(county):
    names = {
        (o.parent.short_name, o.short_name)
        for o in Organisation.objects.filter(kind__in=COMMUNITY_KINDS).select_related("parent")
    }
    assert names == {
        ("城关镇", "文化东路社区"),
        ("城关镇", "文化西路社区"),
        ("城关镇", "富兴路社区"),
        ("城关镇", "建设路社区"),
        ("可可托海镇", "文化东路社区"),
        ("可可托海镇", "文化西路社区"),
        ("可可托海镇", "团结路社区"),
        ("恰库尔图镇", "迎宾路社区"),
    }


def test_every_member_has_a_timeline_with_real_history(county):
    members = Member.objects.filter(org__path__startswith=county.path)
    assert not members.annotate(n=Count("events")).filter(n=0).exists()
    kinds = set(MemberEvent.objects.values_list("kind", flat=True))
    assert {
        EventKind.REGISTERED,
        EventKind.TRANSFER_IN,
        EventKind.STATUS_CHANGE,
        EventKind.CATEGORY_CHANGE,
        EventKind.INTERNAL_MOVE,
        EventKind.CHECK_IN,
        EventKind.GOING_OUT,
        EventKind.RETURNED,
    } <= kinds
    assert MemberEvent.objects.filter(kind=EventKind.TRANSFER_IN).exclude(letter_no="").exists()
    assert members.filter(status=Status.PROBATIONARY).exists()
    assert members.filter(mode=Mode.DUAL, employer_unit__isnull=False).exists()
    # the cached state on the member is what its latest event says
    for m in members.prefetch_related("events")[:60]:
        last = sorted(m.events.all(), key=lambda e: (e.date, e.seq, e.id))[-1]
        assert (last.org_id, last.status, last.state, last.mode) == (
            m.org_id,
            m.status,
            m.state,
            m.mode,
        )
    # and every member was written through the services, so the audit has them
    assert AuditEntry.objects.filter(action="create", object_repr__in=[m.name for m in members[:5]])


def test_it_leaves_coverage_gaps_and_structural_warnings_to_show(county):
    branch_kinds = [str(k) for k in BRANCH_KINDS]
    buildings = Place.objects.filter(kind=PlaceKind.BUILDING)
    uncovered = buildings.exclude(covering_orgs__kind__in=branch_kinds)
    assert 0 < uncovered.count() < buildings.count() // 4
    corridors = Place.objects.filter(kind=PlaceKind.CORRIDOR)
    no_group = corridors.exclude(covering_orgs__kind=OrgKind.GROUP)
    assert 0 < no_group.count() < corridors.count() // 3
    small = Organisation.objects.annotate(
        full=Count("members", filter=Q(members__status=Status.FULL))
    ).filter(kind__in=branch_kinds, full__lt=3)
    assert small.filter(name="富兴路社区第三楼栋党支部").exists()
    assert Office.objects.filter(title="secretary", left_on__isnull=False).exists()


def test_the_structural_warnings_show_up_in_the_orgs_view_of_them(county):
    admin = get_user_model().objects.get(username="admin")
    kinds = {w.kind for w in warnings_in(user=admin, org=county)}
    assert {
        WarningKind.TOO_FEW_FULL,
        WarningKind.NEEDS_COMMITTEE,
        WarningKind.TERM_ENDED,
        WarningKind.TERM_ENDING,
        WarningKind.NO_SECRETARY,
        WarningKind.NO_GROUP_LEADER,
    } <= kinds
    assert not [w for w in warnings_in(user=admin, org=county) if w.org == county]


def test_the_coverage_view_has_gaps_to_show(county):
    admin = get_user_model().objects.get(username="admin")
    coverage = coverage_for(user=admin, org=county, gaps=True)
    assert len(coverage.communities) == 8
    assert any(c.uncovered_buildings for c in coverage.communities)
    assert any(c.uncovered_corridors for c in coverage.communities)


def test_every_group_meeting_on_the_ledger_expects_the_members_of_its_group(county):
    # A corridor group is the members of its branch who live in its corridors; a group that
    # meets must have some, or the ledger shows its meetings with 0 expected.
    from dangjian.meetings.models import MeetingKind
    from dangjian.meetings.selectors import meetings as sel

    admin = get_user_model().objects.get(username="admin")
    rows = sel.ledger(user=admin, org=county, date_from=None, date_to=None)
    group_meetings = [m for m in rows.filter(kind=MeetingKind.GROUP)]
    assert len(group_meetings) > 200
    assert [m for m in group_meetings if m.n_expected == 0] == []


def test_the_demo_accounts_exist_with_their_grants(county):
    users = get_user_model().objects.in_bulk([a.username for a in ACCOUNTS], field_name="username")
    assert set(users) == {a.username for a in ACCOUNTS}
    assert users["admin"].is_superuser
    grant = Grant.objects.get(user=users["wenhuadong_sec"])
    assert (grant.org.short_name, grant.org.parent.short_name) == ("文化东路社区", "城关镇")
    assert Grant.objects.get(user=users["county_org"]).role == Grant.Role.VIEWER
    member = Member.objects.get(user=users["member"])
    assert member.org == Grant.objects.get(user=users["branch_sec"]).org


@pytest.mark.parametrize("account", [a.username for a in ACCOUNTS])
def test_each_demo_account_can_log_in(county, client, account):
    r = client.post(
        "/accounts/login/", {"username": account, "password": spec.PASSWORD}, follow=True
    )
    assert r.status_code == 200
    assert r.context["user"].username == account


def test_a_community_secretary_sees_only_their_community(county, client):
    client.post("/accounts/login/", {"username": "yingbin_sec", "password": spec.PASSWORD})
    r = client.get("/api/v1/members/?limit=100")
    assert r.status_code == 200
    assert r.json()["count"] == 33
    other = Member.objects.exclude(
        org__path__startswith=Grant.objects.get(user__username="yingbin_sec").org.path
    ).first()
    assert client.get(f"/members/{other.pk}/").status_code == 404


def test_running_it_again_builds_nothing_new(built, county):
    assert "演示账号" in built and "demo-Pass-2026" in built
    before = (Member.objects.count(), Place.objects.count(), AuditEntry.objects.count())
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    assert "演示数据已存在" in out.getvalue()
    assert (Member.objects.count(), Place.objects.count(), AuditEntry.objects.count()) == before


def test_reset_refuses_to_wipe_data_that_is_not_the_demo(county):
    Organisation.objects.create(
        kind=OrgKind.COUNTY, name="真实的区委", code="REAL", path="9999999/", depth=0
    )
    with pytest.raises(CommandError, match="演示县以外的数据"):
        call_command("demo", "--no-serve", "--reset", stdout=StringIO())
    assert Member.objects.count() == 398


def test_it_has_a_year_of_meetings_with_deliberate_gaps(county):
    import datetime as dt

    from django.utils import timezone

    from dangjian.meetings.models import Criticism, Meeting, MeetingKind

    today = timezone.localdate()
    held = Meeting.objects.filter(org__path__startswith=county.path, date__lte=today)
    kinds = set(held.values_list("kind", flat=True))
    assert {MeetingKind.THEME_DAY, MeetingKind.BRANCH_GENERAL, MeetingKind.COUNCIL} <= kinds
    assert held.filter(date__lt=today - dt.timedelta(days=300)).exists()  # a year back
    # planned meetings ahead, for the member's phone page
    assert Meeting.objects.filter(org__path__startswith=county.path, date__gt=today).exists()
    # a unit criticised twice this year (no awards) and one once
    per_seat = Counter(
        Criticism.objects.filter(year=today.year, withdrawn_at__isnull=True).values_list(
            "seat_id", flat=True
        )
    )
    assert max(per_seat.values()) >= 2 and min(per_seat.values()) == 1
    # theme days missed by the "red" branches: some branch lacks one in a past month
    theme = held.filter(kind=MeetingKind.THEME_DAY)
    months = {(m.org_id, m.date.month) for m in theme}
    branches = {org_id for org_id, _ in months}
    assert any(len({mo for o, mo in months if o == b}) < 11 for b in branches)


def test_its_organisations_show_red_amber_and_green_and_members_drifted_away(county):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from dangjian.meetings.selectors.cadence import cadence_rollup
    from dangjian.meetings.selectors.nolife import no_life_list

    admin = get_user_model().objects.get(username="admin")
    today = timezone.localdate()
    rollup = cadence_rollup(user=admin, root=county, year=today.year, today=today)
    assert all(rollup.totals[light] > 0 for light in ("red", "amber", "green")), rollup.totals
    listed = no_life_list(user=admin, org=county, today=today).rows
    assert listed, "the red branches' drifting members are on the six-month list"


def test_it_has_people_on_the_way_in_at_several_stages(county):
    from dangjian.development.models import Candidate

    stages = set(
        Candidate.objects.filter(org__path__startswith=county.path).values_list("stage", flat=True)
    )
    assert {"applicant", "activist"} <= stages


def test_it_has_commitments_at_every_step(county):
    from dangjian.commitments.models import Commitment, Rating, State, Step

    states = set(Commitment.objects.values_list("state", flat=True))
    assert states == set(State.values) - {State.APPROVED}  # approval publishes at once
    assert Commitment.objects.filter(state=State.DRAFT).exclude(return_reason="").exists()
    assert Step.objects.filter(action="deliberate", meeting__isnull=False).exists()
    assert Rating.objects.filter(tier="resident").exists()
    graded = Commitment.objects.filter(state=State.EVALUATED)
    assert graded.exists() and not graded.filter(grade="").exists()


def test_it_has_posts_with_holders_one_empty_and_volunteer_hours(county):
    from dangjian.commitments.models import Commitment, Post, PostHolder
    from dangjian.deeds.models import Participant

    assert Post.objects.filter(name="治安巡逻岗").count() == 8
    assert PostHolder.objects.filter(post__kind="role").exists()
    assert not PostHolder.objects.filter(post__name="参政议政岗").exists()
    assert Participant.objects.filter(deed__team__isnull=False, hours__gt=0).count() > 100
    # a team's service picked as a duty, and evidence of commitments, are deeds too
    assert PostHolder.objects.filter(deeds__team__isnull=False).exists()
    assert Commitment.objects.filter(deeds__isnull=False).exists()


def test_its_units_cover_all_five_star_levels_and_some_are_commended(county):
    from dangjian.cobuild import selectors
    from dangjian.cobuild.models import Booking, StarRating
    from dangjian.orgs.models import ResidentUnit

    year = timezone_today().year
    units = list(ResidentUnit.objects.all())
    counts = selectors.year_counts(units, year)
    from dangjian.cobuild.stars import propose
    from dangjian.core import rules

    levels = {propose(counts[u.pk], rules.effective).stars for u in units}
    assert levels == {1, 2, 3, 4, 5}
    assert StarRating.objects.filter(stars=5).exists()
    assert StarRating.objects.exclude(override_reason="").exists()
    assert Booking.objects.exists()


def timezone_today():
    from django.utils import timezone

    return timezone.localdate()


def test_its_dues_put_one_member_per_community_on_the_art9_list(county):
    from dangjian.dues.models import ArrearsReason, Payment
    from dangjian.dues.selectors import unpaid_streaks
    from dangjian.members.models import Member

    ids = list(Member.objects.filter(state="active").values_list("pk", flat=True))
    streaks = unpaid_streaks(ids, today=timezone_today())
    assert Payment.objects.count() > 398
    assert sum(1 for n in streaks.values() if n >= 6) >= 8
    assert ArrearsReason.objects.count() == 8


def test_its_in_service_members_checked_in_and_some_went_silent(county):
    from dangjian.checkin import selectors
    from dangjian.checkin.models import CheckIn

    checkins = list(CheckIn.objects.select_related("community"))
    assert len(checkins) >= 8
    today = timezone_today()
    rows = selectors.standings(checkins, year=today.year, today=today)
    assert any(r.invisible for r in rows) and any(r.met for r in rows)


def test_no_check_in_or_worker_tells_another_story_than_the_member_record(county):
    """Issue 14: a check-in's employer and post are read from the member's record and their
    holdings, a home is the household or the text (never both), and a community worker who is
    a party member points at their record — so the demo cannot contradict itself."""
    from dangjian.checkin import selectors
    from dangjian.checkin.models import CHECKIN_RELATED, CheckIn, Pairing
    from dangjian.commitments.models import PostHolder

    checkins = list(CheckIn.objects.select_related(*CHECKIN_RELATED))
    today = timezone_today()
    rows = selectors.standings(checkins, year=today.year, today=today)
    for r in rows:
        m, c = r.checkin.member, r.checkin
        unit = m.employer_unit
        assert c.employer == (unit.name if unit else m.work_unit) != "", m.name
        assert c.employer_party_org == (unit.party_org.name if unit and unit.party_org else "")
        held = PostHolder.objects.filter(
            member=m, until__isnull=True, post__community__path__startswith=c.community.path
        )
        assert sorted(r.posts) == sorted(held.values_list("post__name", flat=True)), m.name
    assert sum(1 for r in rows if r.posts) >= len(rows) // 2
    assert not Pairing.objects.filter(household__isnull=True).exists()
    members = Member.objects.filter(org__path__startswith=county.path)
    assert not members.filter(household__isnull=False).exclude(address="").exists()
    assert not members.filter(employer_unit__isnull=False).exclude(work_unit="").exists()
    linked = Staff.objects.filter(member__isnull=False).select_related("member")
    assert linked.count() >= 24 and all(s.name == s.member.name for s in linked)
    for s in Staff.objects.filter(member__isnull=True).select_related("community"):
        same = members.filter(
            name=s.name, state=State.ACTIVE, org__path__startswith=s.community.path
        ).exclude(pk__in=linked.values("member_id"))  # a namesake already on the roster
        assert same.count() != 1, s.name  # the one member of that name would be linked


def test_its_care_list_visits_aid_and_mobile_members(county):
    from dangjian.care.models import AidRound, AidState, Recipient, Visit
    from dangjian.mobility import selectors as mobility

    communities = Organisation.objects.filter(kind__in=list(COMMUNITY_KINDS), depth__gte=2)
    for c in communities.filter(path__startswith=county.path):
        mine = Recipient.objects.filter(member__org__path__startswith=c.path)
        assert mine.filter(elderly=True).exists() and mine.filter(hardship=True).exists(), c
        assert AidRound.objects.filter(org=c, state=AidState.PAID).exists(), c
    assert Recipient.objects.filter(has_project=True).exists()
    assert Visit.objects.filter(kind="holiday").exists() and Visit.objects.filter(kind="study")
    admin = get_user_model().objects.get(username="admin")
    rows = mobility.rows(mobility.outbounds_visible(user=admin))
    assert len(rows) >= 16
    codes = {a.code for r in rows for a in r.alerts}
    assert {"card_expiring", "no_contact"} <= codes


def test_every_grid_area_has_a_cadre_with_an_account_and_some_fall_short(county):
    from dangjian.grid import selectors_areas
    from dangjian.grid.models import AreaDuty, DutyRole
    from dangjian.orgs.models import Place, PlaceKind

    today = timezone.localdate()
    grids = Place.objects.filter(kind=PlaceKind.GRID)
    covered = set(
        AreaDuty.objects.current(today)
        .filter(role=DutyRole.CADRE, user__isnull=False)
        .values_list("area_id", flat=True)
    )
    assert covered == set(grids.values_list("pk", flat=True))
    admin = get_user_model().objects.get(username="admin")
    short = selectors_areas.shortfall_count(user=admin, org=county, on=today)
    # the same count made by hand from the rows: residents of the households below each area
    # against its current cadres and liaisons, with the rules' numbers
    from math import ceil

    from dangjian.core import rules

    most = rules.value("grid.residents_per_cadre", "max_residents")
    per_liaison = rules.value("grid.liaisons", "residents_per_liaison")
    by_hand = 0
    for g in grids:
        residents = sum(
            Place.objects.filter(path__startswith=g.path, kind=PlaceKind.HOUSEHOLD).values_list(
                "population", flat=True
            )
        )
        duties = AreaDuty.objects.current(today).filter(area=g)
        cadres = duties.filter(role=DutyRole.CADRE).count()
        liaisons = duties.filter(role=DutyRole.LIAISON).count()
        by_hand += (
            cadres == 0 or residents > most * cadres or liaisons < ceil(residents / per_liaison)
        )
    assert short == by_hand
    assert 0 < short < grids.count()  # the demo shows areas both meeting and missing the rules


def test_the_capacity_books_show_both_met_and_unmet_rules(county):
    from dangjian.admission.selectors import ledger_register
    from dangjian.staff.selectors import seconded_ending
    from dangjian.training.selectors import staff_compliance

    today = timezone.localdate()
    admin = get_user_model().objects.get(username="admin")
    workers = list(Staff.objects.current(today))
    trained = staff_compliance(workers, year=today.year, org=county)
    met = sum(1 for t in trained if t.met)
    assert 0 < met < len(workers)  # some have met this year's party-school rules, some not
    assert seconded_ending(user=admin, org=county, on=today).exists()
    departments, coverage = ledger_register(county)
    assert len(departments) == 16 and 0 < coverage.covered < coverage.demanded


# ---- issue 19: nothing personal on any public page ------------------------------------------
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
HOUSEHOLD_ADDRESS = re.compile(r"\d+号楼\d+单元\d+室")
HREF = re.compile(r'href="([^"#]+)"')


def _public_pages(client, start: str, prefixes: tuple[str, ...], limit: int = 60):
    """Every HTML page reachable from ``start`` without logging in, staying under ``prefixes``
    (the board's own pages): the board, its sections, items, the commitments board, the poster."""
    seen, queue, pages = set(), [start], []
    while queue and len(pages) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        r = client.get(url)
        if r.status_code != 200 or "text/html" not in r.get("Content-Type", ""):
            continue
        text = r.content.decode()
        pages.append((url, text))
        for href in HREF.findall(text):
            href = href.replace("&amp;", "&")
            if href.startswith(prefixes) and href not in seen:
                queue.append(href)
    return pages


def test_no_public_page_shows_personal_data(built, db, client):
    """Every page a resident can open from a community's board (no login) is free of ID numbers,
    phone numbers, household addresses, and the names of people who did not agree to be shown:
    members (except a displayed commitment's author, and then only when the community chose
    full names), residents who filed service requests."""
    from django.urls import reverse

    from dangjian.commitments.models import PUBLIC_STATES, Commitment
    from dangjian.commitments.services_board import board_for
    from dangjian.demo.grid_visits import MET
    from dangjian.servicedesk.models import Request

    names = set(Member.objects.values_list("name", flat=True))
    names |= set(Request.objects.exclude(resident_name="").values_list("resident_name", flat=True))
    # a request a grid visit raised names whom the cadre met by their role (老人, 户主): not a name
    names = {n for n in names if len(n) >= 2} - set(MET)
    scanned = 0
    for community in Organisation.objects.filter(kind__in=COMMUNITY_KINDS, is_active=True):
        board = board_for(community)
        consented = set()
        if board.show_full_names:
            consented = set(
                Commitment.objects.filter(
                    org__path__startswith=community.path, state__in=PUBLIC_STATES
                ).values_list("member__name", flat=True)
            )
        start = reverse("open:board", args=[board.slug])
        prefixes = (start, reverse("commitments:board", args=[board.slug]))
        pages = _public_pages(client, start, prefixes)
        pages.append(
            (
                "servicedesk",
                client.get(
                    reverse("servicedesk:public_new", args=[community.code])
                ).content.decode(),
            )
        )
        assert len(pages) >= 3, f"{community.name}: the board and its pages should be reachable"
        for url, text in pages:
            scanned += 1
            for pattern in (ID_NUMBER, MOBILE, LANDLINE, HOUSEHOLD_ADDRESS):
                assert not pattern.search(text), (url, pattern.pattern, pattern.search(text)[0])
            shown = [n for n in names - consented if n in text]
            assert not shown, (url, shown[:5])
    assert scanned >= 8 * 3
