"""``dangjian benchmark-http``: requests per second of the production server under concurrent
clients — the member list of a logged-in secretary next to a bare Django view on the same server.

Against an existing data directory (a demo, or a benchmark city): starts ``dangjian serve`` on a
free port with the same environment, logs in over HTTP like a browser (CSRF token, session
cookie), then for each URL lets ``--clients`` threads send requests back to back for
``--seconds`` after a short warm-up, and counts. The bare view is ``/healthz`` asked without a
cookie: every middleware and one ``SELECT 1``, no session, no template — the fixed cost of a
request on this server. The clients are Python threads in this process, on the same machine:
they take some of its CPU too, which the report says.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dangjian.core.management.commands.rules import pad, width
from dangjian.demo.bench import percentile
from dangjian.demo.city import BENCH_PASSWORD, BENCH_STREET_USER

#: The demo's town secretary (城关镇, its communities) and the password of every demo account.
DEMO_USER, DEMO_PASSWORD = "town1_sec", "demo-Pass-2026"


class Command(BaseCommand):
    help = (
        "测正式服务器（dangjian serve）在多个并发用户下每秒能处理多少请求：党员列表与最简页面对比。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--clients", type=int, default=20, help="并发客户端数，默认 20")
        parser.add_argument("--seconds", type=float, default=15.0, help="每个地址测多少秒")
        parser.add_argument("--warmup", type=float, default=3.0, help="每个地址先预热多少秒")
        parser.add_argument("--workers", type=int, default=None, help="dangjian serve 的工作进程数")
        parser.add_argument("--threads", type=int, default=1, help="每个工作进程的线程数")
        parser.add_argument("--path", default="/members/", help="要测的页面，默认党员列表")
        parser.add_argument("--user", default=None, help="登录用户（默认：基准城市或演示的书记）")
        parser.add_argument("--password", default=None)
        parser.add_argument("--out", default=None, help="把结果另存为 JSON 文件")

    def handle(self, *args: Any, **opts: Any) -> None:
        user, password = _account(opts["user"], opts["password"])
        port = _free_port()
        cmd = [str(Path(sys.executable).parent / "dangjian"), "serve"]
        cmd += ["--bind", f"127.0.0.1:{port}", "--threads", str(opts["threads"])]
        if opts["workers"]:
            cmd += ["--workers", str(opts["workers"])]
        log = tempfile.TemporaryFile(mode="w+")  # the server's stderr, shown if it fails
        server = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, text=True)
        try:
            announced = _wait_until_serving(server, port, log)
            cookie = _login(port, user, password)
            status, body = _request(port, opts["path"], cookie)
            if status != 200:
                raise CommandError(f"{opts['path']} 返回 {status}，不是 200：账号或地址不对？")
            targets = [
                ("member_list", f"党员列表 {opts['path']}（{user} 已登录）", opts["path"], cookie),
                ("bare", "最简页面 /healthz（不登录）", "/healthz", None),
            ]
            results: dict[str, Any] = {}
            for key, title, path, with_cookie in targets:
                _run(port, path, with_cookie, opts["clients"], opts["warmup"])
                results[key] = {
                    "title": title,
                    "path": path,
                    **_run(port, path, with_cookie, opts["clients"], opts["seconds"]),
                }
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log.close()
        report = {
            "server": announced,
            "clients": opts["clients"],
            "seconds": opts["seconds"],
            "cores": os.cpu_count(),
            "user": user,
            "page_bytes": len(body),
            "results": results,
        }
        self.stdout.write(f"{announced}；{opts['clients']} 个并发客户端，每项 {opts['seconds']} 秒")
        cols = max(width(r["title"]) for r in results.values()) + 2
        self.stdout.write(f"{pad('页面', cols)}{'请求/秒':>6}{'p50 ms':>9}{'p95 ms':>9}{'出错':>5}")
        for r in results.values():
            self.stdout.write(
                f"{pad(r['title'], cols)}{r['rps']:>9.1f}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}"
                f"{r['errors']:>7}"
            )
        self.stdout.write("（客户端线程与服务器在同一台机器上，也占用它的 CPU。）")
        if opts["out"]:
            Path(opts["out"]).write_text(
                json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8"
            )


def _account(user: str | None, password: str | None) -> tuple[str, str]:
    if user:
        if not password:
            raise CommandError("指定了 --user 就要同时给 --password。")
        return user, password
    users = get_user_model().objects
    if users.filter(username=BENCH_STREET_USER).exists():
        return BENCH_STREET_USER, BENCH_PASSWORD
    if users.filter(username=DEMO_USER).exists():
        return DEMO_USER, DEMO_PASSWORD
    raise CommandError(
        "这个数据目录里既没有演示数据也没有基准城市：请先运行 dangjian demo --no-serve，"
        "或用 --user/--password 指定一个书记账号。"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_serving(server: subprocess.Popen, port: int, log: Any) -> str:
    """The server's own "started" line, once /healthz answers."""
    deadline = time.monotonic() + 120
    line = server.stdout.readline().strip() if server.stdout else ""
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            said = (log.read().strip().splitlines() or [""])[-1]
            raise CommandError(f"dangjian serve 没有启动（退出码 {server.returncode}）：{said}")
        try:
            if _request(port, "/healthz", None)[0] == 200:
                return line
        except OSError:
            pass
        time.sleep(0.2)
    raise CommandError("dangjian serve 两分钟内没有启动。")


def _request(port: int, path: str, cookie: str | None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _login(port: int, user: str, password: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", "/accounts/login/")
        page = conn.getresponse()
        html = page.read().decode()
        jar = SimpleCookie()
        for name, value in page.getheaders():
            if name.lower() == "set-cookie":
                jar.load(value)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if not match or "csrftoken" not in jar:
            raise CommandError("登录页没有给出 CSRF 令牌。")
        form = urlencode(
            {"username": user, "password": password, "csrfmiddlewaretoken": match.group(1)}
        )
        conn.close()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request(
            "POST",
            "/accounts/login/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={jar['csrftoken'].value}",
                "Referer": f"http://127.0.0.1:{port}/accounts/login/",
            },
        )
        answer = conn.getresponse()
        answer.read()
        for name, value in answer.getheaders():
            if name.lower() == "set-cookie":
                jar.load(value)
    finally:
        conn.close()
    if answer.status != 302 or "sessionid" not in jar:
        raise CommandError(f"用 {user} 登录没有成功（{answer.status}）：用户名或密码不对？")
    return f"sessionid={jar['sessionid'].value}; csrftoken={jar['csrftoken'].value}"


def _run(port: int, path: str, cookie: str | None, clients: int, seconds: float) -> dict[str, Any]:
    """``clients`` threads ask ``path`` back to back for ``seconds``; requests/s and latencies."""
    stop = time.perf_counter() + seconds
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients

    def client(i: int) -> None:
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            try:
                status, _ = _request(port, path, cookie)
            except OSError:
                status = 0
            if status == 200:
                latencies[i].append((time.perf_counter() - t0) * 1000)
            else:
                errors[i] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    done = sorted(ms for per in latencies for ms in per)
    return {
        "requests": len(done),
        "errors": sum(errors),
        "elapsed_s": round(elapsed, 2),
        "rps": round(len(done) / elapsed, 1),
        "p50_ms": round(percentile(done, 0.5), 1) if done else 0.0,
        "p95_ms": round(percentile(done, 0.95), 1) if done else 0.0,
    }
