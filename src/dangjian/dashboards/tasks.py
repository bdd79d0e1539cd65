"""The task the worker (``dangjian worker``) runs for the dashboards: counting a wide
organisation's figures into its snapshot (:func:`dangjian.dashboards.snapshots.run_build`)."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def build_snapshot(snapshot_id: int, attempt: int) -> dict[str, Any]:
    from .snapshots import run_build

    return run_build(snapshot_id, attempt)
