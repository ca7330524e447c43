"""Reading a printed カスタマバーコード back, for the tests of the mailed notices: the bars of the SVG or of a page at 300
dpi, decoded with the table of 日本郵便「郵便番号・バーコードマニュアル」 p11 (written out here from the manual, not
taken from our code) — CC4 written @, CC8 ], the other 制御コード ! # % ( ) [."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

# p11: the three bars of each character (F long, A upper half, D lower half, T timing); CC4 written @, CC8 ]
TABLE = {"0": "FTT", "1": "FFT", "2": "FDA", "3": "DFA", "4": "FAD", "5": "FTF", "6": "DAF", "7": "AFD", "8": "ADF",
         "9": "TFF", "-": "TFT", "!": "DAT", "#": "DTA", "%": "ADT", "@": "TDA", "(": "ATD", ")": "TAD", "[": "TTF",
         "]": "FFF"}
BY_BARS = {bars: char for char, bars in TABLE.items()}


def decode(bars: str) -> str:
    """start FD, 21 characters of three bars, stop DF → the characters."""
    assert bars[:2] == "FD" and bars[-2:] == "DF" and len(bars) == 67, bars
    return "".join(BY_BARS[bars[i:i + 3]] for i in range(2, 65, 3))


def svg_bars(svg: str) -> str:
    """The bars of common/customer_barcode.py's SVG: one path, a subpath ``M x y h 0.6 v height h -0.6 z`` a bar;
    each bar's top and height tell its kind."""
    kinds = {("0.00", "3.60"): "F", ("0.00", "2.40"): "A", ("1.20", "2.40"): "D", ("1.20", "1.20"): "T"}
    return "".join(kinds[(y, h)] for y, h in re.findall(r"M[\d.]+ ([\d.]+)h0\.6v([\d.]+)h-0\.6z", svg))


def printed_bars(pdf: bytes, tmp_path: Path) -> str:
    """The 4-state bars on the first page at 300 dpi: the one pixel row crossed by exactly 67 dark runs is the
    timing band; each run's dark extent above and below it tells the bar's kind."""
    from PIL import Image

    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "n.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "300", "-f", "1", "-l", "1", "-gray", "-png", str(tmp_path / "n.pdf"),
                    str(tmp_path / "p")], check=True)
    page = Image.open(next(tmp_path.glob("p-*.png"))).convert("L")
    width = page.size[0]
    px = page.load()
    mm = 300 / 25.4

    def runs(y: int) -> list[tuple[int, int]]:
        found, start = [], None
        for x in range(width):
            dark = px[x, y] < 128
            if dark and start is None:
                start = x
            elif not dark and start is not None:
                found.append((start, x))
                start = None
        return found

    for y in range(int(10 * mm), int(70 * mm)):
        row = runs(y)
        if len(row) == 67 and all(4 <= b - a <= 10 for a, b in row):
            break
    else:
        raise AssertionError("no カスタマバーコード on the page")
    extents = []
    for a, b in row:
        x = (a + b) // 2
        top = y
        while px[x, top - 1] < 128:
            top -= 1
        bottom = y
        while px[x, bottom + 1] < 128:
            bottom += 1
        extents.append((top, bottom))
    highest, lowest = min(t for t, _ in extents), max(b for _, b in extents)
    return "".join({(True, True): "F", (True, False): "A", (False, True): "D", (False, False): "T"}[
        (t - highest < 0.5 * mm, lowest - b < 0.5 * mm)] for t, b in extents)


# 三宮町一丁目 (〒650-0021): a 町字 whose 丁目 belongs to the 住所表示番号
CHOME = {"code": "281100003", "ward_code": "28110", "ward_name": "中央区", "name": "三宮町一丁目",
         "kana": "サンノミヤチョウイッチョウメ", "postcode": "6500021", "school_district": "こうべ小学校"}
