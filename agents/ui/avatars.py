"""Flag avatars drawn by Parley itself (no downloads) and the file names Chainlit looks them up by.

Chainlit finds an author's avatar at ``public/avatars/<name>.png`` where ``<name>`` is the
author lowercased with spaces and dots as ``_``. ``python -m agents.ui.avatars`` redraws
them; the PNGs are small and committed under ``public/avatars/``.
"""

from __future__ import annotations

import math
import struct
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

Colour = tuple[int, int, int]
Painter = Callable[[float, float], Colour]  # (x, y) in [0, 1) -> colour
SIZE = 64

RED, WHITE, BLUE = (200, 16, 46), (255, 255, 255), (0, 40, 104)
YELLOW, GOLD, GREY = (255, 222, 0), (212, 175, 55), (110, 118, 129)


def avatar_file_name(author: str) -> str:
    """The avatar file Chainlit will look for, for ``author``."""
    return author.lower().replace(" ", "_").replace(".", "_") + ".png"


def _in_star(x: float, y: float, cx: float, cy: float, radius: float) -> bool:
    """Whether (x, y) falls inside a five-pointed star centred at (cx, cy)."""
    dx, dy = x - cx, y - cy
    distance = math.hypot(dx, dy)
    if distance > radius:
        return False
    angle = (math.atan2(dy, dx) + math.pi / 2) % (2 * math.pi / 5)
    tip = abs(angle - math.pi / 5) / (math.pi / 5)  # 1 at a tip, 0 between tips
    return distance <= radius * (0.4 + 0.6 * tip**2)


def usa(x: float, y: float) -> Colour:
    if x < 0.45 and y < 0.54:
        return WHITE if (int(x * 12) + int(y * 10)) % 2 == 0 and 0.03 < x < 0.42 else BLUE
    return RED if int(y * 13) % 2 == 0 else WHITE


def dprk(x: float, y: float) -> Colour:
    if y < 0.16 or y > 0.84:
        return (2, 79, 162)
    if y < 0.2 or y > 0.8:
        return WHITE
    if _in_star(x, y, 0.33, 0.5, 0.13):
        return RED
    return WHITE if math.hypot(x - 0.33, y - 0.5) < 0.2 else RED


def rok(x: float, y: float) -> Colour:
    dx, dy = x - 0.5, y - 0.5
    if math.hypot(dx, dy) < 0.22:
        return (205, 46, 58) if dy < 0.06 * math.sin(dx * 14) else (0, 71, 160)
    corner = abs(abs(dx) - abs(dy)) < 0.05 and math.hypot(dx, dy) > 0.3 and abs(dx) < 0.42
    return (0, 0, 0) if corner else WHITE


def prc(x: float, y: float) -> Colour:
    if _in_star(x, y, 0.22, 0.3, 0.16):
        return YELLOW
    small = [(0.42, 0.12), (0.5, 0.25), (0.5, 0.42), (0.42, 0.54)]
    return YELLOW if any(_in_star(x, y, sx, sy, 0.055) for sx, sy in small) else (222, 41, 16)


def japan(x: float, y: float) -> Colour:
    return (188, 0, 45) if math.hypot(x - 0.5, y - 0.5) < 0.24 else WHITE


def russia(x: float, y: float) -> Colour:
    return WHITE if y < 1 / 3 else (0, 57, 166) if y < 2 / 3 else (213, 43, 30)


def sweden(x: float, y: float) -> Colour:
    return YELLOW if 0.3 < x < 0.45 or 0.42 < y < 0.58 else (0, 106, 167)


def rotating_chair(x: float, y: float) -> Colour:
    ring = 0.18 < math.hypot(x - 0.5, y - 0.5) < 0.26
    return WHITE if ring or (abs(x - 0.5) < 0.03 and 0.3 < y < 0.7) else GREY


def bordered(inner: Painter) -> Painter:
    """A chair's flag: its country's, in a gold frame."""

    def paint(x: float, y: float) -> Colour:
        return GOLD if min(x, y, 1 - x, 1 - y) < 0.08 else inner(x, y)

    return paint


FLAGS: dict[str, Painter] = {
    "usa": usa,
    "dprk": dprk,
    "rok": rok,
    "prc": prc,
    "japan": japan,
    "russia": russia,
    "chair-prc": bordered(prc),
    "chair-russia": bordered(russia),
    "chair-four-party": bordered(rotating_chair),
    "chair-facilitator": bordered(sweden),
}


def png_bytes(paint: Painter, size: int = SIZE) -> bytes:
    """A square RGB PNG painted pixel by pixel (sampled at pixel centres)."""
    rows = b"".join(
        b"\x00" + bytes(c for x in range(size) for c in paint((x + 0.5) / size, (y + 0.5) / size)) for y in range(size)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def write_avatars(folder: Path, short_names: dict[str, str]) -> list[Path]:
    """Write one avatar per persona (by its short name) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for persona_id, short_name in short_names.items():
        paint = FLAGS.get(persona_id, rotating_chair)
        path = folder / avatar_file_name(short_name)
        path.write_bytes(png_bytes(paint))
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    from agents.core.catalog import Catalog
    from agents.core.paths import data_root

    names = {pid: p.short_name for pid, p in Catalog().personas.items()}
    for written_path in write_avatars(data_root() / "public" / "avatars", names):
        print(written_path, file=sys.stderr)
