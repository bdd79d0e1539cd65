"""出租房屋、流动人口 (issue 16 item 4): ID numbers encrypted and masked like members', bad input
refused with nothing changed, need-to-know (community secretary, police office with a grant,
the area's grid cadre — nobody else), read-audit, permit ordering at the rule's boundary, the
import all-or-nothing, the ledgers and the 待办 count."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from dangjian.accounts.models import Grant
from dangjian.core import crypto, rules
from dangjian.core.access import forget_scope
from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError
from dangjian.grid.models import AreaDuty, DutyRole
from dangjian.orgs.models import PlaceKind
from dangjian.rentals import imports, selectors, services, todos
from dangjian.rentals.models import Dwelling, Tenant
from tests.factories import fake_id, make_place


def _id(year: int = 1990, gender: str = "M") -> str:
    return fake_id(birth_date=dt.date(year, 5, 17), gender=gender)


def _bad_id() -> str:
    good = _id()
    return good[:17] + ("0" if good[17] != "0" else "1")


class World:
    pass


@pytest.fixture
def w(cast):
    """Two areas of community A, each with a cadre; a household in each and one in community B;
    a police officer of community A's 警务室 (a changing grant on the community)."""
    User = get_user_model()
    o = World()
    o.cast = cast
    o.grid_a = cast.building_a.parent
    o.hh_a = make_place(
        parent=cast.corridor_a,
        community=cast.comm_a,
        kind=PlaceKind.HOUSEHOLD,
        name="1号楼1单元101室",
    )
    o.grid_a2 = make_place(
        parent=cast.place_a, community=cast.comm_a, kind=PlaceKind.GRID, name="第二网格"
    )
    b2 = make_place(parent=o.grid_a2, community=cast.comm_a, kind=PlaceKind.BUILDING, name="9号楼")
    c2 = make_place(parent=b2, community=cast.comm_a, kind=PlaceKind.CORRIDOR, name="9号楼1单元")
    o.hh_a2 = make_place(
        parent=c2, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name="9号楼1单元201室"
    )
    grid_b = make_place(
        parent=cast.place_b, community=cast.comm_b, kind=PlaceKind.GRID, name="B网格"
    )
    bb = make_place(parent=grid_b, community=cast.comm_b, kind=PlaceKind.BUILDING, name="B1号楼")
    cb = make_place(parent=bb, community=cast.comm_b, kind=PlaceKind.CORRIDOR, name="B1单元")
    o.hh_b = make_place(parent=cb, community=cast.comm_b, kind=PlaceKind.HOUSEHOLD, name="B101室")
    since = dt.date(2025, 1, 1)
    o.cadre_a = User.objects.create_user("cadre_a", password=cast.password)
    o.cadre_a2 = User.objects.create_user("cadre_a2", password=cast.password)
    o.police = User.objects.create_user("police_a", password=cast.password)
    Grant.objects.create(user=o.police, org=cast.comm_a, role=Grant.Role.SECRETARY)
    for user, area in ((o.cadre_a, o.grid_a), (o.cadre_a2, o.grid_a2)):
        AreaDuty.objects.create(
            area=area, role=DutyRole.CADRE, user=user, name=user.username, since=since
        )
    for u in (o.cadre_a, o.cadre_a2, o.police):
        forget_scope(u)
    o.dwelling = services.dwelling_register(
        acting_user=cast.comm_a_sec,
        household=o.hh_a,
        landlord_name="房东甲",
        landlord_phone="13800000001",
        rented_since=dt.date(2025, 3, 1),
    )
    o.number = _id()
    o.tenant = services.tenant_add(
        acting_user=cast.comm_a_sec,
        dwelling=o.dwelling,
        name="租户甲",
        id_number=o.number,
        move_in=dt.date(2025, 3, 1),
        permit_expires=timezone.localdate() + dt.timedelta(days=200),
    )
    return o


# ---- ID numbers and bad input ----------------------------------------------------------------
def test_the_id_number_is_stored_encrypted_and_masked_like_a_members(w):
    t = Tenant.objects.get(pk=w.tenant.pk)
    assert w.number not in t.id_cipher and crypto.decrypt(t.id_cipher) == w.number
    assert t.id_hash == crypto.blind_index(w.number)
    assert t.id_masked == w.number[:4] + "*" * 10 + w.number[-4:]
    assert w.number not in str(t) and "租户甲" not in str(t) and "房东甲" not in str(w.dwelling)
    create = AuditEntry.objects.get(action="create", object_repr=str(t))
    assert w.number not in str(create.changes)


