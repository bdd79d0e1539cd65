"""The demo county of seed 002, as data.

Seed 002 (社区党建工作问题的探析) describes the county: "县辖3镇8个社区，其中县城所在地**镇4个社区
（文化东路社区、文化西路社区、**路社区、**路社区），建制镇可可托海镇3个社区（文化东路社区、文化西路社区、
团结路社区），恰库尔图镇1个社区（迎宾路社区）。社区居民26620人，党组织8个，其中党总支4个，党支部4个，
党员398人。驻区单位188个。社区干部103人，其中国家干部48人，聘用人员55人".

Where the seed masks a name (**) the demo needs one:
- the county itself: "示例县委" (the seed writes **县; we do not guess which county it is);
- the county-seat town: "城关镇", the usual name of a county-seat town in China;
- the county-seat town's two masked "**路社区": "富兴路社区" — the seed names 富兴路社区 as one of
  that town's communities before the merger — and "建设路社区", which is invented.

Everything below the seed's figures (how the 398 members, 26,620 residents, 188 units and 103
staff are spread over the communities, the branches, buildings and people) is invented, and sums to
the seed's totals exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from dangjian.orgs.models import OrgKind

COUNTY_CODE = "DEMO"
COUNTY_NAME = "示例县委"  # the seed masks the county's name (**县)
PASSWORD = "demo-Pass-2026"

TOTAL_MEMBERS = 398
TOTAL_RESIDENTS = 26_620
TOTAL_UNITS = 188
TOTAL_STAFF = 103
NATIONAL_CADRES = 48  # 国家干部: 行政编制 + 事业编制
HIRED = 55  # 聘用人员: 公益性岗位 + 聘用


@dataclass(frozen=True)
class BranchSpec:
    """A branch under a general-branch community; ``grids`` are the grids whose buildings it
    covers (1-based), empty for a functional branch such as the retirees' branch."""

    kind: str
    suffix: str
    members: int
    grids: tuple[int, ...] = ()


@dataclass(frozen=True)
class CommunitySpec:
    name: str  # the community, e.g. 文化东路社区
    kind: str  # its party organisation: 党总支 or 党支部
    members: int
    residents: int
    units: int
    grids: int
    staff: tuple[tuple[str, int], ...]  # (Staff.Kind, count)
    branches: tuple[BranchSpec, ...] = ()

    @property
    def org_name(self) -> str:
        return self.name + ("党总支" if self.kind == OrgKind.GENERAL_BRANCH else "党支部")

    @property
    def short(self) -> str:
        return self.name.removesuffix("社区")


@dataclass(frozen=True)
class TownSpec:
    name: str
    is_county_seat: bool
    communities: tuple[CommunitySpec, ...]


B = BranchSpec
_SEAT_STAFF = (("admin", 2), ("institution", 5), ("public_welfare", 8), ("hired", 1))

