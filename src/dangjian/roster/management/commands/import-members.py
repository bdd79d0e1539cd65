"""dangjian import-members FILE --org CODE: the roster import for administrators.

Prints every problem (行 / 列 / 原因) and exits with status 1 when any row is bad — nothing is
imported then; prints the counts on success.

Organisation names the register does not know (第一楼栋支部 for 文化东路第一楼栋党支部) are listed
once each, with the closest organisation and the option that maps it::

    dangjian import-members 名册.xlsx --org CA --map "第一楼栋支部=CA-B1"

``--map`` may be repeated; ``--map-file`` reads one ``写法=编码`` (or ``写法,编码``) per line.
Mappings remembered from earlier imports (web or command line) are used without asking; those
given here are remembered when the import succeeds (not on ``--dry-run``).
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from dangjian.orgs.models import Organisation
from dangjian.roster import reader, services
from dangjian.roster.columns import detect


def _pair(text: str, where: str) -> tuple[str, str]:
    for sep in ("=", "\t", ",", "，"):
        written, found, code = text.rpartition(sep)
        if found and written.strip() and code.strip():
            return written.strip(), code.strip()
    raise CommandError(f"{where}：“{text}”不是“表中写法=党组织编码”的形式。")


def _read_map_file(path: Path) -> list[tuple[str, str]]:
    if not path.exists():
        raise CommandError(f"找不到对应文件 {path}。")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")  # saved from Excel/WPS on a Chinese Windows
    return [
        _pair(line.strip(), f"{path.name} 第 {i} 行")
        for i, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]


class Command(BaseCommand):
    help = (
        "从 Excel/CSV 名册导入党员（全部无误才导入；有问题时列出行号、列和原因并以非零状态退出）。"
    )

    def add_arguments(self, parser):  # noqa: ANN001, ANN201
        parser.add_argument("file")
        parser.add_argument("--org", required=True, help="导入到的党组织编码")
        parser.add_argument("--user", default="", help="以哪个账号的权限导入（默认：系统管理员）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不导入")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="写法=编码",
            help='表中党组织名称的写法对应到哪个党组织（编码），可重复，如 --map "第一楼栋支部=CA-B1"',
        )
        parser.add_argument(
            "--map-file", default="", help="对应文件：每行一条“写法=编码”，# 开头的行是注释"
        )

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
        pairs = _read_map_file(Path(opts["map_file"])) if opts["map_file"] else []
        pairs += [_pair(m, "--map") for m in opts["map"]]  # the command line wins over the file
        try:
            names = services.resolve_codes(acting_user=user, org=org, pairs=dict(pairs))
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
                names=names,
                remember=True,
            )
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError("；".join(getattr(exc, "messages", [str(exc)]))) from None
        for written, target in {**out.remembered, **out.mapped}.items():
            how = "本次指定" if written in out.mapped else "记住的对应"
            self.stdout.write(f"  {how}：“{written}” → {target.name}（{target.code}）")
        self._warn(out)
        if not out.ok:
            self._report(out)
            raise CommandError("名册有误，未导入。")
        if opts["dry_run"]:
            self.stdout.write(
                f"检查通过：共 {out.rows} 行，将新建 {out.to_create} 名，"
                f"已在册跳过 {out.skipped} 名（不作修改）。"
            )
        else:
            self.stdout.write(
                f"导入完成：共 {out.rows} 行，新建 {out.created} 名，已在册跳过 {out.skipped} 名。"
            )

    def _warn(self, out: services.Outcome) -> None:
        """Likely duplicates: listed, never stopping the import (check them before importing)."""
        if out.warnings:
            self.stdout.write(
                f"提醒：{len(out.warnings)} 行可能与别人是同一个人"
                "（姓名、出生日期相同，身份证号不同），请核对："
            )
            for p in out.warnings:
                self.stdout.write(f"  第 {p.row} 行\t{p.column}\t{p.reason}")

    def _report(self, out: services.Outcome) -> None:
        others = out.other_problems
        if others:
            self.stdout.write(f"发现 {len(others)} 处问题，没有导入：")
            for p in others:
                self.stdout.write(f"  第 {p.row} 行\t{p.column}\t{p.reason}")
        if out.unknown:
            self.stdout.write(
                f"有 {len(out.unknown)} 个党组织名称在系统中找不到，没有导入"
                "（确认对应后用 --map 指定，导入成功后会记住）："
            )
            for written, rows in out.unknown.items():
                shown = "、".join(str(r) for r in rows[:10]) + ("等" if len(rows) > 10 else "")
                near = out.suggested.get(written)
                if near is not None:
                    hint = (
                        f"最接近的是“{near.name}”（编码 {near.code}）；如果是它，"
                        f'请加上 --map "{written}={near.code}"'
                    )
                else:
                    hint = f'没有相近的党组织；请用 --map "{written}=<党组织编码>" 指定'
                self.stdout.write(f"  “{written}”（第 {shown} 行，共 {len(rows)} 行）：{hint}")
