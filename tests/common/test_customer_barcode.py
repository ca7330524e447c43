"""カスタマバーコード (common/customer_barcode.py) against 日本郵便「郵便番号・バーコードマニュアル」.

independent: the sixteen worked examples of the manual's test page
(https://www.post.japanpost.jp/zipcode/zipmanual/p25.html — the address after the 町域, and the characters the
symbol must hold, check character included; as reproduced by several open implementations' tests) and, for the bars
of every character, libzint's JAPANPOST encoder (a separate implementation of the manual's p11 table).
"""

from __future__ import annotations

import re

import pytest
import zint

from jichitai.common import customer_barcode as cb

# (郵便番号, 住所B: the address after the 町域 of that 郵便番号, the characters p25 gives: CC4 written @ etc.)
P25 = [
    ("263-0023", "3丁目30-8　郵便ビル403号", "26300233-30-8-403@@@5"),
    ("014-0113", "南田茂木　添60-1", "014011360-1@@@@@@@@@]"),
    ("110-0016", "5-6-3　ABCビル10F", "11000165-6-3-10@@@@@9"),
    ("060-0906", "4丁目　郵便センター6号館", "06009064-6@@@@@@@@@@9"),
    ("065-0006", "8丁目　郵便センター10号館", "06500068-10@@@@@@@@@9"),
    ("407-0033", "韮崎400", "4070033400@@@@@@@@@@-"),
    ("273-0102", "東3丁目-20-5　郵便・A&bコーポB604号", "27301023-20-5!1604@@0"),
    ("198-0036", "十一丁目六番地一号　郵便タワー601", "198003611-6-1-601@@@]"),
    ("027-0203", "第二十一地割大淵川480", "027020321-480@@@@@@@("),
    ("590-0016", "四丁六番十九号", "59000164-6-19@@@@@@@#"),
    ("080-0831", "南七線　西28", "08008317-28@@@@@@@@@["),
    ("317-0055", "6丁目7-14　ABCビル2F", "31700556-7-14-2@@@@@!"),
    ("650-0046", "9丁目7-6　郵便シティA棟1F1号", "65000469-7-6!01-1@@@5"),
    ("623-0011", "綾部6-7　LプラザB106", "62300116-7#1!1106@@@4"),
    ("064-0804", "29丁目1524-23　第2郵便ハウス501", "064080429-1524-23-2-3"),
    ("910-0067", "3丁目80-25　J1ビル2-B", "91000673-80-25!91-2!9"),
]
SHORT = {"!": "CC1", "#": "CC2", "%": "CC3", "@": "CC4", "(": "CC5", ")": "CC6", "[": "CC7", "]": "CC8"}


@pytest.mark.parametrize(("postcode", "after_town", "expected"), P25)
def test_the_manuals_worked_examples(postcode: str, after_town: str, expected: str) -> None:
    """independent: p25 — the 住所表示番号 taken out, cut or filled to 13 places, the check character."""
    assert cb.characters(cb.customer_data(postcode, after_town)) == [SHORT.get(c, c) for c in expected]


def test_the_bars_of_every_character_agree_with_libzint() -> None:
    """independent: the bars of each 数字, the ハイフン, A–Z (制御コード + 数字) and the start/stop codes, as libzint
    draws them; then the CC4 fill and the check character through a whole symbol."""
    def zint_bars(data: str) -> str:
        symbol = zint.Symbol()
        symbol.symbology = zint.Symbology.JAPANPOST
        symbol.encode(data.encode())
        rows = symbol.encoded_data

        def dark(row: int, column: int) -> bool:
            return bool((rows[row, column // 8] >> (column % 8)) & 1)

        kinds = {(True, True): "F", (True, False): "A", (False, True): "D", (False, False): "T"}
        return "".join(kinds[(dark(0, c), dark(2, c))] for c in range(0, symbol.width, 2))

    for data in ("65000460123456789-", "6500046ABCDEF", "6500046GHIJKL", "6500046MNOPQR", "6500046STUVWX", "6500046YZ",
                 *(cb.customer_data(p, a) for p, a, _ in P25[:14])):
        assert cb.bars(data) == zint_bars(data), data


def test_town_names_give_their_chome_to_the_address_number() -> None:
    """independent: p17 — 町域 ends before the 丁目 (霞が関 / 1丁目3番2号 → 1-3-2)."""
    assert cb.town_and_chome("三宮町一丁目") == ("三宮町", "一丁目")
    assert cb.town_and_chome("港島中町9丁目") == ("港島中町", "9丁目")
    assert cb.town_and_chome("中田出井町四丁") == ("中田出井町", "四丁")
    assert cb.town_and_chome("加納町") == ("加納町", "")
    assert cb.address_number("一丁目" + "3番12号" + "コーポ神戸201号") == "1-3-12-201"
    assert cb.address_number("十二丁目百一番地") == "12-101"


def test_the_picture_is_sixty_seven_bars_at_the_reference_size() -> None:
    """independent: p12 — start, 20 characters, check, stop = 67 bars; pitch 1.2 mm, long bar 3.6 mm."""
    picture = cb.svg(cb.customer_data("100-0013", "1丁目3番2号"))
    bars = re.findall(r"M([\d.]+) [\d.]+h([\d.]+)v[\d.]+h-[\d.]+z", picture)
    assert len(bars) == 67 and picture.count("<path") == 1
    assert [x for x, _ in bars] == [f"{i * 1.2:.2f}" for i in range(67)] and {w for _, w in bars} == {"0.6"}
    assert 'height="3.6mm"' in picture and re.search(r'width="79\.80mm"', picture)


def test_a_postcode_must_have_seven_digits() -> None:
    """consistency: a broken 郵便番号 is refused with the reason in words."""
    with pytest.raises(ValueError, match="7けた"):
        cb.customer_data("650-004", "1番地")
