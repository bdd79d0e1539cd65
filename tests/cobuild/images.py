"""A small real PNG made without any imaging library (python-docx reads its size)."""

from __future__ import annotations

from dangjian.core.png import solid


def png(width: int = 40, height: int = 30, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    return solid(width, height, rgb)
