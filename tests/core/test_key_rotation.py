"""Field-encryption keys that can change (docs/keys.md): versioned AES-GCM values, old keys still
readable, Fernet values of before still readable, a blind index that does not follow the field
key, and ``dangjian rotate-field-key`` — batched, resumable after a crash, audited."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import io

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from dangjian.core import crypto
from dangjian.core.models import AuditEntry
from dangjian.jobs.services import seeker_register
from dangjian.members.models import Member
from dangjian.orgs.models import OrgKind
from tests.development.factories import make_candidate
from tests.factories import make_member, make_org

OLD = "old-field-key-" + "a" * 40
NEW = "new-field-key-" + "b" * 40
NUMBER = "11010519491231002X"


def legacy_token(key: str, plain: str) -> str:
    """A value as the Fernet era wrote it (the derivation of that code, written out here)."""
    derived = hashlib.sha256(b"dangjian-field-encryption:" + key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(derived)).encrypt(plain.encode()).decode()


def legacy_hash(key: str, plain: str) -> str:
    derived = hashlib.sha256(b"dangjian-blind-index:" + key.encode()).digest()
    return hmac.new(derived, plain.encode(), hashlib.sha256).hexdigest()


@pytest.fixture
def keys(settings, tmp_path, db):
    """Start under OLD alone, in a data directory of the test's own (no key files)."""
    settings.DATA_DIR = tmp_path
    settings.FIELD_KEY = OLD
    settings.FIELD_KEYS_OLD = []
    settings.INDEX_KEY = ""
    yield settings
    crypto.reset()


def make_new_key_current(settings) -> None:
    """The rotation's first step as docs/keys.md says: pin the index key, new key current, old
    key in the old-keys list."""
    settings.INDEX_KEY = OLD
    settings.FIELD_KEYS_OLD = [OLD]
    settings.FIELD_KEY = NEW


# --- the format ------------------------------------------------------------------------------


def test_new_values_are_versioned_aes_gcm(keys):
    token = crypto.encrypt(NUMBER)
    version = crypto.fingerprint(OLD)
    assert token.startswith(f"v{version}:") and NUMBER not in token
    raw = base64.b64decode(token.split(":", 1)[1])
    assert len(raw) == 12 + len(NUMBER) + 16  # nonce, ciphertext, GCM tag
    assert crypto.decrypt(token) == NUMBER
    assert crypto.encrypt(NUMBER) != token  # a fresh nonce each time
    assert crypto.version_of(token) == version
    assert crypto.encrypt("") == "" and crypto.decrypt("") == ""


def test_legacy_fernet_values_still_decrypt(keys):
    token = legacy_token(OLD, NUMBER)
    assert token.startswith("gAAAA") and crypto.version_of(token) == crypto.LEGACY_VERSION
    assert crypto.decrypt(token) == NUMBER
    make_new_key_current(keys)
    assert crypto.decrypt(token) == NUMBER  # under an old key too


def test_tampered_value_is_refused(keys):
    token = crypto.encrypt(NUMBER)
    prefix, body = token.split(":", 1)
    raw = bytearray(base64.b64decode(body))
    raw[15] ^= 1
    with pytest.raises(crypto.TamperedValue, match="已损坏或被改动"):
        crypto.decrypt(prefix + ":" + base64.b64encode(bytes(raw)).decode())
    with pytest.raises(crypto.TamperedValue):
        crypto.decrypt(token[:-4])  # cut short
    # a value cannot be passed off as another key's
    keys.FIELD_KEYS_OLD = [NEW]
    with pytest.raises(crypto.TamperedValue):
        crypto.decrypt(f"v{crypto.fingerprint(NEW)}:{body}")
    with pytest.raises(crypto.FieldKeyError, match="不是本系统加密的数据"):
        crypto.decrypt("plain text")