def test_an_invalid_id_number_is_refused_in_chinese_and_nothing_changes(w):
    before = Tenant.objects.count()
    with pytest.raises(ValidationError) as e:
        services.tenant_add(
            acting_user=w.cast.comm_a_sec,
            dwelling=w.dwelling,
            name="租户乙",
            id_number=_bad_id(),
            move_in=dt.date(2025, 4, 1),
        )
    assert "身份证号校验位不正确" in str(e.value.message_dict["id_number"])
    assert Tenant.objects.count() == before


def test_a_move_out_before_the_move_in_is_refused_and_nothing_changes(w):
    with pytest.raises(ValidationError) as e:
        services.tenant_move_out(
            w.tenant,
            move_out=dt.date(2025, 2, 1),
            acting_user=w.cast.comm_a_sec,
            expected_version=w.tenant.version,
        )
    assert "搬离日期不能早于入住日期" in str(e.value.message_dict["move_out"])
    assert Tenant.objects.get(pk=w.tenant.pk).move_out is None
    with pytest.raises(ValidationError):
        services.tenant_add(
            acting_user=w.cast.comm_a_sec,
            dwelling=w.dwelling,
            name="租户乙",
            id_number=_id(1991),
            move_in=dt.date(2025, 4, 1),
            move_out=dt.date(2025, 3, 1),
        )


def test_a_move_in_in_the_future_is_refused(w):
    with pytest.raises(ValidationError) as e:
        services.tenant_add(
            acting_user=w.cast.comm_a_sec,
            dwelling=w.dwelling,
            name="租户乙",
            id_number=_id(1992),
            move_in=timezone.localdate() + dt.timedelta(days=1),
        )
    assert "move_in" in e.value.message_dict


def test_move_out_is_audited_and_a_stale_version_is_a_conflict(w):
    services.tenant_move_out(
        w.tenant,
        move_out=timezone.localdate(),
        acting_user=w.cast.comm_a_sec,
        expected_version=1,
    )
    assert AuditEntry.objects.filter(action="update", object_id=str(w.tenant.pk)).exists()
    with pytest.raises(ConflictError):
        services.tenant_update(
            w.tenant, data={"phone": "1"}, acting_user=w.cast.comm_a_sec, expected_version=1
        )


def test_the_same_person_twice_in_one_dwelling_is_refused(w):
    with pytest.raises(ValidationError) as e:
        services.tenant_add(
            acting_user=w.cast.comm_a_sec,
            dwelling=w.dwelling,
            name="租户甲",
            id_number=w.number,
            move_in=dt.date(2025, 4, 1),
        )
    assert "重复登记" in str(e.value)


def test_a_household_registered_twice_is_refused(w):
    with pytest.raises(ValidationError):
        services.dwelling_register(
            acting_user=w.cast.comm_a_sec, household=w.hh_a, landlord_name="房东乙"
        )


# ---- need-to-know ------------------------------------------------------------------------------
def test_who_reaches_what(w):
    def ids(user):
        return set(Tenant.objects.visible_to(user).values_list("pk", flat=True))

    for user in (w.cast.comm_a_sec, w.police, w.cadre_a, w.cast.street_sec, w.cast.admin):
        assert ids(user) == {w.tenant.pk}, user
    for user in (w.cadre_a2, w.cast.comm_b_sec, w.cast.branch_sec, w.cast.outsider):
        assert ids(user) == set(), user
        assert not Dwelling.objects.visible_to(user).exists()


def test_a_cadre_registers_only_in_their_own_area(w):
    services.dwelling_register(acting_user=w.cadre_a2, household=w.hh_a2, landlord_name="房东丙")
    with pytest.raises(PermissionDenied):
        services.dwelling_register(acting_user=w.cadre_a, household=w.hh_a2, landlord_name="房东")
    with pytest.raises(PermissionDenied):
        services.tenant_add(
            acting_user=w.cadre_a2,
            dwelling=w.dwelling,
            name="渗透",
            id_number=_id(1993),
            move_in=dt.date(2025, 4, 1),
        )


