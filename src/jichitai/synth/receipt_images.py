"""Scanned receipts of the synthetic declarations, drawn as images (Pillow, the Noto CJK font that
scripts/install-system-deps.sh installs for the PDFs): what a resident photographs or scans and attaches, read
at intake by OCR (declarations/ocr.py, tesseract-ocr-jpn) like any upload. A greyscale PNG, the text large and
upright: a good scan, so that a clean receipt is read above the review's confidence bar."""

from __future__ import annotations

import io
from pathlib import Path

FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")  # fonts-noto-cjk
SIZE = 44
WIDTH = 1100
LINE = 110


def receipt_png(lines: list[str]) -> bytes:
    """One receipt: each line of text on its own row."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), SIZE)
    img = Image.new("L", (WIDTH, 130 + LINE * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((80, 60 + i * LINE), line, font=font, fill=0)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()