def test_value_under_an_unknown_key_gives_a_clear_error(keys):
    token = crypto.encrypt(NUMBER)
    keys.FIELD_KEY = NEW  # the old key forgotten
    with pytest.raises(
        crypto.UnknownFieldKey, match=f"未配置的字段密钥（版本 v{crypto.fingerprint(OLD)}）"
    ):
        crypto.decrypt(token)
    with pytest.raises(crypto.UnknownFieldKey, match="旧格式"):
        crypto.decrypt(legacy_token(OLD, NUMBER))
    # pages that show a mask instead of crashing catch ValueError
    assert issubclass(crypto.UnknownFieldKey, ValueError)


def test_old_keys_from_the_data_directory_file(keys, tmp_path):
    token = crypto.encrypt(NUMBER)
    keys.FIELD_KEY = NEW
    (tmp_path / "field_keys_old").write_text(f"\n{OLD}\n")
    (tmp_path / "index_key").write_text(OLD + "\n")
    crypto.reset()  # files are read once per process
    assert crypto.decrypt(token) == NUMBER
    assert crypto.ring().old_versions == (crypto.fingerprint(OLD),)
    assert crypto.blind_index(NUMBER) == legacy_hash(OLD, NUMBER)


# --- the blind index -------------------------------------------------------------------------


def test_blind_index_does_not_change_when_the_field_key_rotates(keys):
    before = crypto.blind_index(NUMBER)
    assert before == legacy_hash(OLD, NUMBER)  # the hashes stored so far stay equal
    make_new_key_current(keys)
    assert crypto.blind_index(NUMBER) == before
    keys.FIELD_KEYS_OLD = []  # and after the old key is gone
    assert crypto.blind_index(NUMBER) == before


def test_old_keys_without_a_pinned_index_key_are_refused(keys):
    keys.FIELD_KEYS_OLD = [OLD]
    keys.FIELD_KEY = NEW
    with pytest.raises(ImproperlyConfigured, match="DANGJIAN_INDEX_KEY"):
        crypto.blind_index(NUMBER)
    assert crypto.configuration_problems()
    assert [e.id for e in crypto.check_keys()] == ["dangjian.E101"]
    with pytest.raises(CommandError, match="DANGJIAN_INDEX_KEY"):
        call_command("rotate-field-key", stdout=io.StringIO())
    keys.INDEX_KEY = OLD
    assert crypto.configuration_problems() == [] and crypto.check_keys() == []


# --- the registry ----------------------------------------------------------------------------


def test_every_cipher_field_is_in_the_registry():
    found = {
        (m._meta.label, f.name)
        for m in apps.get_models()
        for f in m._meta.concrete_fields
        if f.name.endswith("_cipher")
    }
    assert found and found == set(crypto.ENCRYPTED_FIELDS)


# --- the rotation ----------------------------------------------------------------------------


def people() -> dict[str, str]:
    """Rows of three encrypted models, under OLD; returns each stored value's plain text."""
    admin = get_user_model().objects.create_superuser("rotator", password=None)
    county = make_org(parent=None, kind=OrgKind.COUNTY, name="轮换县", code="RX")
    street = make_org(parent=county, kind=OrgKind.STREET, name="轮换街道", code="RS")
    community = make_org(parent=street, kind=OrgKind.GENERAL_BRANCH, name="轮换社区", code="RC")
    for _ in range(7):
        make_member(org=community)
    make_candidate(org=community, talk=False)
    for phone in ("13900000001", "13900000002"):
        seeker_register(
            acting_user=admin,
            community=community,
            name="求职者",
            consent_on=dt.date(2026, 1, 5),
            skills=["cleaning"],
            phone=phone,
        )
    # one member written in the Fernet era
    first = Member.objects.order_by("pk").first()
    Member.objects.filter(pk=first.pk).update(
        id_cipher=legacy_token(OLD, crypto.decrypt(first.id_cipher))
    )
    return stored_plain()


def stored() -> dict[str, str]:
    out = {}
    for model, name in crypto.encrypted_columns():
        for pk, value in model._base_manager.values_list("pk", name):
            if value:
                out[f"{model._meta.label}:{pk}"] = value
    return out


def stored_plain() -> dict[str, str]:
    return {k: crypto.decrypt(v) for k, v in stored().items()}


class Crash(Exception):
    pass


