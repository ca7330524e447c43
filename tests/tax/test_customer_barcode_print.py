"""The カスタマバーコード on the mailed tax notices (tax/addressee.py, the 送付先 block of the 納税通知書 and the
税額決定通知書): the bars read back from the SVG and from the printed page (300 dpi), decoded with the manual's table.

independent: the expected characters are worked out by hand from 日本郵便「郵便番号・バーコードマニュアル」 (p11 table,
p12 format and check character, p17–p24 抜き出し法), not from our code.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from jichitai.registry.domain import NewPerson
from jichitai.registry.services import apply, load_towns
from tests.registry.conftest import TOWNS, move_in_command

pytestmark = pytest.mark.django_db

# p11: the three bars of each character (F long, A upper half, D lower half, T timing); CC4 written @, CC8 ]
TABLE = {"0": "FTT", "1": "FFT", "2": "FDA", "3": "DFA", "4": "FAD", "5": "FTF", "6": "DAF", "7": "AFD", "8": "ADF",
         "9": "TFF", "-": "TFT", "!": "DAT", "#": "DTA", "%": "ADT", "@": "TDA", "(": "ATD", ")": "TAD", "[": "TTF",
         "]": "FFF"}
BY_BARS = {bars: char for char, bars in TABLE.items()}
CHOME = {"code": "281100003", "ward_code": "28110", "ward_name": "中央区", "name": "三宮町一丁目",
         "kana": "サンノミヤチョウイッチョウメ", "postcode": "6500021", "school_district": "こうべ小学校"}


def decode(bars: str) -> str:
    """start FD, 21 characters of three bars, stop DF → the characters."""
    assert bars[:2] == "FD" and bars[-2:] == "DF" and len(bars) == 67, bars
    return "".join(BY_BARS[bars[i:i + 3]] for i in range(2, 65, 3))


def svg_bars(svg: str) -> str:
    kinds = {("0.00", "3.60"): "F", ("0.00", "2.40"): "A", ("1.20", "2.40"): "D", ("1.20", "1.20"): "T"}
    return "".join(kinds[(y, h)] for y, h in re.findall(r'<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" '
                                                        r'height="([\d.]+)"/>', svg))


def printed_bars(pdf: bytes, tmp_path: Path) -> str:
    """The 4-state bars on the first page at 300 dpi: the one pixel row crossed by exactly 67 dark runs is the
    timing band; each run's dark extent above and below it tells the bar's kind."""
    from PIL import Image

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


def test_the_mailing_address_carries_the_chome_banchi_and_katagaki(make_staff: Any) -> None:
    """三宮町一丁目 3番12号 コーポ神戸201号, 〒650-0021: 6500021 + 1-3-12-201, three CC4, check CC8
    (6+5+0+0+0+2+1 + 1+10+3+10+1+2+10+2+0+1 + 3×14 = 96 = 5×19 + 1 → 18)."""
    from jichitai.tax import addressee

    load_towns([*TOWNS, CHOME])
    moved = apply(move_in_command(town_code=CHOME["code"], banchi="3番12号", katagaki="コーポ神戸201号",
                                  persons=(NewPerson("江藤 次郎", "エトウ ジロウ", dt.date(1990, 5, 5), "M", "世帯主"),)),
                  actor=make_staff(roles=["counter"]))
    sent = addressee.mailing_address(moved.atena_numbers[0])
    assert sent["postcode"] == "650-0021" and sent["address"].endswith("三宮町一丁目3番12号　コーポ神戸201号")
    assert decode(svg_bars(sent["barcode"])) == "65000211-3-12-201@@@]"


def test_the_printed_notice_reads_back(city: dict[str, str], tmp_path: Path) -> None:
    """加納町 1番地, 〒650-0001, on the 納税通知書 and the 税額決定通知書: 6500001 + 1, twelve CC4, check 9
    (6+5+1 + 1 + 12×14 = 181 = 9×19 + 10 → 9)."""
    from jichitai.tax.assessment import services as assessment
    from jichitai.tax.collection import services as collection
    from jichitai.tax.collection.notices import ordinary_notice_pdf
    from jichitai.tax.models import Assessment
    from jichitai.tax.notices import render_pdf

    assessment.run(2026)
    collection.build(2026, notice_on=dt.date(2026, 5, 15))
    expected = "65000011" + "@" * 12 + "9"
    assert decode(printed_bars(ordinary_notice_pdf(2026, city["taro"], on=dt.date(2026, 6, 1)), tmp_path)) == expected
    latest = Assessment.objects.filter(atena_number=city["taro"]).order_by("-version").first()
    for old in tmp_path.glob("p-*.png"):
        old.unlink()
    assert decode(printed_bars(render_pdf(latest, on=dt.date(2026, 6, 1)), tmp_path)) == expected
