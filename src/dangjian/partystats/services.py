"""The national-system exports: they carry full ID numbers, so each is a write to the audit —
one reveal per ID number exported and one export row — done in one transaction with the file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from cryptography.fernet import InvalidToken
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, crypto
from dangjian.core.models import AuditEntry
from dangjian.core.xlsx import write_table
from dangjian.members.models import Member
from dangjian.orgs.models import Organisation

from . import national

#: What a reveal row says it was for.
PURPOSE = "全国党员管理信息系统导出"


def _full_id(cipher: str, masked: str) -> str:
    """The decrypted number; the mask when the ciphertext cannot be read (a key changed or a
    row edited by hand) — never a crash of the export."""
    try:
        return crypto.decrypt(cipher)
    except (InvalidToken, ValueError):
        return masked


@transaction.atomic
def national_members_export(
    *, acting_user: Any, org: Organisation, ip: str | None = None
) -> tuple[IO[bytes], int]:
    """The member records of ``org``'s subtree in the national system's fields, with the full ID
    number. The caller has checked the changing grant (``selectors.may_export_national``); the
    members are read through ``changeable_by`` again all the same."""
    member_type = ContentType.objects.get_for_model(Member)
    actor = acting_user if getattr(acting_user, "is_authenticated", False) else None
    pending: list[AuditEntry] = []

    def rows() -> Iterator[list[Any]]:
        for r in national.member_records(user=acting_user, org=org):
            pending.append(
                AuditEntry(
                    actor=actor,
                    action=AuditEntry.Action.REVEAL,
                    content_type=member_type,
                    object_id=str(r["pk"]),
                    object_repr=r["name"][:200],
                    field="id_number",
                    changes={"purpose": PURPOSE},
                    scope_path=r["org__path"],
                    ip=ip,
                )
            )
            if len(pending) >= national.CHUNK:
                AuditEntry.objects.bulk_create(pending)
                pending.clear()
            yield national.member_row(r, _full_id(r["id_cipher"], r["id_masked"]))

    today = timezone.localdate()
    fh, count = write_table(
        sheet=_("党员信息"),
        title=_("%(org)s 党员信息（全国党员管理信息系统格式，%(d)s）")
        % {"org": org.name, "d": today.isoformat()},
        columns=national.columns(national.MEMBER_COLUMNS),
        rows=rows(),
        freeze="B3",
    )
    AuditEntry.objects.bulk_create(pending)
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=org,
        acting_user=acting_user,
        object_repr=_("%(org)s 全国党员管理信息系统党员信息导出（%(n)d 人，含完整身份证号）")
        % {"org": org.name, "n": count},
        changes={"export": "national_members", "rows": count, "id_numbers_revealed": count},
        ip=ip,
    )
    return fh, count


@transaction.atomic
def national_orgs_export(
    *, acting_user: Any, org: Organisation, ip: str | None = None
) -> tuple[IO[bytes], int]:
    """The organisation records of ``org``'s subtree in the national system's fields."""
    today = timezone.localdate()
    fh, count = write_table(
        sheet=_("党组织信息"),
        title=_("%(org)s 党组织信息（全国党员管理信息系统格式，%(d)s）")
        % {"org": org.name, "d": today.isoformat()},
        columns=national.columns(national.ORG_COLUMNS),
        rows=national.org_rows(user=acting_user, org=org),
        freeze="B3",
    )
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=org,
        acting_user=acting_user,
        object_repr=_("%(org)s 全国党员管理信息系统党组织信息导出（%(n)d 个）")
        % {"org": org.name, "n": count},
        changes={"export": "national_orgs", "rows": count},
        ip=ip,
    )
    return fh, count
