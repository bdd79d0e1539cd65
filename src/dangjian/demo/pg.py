"""A throwaway PostgreSQL server for the benchmark, started the way scripts/pg-throwaway.sh does:
Debian's server binaries, a temporary directory, loopback only, no durability (it is thrown away).

PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` user (runuser).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def server_bin() -> Path | None:
    """The newest installed /usr/lib/postgresql/<version>/bin that has initdb, if any."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: [int(x) if x.isdigit() else x for x in Path(p).parent.parent.name.split(".")],
    )
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ThrowawayPostgres:
    """``with ThrowawayPostgres() as pg: pg.url`` — a fresh server and database, gone afterwards."""

    bin: Path | None = None
    tmp: Path | None = None
    port: int = 0
    url: str = ""

    def _as_pg(self, *cmd: str) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *cmd]
        return list(cmd)

    def _run(self, *cmd: str) -> None:
        subprocess.run(self._as_pg(*cmd), check=True, capture_output=True, text=True)

    def start(self) -> ThrowawayPostgres:
        self.bin = self.bin or server_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL server binaries not found (apt-get install postgresql)")
        self.tmp = Path(tempfile.mkdtemp(prefix="dangjian-pg."))
        if os.geteuid() == 0:
            shutil.chown(self.tmp, user="postgres")
        self.port = _free_port()
        data = str(self.tmp / "data")
        self._run(
            str(self.bin / "initdb"),
            "-D",
            data,
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        options = (
            f"-h 127.0.0.1 -p {self.port} -k {self.tmp} -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=100"
        )
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            data,
            "-l",
            str(self.tmp / "log"),
            "-w",
            "-o",
            options,
            "start",
        )
        self._run(
            str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
            "dangjian",
        )  # fmt: skip
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/dangjian"
        return self

    def stop(self) -> None:
        if self.tmp is None or self.bin is None:
            return
        subprocess.run(
            self._as_pg(
                str(self.bin / "pg_ctl"), "-D", str(self.tmp / "data"), "-m", "fast", "stop"
            ),
            capture_output=True,
        )
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.tmp = None

    def __enter__(self) -> ThrowawayPostgres:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def fresh_database(server_url: str, name: str) -> str:
    """Create database ``name`` on the server of ``server_url``; return its URL."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base, _, _ = server_url.rpartition("/")
    return f"{base}/{name}"


def kept_database(server_url: str, name: str) -> str:
    """The URL of database ``name`` on the server of ``server_url``, created if it is missing
    (``benchmark --keep``: a kept city is timed again, never rebuilt)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(server_url, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base, _, _ = server_url.rpartition("/")
    return f"{base}/{name}"


def drop_database(server_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
