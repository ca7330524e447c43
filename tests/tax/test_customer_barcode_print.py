"""The カスタマバーコード on the mailed tax notices (tax/addressee.py, the 送付先 block of the 納税通知書 and the
税額決定通知書): the bars read back from the SVG and from the printed page (300 dpi), decoded with the manual's table.

independent: the expected characters are worked out by hand from 日本郵便「郵便番号・バーコードマニュアル」 (p11 table,
p12 format and check character, p17–p24 抜き出し法), not from our code.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from jichitai.registry.domain import NewPerson
from jichitai.registry.services import apply, load_towns
from tests.barcode_reader import CHOME, decode, printed_bars, svg_bars
from tests.registry.conftest import TOWNS, move_in_command

pytestmark = pytest.mark.django_db

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
