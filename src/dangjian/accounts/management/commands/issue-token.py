"""``dangjian issue-token USERNAME NAME``: an API token for another system, printed once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dangjian.accounts import services


class Command(BaseCommand):
    help = "为账号签发接口令牌（令牌只显示这一次，权限与该账号相同）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("name", help="用途，例如“区组织部统计系统”")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("没有用户名为“%(u)s”的账号。") % {"u": username})
        try:
            token, key = services.token_issue(user=user, name=name, acting_user=None)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stderr.write(
            _("已为 %(u)s 签发令牌“%(n)s”。令牌只显示这一次：") % {"u": username, "n": token.name}
        )
        # The key alone on stdout, so scripts can capture it: KEY=$(dangjian issue-token …)
        self.stdout.write(key)
