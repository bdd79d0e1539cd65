"""Encryption at rest for sensitive fields, with keys that can change, and the keyed hash used to
find duplicates.

Values are written as ``"v<version>:" + base64(nonce || AES-256-GCM ciphertext)`` under the
current field key; ``<version>`` is the key's fingerprint (8 hex digits of a hash of the key, so
nobody numbers keys by hand and a key keeps its version when it moves to the old-keys list) and is
also the GCM associated data, so a value cannot be passed off as another key's. Values written
before keys had versions are Fernet tokens (they start with ``gAAAA``): version "0", still read
under any configured key.

Keys (docs/keys.md):

- the current key: ``DANGJIAN_FIELD_KEY`` or the ``field_key`` file in the data directory
  (``settings.FIELD_KEY``); every new value is written under it;
- older keys still readable: ``DANGJIAN_FIELD_KEYS_OLD`` (comma-separated,
  ``settings.FIELD_KEYS_OLD``) and the ``field_keys_old`` file in the data directory (one key a
  line). ``dangjian rotate-field-key`` re-encrypts every value of :data:`ENCRYPTED_FIELDS` under the
  current key, after which the old keys can go.

Equality look-ups use an HMAC-SHA256 "blind index" so the plain value is never stored or compared.
Its key must not follow the field key (look-ups and unique constraints rely on stored hashes), so
it comes from ``DANGJIAN_INDEX_KEY`` or the ``index_key`` file (``settings.INDEX_KEY``), and while
neither is set, from the field key itself — as it always did. Once an old key is configured the
index key must be pinned (set to the original field key): otherwise every hash would silently
change, and this module refuses to run. Changing the index key is a different, offline operation
(recomputing every ``*_hash`` from the decrypted values), not needed for a field-key rotation.

The keys are read once per process: restart the site after changing them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

#: Every encrypted column of the platform, as ``(app_label.Model, field)``. The key rotation walks
#: exactly these; a test checks that every model field named ``*_cipher`` is listed here.
ENCRYPTED_FIELDS: tuple[tuple[str, str], ...] = (
    ("members.Member", "id_cipher"),
    ("development.Candidate", "id_cipher"),
    ("rentals.Tenant", "id_cipher"),
    ("jobs.Seeker", "phone_cipher"),
)

#: The version of values written before keys had versions (Fernet tokens).
LEGACY_VERSION = "0"
_LEGACY_START = "gAAAA"
_NONCE = 12


class FieldKeyError(ValueError):
    """A value that cannot be decrypted: its key is not configured, or it was altered."""


class UnknownFieldKey(FieldKeyError):
    pass


class TamperedValue(FieldKeyError):
    pass


def fingerprint(material: str) -> str:
    """A key's version: 8 hex digits that name the key without revealing it."""
    return hashlib.sha256(b"dangjian-field-key-version:" + material.encode()).hexdigest()[:8]


def _aes_key(material: str) -> bytes:
    return hashlib.sha256(b"dangjian-field-encryption-aesgcm:" + material.encode()).digest()


def _fernet_key(material: str) -> bytes:
    # the derivation of the Fernet era, unchanged, so legacy tokens still open
    digest = hashlib.sha256(b"dangjian-field-encryption:" + material.encode()).digest()
    return base64.urlsafe_b64encode(digest)


def _aad(version: str) -> bytes:
    return b"dangjian-field:v" + version.encode()


@dataclass(frozen=True)
class KeyRing:
    version: str  # the current key's
    prefix: str  # "v<version>:"
    aead: AESGCM
    aad: bytes
    readers: dict[str, tuple[AESGCM, bytes]]  # version -> (cipher, associated data)
    legacy: MultiFernet
    index_key: bytes | None  # None: not pinned although old keys exist (refuse)
    old_versions: tuple[str, ...] = field(default=())


def _key_lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


