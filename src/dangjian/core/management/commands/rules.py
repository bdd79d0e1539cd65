"""``dangjian rules``: the rules table (SPEC §13) on the terminal, or as JSON with ``--json``.

The numbers printed are the effective defaults: the table in ``core/rules.py`` overlaid by the
locality's configuration file (``DANGJIAN_RULES_FILE``), so a county can check what it set.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from dangjian.core import rules


def _area_titles() -> dict[str, str]:
    return {
        "orgs": _("组织体系"),
        "meetings": _("组织生活"),
        "members": _("党员管理"),
        "cobuild": _("共驻共建"),
        "grid": _("网格与稳定"),
        "capacity": _("社区能力建设"),
    }


def _enforcement_titles() -> dict[str, str]:
    return {
        "warn": _("提醒"),
        "block": _("拒绝"),
        "flag": _("列入名单"),
        "info": _("说明"),
    }


def width(text: str) -> int:
    """Terminal columns a string takes: Chinese characters are two columns wide."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, cols: int) -> str:
    return text + " " * max(0, cols - width(text))


def format_values(values: dict[str, Any]) -> str:
    def plain(v: Any) -> str:
        if isinstance(v, bool):
            return _("是") if v else _("否")
        if isinstance(v, list | tuple):
            return "[" + ", ".join(plain(x) for x in v) + "]"
        if v is None:
            return "∞"
        return str(v)

    return "，".join(f"{k}={plain(v)}" for k, v in values.items())


def render_table(rows: Iterable[dict[str, Any]]) -> str:
    """The rules grouped by area: one line per rule, its explanation and source underneath."""
    areas = _area_titles()
    modes = _enforcement_titles()
    rows = list(rows)
    id_w = max(width(r["id"]) for r in rows)
    title_w = max(width(r["title"]) for r in rows)
    header = "  ".join(
        [pad(_("编号"), id_w), pad(_("规则"), title_w), pad(_("处理"), 8), _("数值（单位）")]
    )
    out: list[str] = [_("规则表（共 %(n)d 条）") % {"n": len(rows)}]
    current = None
    for r in rows:
        if r["area"] != current:
            current = r["area"]
            out += ["", f"【{areas.get(current, current or _('其他'))}】", header]
            out.append("-" * width(header))
        out.append(
            "  ".join(
                [
                    pad(r["id"], id_w),
                    pad(r["title"], title_w),
                    pad(modes.get(r["enforcement"], r["enforcement"]), 8),
                    f"{format_values(r['values'])}（{r['unit']}）",
                ]
            )
        )
        indent = " " * (id_w + 2)
        out.append(f"{indent}{_('说明')}：{r['explain']}")
        out.append(f"{indent}{_('依据')}：{r['source']}")
    out.append("")
    out.append(_("各地可在 DANGJIAN_RULES_FILE 指定的配置文件中调整数字，无需修改程序。"))
    return "\n".join(out)


class Command(BaseCommand):
    help = "列出规则表（配额、周期、比例、期限），--json 输出机器可读格式。"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, **options):
        rows = rules.as_rows()
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render_table(rows))
