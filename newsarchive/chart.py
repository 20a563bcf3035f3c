"""Tiny charts without a plotting library: a text sparkline and a PNG bar chart.

The PNG writer is plain zlib + struct (8-bit RGB), enough for a
count-per-period chart; labels are drawn with a 3×5 pixel digit font.
"""

from __future__ import annotations

import struct
import zlib

SPARK = "▁▂▃▄▅▆▇█"

#: 3×5 glyphs for digits and the few characters period labels use.
_GLYPHS = {
    "0": ("111", "101", "101", "101", "111"), "1": ("010", "110", "010", "010", "111"),
    "2": ("111", "001", "111", "100", "111"), "3": ("111", "001", "111", "001", "111"),
    "4": ("101", "101", "111", "001", "001"), "5": ("111", "100", "111", "001", "111"),
    "6": ("111", "100", "111", "101", "111"), "7": ("111", "001", "010", "010", "010"),
    "8": ("111", "101", "111", "101", "111"), "9": ("111", "101", "111", "001", "111"),
    "-": ("000", "000", "111", "000", "000"), "W": ("101", "101", "101", "111", "101"),
    " ": ("000", "000", "000", "000", "000"),
}

BACKGROUND = (255, 255, 255)
BAR = (52, 101, 164)
INK = (40, 40, 40)


def sparkline(values: list[int]) -> str:
    """One block character per value, scaled to the largest (zero is the lowest block)."""
    if not values:
        return ""
    top = max(values) or 1
    return "".join(SPARK[0] if v <= 0 else SPARK[min(len(SPARK) - 1, 1 + (v * (len(SPARK) - 1) - 1) // top)]
                   for v in values)


def bar_chart_png(series: list[tuple[str, int]], path, *, height: int = 240, scale: int = 2) -> None:
    """Write a bar chart of (label, count) to `path` as PNG: bars, baseline, first/last
    labels and the maximum count."""
    counts = [c for _, c in series] or [0]
    bar, gap, margin = max(2, min(24, 900 // max(1, len(counts)))), 1, 24
    label_width = sum(len(label) for label, _ in series[:1] + series[-1:]) * 4 * scale + 24
    width = max(margin * 2 + len(counts) * (bar + gap), label_width + margin * 2)
    total_height = height + margin * 2
    pixels = [[BACKGROUND] * width for _ in range(total_height)]
    top = max(counts) or 1
    base = margin + height
    for i, count in enumerate(counts):
        bar_height = round(count / top * (height - 10))
        x0 = margin + i * (bar + gap)
        for y in range(base - bar_height, base):
            for x in range(x0, x0 + bar):
                pixels[y][x] = BAR
    for x in range(margin - 2, width - margin + 2):
        pixels[base][x] = INK
    if series:
        _text(pixels, series[0][0], margin, base + 6, scale)
        last = series[-1][0]
        _text(pixels, last, max(margin, width - margin - len(last) * 4 * scale), base + 6, scale)
    _text(pixels, str(max(counts)), 2, margin - 2, scale)
    _write_png(path, pixels)


def _text(pixels, text: str, x: int, y: int, scale: int) -> None:
    for n, char in enumerate(text):
        glyph = _GLYPHS.get(char.upper(), _GLYPHS[" "])
        for row, line in enumerate(glyph):
            for col, bit in enumerate(line):
                if bit == "1":
                    for dy in range(scale):
                        for dx in range(scale):
                            py, px = y + row * scale + dy, x + (n * 4 + col) * scale + dx
                            if 0 <= py < len(pixels) and 0 <= px < len(pixels[0]):
                                pixels[py][px] = INK


def _write_png(path, pixels) -> None:
    height, width = len(pixels), len(pixels[0])
    raw = b"".join(b"\x00" + bytes(channel for pixel in row for channel in pixel) for row in pixels)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    with open(path, "wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9))
                  + chunk(b"IEND", b""))
