"""设岗定责 and 一人一职 (SPEC §6, seed [002]): a community's posts, the members who chose them,
and the duty log of each holder (``holder.deeds``).

A :class:`Post` is either a post (岗位: 治安巡逻岗, 政策宣传岗, … up to the rule's number per
community) that any member may choose by skill and interest, or a role (角色, 一人一职: 政策宣传员,
学生政治辅导员, …) for a retired member to claim. A :class:`PostHolder` row is one member in one
post from a date (and until a date when they leave it); what they did on it (履职) is the deeds
of :mod:`dangjian.deeds` linked to the holding — picked or recorded once, never retyped.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ScopedQuerySet, ancestor_paths


class PostKind(models.TextChoices):
    POST = "post", _("党员岗位（设岗定责）")
    ROLE = "role", _("离退休党员认领角色（一人一职）")


#: The seven posts seed [002] names, offered to every community to start with.
SEED_POSTS = (
    ("治安巡逻岗", "参加楼栋、小区治安巡逻，发现隐患及时报告。"),
    ("政策宣传岗", "向居民宣传党的方针政策和惠民政策。"),
    ("义务教育岗", "辅导社区青少年学习，关心下一代成长。"),
    ("社会公德岗", "倡导文明新风，劝导不文明行为。"),
    ("便民服务岗", "为居民特别是老弱病残提供代办、代购等便民服务。"),
    ("纠纷调解岗", "协助调解邻里、家庭纠纷，化解矛盾。"),
    ("参政议政岗", "收集居民意见建议，参与社区事务议事。"),
)
#: Roles of 一人一职 seed [002] names.
SEED_ROLES = (
    ("政策宣传员", "在所住楼栋宣讲政策，传达社区通知。"),
    ("学生政治辅导员", "到社区、学校为青少年讲党史、讲传统。"),
)


class PostQuerySet(ScopedQuerySet):
    scope_path = "community__path"
    member_org_lookup = None

    def _restrict(self, user, action):  # noqa: ANN001, ANN202 - see ScopedQuerySet
        """A community's posts are open to its own members to see (to choose one), and to the
        in-service members checked in to it (the community gives them a post, seed [002])."""
        from dangjian.core.access import VIEW, scope_for

        base = super()._restrict(user, action)
        scope = scope_for(user)
        if action != VIEW or scope.everything or not scope.member_org_path:
            return base
        from django.apps import apps

        checked_in = (
            apps.get_model("checkin", "CheckIn")
            .objects.filter(member_id=scope.member_id, ended_on__isnull=True)
            .values("community_id")
        )
        return (
            base
            | self.filter(community__path__in=ancestor_paths(scope.member_org_path))
            | self.filter(community_id__in=checked_in)
        )


class Post(models.Model):
    community = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("社区党组织"),
        on_delete=models.PROTECT,
        related_name="posts",
    )
    kind = models.CharField(
        _("类别"), max_length=8, choices=PostKind.choices, default=PostKind.POST
    )
    name = models.CharField(_("名称"), max_length=50)
    duties = models.CharField(_("职责"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("党员岗位")
        ordering = ["community", "kind", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="post_name_once"),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_scope_path(self) -> str:
        return self.community.path


class HolderQuerySet(ScopedQuerySet):
    """The member's organisation sees their posts; so does the community whose post it is (an
    in-service member checked in there holds a post of that community)."""

    scope_path = "member__org__path"
    self_lookup = "member_id"

    def _restrict(self, user, action):  # noqa: ANN001, ANN202 - see ScopedQuerySet
        from dangjian.core.access import scope_for, subtree_q

        base = super()._restrict(user, action)
        scope = scope_for(user)
        if scope.everything:
            return base
        q = models.Q(pk__in=[])
        for p in scope.paths(action):
            q |= subtree_q("post__community__path", p)
        return base | self.filter(q)


class PostHolder(models.Model):
    """One member on one post from a date; what they did on it is ``self.deeds``."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="holders")
    member = models.ForeignKey(
        "members.Member", verbose_name=_("党员"), on_delete=models.PROTECT, related_name="posts"
    )
    since = models.DateField(_("上岗日期"))
    until = models.DateField(_("离岗日期"), null=True, blank=True)
    skill = models.CharField(_("特长"), max_length=100, blank=True)

    objects = HolderQuerySet.as_manager()

    class Meta:
        verbose_name = _("党员上岗")
        ordering = ["post", "member__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "member"],
                condition=models.Q(until__isnull=True),
                name="holder_once_per_post",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post} {self.member}"

    def audit_scope_path(self) -> str:
        return self.member.org.path
