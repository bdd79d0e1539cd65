"""``dangjian serve``: run the platform for real, under gunicorn with several worker processes.

One process tree started by this command: gunicorn's master (this process) and its workers,
forked with Django already loaded. Before it listens it refuses a database with unapplied
migrations (one Chinese line, exit status 2), collects the static files into ``STATIC_ROOT`` and
has WhiteNoise serve them from there (no file-system search per request). It runs with and
without ``DANGJIAN_PRODUCTION=1``; without, it says that this is not production mode.

Meant to sit behind a reverse proxy (nginx) that terminates TLS and buffers slow clients: see
docs/deploy.md for the systemd unit and the proxy's configuration.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import gunicorn.http.wsgi as gunicorn_wsgi
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from gunicorn.app.base import BaseApplication

#: gunicorn's rule of thumb for worker processes, ``2 × cores + 1``, capped: each worker holds a
#: copy of the application (~100 MB) and a database connection.
MAX_DEFAULT_WORKERS = 8
#: Seconds a worker may spend on one request before it is restarted (large exports take a while).
DEFAULT_TIMEOUT = 120
#: A worker is replaced after about this many requests (± the jitter), bounding slow leaks.
MAX_REQUESTS, MAX_REQUESTS_JITTER = 2000, 200

NOT_PRODUCTION = (
    "注意：没有设置 DANGJIAN_PRODUCTION=1，现在不是生产模式（不强制 HTTPS，密钥取自数据目录）；"
    "正式上线请按 docs/deploy.md 配置。"
)
UNMIGRATED = "数据库还有 {n} 个更新（迁移）没有执行，服务没有启动：请先运行 dangjian migrate。"
NO_TABLES = "数据库还没有建表，服务没有启动：请先运行 dangjian migrate。"


def default_workers() -> int:
    return min(2 * (os.cpu_count() or 1) + 1, MAX_DEFAULT_WORKERS)


class Command(BaseCommand):
    help = "正式运行本平台：gunicorn 多进程服务，静态文件由 WhiteNoise 提供（见 docs/deploy.md）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--bind",
            default="127.0.0.1:8000",
            help="监听地址，默认 127.0.0.1:8000；也可以是 unix:/run/dangjian/dangjian.sock",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help=f"工作进程数，默认 2×CPU 核数+1，最多 {MAX_DEFAULT_WORKERS}（本机 {default_workers()}）",
        )
        parser.add_argument("--threads", type=int, default=1, help="每个工作进程的线程数，默认 1")
        parser.add_argument(
            "--timeout",
            type=int,
            default=DEFAULT_TIMEOUT,
            help=f"一个请求最多处理多少秒，超时的工作进程会被重启，默认 {DEFAULT_TIMEOUT}",
        )
        parser.add_argument(
            "--access-log",
            default=None,
            help="访问日志写到哪个文件（- 表示标准输出）；默认不记，反向代理已有访问日志",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="不在启动前收集静态文件（已经运行过 dangjian collectstatic 时可用）",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        workers = opts["workers"] or default_workers()
        if workers < 1 or opts["threads"] < 1 or opts["timeout"] < 1:
            raise CommandError("工作进程数、线程数和超时秒数都必须是正整数。")
        if not getattr(settings, "PRODUCTION", False):
            self.stderr.write(NOT_PRODUCTION)
        refusal = _migration_refusal()
        if refusal:
            self.stderr.write(refusal)
            sys.exit(2)
        if not opts["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        # Serve what collectstatic gathered, indexed once at start: the demo's per-request search
        # of the apps' folders (finders, autorefresh) is for a developer editing files.
        settings.WHITENOISE_USE_FINDERS = False
        settings.WHITENOISE_AUTOREFRESH = False

        from django.core.wsgi import get_wsgi_application

        application = get_wsgi_application()
        # Workers are forked from this process: none may inherit its database connection.
        connections.close_all()
        options = {
            "bind": [opts["bind"]],
            "workers": workers,
            "threads": opts["threads"],
            "worker_class": "gthread" if opts["threads"] > 1 else "sync",
            "timeout": opts["timeout"],
            "graceful_timeout": 30,
            "max_requests": MAX_REQUESTS,
            "max_requests_jitter": MAX_REQUESTS_JITTER,
            "accesslog": opts["access_log"],
            "errorlog": "-",
            "proc_name": "dangjian",
            # gunicorn believes X-Forwarded-Proto from 127.0.0.1 by default; here only Django
            # decides, through DANGJIAN_TRUSTED_PROXY (settings.SECURE_PROXY_SSL_HEADER).
            "forwarded_allow_ips": "",
            "when_ready": _announce(opts["bind"], workers, opts["threads"]),
            "control_socket_disable": True,  # gunicorn 24+'s admin socket in $HOME: not used
        }
        # gunicorn writes its own "Server: gunicorn" over the application's; name the platform
        # without a version, like SecurityHeadersMiddleware does under other servers.
        gunicorn_wsgi.SERVER = "dangjian"
        _Server(application, options).run()


def _migration_refusal() -> str | None:
    """A Chinese line when the database lacks migrations; None when it is up to date. A database
    that cannot be reached raises, and ``dangjian``'s entry point says so in one line."""
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections["default"]
    if not MigrationRecorder(connection).has_table():
        return NO_TABLES
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return UNMIGRATED.format(n=len(plan)) if plan else None


def _announce(bind: str, workers: int, threads: int) -> Any:
    def when_ready(server: Any) -> None:
        where = bind if bind.startswith("unix:") else f"http://{bind}"
        per = f"，每个 {threads} 个线程" if threads > 1 else ""
        print(f"社区党建工作平台已启动：{where}（{workers} 个工作进程{per}）", flush=True)

    return when_ready


class _Server(BaseApplication):
    """gunicorn run from Python: the options above instead of a command line or config file."""

    def __init__(self, application: Any, options: dict[str, Any]) -> None:
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if value is not None:
                self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application