TOWNS: tuple[TownSpec, ...] = (
    TownSpec(
        "城关镇",  # masked in the seed as "县城所在地**镇"
        True,
        (
            CommunitySpec(
                "文化东路社区",
                OrgKind.GENERAL_BRANCH,
                72,
                4_800,
                32,
                4,
                _SEAT_STAFF,
                (
                    B(OrgKind.BUILDING_BRANCH, "第一楼栋党支部", 16, (1,)),
                    B(OrgKind.BUILDING_BRANCH, "第二楼栋党支部", 15, (2,)),
                    B(OrgKind.BUILDING_BRANCH, "第三楼栋党支部", 14, (3,)),
                    B(OrgKind.GRID_BRANCH, "第四网格党支部", 9, (4,)),
                    B(OrgKind.BRANCH, "离退休党支部", 18),
                ),
            ),
            CommunitySpec(
                "文化西路社区",
                OrgKind.GENERAL_BRANCH,
                64,
                4_200,
                30,
                4,
                _SEAT_STAFF,
                (
                    B(OrgKind.BUILDING_BRANCH, "第一楼栋党支部", 15, (1,)),
                    B(OrgKind.BUILDING_BRANCH, "第二楼栋党支部", 14, (2,)),
                    # grid 4 has no branch at all: a coverage gap the demo shows
                    B(OrgKind.GRID_BRANCH, "第三网格党支部", 11, (3,)),
                    B(OrgKind.BRANCH, "离退休党支部", 24),
                ),
            ),
            CommunitySpec(
                "富兴路社区",  # masked "**路社区"; 富兴路社区 is named in the seed before the merger
                OrgKind.GENERAL_BRANCH,
                58,
                3_900,
                26,
                3,
                _SEAT_STAFF,
                (
                    B(OrgKind.BUILDING_BRANCH, "第一楼栋党支部", 20, (1,)),
                    B(OrgKind.BUILDING_BRANCH, "第二楼栋党支部", 18, (2,)),
                    # 2 full members and 1 probationary: under the 3-full-member minimum
                    B(OrgKind.BUILDING_BRANCH, "第三楼栋党支部", 3, (3,)),
                    B(OrgKind.BRANCH, "离退休党支部", 17),
                ),
            ),
            CommunitySpec(
                "建设路社区",  # masked "**路社区"; the name is invented
                OrgKind.GENERAL_BRANCH,
                66,
                4_400,
                28,
                4,
                _SEAT_STAFF,
                (
                    B(OrgKind.GRID_BRANCH, "第一网格党支部", 17, (1,)),
                    B(OrgKind.GRID_BRANCH, "第二网格党支部", 16, (2,)),
                    B(OrgKind.GRID_BRANCH, "第三网格党支部", 15, (3,)),
                    B(OrgKind.GRID_BRANCH, "第四网格党支部", 18, (4,)),
                ),
            ),
        ),
    ),
    TownSpec(
        "可可托海镇",
        False,
        (
            CommunitySpec(
                "文化东路社区",
                OrgKind.COMMUNITY_BRANCH,
                38,
                2_600,
                20,
                3,
                (("admin", 1), ("institution", 4), ("public_welfare", 4), ("hired", 1)),
            ),
            CommunitySpec(
                "文化西路社区",
                OrgKind.COMMUNITY_BRANCH,
                34,
                2_300,
                18,
                3,
                (("admin", 1), ("institution", 4), ("public_welfare", 4), ("hired", 1)),
            ),
            CommunitySpec(
                "团结路社区",
                OrgKind.COMMUNITY_BRANCH,
                33,
                2_100,
                16,
                2,
                (("admin", 1), ("institution", 4), ("public_welfare", 4)),
            ),
        ),
    ),
    TownSpec(
        "恰库尔图镇",
        False,
        (
            CommunitySpec(
                "迎宾路社区",
                OrgKind.COMMUNITY_BRANCH,
                33,
                2_320,
                18,
                2,
                (("admin", 1), ("institution", 4), ("public_welfare", 4), ("hired", 1)),
            ),
        ),
    ),
)

COMMUNITIES = tuple(c for t in TOWNS for c in t.communities)


def _check() -> None:
    """The invented spread must add up to the seed's figures."""
    assert len(TOWNS) == 3 and len(COMMUNITIES) == 8
    assert sum(c.members for c in COMMUNITIES) == TOTAL_MEMBERS
    assert sum(c.residents for c in COMMUNITIES) == TOTAL_RESIDENTS
    assert sum(c.units for c in COMMUNITIES) == TOTAL_UNITS
    kinds = [c.kind for c in COMMUNITIES]
    assert kinds.count(OrgKind.GENERAL_BRANCH) == 4 and kinds.count(OrgKind.COMMUNITY_BRANCH) == 4
    staff = [(k, n) for c in COMMUNITIES for k, n in c.staff]
    assert sum(n for k, n in staff if k in ("admin", "institution")) == NATIONAL_CADRES
    assert sum(n for k, n in staff if k in ("public_welfare", "hired")) == HIRED
    for c in COMMUNITIES:
        if c.branches:
            assert sum(b.members for b in c.branches) == c.members, c.name


_check()
