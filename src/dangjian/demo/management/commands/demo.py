"""``dangjian demo``: migrate, build the demo county of seed 002 once, print the accounts, serve.

Running it again reuses what is there (the county is built only once); ``--reset`` empties the
demo database and builds it afresh; ``--no-serve`` builds and stops (tests, CI, scripts).
"""

from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from dangjian.core.management.commands.rules import pad, width
from dangjian.demo import county
from dangjian.demo.people import ACCOUNTS
from dangjian.demo.spec import PASSWORD


class Command(BaseCommand):
    help = "建立演示数据（种子文件 002 所述的县：3 个镇、8 个社区、398 名党员）并启动网站。"

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="只建数据，不启动网站")
        parser.add_argument("--reset", action="store_true", help="清空演示数据库后重建")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="网站监听地址:端口")

    def handle(self, *args, **options):
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        if options["reset"] and county.is_built():
            if county.foreign_data():
                raise CommandError(
                    "数据库里还有演示县以外的数据，--reset 不会清空它。"
                    "请换一个数据目录（DANGJIAN_DATA_DIR）或数据库再试。"
                )
            self.stdout.write("清空演示数据……")
            county.reset_demo()
        if county.is_built():
            self.stdout.write("演示数据已存在，直接使用（要重建请加 --reset）。")
        else:
            self.stdout.write("正在建立演示数据（示例县，依据种子文件 002）……")
            county.build_demo(log=lambda line: self.stdout.write(f"  {line}"))
            self.stdout.write(f"演示数据已建好，用时 {time.perf_counter() - started:.1f} 秒。")
        self._print_accounts(options["addr"])
        if options["no_serve"]:
            return
        from dangjian.roster.uploads import sweep

        sweep()  # roster uploads abandoned while the server was down
        # Big exports run in the background worker: the demo starts one beside the server, so
        # nobody needs a second terminal for `dangjian worker`; it stops with the server.
        import subprocess
        import sys

        worker = subprocess.Popen(
            [sys.executable, "-c", "from dangjian.cli import main; main()", "worker", "-v0"]
        )
        try:
            call_command("runserver", options["addr"], use_reloader=False, use_threading=True)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()

    def _print_accounts(self, addr: str) -> None:
        url = f"http://{addr}/"
        rows = [("用户名", "密码", "能看到的范围")] + [
            (a.username, PASSWORD, a.scope) for a in ACCOUNTS
        ]
        cols = [max(width(r[i]) for r in rows) for i in range(2)]
        self.stdout.write("")
        self.stdout.write(f"网址：{url}")
        self.stdout.write("演示账号（仅供演示，密码相同）：")
        for i, (user, pw, scope) in enumerate(rows):
            self.stdout.write(f"  {pad(user, cols[0])}  {pad(pw, cols[1])}  {scope}")
            if i == 0:
                self.stdout.write("  " + "-" * (cols[0] + cols[1] + 4 + width(scope) + 8))
        self.stdout.write("")
