"""Backup and restore of the whole platform: the database and the uploaded files, in one archive.

``dangjian backup`` writes ``dangjian-backup-YYYYmmdd-HHMMSS.tar.gz`` (0600, in
``DATA_DIR/backups`` unless ``--output`` says otherwise) holding, in this order:

* ``manifest.json`` — format version, time, platform version, database vendor, the applied
  migrations, the row count of every table, *fingerprints* of the field-encryption keys (an HMAC
  of a constant under a key derived from ``FIELD_KEY``, and likewise of the old keys still
  configured and of the blind-index key; never a key itself) and the SHA-256 and size of every
  other member;
* ``database/dangjian.sqlite3`` (SQLite, copied through SQLite's online backup API — one read
  transaction, so one consistent snapshot even while the site writes; never a file copy of a live
  WAL database) or ``database/dangjian.pgdump`` (``pg_dump -Fc`` inside an exported
  REPEATABLE READ snapshot, the same snapshot the row counts and migrations are read from);
* ``media/…`` — every uploaded file (``MEDIA_ROOT``: activity photos, vouchers, attachments).
  Roster uploads waiting in ``DATA_DIR/imports`` are transient (a day at most) and left out.

``dangjian restore FILE`` reads the manifest first and refuses, changing nothing, when the archive
is of another database vendor, from a newer platform version, made under a field key that is not
configured now (neither current nor old: the ID numbers could not be decrypted), or damaged
(every member's checksum is verified before anything is touched). It then replaces the database
in one transaction — SQLite: the verified snapshot is copied into the live database with the
backup API in one step, which SQLite applies atomically (safer than renaming a file over a live
WAL database, whose stale -wal file would be replayed over it); PostgreSQL: the script of
``pg_restore --clean --if-exists --no-owner``, after dropping tables the backup does not have,
run by ``psql --single-transaction`` with ON_ERROR_STOP — swaps the media folder for the restored
one, checks every table's row count against the manifest and records the restore in the audit
trail.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, connections
from django.utils import timezone

FORMAT = 1
KIND = "dangjian-backup"
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/dangjian.sqlite3"
PG_MEMBER = "database/dangjian.pgdump"
MEDIA_PREFIX = "media"
FILE_MODE = 0o600
FOLDER_MODE = 0o700
_CHUNK = 1024 * 1024
#: HMAC message of the key fingerprint: changing it makes every older backup "another key".
_FINGERPRINT_MESSAGE = b"dangjian backup field-key fingerprint v1"

VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

Log = Callable[[str], None]


class BackupError(Exception):
    """A refusal or failure, as one Chinese line for the person at the terminal."""


# --- what a backup describes -------------------------------------------------------------------


def field_key_fingerprint(key: str | None = None) -> str:
    """A fingerprint of a field-encryption key (the current one by default): equal keys give
    equal fingerprints, and nothing about the key can be learnt from it (HMAC-SHA256 of a
    constant under a key derived from it)."""
    key = settings.FIELD_KEY if key is None else key
    derived = hashlib.sha256(b"dangjian-backup-fingerprint:" + key.encode()).digest()
    return hmac.new(derived, _FINGERPRINT_MESSAGE, hashlib.sha256).hexdigest()


def old_field_keys() -> list[str]:
    """The older field keys still configured for reading (docs/keys.md): the setting and the
    ``field_keys_old`` file of the data dir."""
    keys = list(getattr(settings, "FIELD_KEYS_OLD", ()) or ())
    path = Path(settings.DATA_DIR) / "field_keys_old"
    if path.exists():
        keys += [line.strip() for line in path.read_text().splitlines()]
    return [k for k in dict.fromkeys(keys) if k and k != settings.FIELD_KEY]


def index_key_fingerprint() -> str:
    """A fingerprint of the key of the ID numbers' blind index (look-ups, duplicate checks)."""
    from . import crypto

    ring = getattr(crypto, "ring", None)
    if ring is None:  # before keys could change, the index key was the field key
        material = hashlib.sha256(b"dangjian-blind-index:" + settings.FIELD_KEY.encode()).digest()
    else:
        material = ring().index_key or b""
    derived = hashlib.sha256(b"dangjian-backup-fingerprint-index:" + material).digest()
    return hmac.new(derived, _FINGERPRINT_MESSAGE, hashlib.sha256).hexdigest()


