"""The 送付先 of the registry's mailed notices (registry/mailing.py): 郵便番号, the address in words and the
カスタマバーコード on the 住民票コード通知票 (j890), the 住民異動届受理通知 (j580) and the 世帯主変更依頼通知書 (j500), read
back from the printed page at 300 dpi.

independent: the expected characters are worked out by hand from 日本郵便「郵便番号・バーコードマニュアル」 (p12 format
and check character, p17–p24 抜き出し法), not from our code.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from jichitai.registry import code_notices, head_notices, receipt_notices
from jichitai.registry.domain import NewPerson
from jichitai.registry.domain.commands import RecordDeath, RecordMoveWithin
from jichitai.registry.services import apply, load_towns
from tests.barcode_reader import CHOME, decode, printed_bars
from tests.registry.certificates.factories import pdf_pages
from tests.registry.conftest import move_in_command

pytestmark = pytest.mark.django_db
KANO_1 = "65000011" + "@" * 12 + "9"      # 〒650-0001 加納町1番地: 6+5+1 + 1 + 12×14 = 181 = 9×19 + 10 → 9
SANNOMIYA_1_3_12_201 = "65000211-3-12-201@@@]"  # 〒650-0021 三宮町一丁目3番12号 コーポ神戸201号: 96 = 5×19 + 1 → CC8


def text(pdf: bytes, tmp_path: Path) -> str:
    return "".join("".join(pdf_pages(pdf, tmp_path)).split())


def test_the_code_notice_carries_the_bar_code(towns: Any, clerk: Any, tmp_path: Path) -> None:
    atena = apply(move_in_command(persons=(NewPerson("青木 一郎", "アオキ イチロウ", dt.date(1975, 6, 1), "M", "世帯主",
                                                     juminhyo_code="12345678903"),)), actor=clerk).atena_numbers[0]
    pdf = code_notices.issue(actor=clerk, atena_number=atena, history_no=1).pdf
    assert "〒650-0001" in text(pdf, tmp_path) and decode(printed_bars(pdf, tmp_path / "bars")) == KANO_1


def test_the_receipt_notice_to_the_new_address_carries_its_chome_banchi_and_katagaki(
        towns: Any, clerk: Any, tmp_path: Path) -> None:
    load_towns([CHOME])
    hanako = apply(move_in_command(), actor=clerk).atena_numbers[1]
    move = apply(RecordMoveWithin(moved_on=dt.date(2026, 11, 20), notified_on=dt.date(2026, 11, 21),
                                  atena_numbers=(hanako,), town_code=CHOME["code"], banchi="3番12号",
                                  katagaki="コーポ神戸201号"), actor=clerk)
    pdf = receipt_notices.render(clerk, move.change_id, to_person=True).pdf
    assert "〒650-0021" in text(pdf, tmp_path) and "三宮町一丁目3番12号コーポ神戸201号" in text(pdf, tmp_path)
    assert decode(printed_bars(pdf, tmp_path / "bars")) == SANNOMIYA_1_3_12_201


def test_the_head_notice_now_prints_the_postcode_and_the_bar_code(towns: Any, clerk: Any, tmp_path: Path) -> None:
    """j500's notice is mailed to the household: it printed no 郵便番号 before."""
    applied = apply(move_in_command(persons=(
        NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主"),
        NewPerson("青木 花子", "アオキ ハナコ", dt.date(1982, 12, 30), "F", "妻"),
        NewPerson("青木 一郎", "アオキ イチロウ", dt.date(2010, 5, 5), "M", "子"))), actor=clerk)
    apply(RecordDeath(moved_on=dt.date(2026, 11, 20), notified_on=dt.date(2026, 11, 21),
                      atena_number=applied.atena_numbers[0], without_head=True), actor=clerk)
    setai = applied.setai_numbers[0]
    pdf = head_notices.notice_pdf(clerk, setai, "request")
    assert "〒650-0001" in text(pdf, tmp_path) and decode(printed_bars(pdf, tmp_path / "bars")) == KANO_1