def test_rotation_killed_halfway_and_resumed_loses_nothing(keys):
    plain = people()
    assert len(plain) == 7 + 1 + 2
    make_new_key_current(keys)
    new_prefix = f"v{crypto.fingerprint(NEW)}:"

    def crash_in_the_second_batch(fr, done):
        if done == 4:
            raise Crash

    with pytest.raises(Crash):
        crypto.rotate(batch_size=2, in_batch=crash_in_the_second_batch)
    values = stored()
    rotated = [k for k, v in values.items() if v.startswith(new_prefix)]
    assert len(rotated) == 2  # the first batch done, the second rolled back whole
    assert stored_plain() == plain  # the site reads old and new meanwhile
    assert not AuditEntry.objects.filter(field="rotate-field-key").exists()

    out = crypto.rotate(batch_size=2)
    assert out.rotated == len(plain) - 2  # only what was left
    assert out.remaining_old == 0 and out.unreadable == 0
    assert all(v.startswith(new_prefix) for v in stored().values())
    assert stored_plain() == plain

    # the old key can go now
    keys.FIELD_KEYS_OLD = []
    assert stored_plain() == plain
    entry = AuditEntry.objects.get(field="rotate-field-key")
    assert entry.action == AuditEntry.Action.EVENT
    assert entry.changes["rows"] == len(plain) - 2
    assert entry.changes["figures"]["remaining_old"] == 0
    # a second run finds nothing to do
    assert crypto.rotate(batch_size=2).rotated == 0


def test_rotation_does_not_overwrite_a_value_edited_meanwhile(keys):
    plain = people()
    make_new_key_current(keys)
    edited = {}

    def someone_edits(pks):
        if not edited and Member.objects.filter(pk=pks[-1]).exists():
            edited["pk"] = pks[-1]
            edited["value"] = crypto.encrypt("110105195001010017")  # under the new key
            Member.objects.filter(pk=pks[-1]).update(id_cipher=edited["value"])

    out = crypto.rotate(batch_size=3, before_update=someone_edits)
    assert Member.objects.get(pk=edited["pk"]).id_cipher == edited["value"]
    assert out.fields[0].changed_meanwhile == 1 and out.rotated == len(plain) - 1
    assert out.remaining_old == 0
    plain[f"members.Member:{edited['pk']}"] = "110105195001010017"
    assert stored_plain() == plain


def test_rotation_leaves_unreadable_values_alone_and_says_so(keys):
    plain = people()
    victim = Member.objects.order_by("pk").last()
    broken = victim.id_cipher[:-6] + "AAAAAA"
    Member.objects.filter(pk=victim.pk).update(id_cipher=broken)
    make_new_key_current(keys)
    out = io.StringIO()
    call_command("rotate-field-key", "--batch", "3", stdout=out)
    text = out.getvalue()
    assert "1 个值无法解密" in text and str(victim.pk) in text
    assert "仍有 1 个值使用旧密钥或无法解密" in text and "请先不要删除旧密钥" in text
    assert Member.objects.get(pk=victim.pk).id_cipher == broken
    del plain[f"members.Member:{victim.pk}"]
    assert {k: crypto.decrypt(v) for k, v in stored().items() if v != broken} == plain


def test_command_dry_run_counts_and_changes_nothing(keys):
    people()
    make_new_key_current(keys)
    before = stored()
    out = io.StringIO()
    call_command("rotate-field-key", "--dry-run", stdout=out)
    text = out.getvalue()
    assert stored() == before
    assert "共有 10 个值待用当前密钥重新加密" in text
    assert "旧格式（未标版本） 1 个" in text and f"v{crypto.fingerprint(OLD)} 6 个" in text
    assert not AuditEntry.objects.filter(field="rotate-field-key").exists()

    out = io.StringIO()
    call_command("rotate-field-key", stdout=out)
    text = out.getvalue()
    assert "党员 · 身份证号（密文）：已处理 7/7" in text
    assert "完成：本次重新加密 10 个值" in text and "可以从旧密钥列表中删除旧密钥" in text
    assert AuditEntry.objects.filter(field="rotate-field-key").count() == 1
