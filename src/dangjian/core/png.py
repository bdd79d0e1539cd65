"""PNG images written with zlib and struct only (the platform has no imaging library): the
member app's icons, the demo's photos, the tests' pictures."""

from __future__ import annotations

import struct
import zlib


def encode(width: int, height: int, rgb_rows: bytes) -> bytes:
    """An 8-bit RGB PNG of ``height`` rows of ``width`` pixels given as bytes r, g, b, r, g, b…"""
    if len(rgb_rows) != width * height * 3:
        raise ValueError("rgb_rows must hold width × height × 3 bytes")
    stride = width * 3
    raw = b"".join(
        b"\x00" + rgb_rows[y * stride : (y + 1) * stride]  # filter byte 0: none
        for y in range(height)
    )

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def solid(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A PNG of one colour."""
    return encode(width, height, bytes(rgb) * (width * height))
