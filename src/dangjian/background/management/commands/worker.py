"""``dangjian worker``: the process that runs background work (big exports).

It is django-tasks' database worker: it takes queued tasks from the database one at a time.
Run one (or more) next to the web server, e.g. as a systemd service. ``--once`` runs what is
queued and exits (cron, tests). SIGTERM or Ctrl+C lets the current task finish, then exits; a
second one stops at once (the export is then shown as interrupted and can be re-run).
"""

from __future__ import annotations

import signal
from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

_SIGNALS = [
    signal.SIGINT,
    signal.SIGTERM,
    *([signal.SIGQUIT] if hasattr(signal, "SIGQUIT") else []),
]


class Command(DbWorkerCommand):
    help = "运行后台任务（大批量导出等）的工作进程；--once 处理完排队的任务后退出。"

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--once",
            action="store_true",
            dest="batch",
            help="处理完当前排队的任务后退出（同 --batch）。",
        )
        # Code reloading is for development of tasks, not for a worker that must finish its
        # task on SIGTERM: off unless asked for.
        parser.set_defaults(reload=False)

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("batch"):
            options["startup_delay"] = False
        # The worker takes over SIGINT/SIGTERM (finish the task, then exit); give them back when
        # it returns, for a caller that runs it in-process (``--once`` from a test or a script).
        saved = {s: signal.getsignal(s) for s in _SIGNALS}
        try:
            super().handle(*args, **options)
        finally:
            for s, handler in saved.items():
                signal.signal(s, handler)