@pytest.mark.parametrize("who", ["cadre_a2", "outsider", "comm_b_sec", "branch_sec"])
def test_outsiders_and_another_areas_cadre_get_404_on_pages_api_and_exports(w, client_for, who):
    user = getattr(w, who, None) or getattr(w.cast, who)
    c = client_for(user)
    for url in (
        f"/rentals/{w.dwelling.pk}/",
        f"/rentals/{w.dwelling.pk}/edit/",
        f"/rentals/tenants/{w.tenant.pk}/",
        f"/rentals/tenants/{w.tenant.pk}/edit/",
        f"/api/v1/rentals/tenants/{w.tenant.pk}/",
        f"/api/v1/rentals/dwellings/{w.dwelling.pk}/",
    ):
        assert c.get(url).status_code == 404, url
    assert c.post(f"/rentals/tenants/{w.tenant.pk}/reveal/").status_code == 404
    assert c.get(f"/rentals/?org={w.cast.comm_a.pk}").status_code == 404 or who == "cadre_a2"
    assert c.get(f"/rentals/tenants/?area={w.grid_a.pk}").status_code == 404
    assert c.get(f"/rentals/export/tenants/?area={w.grid_a.pk}&full_ids=1").status_code == 404
    assert not AuditEntry.objects.filter(action="read", actor=user).exists()
    # what they can list holds nothing of area A
    for url in ("/rentals/tenants/", "/rentals/", "/api/v1/rentals/tenants/"):
        r = c.get(url)
        assert r.status_code in (200, 404) and "租户甲" not in r.content.decode()
    r = c.get("/rentals/export/tenants/")
    if r.status_code == 200:
        assert "租户甲" not in _cells(r)


def test_the_areas_cadre_and_the_police_office_reach_the_pages(w, client_for):
    for user in (w.cadre_a, w.police):
        c = client_for(user)
        assert "租户甲" in c.get("/rentals/tenants/").content.decode()
        assert c.get(f"/rentals/tenants/{w.tenant.pk}/").status_code == 200
        assert c.get(f"/api/v1/rentals/tenants/{w.tenant.pk}/").status_code == 200


# ---- read audit and masking ----------------------------------------------------------------------
def test_opening_a_tenant_or_a_dwelling_writes_a_read_audit_row(w, client_for):
    c = client_for(w.cadre_a)
    c.get(f"/rentals/tenants/{w.tenant.pk}/")
    c.get(f"/rentals/{w.dwelling.pk}/")
    c.get(f"/api/v1/rentals/tenants/{w.tenant.pk}/")
    reads = AuditEntry.objects.filter(action=AuditEntry.Action.READ, actor=w.cadre_a)
    assert sorted(reads.values_list("object_repr", flat=True)) == sorted(
        [str(w.tenant), str(w.tenant), str(w.dwelling)]
    )
    assert all(r.scope_path == w.cast.comm_a.path for r in reads)
    assert all("租户甲" not in r.object_repr and w.number not in r.object_repr for r in reads)


def test_list_pages_and_the_api_list_never_show_full_ids(w, client_for):
    c = client_for(w.cast.comm_a_sec)
    for url in (
        "/rentals/tenants/",
        "/rentals/",
        f"/rentals/{w.dwelling.pk}/",
        f"/rentals/tenants/{w.tenant.pk}/",
        "/api/v1/rentals/tenants/",
        f"/api/v1/rentals/tenants/{w.tenant.pk}/",
    ):
        body = c.get(url).content.decode()
        assert w.number not in body, url
    assert w.tenant.id_masked in c.get("/rentals/tenants/").content.decode()
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_revealing_the_full_number_is_logged(w, client_for):
    c = client_for(w.police)
    r = c.post(f"/rentals/tenants/{w.tenant.pk}/reveal/")
    assert w.number in r.content.decode()
    e = AuditEntry.objects.get(action="reveal", actor=w.police)
    assert e.field == "id_number" and e.object_id == str(w.tenant.pk)


# ---- permit ordering at the rule's boundary --------------------------------------------------------
def test_permits_expiring_within_the_rules_days_are_listed_first(w, client_for):
    days = rules.value("grid.permit_reminder", "days_before")
    today = timezone.localdate()

    def add(name, offset, year):
        return services.tenant_add(
            acting_user=w.cast.comm_a_sec,
            dwelling=w.dwelling,
            name=name,
            id_number=_id(year),
            move_in=dt.date(2025, 5, 1),
            permit_expires=today + dt.timedelta(days=offset) if offset is not None else None,
        )

    later = add("边界外", days + 1, 1980)
    edge = add("边界上", days, 1981)
    expired = add("已过期", -3, 1982)
    none = add("未办证", None, 1983)
    qs = selectors.tenants(user=w.cast.comm_a_sec, today=today, days=days)
    order = [t.pk for t in qs]
    assert order[:2] == [expired.pk, edge.pk]
    assert set(order[2:]) == {later.pk, w.tenant.pk, none.pk}
    assert {t.pk for t in qs if t.expiring} == {expired.pk, edge.pk}
    body = client_for(w.cast.comm_a_sec).get("/rentals/tenants/").content.decode()
    assert body.index("已过期") < body.index("边界上") < body.index("边界外")
    n = todos.todos(user=w.cast.comm_a_sec, org=w.cast.comm_a, today=today)[0].count
    assert n == 2


