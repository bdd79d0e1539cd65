"""Writes of the meeting pages that the shared services do not cover.

``meeting_file_add`` stores an attachment like ``services.meeting_attach`` but writes its audit
entry with the file's name rather than the ``FieldFile`` itself (which ``audit.snapshot``
cannot turn into JSON — reported to the lead; once ``_plain`` handles files this can go).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.models import AuditEntry

from .models import Meeting, MeetingFile
from .services import MAX_FILE_BYTES


@transaction.atomic
def meeting_file_add(*, meeting: Meeting, upload: Any, acting_user: Any) -> MeetingFile:
    if upload.size > MAX_FILE_BYTES:
        raise ValidationError(
            _("文件太大（%(mb).1f MB），请小于 %(max)d MB。")
            % {"mb": upload.size / 1024 / 1024, "max": MAX_FILE_BYTES // 1024 // 1024}
        )
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    row = MeetingFile(
        meeting=meeting, file=upload, name=upload.name[:200], size=upload.size, uploaded_by=user
    )
    row.save()
    audit.record(
        action=AuditEntry.Action.CREATE,
        obj=row,
        acting_user=acting_user,
        changes={
            "meeting": {"before": None, "after": meeting.pk},
            "name": {"before": None, "after": row.name},
            "file": {"before": None, "after": row.file.name},
            "size": {"before": None, "after": row.size},
        },
    )
    return row
