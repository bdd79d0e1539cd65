"""``dangjian require-2fa USERNAME [--off]``: require (or stop requiring) a TOTP code at login."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dangjian.accounts import services


class Command(BaseCommand):
    help = "要求某个账号登录时输入动态口令（--off 取消要求）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--off", action="store_true", help="取消要求")

    def handle(self, *args: Any, username: str, off: bool, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("没有用户名为“%(u)s”的账号。") % {"u": username})
        # Run on the server by an administrator: no acting user, the audit shows "—".
        services.profile_set_require_2fa(user=user, required=not off, acting_user=None)
        if off:
            self.stdout.write(_("已取消：%(u)s 登录时不再必须输入动态口令。") % {"u": username})
        else:
            self.stdout.write(
                _("已要求：%(u)s 下次登录时须输入动态口令；尚未绑定验证器的，登录后会先引导绑定。")
                % {"u": username}
            )
