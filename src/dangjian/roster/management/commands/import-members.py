"""dangjian import-members FILE --org CODE: the roster import for administrators.

Prints every problem (行 / 列 / 原因) and exits with status 1 when any row is bad — nothing is
imported then; prints the counts on success.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from dangjian.orgs.models import Organisation
from dangjian.roster import reader, services
from dangjian.roster.columns import detect


class Command(BaseCommand):
    help = (
        "从 Excel/CSV 名册导入党员（全部无误才导入；有问题时列出行号、列和原因并以非零状态退出）。"
    )

    def add_arguments(self, parser):  # noqa: ANN001, ANN201
        parser.add_argument("file")
        parser.add_argument("--org", required=True, help="导入到的党组织编码")
        parser.add_argument("--user", default="", help="以哪个账号的权限导入（默认：系统管理员）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不导入")

    def handle(self, *args, **opts):  # noqa: ANN002, ANN003, ANN201
        org = Organisation.objects.filter(code=opts["org"]).first()
        if org is None:
            raise CommandError(f"没有编码为 {opts['org']} 的党组织。")
        users = get_user_model().objects
        user = (
            users.filter(username=opts["user"]).first()
            if opts["user"]
            else users.filter(is_superuser=True).first()
        )
        if user is None:
            raise CommandError("没有可用的账号：请用 --user 指定。")
        path = Path(opts["file"])
        if not path.exists():
            raise CommandError(f"找不到文件 {path}。")
        try:
            sheet = reader.read(path.read_bytes(), path.name)
            out = services.import_rows(
                acting_user=user,
                org=org,
                headers=sheet.headers,
                rows=sheet.rows,
                mapping=detect(sheet.headers),
                filename=path.name,
                header_row=sheet.header_row,
                dry_run=opts["dry_run"],
            )
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError("；".join(getattr(exc, "messages", [str(exc)]))) from None
        if not out.ok:
            self.stdout.write(f"发现 {len(out.problems)} 处问题，没有导入：")
            for p in out.problems:
                self.stdout.write(f"  第 {p.row} 行\t{p.column}\t{p.reason}")
            raise CommandError("名册有误，未导入。")
        verb = "检查通过" if opts["dry_run"] else "导入完成"
        self.stdout.write(
            f"{verb}：共 {out.rows} 行，新建 {out.created} 名，已在册跳过 {out.skipped} 名。"
        )