def test_the_todo_costs_at_most_two_queries_and_is_need_to_know(w, django_assert_max_num_queries):
    today = timezone.localdate()
    user = w.cast.comm_a_sec
    forget_scope(user)
    from dangjian.core.access import scope_for

    scope_for(user)  # the home page has the scope already
    with django_assert_max_num_queries(2):
        todos.todos(user=user, org=w.cast.comm_a, today=today)
    assert todos.todos(user=w.cast.outsider, org=w.cast.comm_a, today=today) == []
    assert todos.todos(user=user, org=w.cast.branch_a, today=today) == []


# ---- query counts --------------------------------------------------------------------------------
@pytest.mark.parametrize("rows", [1, 12])
def test_list_pages_cost_the_same_for_1_and_12_rows(
    w, client_for, django_assert_max_num_queries, rows
):
    for i in range(rows):
        h = make_place(
            parent=w.cast.corridor_a,
            community=w.cast.comm_a,
            kind=PlaceKind.HOUSEHOLD,
            name=f"房{i}",
        )
        d = services.dwelling_register(
            acting_user=w.cast.comm_a_sec, household=h, landlord_name="房东"
        )
        services.tenant_add(
            acting_user=w.cast.comm_a_sec,
            dwelling=d,
            name=f"人{i}",
            id_number=_id(1970 + i),
            move_in=dt.date(2025, 1, 1),
        )
    for user in (w.cast.comm_a_sec, w.cadre_a):
        c = client_for(user)
        for url in ("/rentals/", "/rentals/tenants/", "/api/v1/rentals/tenants/"):
            c.get(url)
            with django_assert_max_num_queries(12):
                r = c.get(url)
            assert r.status_code == 200


# ---- pages -------------------------------------------------------------------------------------
def test_forms_register_a_dwelling_and_a_tenant_and_show_bad_input(w, client_for):
    c = client_for(w.cadre_a2)
    r = c.post(
        "/rentals/new/",
        {"household": "9号楼1单元201室", "landlord_name": "房东丁", "rented_since": "2025-06-01"},
    )
    d = Dwelling.objects.get(household=w.hh_a2)
    assert r.status_code == 302
    r = c.post(
        f"/rentals/{d.pk}/tenants/new/",
        {"name": "租户丁", "id_number": _bad_id(), "move_in": "2025-06-01"},
    )
    assert "身份证号校验位不正确" in r.content.decode() and not d.tenants.exists()
    r = c.post(
        f"/rentals/{d.pk}/tenants/new/",
        {"name": "租户丁", "id_number": _id(1995, "F"), "move_in": "2025-06-01"},
    )
    assert r.status_code == 302 and d.tenants.count() == 1
    t = d.tenants.get()
    r = c.post(
        f"/rentals/tenants/{t.pk}/move-out/", {"version": t.version, "move_out": "2025-05-01"}
    )
    t.refresh_from_db()
    assert t.move_out is None
    r = c.post("/rentals/new/", {"household": "1号楼1单元101室", "landlord_name": "x"})
    assert "找不到" in r.content.decode()


