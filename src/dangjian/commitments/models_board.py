"""The community's public board (公开示诺) of commitments: its unguessable address and its
choices, and the challenges residents have already answered there.

The board used to live at the community's organisation code, which anyone can guess in a few
tries; now each board has a random ``slug`` printed in its QR code. Whether the old address
still works, and whether members' full names are shown to visitors who are not logged in, is
the community's choice (SPEC §6, issue 13).
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ScopedQuerySet
from dangjian.core.models import Versioned


def new_slug() -> str:
    """16 URL-safe characters (96 random bits): not found by guessing."""
    return secrets.token_urlsafe(12)


class PublicBoardQuerySet(ScopedQuerySet):
    scope_path = "org__path"


class PublicBoard(Versioned):
    """One community's public board: where it is and what it shows. Made the first time the
    board is needed; changed only by the community's secretaries (audited)."""

    org = models.OneToOneField(
        "orgs.Organisation",
        verbose_name=_("社区党组织"),
        on_delete=models.CASCADE,
        related_name="public_board",
    )
    slug = models.CharField(_("公开地址"), max_length=32, unique=True, default=new_slug)
    allow_code_address = models.BooleanField(
        _("保留旧地址"),
        default=False,
        help_text=_("旧地址用组织代码组成，容易被猜到；只为已经张贴的旧二维码保留。"),
    )
    show_full_names = models.BooleanField(
        _("向未登录的访客显示党员全名"),
        default=False,
        help_text=_("不勾选时，未登录的访客看到“张某”；登录的党员和干部总能看到全名。"),
    )

    show_stars = models.BooleanField(
        _("在公开栏显示驻区单位星光榜"),
        default=False,
        help_text=_("各社区自行决定是否公布驻区单位的星级（默认不公布）。"),
    )

    objects = PublicBoardQuerySet.as_manager()

    class Meta:
        verbose_name = _("公开示诺页面")
        verbose_name_plural = _("公开示诺页面")

    def __str__(self) -> str:
        return f"{self.org.name} · {_('公开示诺页面')}"

    def audit_scope_path(self) -> str:
        return self.org.path


class UsedChallenge(models.Model):
    """An arithmetic question on the board that has been answered (rightly or not): each may be
    answered once, so one solved question cannot carry many ratings. Rows older than the
    question's lifetime prove nothing and are deleted as new ones come in."""

    nonce = models.CharField(max_length=32, unique=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.nonce
