"""Who looked at my data (``/audit/mine/``): a user's own page. Others' looks at community A's
people never show on it (see endpoints.py)."""

from __future__ import annotations

from dangjian.core import audit

from .endpoints import Listing


def build(cast, ids):
    # someone opened the record of 欧阳测试 (community A): only they — nobody — may list it here
    from dangjian.members.models import Member

    audit.record_read(Member.objects.get(pk=ids["member"]), acting_user=cast.comm_a_sec)
    return {}, (), ()


LIST_PAGES = [Listing("core:audit_mine", "/audit/mine/")]