def key_fingerprints() -> dict[str, Any]:
    return {
        "field_key_fingerprint": field_key_fingerprint(),
        "old_field_key_fingerprints": sorted(field_key_fingerprint(k) for k in old_field_keys()),
        "index_key_fingerprint": index_key_fingerprint(),
    }


def _check_keys(manifest: dict[str, Any]) -> None:
    """The keys the backup's data needs must all be configured now: its current key and the old
    keys it still had (values not yet rotated), as the current key or an old one, and the same
    blind-index key."""
    now = {field_key_fingerprint(), *(field_key_fingerprint(k) for k in old_field_keys())}
    key_file = Path(settings.DATA_DIR) / "field_key"
    if manifest["field_key_fingerprint"] not in now:
        raise BackupError(
            "备份使用的加密密钥与当前不同：这份备份是在另一个字段加密密钥（FIELD_KEY）下做的，"
            "恢复后身份证号码将无法解密。请把环境变量 DANGJIAN_FIELD_KEY 设为做备份时的密钥"
            f"（或把当时的 field_key 文件放回 {key_file}；已经换过密钥的，把它加进 "
            "DANGJIAN_FIELD_KEYS_OLD），再运行恢复。没有做任何更改。"
        )
    missing = [fp for fp in manifest.get("old_field_key_fingerprints", []) if fp not in now]
    if missing:
        raise BackupError(
            f"备份使用的加密密钥与当前不同：做备份时还在用的 {len(missing)} 把旧字段加密密钥"
            "现在没有配置，恢复后部分身份证号码将无法解密。请把它们加进 DANGJIAN_FIELD_KEYS_OLD"
            "（或数据目录的 field_keys_old 文件），再运行恢复。没有做任何更改。"
        )
    theirs = manifest.get("index_key_fingerprint")
    if theirs is not None and not hmac.compare_digest(theirs, index_key_fingerprint()):
        raise BackupError(
            "备份使用的查重索引密钥与当前不同：恢复后按身份证号查找和查重将失效。请把 "
            "DANGJIAN_INDEX_KEY（或数据目录的 index_key 文件）设为做备份时的值，再运行恢复。"
            "没有做任何更改。"
        )


def platform_version() -> str:
    try:
        return metadata.version("dangjian")
    except metadata.PackageNotFoundError:  # a source checkout that was never installed
        return "unknown"


def vendor() -> str:
    return connection.vendor


def vendor_name(name: str) -> str:
    return VENDOR_NAMES.get(name, name)


def upload_roots() -> list[tuple[str, Path]]:
    """The folders of uploaded files a backup holds, by their name inside the archive."""
    return [(MEDIA_PREFIX, Path(settings.MEDIA_ROOT))]


def default_folder() -> Path:
    return Path(settings.DATA_DIR) / "backups"


def default_name(now: dt.datetime | None = None) -> str:
    now = timezone.localtime(now or timezone.now())
    return f"dangjian-backup-{now:%Y%m%d-%H%M%S}.tar.gz"


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(relative POSIX path, absolute path) of every regular file under ``root``, sorted; links
    are not followed (an uploaded file is never a link)."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    out = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 — our own table names
        out[table] = int(cursor.fetchone()[0])
    return out


def _migrations(cursor: Any, tables: list[str]) -> list[str]:
    if "django_migrations" not in tables:
        return []
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [f"{app}.{name}" for app, name in cursor.fetchall()]


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return [r[0] for r in rows]


def _sqlite_describe(conn: sqlite3.Connection) -> tuple[dict[str, int], list[str]]:
    tables = _sqlite_tables(conn)
    cur = conn.cursor()
    try:
        return _counts(cur, tables), _migrations(cur, tables)
    finally:
        cur.close()


def _pg_tables(cursor: Any) -> list[str]:
    # Ordinary and partitioned tables of the schemas on the search path: what pg_dump dumps of
    # ours (Django keeps every table in the first schema of the search path).
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema()"
    )
    return [r[0] for r in cursor.fetchall()]


