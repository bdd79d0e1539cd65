"""The tasks the worker (``dangjian worker``) runs."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def run_export(job_id: int, attempt: int) -> dict[str, Any]:
    from .services import run_export as run

    return run(job_id, attempt)
