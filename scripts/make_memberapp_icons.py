"""Writes the member app's PNG icons (a yellow star on the site's red) with zlib + struct only:
the virtualenv has no Pillow. Run once after changing the drawing and commit the files:

    .venv/bin/python scripts/make_memberapp_icons.py
"""

from __future__ import annotations

import math
from pathlib import Path

from dangjian.core.png import encode

OUT = Path(__file__).resolve().parent.parent / "src/dangjian/static/dangjian/m"
RED = (0xB7, 0x1C, 0x1C)
YELLOW = (0xFF, 0xD5, 0x4F)


def star(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    """The ten corners of a five-pointed star, point up."""
    pts = []
    for i in range(10):
        rad = r if i % 2 == 0 else r * 0.382
        a = -math.pi / 2 + i * math.pi / 5
        pts.append((cx + rad * math.cos(a), cy + rad * math.sin(a)))
    return pts


def inside(x: float, y: float, poly: list[tuple[float, float]]) -> bool:
    hit = False
    j = len(poly) - 1
    for i, (xi, yi) in enumerate(poly):
        xj, yj = poly[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            hit = not hit
        j = i
    return hit


def png(size: int, *, star_scale: float) -> bytes:
    poly = star(size / 2, size / 2 + size * 0.03, size / 2 * star_scale)
    pixels = bytearray()
    for y in range(size):
        for x in range(size):
            pixels.extend(YELLOW if inside(x + 0.5, y + 0.5, poly) else RED)
    return encode(size, size, bytes(pixels))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        (OUT / f"icon-{size}.png").write_bytes(png(size, star_scale=0.78))
        # maskable: the star within the 80 % safe zone, the red reaching every edge
        (OUT / f"icon-maskable-{size}.png").write_bytes(png(size, star_scale=0.55))


if __name__ == "__main__":
    main()