def test_api_create_and_list(w, client_for):
    c = client_for(w.cadre_a2)
    r = c.post(
        "/api/v1/rentals/dwellings/",
        {"household_id": w.hh_a2.pk, "landlord_name": "房东戊"},
        content_type="application/json",
    )
    assert r.status_code == 201
    did = r.json()["id"]
    r = c.post(
        "/api/v1/rentals/tenants/",
        {"dwelling_id": did, "name": "租户戊", "id_number": _bad_id(), "move_in": "2025-06-01"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "身份证号" in r.json()["detail"]
    number = _id(1996)
    r = c.post(
        "/api/v1/rentals/tenants/",
        {"dwelling_id": did, "name": "租户戊", "id_number": number, "move_in": "2025-06-01"},
        content_type="application/json",
    )
    assert r.status_code == 201
    items = c.get("/api/v1/rentals/tenants/").json()["items"]
    assert [i["name"] for i in items] == ["租户戊"] and number not in str(items)
    r = c.post(
        "/api/v1/rentals/dwellings/",
        {"household_id": w.hh_b.pk, "landlord_name": "渗透"},
        content_type="application/json",
    )
    assert r.status_code == 404


# ---- ledgers -------------------------------------------------------------------------------------
def _cells(response) -> str:
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return "\n".join(
        str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c
    )


def test_the_ledgers_are_masked_unless_full_ids_are_asked_and_that_is_logged(w, client_for):
    c = client_for(w.cast.comm_a_sec)
    r = c.get(f"/rentals/export/tenants/?org={w.cast.comm_a.pk}&start=2025-01-01&end=2026-12-31")
    text = _cells(r)
    assert "流动人口台帐" in text and "租户甲" in text
    assert w.tenant.id_masked in text and w.number not in text
    assert not AuditEntry.objects.filter(action="reveal").exists()
    assert AuditEntry.objects.filter(action="export", field="rentals.tenants").exists()
    r = c.get(f"/rentals/export/tenants/?org={w.cast.comm_a.pk}&full_ids=1&start=2025-01-01")
    assert w.number in _cells(r)
    assert AuditEntry.objects.filter(action="reveal", field="id_number").count() == 1
    r = c.get(f"/rentals/export/dwellings/?area={w.grid_a.pk}")
    text = _cells(r)
    assert "出租房屋台帐" in text and "房东甲" in text and "1号楼1单元101室" in text


def test_a_ledger_period_before_the_move_in_is_empty(w, client_for):
    c = client_for(w.cast.comm_a_sec)
    r = c.get("/rentals/export/tenants/?start=2024-01-01&end=2024-12-31")
    assert "租户甲" not in _cells(r)


# ---- import --------------------------------------------------------------------------------------
HEADER = ["房屋地址", "房东姓名", "房东电话", "姓名", "身份证号", "入住日期", "居住证有效期至"]


def _xlsx(rows, title: bool = True) -> bytes:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append(["文化东路社区流动人口登记表"])
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_import_writes_every_row_or_none(w):
    good = [
        [
            "9号楼1单元201室",
            "房东庚",
            "13900000000",
            "租户庚",
            _id(1985),
            "2025-07-01",
            "2027-01-01",
        ],
        ["9号楼1单元201室", "", "", "租户辛", _id(1986, "F"), dt.date(2025, 7, 2), None],
    ]
    bad = [*good[:1], ["9号楼1单元201室", "", "", "租户壬", _bad_id(), "2025-07-03", None]]
    before = (Tenant.objects.count(), Dwelling.objects.count(), AuditEntry.objects.count())
    out = imports.import_file(
        acting_user=w.cast.comm_a_sec, community=w.cast.comm_a, data=_xlsx(bad), filename="a.xlsx"
    )
    assert not out.ok
    # title line on row 1, header on row 2: the bad ID is on row 4 — and then on row 3 without it
    assert [(p.row, p.column) for p in out.problems] == [(4, "身份证号")]
    assert (Tenant.objects.count(), Dwelling.objects.count(), AuditEntry.objects.count()) == before
    out = imports.import_file(
        acting_user=w.cast.comm_a_sec,
        community=w.cast.comm_a,
        data=_xlsx([[*bad[1][:1], "房东壬", *bad[1][2:]]], title=False),
        filename="a.xlsx",
    )
    assert [(p.row, p.column) for p in out.problems] == [(2, "身份证号")]
    out = imports.import_file(
        acting_user=w.cast.comm_a_sec, community=w.cast.comm_a, data=_xlsx(good), filename="a.xlsx"
    )
    assert out.ok and out.created == 2 and out.dwellings_created == 1
    d = Dwelling.objects.get(household=w.hh_a2)
    assert d.landlord_name == "房东庚" and d.tenants.count() == 2
    again = imports.import_file(
        acting_user=w.cast.comm_a_sec, community=w.cast.comm_a, data=_xlsx(good), filename="a.xlsx"
    )
    assert again.ok and again.created == 0 and again.skipped == 2


def test_a_bad_file_names_row_3_and_imports_nothing_through_the_page(w, client_for):
    rows = [
        ["9号楼1单元201室", "房东庚", "", "租户庚", _id(1987), "2025-07-01", ""],
        ["9号楼1单元201室", "", "", "租户辛", _bad_id(), "2025-07-01", ""],
    ]
    data = _xlsx(rows, title=False)  # header on row 1: the bad ID number is on row 3
    c = client_for(w.cast.comm_a_sec)
    f = io.BytesIO(data)
    f.name = "登记表.xlsx"
    r = c.post("/rentals/import/", {"org": w.cast.comm_a.pk, "file": f})
    body = r.content.decode()
    assert "整份表都没有导入" in body and "第 3 行" in body and "校验位" in body
    assert not Tenant.objects.filter(name__in=["租户庚", "租户辛"]).exists()
    assert not Dwelling.objects.filter(household=w.hh_a2).exists()


def test_import_reports_unknown_households_missing_columns_and_bad_dates(w):
    rows = [
        ["不存在的房子", "房东", "", "甲", _id(1960), "2025-01-01", ""],
        ["1号楼1单元101室", "", "", "乙", _id(1961), "明天", ""],
        ["B101室", "房东", "", "丙", _id(1962), "2025-01-01", ""],  # another community's
        ["9号楼1单元201室", "", "", "丁", _id(1963), "2025-01-01", ""],  # no landlord
    ]
    out = imports.import_file(
        acting_user=w.cast.comm_a_sec, community=w.cast.comm_a, data=_xlsx(rows), filename="x.xlsx"
    )
    assert [(p.row, p.column) for p in out.problems] == [
        (3, "房屋地址"),
        (4, "入住日期"),
        (5, "房屋地址"),
        (6, "房东姓名"),
    ]
    wb = Workbook()
    wb.active.append(["房屋地址", "姓名", "房东"])
    buf = io.BytesIO()
    wb.save(buf)
    out = imports.import_file(
        acting_user=w.cast.comm_a_sec,
        community=w.cast.comm_a,
        data=buf.getvalue(),
        filename="x.xlsx",
    )
    assert "缺少必需的列" in out.problems[0].reason


def test_a_cadre_imports_only_into_their_own_area(w):
    rows = [["1号楼1单元101室", "", "", "租户癸", _id(1964), "2025-01-01", ""]]
    out = imports.import_file(
        acting_user=w.cadre_a2, community=w.cast.comm_a, data=_xlsx(rows), filename="x.xlsx"
    )
    assert [(p.row, p.column) for p in out.problems] == [(3, "房屋地址")]
    out = imports.import_file(
        acting_user=w.cadre_a, community=w.cast.comm_a, data=_xlsx(rows), filename="x.xlsx"
    )
    assert out.ok and out.created == 1


# ---- demo ----------------------------------------------------------------------------------------
def test_the_demo_builds_rented_dwellings_with_synthetic_tenants(w):
    from types import SimpleNamespace

    from dangjian.core import idcard
    from dangjian.demo.rentals import build_rentals

    households = [
        make_place(
            parent=w.cast.corridor_a,
            community=w.cast.comm_a,
            kind=PlaceKind.HOUSEHOLD,
            name=f"演示{i}室",
        )
        for i in range(8)
    ]
    community = SimpleNamespace(
        org=w.cast.comm_a, buildings=[SimpleNamespace(households=households)]
    )
    demo = SimpleNamespace(communities=[community], admin=w.cast.admin)
    lines: list[str] = []
    build_rentals(demo, log=lines.append)
    made = Tenant.objects.filter(dwelling__household__in=households)
    assert Dwelling.objects.filter(household__in=households).count() == 6
    assert made.exists()
    moved = Tenant.objects.filter(
        dwelling__household__community=w.cast.comm_a, move_out__isnull=False
    )
    assert moved.count() == 1
    for t in made:
        number = crypto.decrypt(t.id_cipher)
        assert idcard.parse(number).number == number and number[:2] in ("90", "91", "92")
    assert lines and "出租房屋" in lines[0]


def test_hostile_text_and_an_unreadable_cipher_do_not_break_the_ledgers(w, client_for):
    Dwelling.objects.update(landlord_name="=1+1")
    Tenant.objects.update(name="@SUM(A1)", id_cipher="=not-a-token")
    c = client_for(w.cast.comm_a_sec)
    for url in ("/rentals/export/dwellings/", "/rentals/export/tenants/?full_ids=1"):
        r = c.get(url)
        assert r.status_code == 200
        wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
        cells = [cell for ws in wb.worksheets for line in ws.iter_rows() for cell in line]
        hostile = [cell for cell in cells if cell.value in ("=1+1", "@SUM(A1)")]
        assert hostile and all(cell.data_type == "s" and cell.quotePrefix for cell in hostile)
    assert w.tenant.id_masked in _cells(c.get("/rentals/export/tenants/?full_ids=1"))