def _pinned_index_material(data_dir: Path) -> str:
    explicit = getattr(settings, "INDEX_KEY", "") or ""
    if explicit.strip():
        return explicit.strip()
    lines = _key_lines(data_dir / "index_key")
    return lines[0] if lines else ""


def _ring_for(current: str, old_setting: tuple[str, ...], index: str, data_dir: str) -> KeyRing:
    if not current:
        raise ImproperlyConfigured(
            "未配置字段加密密钥（DANGJIAN_FIELD_KEY 或数据目录中的 field_key）。"
        )
    old = [k for k in (*old_setting, *_key_lines(Path(data_dir) / "field_keys_old")) if k]
    materials = list(dict.fromkeys([current, *old]))  # current first, no repeats
    readers: dict[str, tuple[AESGCM, bytes]] = {}
    for material in materials:
        version = fingerprint(material)
        if version in readers:
            raise ImproperlyConfigured(
                f"两个不同的字段密钥得到了同一个版本号 v{version}：请换一个新密钥。"
            )
        readers[version] = (AESGCM(_aes_key(material)), _aad(version))
    version = fingerprint(current)
    if index:
        index_key: bytes | None = hashlib.sha256(b"dangjian-blind-index:" + index.encode()).digest()
    elif len(materials) == 1:
        index_key = hashlib.sha256(b"dangjian-blind-index:" + current.encode()).digest()
    else:
        index_key = None
    return KeyRing(
        version=version,
        prefix=f"v{version}:",
        aead=readers[version][0],
        aad=readers[version][1],
        readers=readers,
        legacy=MultiFernet([Fernet(_fernet_key(m)) for m in materials]),
        index_key=index_key,
        old_versions=tuple(v for v in readers if v != version),
    )


_current_ring: KeyRing | None = None


def ring() -> KeyRing:
    """The configured keys, read once per process (and again when a test changes the settings or
    calls :func:`reset`)."""
    global _current_ring
    if _current_ring is None:
        data_dir = Path(settings.DATA_DIR)
        _current_ring = _ring_for(
            settings.FIELD_KEY,
            tuple(getattr(settings, "FIELD_KEYS_OLD", ()) or ()),
            _pinned_index_material(data_dir),
            str(data_dir),
        )
    return _current_ring


def reset() -> None:
    """Forget the keys read so far (after the key files changed)."""
    global _current_ring
    _current_ring = None


@receiver(setting_changed)
def _keys_changed(*, setting: str, **kwargs: Any) -> None:
    if setting in {"FIELD_KEY", "FIELD_KEYS_OLD", "INDEX_KEY", "DATA_DIR"}:
        reset()


_INDEX_NOT_PINNED = (
    "已配置旧的字段加密密钥，但没有固定查重索引密钥：请把最初的字段密钥设为 DANGJIAN_INDEX_KEY"
    "（或复制到数据目录的 index_key 文件），否则按身份证号查找和查重都会失效。见 docs/keys.md。"
)


def configuration_problems() -> list[str]:
    """What is wrong with the key configuration, in plain Chinese (empty: all is well)."""
    try:
        keys = ring()
    except ImproperlyConfigured as exc:
        return [str(exc)]
    return [] if keys.index_key is not None else [_INDEX_NOT_PINNED]


@checks.register(checks.Tags.security)
def check_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [checks.Error(p, id="dangjian.E101") for p in configuration_problems()]


def encrypt(plain: str) -> str:
    if not plain:
        return ""
    keys = ring()
    nonce = os.urandom(_NONCE)
    sealed = keys.aead.encrypt(nonce, plain.encode(), keys.aad)
    return keys.prefix + base64.b64encode(nonce + sealed).decode("ascii")


def version_of(token: str) -> str:
    """The key version a stored value was written under ("0": legacy Fernet; "": empty)."""
    if not token:
        return ""
    if token.startswith("v"):
        return token[1 : token.find(":")] if ":" in token else token[1:]
    return LEGACY_VERSION


def is_current(token: str) -> bool:
    """Whether a stored value is empty or already under the current key."""
    return not token or token.startswith(ring().prefix)


