"""Draw the application's icon once: a white shield with a tick on a police-blue rounded square.

Run from the project root (a one-off; the outputs are committed):
    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/make_icon.py
It writes resources/icons/rso-manager.svg (the drawing), rso-manager.png (256 px, for the Linux
desktop entry and the window) and rso-manager.ico (16-256 px, for the Windows executable), the
same bytes every run. The PNGs are rendered from the SVG by Qt, so the three never disagree.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resources" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)

# 256 units square. The shield's outline is one path; the tick is a stroke, so it stays legible
# at 16 px, where anything finer (letters, a crest) turns to mush.
SVG = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <title>RSO Manager</title>
  <rect x="8" y="8" width="240" height="240" rx="44" ry="44" fill="#1d3b6e"/>
  <path d="M128 36 L204 64 L204 124 C204 170 172 204 128 222 C84 204 52 170 52 124 L52 64 Z"
        fill="#ffffff"/>
  <path d="M128 54 L188 76 L188 124 C188 160 164 188 128 204 C92 188 68 160 68 124 L68 76 Z"
        fill="#2f5fa8"/>
  <path d="M94 128 L118 152 L164 102" fill="none" stroke="#ffffff" stroke-width="18"
        stroke-linecap="round" stroke-linejoin="round"/>
</svg>
"""


def render(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico(images: dict[int, bytes]) -> bytes:
    """An ICO of PNG-compressed entries (Windows Vista and later read these at every size)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in images.items():
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO directory entry
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset + len(blobs))
        blobs += png
    return header + entries + blobs


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication([])
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "rso-manager.svg").write_text(SVG, encoding="utf-8")
    renderer = QSvgRenderer(QByteArray(SVG.encode("utf-8")))
    if not renderer.isValid():
        raise SystemExit("the icon's SVG did not parse")
    images = {size: render(renderer, size) for size in ICO_SIZES}
    (OUT / "rso-manager.png").write_bytes(images[256])
    (OUT / "rso-manager.ico").write_bytes(ico(images))
    for name in ("rso-manager.svg", "rso-manager.png", "rso-manager.ico"):
        print(f"wrote {OUT / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