def live_counts() -> dict[str, int]:
    """Row counts of every table of the configured database, as they are now."""
    if vendor() == "sqlite":
        connection.ensure_connection()
        return _sqlite_describe(connection.connection)[0]
    with connection.cursor() as cur:
        return _counts(cur, _pg_tables(cur))


# --- PostgreSQL tools --------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """The path of ``pg_dump`` / ``pg_restore``: on PATH, else the newest under
    /usr/lib/postgresql/*/bin (Debian installs the server's tools there)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: [int(x) if x.isdigit() else 0 for x in p.parent.parent.name.split(".")],
    )
    if candidates:
        return str(candidates[-1])
    raise BackupError(
        f"找不到 PostgreSQL 的 {name} 程序。请安装 PostgreSQL 客户端（如 apt install "
        f"postgresql-client），版本不低于数据库服务器的版本。"
    )


def pg_env(settings_dict: dict[str, Any] | None = None) -> dict[str, str]:
    """The environment that points libpq's tools at the configured database. The password goes
    through PGPASSWORD, never onto a command line (where ``ps`` would show it)."""
    s = settings_dict or connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    options = s.get("OPTIONS") or {}
    pairs = {
        "PGHOST": s.get("HOST"),
        "PGPORT": s.get("PORT"),
        "PGUSER": s.get("USER"),
        "PGPASSWORD": s.get("PASSWORD"),
        "PGDATABASE": s.get("NAME"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
        "PGSSLCERT": options.get("sslcert"),
        "PGSSLKEY": options.get("sslkey"),
        "PGCONNECT_TIMEOUT": options.get("connect_timeout"),
    }
    env.update({k: str(v) for k, v in pairs.items() if v not in (None, "")})
    env["PGAPPNAME"] = "dangjian-backup"
    return env


def _run_tool(args: list[str], *, what: str, env: dict[str, str]) -> None:
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise BackupError(
            f"{what}失败：无法运行 {Path(args[0]).name}（{exc.strerror}）。"
        ) from None
    if done.returncode != 0:
        raise BackupError(
            f"{what}失败（{Path(args[0]).name} 退出码 {done.returncode}）："
            f"{_error_line(done.stderr)}"
        )


# --- backup ------------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]

    @property
    def rows(self) -> int:
        return sum(self.manifest["tables"].values())

    @property
    def files(self) -> int:
        return sum(1 for name in self.manifest["files"] if name.startswith(MEDIA_PREFIX + "/"))


def _snapshot_sqlite(target: Path) -> tuple[dict[str, int], list[str]]:
    if connection.in_atomic_block:
        raise BackupError("备份不能在未提交的事务中进行。")
    connection.ensure_connection()
    dest = sqlite3.connect(target)
    try:
        # One step (pages=-1): the whole copy under one read transaction — a consistent snapshot
        # while the site keeps writing (WAL lets writers go on).
        connection.connection.backup(dest, pages=-1)
        dest.commit()
        described = _sqlite_describe(dest)
    finally:
        dest.close()
    target.chmod(FILE_MODE)
    return described


def _snapshot_postgresql(target: Path) -> tuple[dict[str, int], list[str]]:
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = True
        with raw.cursor() as cur:
            # The counts, the migrations and pg_dump all read this one exported snapshot.
            cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cur.execute("SELECT pg_export_snapshot()")
            snapshot_id = cur.fetchone()[0]
            tables = _pg_tables(cur)
            counts = _counts(cur, tables)
            migrations = _migrations(cur, tables)
            _run_tool(
                [pg_tool("pg_dump"), "-Fc", "--no-password", "--snapshot", snapshot_id]
                + ["-f", str(target)],
                what="导出 PostgreSQL 数据库",
                env=pg_env(),
            )
            cur.execute("COMMIT")
    finally:
        raw.close()
    target.chmod(FILE_MODE)
    return counts, migrations


class _HashingReader(io.RawIOBase):
    """Reads a file into the archive while hashing it, to notice a file changed meanwhile."""

    def __init__(self, fh: Any) -> None:
        self._fh = fh
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._fh.read(size)
        self.digest.update(data)
        return data


def create_backup(*, output: Path | None = None, log: Log | None = None) -> BackupResult:
    """Write one archive of the database and the uploaded files; see the module's docstring."""
    log = log or (lambda _line: None)
    kind = vendor()
    if kind not in VENDOR_NAMES:
        raise BackupError(f"不支持备份 {kind} 数据库，只支持 SQLite 和 PostgreSQL。")
    if output is None:
        folder = default_folder()
        folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        output = folder / default_name()
    output = Path(output).resolve()
    if output.is_dir():
        output = output / default_name()
    if not output.parent.is_dir():
        raise BackupError(f"保存备份的文件夹不存在：{output.parent}")
    if output.exists():
        raise BackupError(f"文件已存在，不会覆盖：{output}")

    stage = Path(tempfile.mkdtemp(prefix=".dangjian-backup-", dir=output.parent))
    partial = output.with_name(output.name + ".part")
    try:
        member = SQLITE_MEMBER if kind == "sqlite" else PG_MEMBER
        snapshot = stage / Path(member).name
        log(f"正在复制 {vendor_name(kind)} 数据库（一致的快照）……")
        try:
            counts, migrations = (
                _snapshot_sqlite(snapshot) if kind == "sqlite" else _snapshot_postgresql(snapshot)
            )
        except (DatabaseError, sqlite3.Error, connection.Database.Error) as exc:
            raise BackupError(f"读取数据库失败：{_first_line(exc)}") from None
        if not migrations:
            raise BackupError(
                "数据库还没有初始化（没有运行过 dangjian migrate），没有可备份的数据。"
            )
        files: dict[str, dict[str, Any]] = {
            member: {"sha256": _sha256_file(snapshot), "size": snapshot.stat().st_size}
        }
        media: list[tuple[str, Path]] = []
        for prefix, root in upload_roots():
            for rel, path in _media_files(root):
                name = f"{prefix}/{rel}"
                files[name] = {"sha256": _sha256_file(path), "size": path.stat().st_size}
                media.append((name, path))
        log(f"上传文件 {len(media)} 个。")
        manifest = {
            "kind": KIND,
            "format": FORMAT,
            "created_at": timezone.localtime().isoformat(timespec="seconds"),
            "platform_version": platform_version(),
            "database": {"vendor": kind, "member": member},
            "migrations": migrations,
            "tables": counts,
            **key_fingerprints(),
            "files": files,
        }
        log("正在写备份文件……")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with os.fdopen(fd, "wb") as raw:
            with tarfile.open(
                fileobj=raw, mode="w:gz", compresslevel=6, format=tarfile.PAX_FORMAT
            ) as tar:
                body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                tar.addfile(_info(MANIFEST, len(body)), io.BytesIO(body))
                with snapshot.open("rb") as fh:
                    tar.addfile(_info(member, files[member]["size"]), fh)
                for name, path in media:
                    _add_media(tar, name, path, files[name])
            raw.flush()
            os.fsync(raw.fileno())  # the archive is on disk before it gets its final name
        os.replace(partial, output)
        output.chmod(FILE_MODE)
        return BackupResult(path=output, manifest=manifest)
    except OSError as exc:
        raise BackupError(f"写备份文件失败：{exc.strerror or exc}（{output}）") from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        partial.unlink(missing_ok=True)


def _add_media(tar: tarfile.TarFile, name: str, path: Path, expected: dict[str, Any]) -> None:
    changed = BackupError(f"上传文件在备份过程中被改动：{name}，请重新备份。")
    with path.open("rb") as fh:
        reader = _HashingReader(fh)
        try:
            tar.addfile(_info(name, expected["size"], mtime=path.stat().st_mtime), reader)
        except OSError:  # shorter than when it was hashed
            raise changed from None
    if reader.digest.hexdigest() != expected["sha256"]:
        raise changed


def _info(name: str, size: int, *, mtime: float | None = None) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = FILE_MODE
    info.mtime = int(mtime if mtime is not None else timezone.now().timestamp())
    return info


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__


# --- restore -----------------------------------------------------------------------------------


@dataclass
class OpenedBackup:
    """An archive unpacked into a work folder beside ``MEDIA_ROOT`` and fully verified."""

    path: Path
    manifest: dict[str, Any]
    workdir: Path
    database: Path
    media: dict[str, Path] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.manifest["tables"].values())

    @property
    def files(self) -> int:
        return sum(1 for name in self.manifest["files"] if name.startswith(MEDIA_PREFIX + "/"))

    def cleanup(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)


def _damaged(detail: str) -> BackupError:
    return BackupError(f"备份文件已损坏或不完整（{detail}），没有做任何更改。")


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and "\\" not in name
        and (name in (MANIFEST, SQLITE_MEMBER, PG_MEMBER) or path.parts[0] == MEDIA_PREFIX)
        and len(path.parts) >= (2 if path.parts[0] == MEDIA_PREFIX else 1)
    )


def check_manifest(manifest: dict[str, Any]) -> list[str]:
    """Refuse (``BackupError``) an archive this installation must not restore; return notes."""
    if manifest.get("kind") != KIND:
        raise BackupError("这不是本平台的备份文件（缺少备份说明），没有做任何更改。")
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"备份文件格式（第 {manifest.get('format')} 版）不受当前版本支持，没有做任何更改。"
        )
    theirs = manifest["database"]["vendor"]
    if theirs != vendor():
        raise BackupError(
            f"这是 {vendor_name(theirs)} 数据库的备份，而当前配置的是 {vendor_name(vendor())} "
            f"数据库，不能恢复。请在使用 {vendor_name(theirs)} 的安装上恢复（或先用 dumpdata / "
            f"loaddata 迁移数据）。没有做任何更改。"
        )
    _check_keys(manifest)
    from django.db.migrations.loader import MigrationLoader

    known = {f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations}
    newer = sorted(set(manifest["migrations"]) - known)
    if newer:
        raise BackupError(
            f"备份来自更新版本的平台（{manifest.get('platform_version')}，含本版本没有的数据库"
            f"变更 {newer[0]} 等 {len(newer)} 项），请先把平台升级到不低于该版本再恢复。"
            "没有做任何更改。"
        )
    notes = []
    if set(manifest["migrations"]) != known:
        notes.append("备份来自较早的版本：恢复后请运行 dangjian migrate 把数据库升级到当前版本。")
    return notes


def open_backup(path: Path) -> OpenedBackup:
    """Read the manifest first (refusing early: wrong vendor, wrong key, newer version), then
    unpack every member into a work folder beside ``MEDIA_ROOT``, checking each one's size and
    SHA-256 against the manifest; the database snapshot is checked to open and to hold the
    manifest's rows. Nothing outside the work folder is touched."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"找不到备份文件：{path}")
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=".dangjian-restore-", dir=media_root.parent))
    try:
        opened = _unpack(path, workdir)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    return opened


# What reading a damaged .tar.gz raises: gzip's own errors are OSError, but a flipped bit
# inside a compressed block surfaces as zlib.error, which is not.
_ARCHIVE_ERRORS = (tarfile.TarError, EOFError, OSError, zlib.error)


def _unpack(path: Path, workdir: Path) -> OpenedBackup:
    try:
        tar = tarfile.open(path, mode="r:gz")
    except _ARCHIVE_ERRORS as exc:
        raise _damaged(f"无法打开：{_first_line(exc)}") from None
    seen: set[str] = set()
    try:
        with tar:
            first = tar.next()
            if first is None or first.name != MANIFEST or not first.isfile():
                raise BackupError("这不是本平台的备份文件（缺少备份说明），没有做任何更改。")
            try:
                manifest = json.loads(tar.extractfile(first).read().decode())  # type: ignore[union-attr]
                files: dict[str, dict[str, Any]] = manifest["files"]
                member_name = manifest["database"]["member"]
                manifest["tables"], manifest["migrations"]  # noqa: B018 — both must be there
            except (ValueError, KeyError, TypeError):
                raise _damaged("备份说明无法读取") from None
            check_manifest(manifest)
            for member in tar:  # from the start again: the manifest first
                if member is first or member.isdir():
                    continue
                name = member.name
                if not member.isfile() or not _safe_member_name(name) or name not in files:
                    raise _damaged(f"多出了不属于备份的内容 {name}")
                if name in seen:
                    raise _damaged(f"{name} 出现了两次")
                target = workdir.joinpath(*PurePosixPath(name).parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                size = 0
                src = tar.extractfile(member)
                assert src is not None  # a regular file
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
                with os.fdopen(fd, "wb") as out:
                    while chunk := src.read(_CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                expected = files[name]
                if size != expected["size"] or digest.hexdigest() != expected["sha256"]:
                    raise _damaged(f"{name} 的校验和不符")
                if name.startswith(MEDIA_PREFIX + "/"):
                    target.chmod(0o644)  # Django's FILE_UPLOAD_PERMISSIONS default
                seen.add(name)
    except _ARCHIVE_ERRORS as exc:
        raise _damaged(_first_line(exc)) from None
    missing = sorted(set(files) - seen)
    if missing:
        raise _damaged(f"缺少 {missing[0]} 等 {len(missing)} 个文件")
    database = workdir.joinpath(*PurePosixPath(member_name).parts)
    opened = OpenedBackup(path=path, manifest=manifest, workdir=workdir, database=database)
    opened.media = {prefix: workdir / prefix for prefix, _root in upload_roots()}
    _check_snapshot(opened)
    return opened


def _check_snapshot(opened: OpenedBackup) -> None:
    if opened.manifest["database"]["vendor"] == "sqlite":
        try:
            conn = sqlite3.connect(f"file:{opened.database}?mode=ro", uri=True)
            try:
                if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                    raise _damaged("数据库快照未通过完整性检查")
                counts = _sqlite_describe(conn)[0]
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise _damaged(f"数据库快照无法读取：{_first_line(exc)}") from None
        if counts != opened.manifest["tables"]:
            raise _damaged("数据库快照的行数与备份说明不符")
    else:
        _run_tool(
            [pg_tool("pg_restore"), "--list", str(opened.database)],
            what="检查 PostgreSQL 备份",
            env=pg_env(),
        )


def media_file_count() -> int:
    return sum(sum(1 for _ in _media_files(root)) for _prefix, root in upload_roots())


@dataclass
class RestoreResult:
    rows: int
    tables: int
    files: int
    notes: list[str]


def restore_backup(opened: OpenedBackup, *, log: Log | None = None) -> RestoreResult:
    """Replace the database and the uploaded files by the verified backup, then check the rows.

    The database is replaced in one transaction: a failure leaves it as it was. Stop the web
    server and workers first: the restore waits for (SQLite) or fails on (PostgreSQL, after the
    lock timeout) sessions that hold the tables."""
    log = log or (lambda _line: None)
    notes = check_manifest(opened.manifest)
    if connection.in_atomic_block:
        raise BackupError("恢复不能在未提交的事务中进行。")
    log("正在恢复数据库……")
    try:
        if opened.manifest["database"]["vendor"] == "sqlite":
            _restore_sqlite(opened.database)
        else:
            _restore_postgresql(opened.database, set(opened.manifest["tables"]))
    except DatabaseError as exc:
        raise BackupError(f"连接数据库失败，没有做任何更改：{_first_line(exc)}") from None
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()  # the restored table may number the types differently
    log("正在恢复上传文件……")
    for prefix, root in upload_roots():
        _swap_folder(opened.media[prefix], root, opened.workdir)
    log("正在核对数据……")
    try:
        counts = live_counts()
    except DatabaseError as exc:
        raise BackupError(f"恢复后读取数据库失败：{_first_line(exc)}") from None
    extra = sorted(set(counts) - set(opened.manifest["tables"]))
    if extra:
        raise BackupError(f"恢复后核对不符：数据库里多出了备份中没有的表 {extra[0]}。")
    for table, expected in sorted(opened.manifest["tables"].items()):
        if counts.get(table) != expected:
            raise BackupError(
                f"恢复后核对不符：表 {table} 备份中有 {expected} 行，恢复后是 {counts.get(table)} 行。"
            )
    files = media_file_count()
    if files != opened.files:
        raise BackupError(
            f"恢复后核对不符：备份中有 {opened.files} 个上传文件，恢复后是 {files} 个。"
        )
    _audit_restore(opened)
    return RestoreResult(
        rows=opened.rows, tables=len(opened.manifest["tables"]), files=files, notes=notes
    )


def _restore_sqlite(snapshot: Path) -> None:
    connections.close_all()  # an in-memory test database ignores this and stays open
    connection.ensure_connection()
    try:
        src = sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True)
        try:
            # One step copies every page inside one write transaction of the live database:
            # other connections see the old data or the new, never a mix, and a failure rolls
            # back. Unlike renaming a file over the live one, it is safe with WAL (no stale -wal
            # file replayed over the new data) and with processes that still hold it open.
            src.backup(connection.connection, pages=-1)
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise BackupError(f"恢复数据库失败，数据库未被改动：{_first_line(exc)}") from None
    finally:
        connections.close_all()


def _restore_postgresql(dump: Path, tables: set[str]) -> None:
    """One psql transaction: drop the tables the backup does not have (made by a later
    migration — else ``dangjian migrate`` after restoring an older backup would find them in
    its way), then run ``pg_restore --clean --if-exists --no-owner``'s script. ``--single-
    transaction`` and ON_ERROR_STOP make any failure roll back everything."""
    with connection.cursor() as cur:
        extra = sorted(set(_pg_tables(cur)) - tables)
    connections.close_all()
    env = pg_env()
    # Wait at most a minute for a lock (a web server still running) instead of hanging.
    env["PGOPTIONS"] = "-c lock_timeout=60s"
    what = "恢复 PostgreSQL 数据库（数据库未被改动）"
    with tempfile.TemporaryDirectory(prefix="dangjian-restore-") as tmp:
        before = Path(tmp) / "drop-extra.sql"
        before.write_text("".join(f"DROP TABLE IF EXISTS {_quote(t)} CASCADE;\n" for t in extra))
        errors = Path(tmp) / "pg_restore.err"
        with errors.open("w") as err, _tool_errors(what):
            script = subprocess.Popen(
                [pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "-f", "-"]
                + [str(dump)],
                stdout=subprocess.PIPE,
                stderr=err,
                env=env,
            )
            try:
                psql = subprocess.run(
                    [pg_tool("psql"), "--no-psqlrc", "--quiet", "--single-transaction"]
                    + ["--no-password", "-v", "ON_ERROR_STOP=1"]
                    + ["-d", connection.settings_dict["NAME"], "-f", str(before), "-f", "-"],
                    stdin=script.stdout,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                    env=env,
                    check=False,
                )
            finally:
                assert script.stdout is not None
                script.stdout.close()
                script.wait()
        if script.returncode != 0:
            raise BackupError(f"{what}失败：pg_restore {_error_line(errors.read_text())}")
        if psql.returncode != 0:
            raise BackupError(f"{what}失败：psql {_error_line(psql.stderr)}")


@contextlib.contextmanager
def _tool_errors(what: str) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise BackupError(f"{what}失败：无法运行 PostgreSQL 工具（{exc.strerror}）。") from None


def _error_line(stderr: str) -> str:
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    return next((ln for ln in lines if "error" in ln.lower()), lines[0] if lines else "")


def _swap_folder(new: Path, root: Path, workdir: Path) -> None:
    """Put the restored folder in the place of ``root`` by renames (same file system: the work
    folder is beside it); the old folder is removed afterwards."""
    new.mkdir(parents=True, exist_ok=True)
    new.chmod(0o755)
    old = workdir / f"old-{root.name}"
    try:
        if root.exists():
            os.rename(root, old)
        os.rename(new, root)
    except OSError:
        # ``root`` is a mount point or on another disk: replace its contents instead.
        if old.exists() and not root.exists():
            os.rename(old, root)
        for child in list(root.iterdir()):
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        for child in new.iterdir():
            shutil.move(str(child), root / child.name)


def _audit_restore(opened: OpenedBackup) -> None:
    from . import audit
    from .models import AuditEntry

    audit.record(
        action=AuditEntry.Action.EVENT,
        obj=None,
        acting_user=None,
        object_repr="从备份恢复全部数据",
        changes={
            "backup_file": opened.path.name,
            "backup_created_at": opened.manifest["created_at"],
            "platform_version": opened.manifest.get("platform_version", ""),
        },
    )
