"""Member and organisation records in the fields of the national party-member management
information system (全国党员管理信息系统), as of today.

Reads only; the export itself (with its audit) is ``services.national_members_export``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from itertools import islice
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.access import subtree_q
from dangjian.members.models import (
    Education,
    Gender,
    Member,
    MemberCategory,
    State,
    Status,
)
from dangjian.orgs.models import (
    COMMUNITY_KINDS,
    Office,
    Organisation,
    OrgKind,
    ResidentUnit,
)

from .selectors import OCCUPATION_LINES, ORG_CELL, ORG_TYPES

CHUNK = 2000

MEMBER_COLUMNS = (
    ("姓名", 10),
    ("性别", 6),
    ("公民身份号码", 22),
    ("民族", 8),
    ("出生日期", 12),
    ("学历", 12),
    ("人员类别", 10),
    ("入党日期", 12),
    ("转正日期", 12),
    ("工作岗位", 24),
    ("所在党组织", 28),
    ("联系电话", 16),
    ("现居住地", 32),
    ("党籍状态", 10),
)
ORG_COLUMNS = (
    ("党组织名称", 30),
    ("党组织代码", 14),
    ("党组织类别", 12),
    ("上级党组织", 30),
    ("所在单位/社区", 28),
    ("书记姓名", 10),
    ("成立日期", 12),
)
#: The register's education in the national system's words (高中 and 中专 are one choice here).
EDUCATION_NAMES = {
    Education.DOCTOR: "博士研究生",
    Education.MASTER: "硕士研究生",
    Education.BACHELOR: "大学本科",
    Education.COLLEGE: "大学专科",
    Education.SENIOR: "高中、中专",
    Education.JUNIOR: "初中",
    Education.PRIMARY: "小学",
}
#: The national system's 党组织类别 where it differs from the statistics table's type.
ORG_TYPE_NAMES = {
    OrgKind.STREET: "党工委",
    OrgKind.JOINT_BRANCH: "联合党支部",
    OrgKind.UNIT_ORG: "基层党组织（驻区单位）",
}
STANDING = {State.ACTIVE: "正常", State.SUSPENDED: "停止党籍"}


def columns(spec: tuple[tuple[str, int], ...]) -> list[tuple[str, int]]:
    return [(_(text), width) for text, width in spec]


#: What a member row needs, read as values: building a model instance (and the five places
#: of the home, and the employer) for each of a county's members took most of the export's time.
MEMBER_FIELDS = (
    "pk",
    "name",
    "gender",
    "id_cipher",
    "id_masked",
    "ethnicity",
    "birth_date",
    "education",
    "status",
    "joined_on",
    "full_on",
    "org__name",
    "org__path",
    "phone",
    "employer_unit__name",
    "work_unit",
    "address",
    "household__name",
    "household__parent__name",
    "household__parent__parent__name",
    "household__parent__parent__parent__name",
    "household__parent__parent__parent__parent__name",
    "state",
)


def members_for_export(*, user: Any, org: Organisation) -> QuerySet[Member]:
    """The members of ``org``'s subtree the national system holds now — on the register, or
    kept with 党籍 suspended — among those the user may change."""
    return (
        Member.objects.changeable_by(user)
        .filter(subtree_q("org__path", org.path), state__in=tuple(STANDING))
        .order_by("org__path", "name", "pk")
    )


def member_records(*, user: Any, org: Organisation) -> Iterator[dict[str, Any]]:
    """The members as dicts of ``MEMBER_FIELDS`` plus ``categories``, read in chunks (one
    query for the categories of each chunk)."""
    rows = members_for_export(user=user, org=org).values(*MEMBER_FIELDS).iterator(CHUNK)
    while True:
        chunk = list(islice(rows, CHUNK))
        if not chunk:
            return
        cats: dict[int, set[str]] = defaultdict(set)
        pairs = MemberCategory.objects.filter(member_id__in=[r["pk"] for r in chunk])
        for member_id, category in pairs.values_list("member_id", "category"):
            cats[member_id].add(category)
        for r in chunk:
            r["categories"] = cats.get(r["pk"], set())
            yield r


def _home(r: dict[str, Any]) -> str:
    """As ``Member.home_label``: the household's place path (社区 网格 楼栋 单元 户), else the
    text."""
    names = [
        r[f"household{'__parent' * i}__name"]
        for i in range(5)
        if r[f"household{'__parent' * i}__name"] is not None
    ]
    return " ".join(reversed(names)) if names else r["address"]


def member_row(r: dict[str, Any], id_number: str) -> list[Any]:
    post = next((_(label) for _k, label, c in OCCUPATION_LINES if c in r["categories"]), "")
    employer = r["employer_unit__name"] or r["work_unit"]
    if employer:
        post = f"{post}（{employer}）" if post else employer
    return [
        r["name"],
        str(Gender(r["gender"]).label) if r["gender"] in Gender.values else r["gender"],
        id_number,
        r["ethnicity"],
        r["birth_date"],
        _(EDUCATION_NAMES[r["education"]]) if r["education"] in EDUCATION_NAMES else "",
        str(Status(r["status"]).label) if r["status"] in Status.values else r["status"],
        r["joined_on"],
        r["full_on"],
        post,
        r["org__name"],
        r["phone"],
        _home(r),
        _(STANDING.get(r["state"], "")),
    ]


def orgs_for_export(*, user: Any, org: Organisation) -> QuerySet[Organisation]:
    """The organisations of the subtree (party groups are not organisations in the national
    system), active ones, among those the user may change."""
    return (
        Organisation.objects.changeable_by(user)
        .filter(subtree_q("path", org.path), is_active=True)
        .exclude(kind=OrgKind.GROUP)
        .select_related("parent")
        .order_by("path")
    )


def org_rows(*, user: Any, org: Organisation) -> Iterator[list[Any]]:
    """Rows of the organisations export, in a constant number of queries: the organisations,
    their ancestors above ``org`` (for the community), secretaries and resident units."""
    orgs = list(orgs_for_export(user=user, org=org))
    ids = [o.pk for o in orgs]
    known = {o.pk: o for o in orgs}
    above = Organisation.objects.filter(pk__in=org.ancestor_ids()).exclude(pk__in=ids)
    known.update({o.pk: o for o in above})
    today = timezone.localdate()
    secretaries: dict[int, str] = {}
    offices = (
        Office.objects.filter(org_id__in=ids, title=Office.Title.SECRETARY)
        .current(today)
        .order_by("org_id", "-term_start")
        .values_list("org_id", "holder_name")
    )
    for org_id, name in offices:
        secretaries.setdefault(org_id, name)
    units = dict(
        ResidentUnit.objects.filter(party_org_id__in=ids).values_list("party_org_id", "name")
    )
    type_names = {k: _(label) for k, label in ORG_TYPES}
    for o in orgs:
        community = next(
            (
                known[i]
                for i in reversed(o.ancestor_ids())
                if i in known and known[i].kind in COMMUNITY_KINDS
            ),
            None,
        )
        setting = units.get(o.pk) or (community.name if community else "")
        kind_name = ORG_TYPE_NAMES.get(o.kind) or type_names[ORG_CELL[o.kind][1]]
        yield [
            o.name,
            o.code,
            _(kind_name),
            o.parent.name if o.parent_id else "",
            setting,
            secretaries.get(o.pk, ""),
            o.established_on,
        ]
