"""The demo county's commitments (党员承诺“六诺”) for the current year, at every step.

Through ``commitments.services`` (so the rules, the audit and the step history are real): about
six in ten members of each branch make a commitment; the branch deliberates them in its first
branch committee or general meeting after they were submitted, the community approves, and the
system publishes. Some are still drafts, submitted, awaiting review or sent back; most are being
kept with a few deeds recorded for them; some are being evaluated (the organisation and residents
have rated) and some are graded. Members without an account have their branch submit for them.
Evidence, duty logs and volunteer services are all deeds (issue 14): recorded once, and a team's
service is also picked as a duty of the members on a post who took part.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils import timezone

from dangjian.commitments import services, services_board, services_evidence, services_rating
from dangjian.commitments.models import Kind
from dangjian.meetings.models import Meeting
from dangjian.members.models import Member, State

if TYPE_CHECKING:
    from .county import Demo

POSTS = (
    ("治安巡逻岗：每周巡逻一次", "每周六晚在包片楼栋巡逻，发现隐患及时报告网格员。"),
    ("政策宣传岗：每月入户宣讲", "每月入户宣讲一次惠民政策，帮助居民办理相关手续。"),
    ("纠纷调解岗：邻里纠纷随叫随到", "楼栋内邻里纠纷随叫随到，协助社区调解。"),
    ("便民服务岗：代办代购", "为独居老人代买药品、代缴水电费，每月不少于两次。"),
    ("社会公德岗：文明劝导", "每月参加一次文明劝导，清理楼道杂物。"),
)
DEEDS = (
    ("为困难户修缮门窗", "年内为结对困难户修缮门窗一次。"),
    ("辅导社区儿童功课", "每周三晚在社区活动室辅导小学生功课。"),
    ("组织楼道环境整治", "每季度组织一次楼道环境卫生整治。"),
    ("帮扶一户失业家庭", "帮助一户失业家庭联系就业岗位。"),
)
EVIDENCE = (
    "完成一次入户走访。",
    "参加楼道清扫。",
    "为独居老人代买药品。",
    "协助调解邻里纠纷一起。",
)
# the share of commitments left at each point of the year (of ten)
PLAN = (
    "draft",
    "applied",
    "deliberated",
    "returned",
    "kept",
    "kept",
    "kept",
    "rated",
    "rated",
    "graded",
)


def _meeting_after(branch_id: int, day: dt.date, today: dt.date) -> Meeting | None:
    return (
        Meeting.objects.filter(
            org_id=branch_id,
            kind__in=services.DELIBERATING_KINDS,
            cancelled=False,
            date__gte=day,
            date__lte=today,
        )
        .order_by("date")
        .first()
    )


def build_commitments(demo: Demo, *, log: Callable[[str], None]) -> None:
    rng = demo.rng
    today = timezone.localdate()
    year = today.year
    admin = demo.admin
    made = 0
    phone = 13900000000
    for community in demo.communities:
        for branch in community.branches:
            members = list(Member.objects.filter(org=branch, state=State.ACTIVE).order_by("pk"))
            for i, m in enumerate(members):
                if rng.random() > 0.6:
                    continue
                kind = Kind.POST if rng.random() < 0.6 else Kind.DEED
                title, content = rng.choice(POSTS if kind == Kind.POST else DEEDS)
                c = services.commitment_draft(
                    acting_user=admin, member=m, year=year, kind=kind, title=title, content=content
                )
                made += 1
                plan = PLAN[(i + made) % len(PLAN)]
                if plan == "draft":
                    continue
                applied_on = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(20, 120))
                c = services.take_step(
                    c,
                    action="apply",
                    acting_user=m.user if m.user_id else admin,
                    expected_version=None,
                    today=applied_on,
                )
                if plan == "applied":
                    continue
                meeting = _meeting_after(branch.pk, applied_on, today)
                if meeting is None:
                    continue
                c = services.take_step(
                    c,
                    action="deliberate",
                    acting_user=admin,
                    expected_version=None,
                    today=meeting.date,
                    meeting=meeting,
                )
                if plan == "deliberated":
                    continue
                if plan == "returned":
                    services.take_step(
                        c,
                        action="return_from_review",
                        acting_user=admin,
                        expected_version=None,
                        today=meeting.date + dt.timedelta(days=5),
                        reason="承诺内容不够具体，请写明次数和时间。",
                    )
                    continue
                published = min(meeting.date + dt.timedelta(days=7), today)
                c = services.take_step(
                    c, action="approve", acting_user=admin, expected_version=None, today=published
                )
                for k in range(rng.randrange(1, 4)):
                    day = published + dt.timedelta(days=30 * (k + 1))
                    if day > today:
                        break
                    services_evidence.evidence_record(
                        c, acting_user=admin, date=day, text=rng.choice(EVIDENCE), today=today
                    )
                if plan == "kept":
                    continue
                c = services.take_step(
                    c,
                    action="open_evaluation",
                    acting_user=admin,
                    expected_version=None,
                    today=today,
                )
                services_rating.rate(c, tier="org", acting_user=admin, score=rng.randrange(70, 99))
                for _r in range(rng.randrange(1, 4)):
                    phone += 1
                    services_rating.rate_as_resident(
                        c, phone=str(phone), score=rng.choice((100, 85, 85, 70))
                    )
                if plan == "graded":
                    services.take_step(
                        c, action="conclude", acting_user=admin, expected_version=None, today=today
                    )
    log(f"党员承诺：{made} 条（{year} 年，各环节都有）")
    # each community's public board, at its random address (printed in its QR code)
    boards = [services_board.board_for(community.org) for community in demo.communities]
    if boards:
        log(
            f"公开示诺页面：/commitments/board/{boards[0].slug}/（{boards[0].org.name}，共 {len(boards)} 个社区）"
        )


def build_posts_and_volunteering(demo: Demo, *, log: Callable[[str], None]) -> None:
    """Each community's seven posts and two roles (one post left empty on purpose), a third of
    the members on a post with a few duty notes, retired members in roles, and two volunteer
    teams with a year of services."""
    from dangjian.commitments import services_posts
    from dangjian.members.models import Category
    from dangjian.volunteering import services as vol

    rng = demo.rng
    today = timezone.localdate()
    admin = demo.admin
    from dangjian.deeds.services import deed_attach

    held = hours = picked = 0
    for community in demo.communities:
        made = services_posts.posts_seed(acting_user=admin, community=community.org)
        posts = [p for p in made if p.kind == "post"][:-1]  # 参政议政岗 stays empty
        roles = [p for p in made if p.kind == "role"]
        members = list(
            Member.objects.filter(org__path__startswith=community.org.path, state=State.ACTIVE)
            .prefetch_related("categories")
            .order_by("pk")
        )
        holding: dict = {}
        for i, m in enumerate(members):
            if i % 3 == 0:
                h = services_posts.post_take(
                    posts[(i // 3) % len(posts)],
                    member=m,
                    acting_user=admin,
                    since=dt.date(today.year, 3, 1),
                )
                holding[m.pk] = h
                held += 1
                for k in range(rng.randrange(0, 3)):
                    day = dt.date(today.year, 4 + 2 * k, 10)
                    if day > today:
                        break
                    services_posts.duty_record(
                        h, acting_user=admin, date=day, text=rng.choice(EVIDENCE)
                    )
            retired = any(c.category == Category.RETIRED for c in m.categories.all())
            if retired and i % 4 == 1:
                services_posts.post_take(roles[i % len(roles)], member=m, acting_user=admin)
        teams = [
            vol.team_create(
                acting_user=admin, community=community.org, name="党员义工队", kind="yigong"
            ),
            vol.team_create(
                acting_user=admin, community=community.org, name="万家帮服务队", kind="wanjiabang"
            ),
        ]
        for month in range(1, today.month + 1):
            team = teams[month % 2]
            day = dt.date(today.year, month, 15)
            if day > today:
                break
            came = rng.sample(members, k=min(len(members), rng.randrange(3, 9)))
            deed = vol.service_record(
                acting_user=admin,
                team=team,
                date=day,
                title=rng.choice(("义诊", "清理楼道", "理发", "家电维修", "法律咨询")),
                hours={m.pk: rng.choice(("1", "2", "2", "3")) for m in came},
            )
            hours += len(came)
            # one member on a post counts the service as a duty: picked, not typed again
            on_post = [holding[m.pk] for m in came if m.pk in holding]
            if on_post and day >= on_post[0].since:
                deed_attach(deed, acting_user=admin, holding=on_post[0])
                picked += 1
    log(f"设岗定责：{held} 名党员在岗；志愿服务：{hours} 人次；{picked} 次服务记为履职")
