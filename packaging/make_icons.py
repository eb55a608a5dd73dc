"""Render resources/icons/ketaref.svg into the PNG sizes of the hicolor theme and a Windows .ico.

Run after editing the SVG: ``.venv/bin/python packaging/make_icons.py``. The PNGs and the .ico are
committed, so building a package needs neither QtSvg nor Pillow's ICO writer.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
PNG_SIZES = (16, 32, 48, 64, 128, 256)


def main() -> int:
    """Write ketaref-SIZE.png for every hicolor size, and ketaref.ico."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(ICONS / "ketaref.svg"))
    for size in PNG_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        image.save(str(ICONS / f"ketaref-{size}.png"))
    largest = Image.open(ICONS / f"ketaref-{PNG_SIZES[-1]}.png")
    largest.save(ICONS / "ketaref.ico", sizes=[(s, s) for s in PNG_SIZES])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