def decrypt(token: str) -> str:
    if not token:
        return ""
    keys = ring()
    if token.startswith("v"):
        version, sep, body = token[1:].partition(":")
        if not sep:
            raise FieldKeyError("这不是本系统加密的数据（缺少密钥版本）。")
        reader = keys.readers.get(version)
        if reader is None:
            raise UnknownFieldKey(
                f"该数据由未配置的字段密钥（版本 v{version}）加密，无法解密："
                "请把那把旧密钥加入 DANGJIAN_FIELD_KEYS_OLD 或数据目录的 field_keys_old 文件"
                "（见 docs/keys.md）。"
            )
        try:
            raw = base64.b64decode(body, validate=True)
            return reader[0].decrypt(raw[:_NONCE], raw[_NONCE:], reader[1]).decode()
        except (binascii.Error, InvalidTag, ValueError) as exc:
            raise TamperedValue(
                f"加密数据（密钥版本 v{version}）已损坏或被改动，无法解密。"
            ) from exc
    if token.startswith(_LEGACY_START):
        try:
            return keys.legacy.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise UnknownFieldKey(
                "该数据是旧格式（未标版本），已配置的字段密钥都无法解密：可能缺少一把旧密钥"
                "（见 docs/keys.md），或数据已被改动。"
            ) from exc
    raise FieldKeyError("这不是本系统加密的数据。")


def blind_index(plain: str) -> str:
    if not plain:
        return ""
    key = ring().index_key
    if key is None:
        raise ImproperlyConfigured(_INDEX_NOT_PINNED)
    return hmac.new(key, plain.encode(), hashlib.sha256).hexdigest()


# --- key rotation (``dangjian rotate-field-key``) -------------------------------------------------


@dataclass
class FieldReport:
    label: str  # e.g. "党员 · 身份证号（密文）"
    total: int = 0  # non-empty values
    current: int = 0  # already under the current key before this run
    by_version: dict[str, int] = field(default_factory=dict)  # old versions, before this run
    rotated: int = 0
    changed_meanwhile: int = 0  # edited by someone while we worked: left for the next run
    unreadable: list[Any] = field(default_factory=list)  # primary keys
    remaining_old: int = 0  # after this run


@dataclass
class RotationReport:
    version: str
    dry_run: bool
    fields: list[FieldReport] = field(default_factory=list)

    @property
    def rotated(self) -> int:
        return sum(f.rotated for f in self.fields)

    @property
    def remaining_old(self) -> int:
        return sum(f.remaining_old for f in self.fields)

    @property
    def unreadable(self) -> int:
        return sum(len(f.unreadable) for f in self.fields)

    def summary(self) -> dict[str, Any]:
        return {
            "key_version": self.version,
            "rotated": self.rotated,
            "remaining_old": self.remaining_old,
            "unreadable": self.unreadable,
            "fields": {
                f.label: {
                    "total": f.total,
                    "rotated": f.rotated,
                    "changed_meanwhile": f.changed_meanwhile,
                    "unreadable": len(f.unreadable),
                    "remaining_old": f.remaining_old,
                }
                for f in self.fields
            },
        }


def encrypted_columns() -> Iterable[tuple[Any, str]]:
    from django.apps import apps

    for label, name in ENCRYPTED_FIELDS:
        yield apps.get_model(label), name


def _label(model: Any, name: str) -> str:
    return f"{model._meta.verbose_name} · {model._meta.get_field(name).verbose_name}"


def _not_current(model: Any, name: str, prefix: str, db: str) -> Any:
    return (
        model._base_manager.using(db)
        .exclude(**{name: ""})
        .exclude(**{f"{name}__startswith": prefix})
        .order_by("pk")
    )


