"""Reading a scanned receipt or certificate at intake, offline: a PDF's own text by pdftotext (poppler), else its
first pages as images, and photos, by Debian's tesseract-ocr with tesseract-ocr-jpn
(scripts/install-system-deps.sh). The result is stored with the attachment (``{"text", "confidence", "engine"}``)
and read by the review (domain/documents.py); when the engine is missing or fails, ``{"problem": …}`` says so
and the attachment goes to a clerk (never a 500, never a silent pass)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

TIMEOUT = 60
PAGES = 2


def available() -> bool:
    return shutil.which("tesseract") is not None


def read_document(content: bytes, content_type: str) -> dict[str, Any]:
    """The text of a PDF or an image and the OCR engine's mean word confidence (100 for a PDF's own text)."""
    try:
        with tempfile.TemporaryDirectory(prefix="jichitai-ocr-") as tmp:
            src = Path(tmp) / ("in.pdf" if content_type == "application/pdf" else "in.img")
            src.write_bytes(content)
            if content_type == "application/pdf":
                text = _run(["pdftotext", "-layout", "-l", str(PAGES), str(src), "-"])
                if text.strip():
                    return {"text": text[:20_000], "confidence": 100, "engine": "pdftotext"}
                if shutil.which("pdftoppm") is None:
                    return {"problem": "PDFを画像にする機能（poppler）がないため読み取れません"}
                _run(["pdftoppm", "-r", "300", "-l", str(PAGES), "-png", str(src), str(Path(tmp) / "page")])
                images = sorted(Path(tmp).glob("page*.png"))
            elif content_type == "image/heic":
                return {"problem": "HEIC形式の写真は読み取れません（JPEGかPNGで添付してください）"}
            else:
                images = [src]
            if not available():
                return {"problem": "文字の読み取り（OCR）が使えないため、職員が確認します"}
            texts, confidences = [], []
            for image in images:
                text, conf = _tesseract(image)
                texts.append(text)
                confidences.extend(conf)
            confidence = round(sum(confidences) / len(confidences)) if confidences else 0
            return {"text": "\n".join(texts)[:20_000], "confidence": confidence, "engine": "tesseract jpn"}
    except (OSError, subprocess.SubprocessError):
        return {"problem": "ファイルを開けませんでした（壊れているか、読み取れない形式です）"}


def _run(cmd: list[str]) -> str:
    return subprocess.run(cmd, capture_output=True, check=True, timeout=TIMEOUT).stdout.decode("utf-8", "replace")


def _tesseract(image: Path) -> tuple[str, list[float]]:
    """Text line by line, and each recognised word's confidence (TSV output: level 5 rows are words; level 4 rows
    the lines' boxes). A name line — one ending in 「様」 or naming the 寄附者 — is read again on its own (see
    :func:`_name_lines`) and added below the page's text."""
    tsv = _run(["tesseract", str(image), "stdout", "-l", "jpn+eng", "--psm", "6", "tsv"])
    lines: dict[tuple[str, str, str], list[str]] = {}
    boxes: dict[tuple[str, str, str], tuple[int, int, int, int]] = {}
    confidences: list[float] = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) >= 10 and cols[0] == "4":
            boxes[(cols[2], cols[3], cols[4])] = (int(cols[6]), int(cols[7]), int(cols[8]), int(cols[9]))
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        lines.setdefault((cols[2], cols[3], cols[4]), []).append(cols[11])
        try:
            confidences.append(float(cols[10]))
        except ValueError:
            pass
    text = "\n".join(" ".join(words) for words in lines.values())
    named = [boxes[k] for k, words in lines.items() if k in boxes and _names_someone("".join(words))]
    again = _name_lines(image, named)
    return text + ("\n" + "\n".join(again) if again else ""), confidences


def _names_someone(line: str) -> bool:
    return line.endswith("様") or "寄附者" in line or "宛名" in line


def _name_lines(image: Path, boxes: list[tuple[int, int, int, int]]) -> list[str]:
    """Each box read again alone, as one line (``--psm 7``): on a whole page tesseract misread the given name on 7
    of 30 synthetic 寄附金受領証明書 (「阿久津 MAB 佑志」), read alone 4 of those 7 came right (enlarging the crop did
    worse: 2–3 of 7) — and the review compares names (DE09, DE10). At most three lines a page."""
    from PIL import Image

    out = []
    with Image.open(image) as page:
        gray = page.convert("L")
        for n, (left, top, width, height) in enumerate(boxes[:3]):
            pad = max(4, height // 3)
            crop = gray.crop((max(0, left - pad), max(0, top - pad), left + width + pad, top + height + pad))
            path = image.with_name(f"{image.stem}-line{n}.png")
            crop.save(path)
            read = _run(["tesseract", str(path), "stdout", "-l", "jpn", "--psm", "7"]).strip()
            if read:
                out.append(read)
    return out
