"""``dangjian benchmark``: time the hot pages on SQLite and PostgreSQL in one run; write a report.

For each database: a fresh database (a SQLite file in a temporary directory; a throwaway
PostgreSQL server, or a new database on the server given by ``--pg-url``), then a subprocess with
``DANGJIAN_DATABASE_URL`` pointing at it runs ``benchmark --this-database``: migrate, generate the
city, time pages and floors (``demo/bench.py``). The parent merges the parts into one JSON report
and prints a summary. See docs/benchmarks.md for how to read it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dangjian.core.management.commands.rules import pad, width
from dangjian.demo import bench, pg

PAGE_TITLES = {
    "member_list": "党员列表（搜索）",
    "member_api": "接口 党员列表（搜索）",
    "member_page": "党员详情页",
    "coverage": "覆盖空白（街道）",
    "member_list_city": "党员列表（全市搜索）",
    "baseline": "空页面 /healthz",
    "cadence_rollup": "按期召开汇总（千支部街道）",
    "dashboard": "数据看板（街道）",
    "dashboard_county": "数据看板（全县）",
    "home_community": "首页待办（社区书记）",
    "nolife": "连续不参加组织生活名单（社区）",
    "assessment_street": "“五个好”考核（街道各社区）",
}


class Command(BaseCommand):
    help = "性能测试：在 SQLite 和 PostgreSQL 上生成城市并计时主要页面，与手写 SQL 下限对比，写出 JSON 报告。"

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=100_000, help="城市党员人数")
        parser.add_argument(
            "--databases", default="sqlite,postgres", help="逗号分隔：sqlite、postgres"
        )
        parser.add_argument("--requests", type=int, default=200, help="每项计时的请求次数")
        parser.add_argument("--out", default="bench-report.json", help="JSON 报告文件")
        parser.add_argument("--seed", type=int, default=1, help="随机数种子")
        parser.add_argument(
            "--cadence-branches",
            type=int,
            default=1000,
            help="按期召开汇总测试街道的支部数（三年会议）；0 表示不测",
        )
        parser.add_argument(
            "--pg-url",
            default="",
            help="使用已有的 PostgreSQL 服务器（在其上新建并删除一个临时数据库），不自己启动",
        )
        parser.add_argument(
            "--keep",
            default="",
            metavar="DIR",
            help="把生成的数据库保留在此目录（SQLite 文件；PostgreSQL 需配合 --pg-url，保留一个数据库）；"
            "下次用同样的 --members、--seed 和 --keep 运行时不再生成，直接计时（例如在机器空闲时重测）",
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="（内部使用）数据库已有保留的城市时沿用它",
        )
        parser.add_argument(
            "--this-database",
            action="store_true",
            help="（内部使用）在当前配置的空数据库上运行一次，把结果写到 --out",
        )

    def handle(self, *args, **options):
        if options["cadence_branches"] < 0:
            raise CommandError("--cadence-branches 不能为负数。")
        if options["members"] < 1 or options["requests"] < 1:
            raise CommandError("--members 和 --requests 至少为 1。")
        if options["this_database"]:
            result = bench.run_here(
                members=options["members"],
                requests=options["requests"],
                seed=options["seed"],
                log=self._log,
                cadence_branches=options["cadence_branches"],
                reuse=options["reuse"],
            )
            Path(options["out"]).write_text(
                json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8"
            )
            return
        databases = [d.strip() for d in options["databases"].split(",") if d.strip()]
        unknown = set(databases) - {"sqlite", "postgres"}
        if unknown or not databases:
            raise CommandError("--databases 只能是 sqlite、postgres（逗号分隔）。")
        if options["keep"] and "postgres" in databases and not options["pg_url"]:
            raise CommandError(
                "--keep 保留 PostgreSQL 数据库需要一台长期运行的服务器：请同时给出 --pg-url。"
            )
        report: dict[str, Any] = {
            "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "members": options["members"],
            "requests": options["requests"],
            "seed": options["seed"],
            "cadence_branches": options["cadence_branches"],
            "targets": {
                "member_list_and_api_p95_ms_under": bench.TARGET_P95_MS,
                "page_within_floor_ratio": bench.TARGET_FLOOR_RATIO,
            },
            "machine": bench.machine_info(),
            "databases": {},
        }
        for db in databases:
            self._log(f"== {db}")
            report["databases"][db] = self._run_one(db, options)
        out = Path(options["out"])
        out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        self.stdout.write(summary_table(report))
        self.stdout.write(f"报告已写入 {out.resolve()}")
        failed = [
            f"{db} {name}：{page['error']}"
            for db, part in report["databases"].items()
            for name, page in part["pages"].items()
            if "error" in page
        ]
        if failed:
            raise CommandError("有页面出错，计时不完整：\n" + "\n".join(failed))

    def _log(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    def _run_one(self, db: str, options: dict[str, Any]) -> dict[str, Any]:
        keep = options["keep"]
        tag = f"{options['members']}-s{options['seed']}"
        if keep:  # the data directory holds the field key the kept ID numbers are encrypted with
            tmp = Path(keep).resolve() / f"{db}-{tag}"
            tmp.mkdir(parents=True, exist_ok=True)
        else:
            tmp = Path(tempfile.mkdtemp(prefix=f"dangjian-bench-{db}."))
        server = None
        dbname = (
            f"dangjian_bench_keep_{tag.replace('-', '_')}"
            if keep
            else f"dangjian_bench_{os.getpid()}"
        )
        try:
            if db == "sqlite":
                url = f"sqlite:///{tmp / 'bench.sqlite3'}"
            elif options["pg_url"] and keep:
                url = pg.kept_database(options["pg_url"], dbname)
            elif options["pg_url"]:
                url = pg.fresh_database(options["pg_url"], dbname)
            else:
                server = pg.ThrowawayPostgres().start()
                url = server.url
            part = tmp / "part.json"
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "dangjian.settings",
                "DANGJIAN_DATABASE_URL": url,
                "DANGJIAN_DATA_DIR": str(tmp),
                "DANGJIAN_DEBUG": "0",
                "PYTHONUNBUFFERED": "1",
            }
            cmd = [
                sys.executable,
                "-m",
                "dangjian.cli",
                "benchmark",
                "--this-database",
                "--members",
                str(options["members"]),
                "--requests",
                str(options["requests"]),
                "--seed",
                str(options["seed"]),
                "--cadence-branches",
                str(options["cadence_branches"]),
                "--out",
                str(part),
                *(["--reuse"] if keep else []),
            ]
            proc = subprocess.Popen(
                cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            assert proc.stdout is not None
            for line in proc.stdout:
                self._log(line.rstrip("\n"))
            if proc.wait() != 0:
                raise CommandError(
                    f"{db} 的性能测试失败（退出码 {proc.returncode}），见上面的输出。"
                )
            result = json.loads(part.read_text(encoding="utf-8"))
            result["database"]["url"] = (
                "sqlite (temporary file)" if db == "sqlite" else url.split("@")[-1]
            )
            return result
        finally:
            if server is not None:
                server.stop()
            elif keep:
                self._log(f"{db} 数据库已保留：{url.split('@')[-1]}（数据目录 {tmp}）")
            elif db == "postgres" and options["pg_url"]:
                pg.drop_database(options["pg_url"], dbname)
            if not keep:
                shutil.rmtree(tmp, ignore_errors=True)


def _ms(v: Any) -> str:
    return "-" if v is None else f"{v:.1f}"


def summary_table(report: dict[str, Any]) -> str:
    """One line per page and database: latency, queries, floor and the ratios, with verdicts.

    倍数 = the whole page against the floor; SQL倍数 = the page's own database time against it.
    """
    head = (
        "数据库",
        "页面",
        "查询数",
        "p50",
        "p95",
        "最大",
        "SQL p50",
        "下限p50",
        "下限p95",
        "倍数p50",
        "倍数p95",
        "SQL倍数",
        "目标",
    )
    rows: list[tuple[str, ...]] = [head]
    for db, part in report["databases"].items():
        for name, page in part["pages"].items():
            title = PAGE_TITLES.get(name, name)
            if "error" in page:
                rows.append((db, title, "出错", *["-"] * 9, page["error"][:60]))
                continue
            floor = page.get("floor") or {}
            verdicts = []
            if "p95_under_150ms" in page:
                verdicts.append("p95<150 " + ("✓" if page["p95_under_150ms"] else "✗"))
            if "within_3x_floor" in page:
                verdicts.append("页面≤3×下限 " + ("✓" if page["within_3x_floor"] else "✗"))
                verdicts.append("SQL≤3×下限 " + ("✓" if page["sql_within_3x_floor"] else "✗"))
            rows.append(
                (
                    db,
                    title,
                    str(page.get("queries")),
                    _ms(page["p50_ms"]),
                    _ms(page["p95_ms"]),
                    _ms(page["max_ms"]),
                    _ms(page.get("sql_p50_ms")),
                    _ms(floor.get("p50_ms")),
                    _ms(floor.get("p95_ms")),
                    _x(page.get("ratio_p50")),
                    _x(page.get("ratio_p95")),
                    _x(page.get("sql_ratio_p50")),
                    "，".join(verdicts),
                )
            )
    cols = [max(width(r[i]) for r in rows) for i in range(len(head))]
    lines = [f"性能测试：{report['members']:,} 名党员，每项 {report['requests']} 次请求（毫秒）"]
    for i, r in enumerate(rows):
        lines.append("  ".join(pad(c, cols[j]) for j, c in enumerate(r)).rstrip())
        if i == 0:
            lines.append("-" * width(lines[-1]))
    return "\n".join(lines)


def _x(v: Any) -> str:
    return "-" if v is None else f"{v}×"