def rotate(
    *,
    batch_size: int = 1000,
    dry_run: bool = False,
    say: Callable[[str], None] = lambda line: None,
    in_batch: Callable[[FieldReport, int], None] | None = None,
    before_update: Callable[[list[Any]], None] | None = None,
) -> RotationReport:
    """Re-encrypt every value of :data:`ENCRYPTED_FIELDS` not yet under the current key.

    Each batch is one transaction; each row is updated by primary key with its old value as a
    guard, so a value someone changed meanwhile is left alone (it is written under the current key
    anyway, or picked up by the next run). A crash leaves every batch done or not done; running
    again picks up only what is not under the current key. ``dry_run`` only counts. The run ends
    with a count of values still under an old key, and (unless a dry run) one audit entry.
    ``in_batch`` is called inside each batch's transaction, after its updates (tests raise from it
    to kill a run halfway); ``before_update`` with the batch's primary keys, after the values were
    read and before they are written (tests edit a row there, as a user could meanwhile).
    """
    from django.db import connections, router, transaction

    problems = configuration_problems()
    if problems:
        raise ImproperlyConfigured(problems[0])
    keys = ring()
    report = RotationReport(version=keys.version, dry_run=dry_run)
    for model, name in encrypted_columns():
        fr = FieldReport(label=_label(model, name))
        report.fields.append(fr)
        db = router.db_for_write(model)  # reads too: a replica may lag behind
        manager = model._base_manager.using(db)
        quote = connections[db].ops.quote_name
        column = quote(model._meta.get_field(name).column)
        update_sql = (
            f"UPDATE {quote(model._meta.db_table)} SET {column} = %s "
            f"WHERE {quote(model._meta.pk.column)} = %s AND {column} = %s"
        )
        fr.total = manager.exclude(**{name: ""}).count()
        pending = _not_current(model, name, keys.prefix, db)
        for value in pending.values_list(name, flat=True).iterator(chunk_size=5000):
            v = version_of(value)
            fr.by_version[v] = fr.by_version.get(v, 0) + 1
        todo = sum(fr.by_version.values())
        fr.current = fr.total - todo
        say(
            f"{fr.label}：共 {fr.total} 个加密值，已用当前密钥 {fr.current} 个，待重新加密 {todo} 个。"
        )
        if dry_run or not todo:
            fr.remaining_old = todo
            continue
        last = None
        done = 0
        while True:
            batch_qs = pending if last is None else pending.filter(pk__gt=last)
            batch = list(batch_qs.values_list("pk", name)[:batch_size])
            if not batch:
                break
            last = batch[-1][0]
            updates = []
            for pk, old in batch:
                try:
                    updates.append((encrypt(decrypt(old)), pk, old))
                except FieldKeyError:
                    fr.unreadable.append(pk)
            with transaction.atomic(using=db), connections[db].cursor() as cursor:
                # by primary key, the old value as the guard: a row changed since it was read
                # matches nothing and is left for the next run
                if before_update is not None:
                    before_update([pk for pk, _ in batch])
                changed = 0
                if updates:
                    cursor.executemany(update_sql, updates)
                    changed = cursor.rowcount if cursor.rowcount >= 0 else len(updates)
                fr.rotated += changed
                fr.changed_meanwhile += len(updates) - changed
                done += len(batch)
                if in_batch is not None:  # for tests: a crash before the batch commits
                    in_batch(fr, done)
            say(f"{fr.label}：已处理 {done}/{todo}。")
        fr.remaining_old = _not_current(model, name, keys.prefix, db).count()
    if not dry_run:
        from dangjian.core import audit
        from dangjian.core.models import AuditEntry

        audit.record(
            action=AuditEntry.Action.EVENT,
            obj=None,
            acting_user=None,
            object_repr="字段加密密钥轮换",
            field="rotate-field-key",
            changes={
                "event": "字段加密密钥轮换",
                "item": (
                    f"当前密钥 v{report.version}：重新加密 {report.rotated} 个值，"
                    f"仍用旧密钥 {report.remaining_old} 个，无法解密 {report.unreadable} 个"
                ),
                "rows": report.rotated,
                "figures": report.summary(),
            },
        )
    return report
