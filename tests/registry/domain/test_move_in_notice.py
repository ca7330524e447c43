"""転入通知 (住民基本台帳法第9条第1項; 標準仕様書 7.1.1.1 j1090 「前住所地…への転入通知（９条１項通知）」, the 転出地's side
4.1.3.1.1 j680 / 4.1.3.1.3 j700 / 4.1.3.1.4 j710): which 記載 give one and to which 市区町村 it goes. Pure."""

from __future__ import annotations

import datetime as dt

from jichitai.registry.domain.move_in_notice import STATEMENT, MoveInNotice, municipality_name, notifiable
from jichitai.registry.domain.reasons import Reason

KOBE = frozenset({"28100", "28110", "28101"})


def test_a_move_in_from_another_municipality_gives_one() -> None:
    """independent: 第9条第1項 — 「他の市町村から当該市町村の区域内に住所を変更した者につき住民票の記載をしたとき」:
    a 国内転入 from 大阪市北区 (27127) gives one, 5 or 6 digits (with its check digit) alike."""
    assert notifiable(Reason.MOVE_IN_DOMESTIC.value, "27127", KOBE)
    assert notifiable(Reason.MOVE_IN_DOMESTIC.value, "271276", KOBE)


def test_no_notice_without_another_municipality_in_japan() -> None:
    """independent: 第9条第1項 needs a 他の市町村 — a 国外転入 has none, a former address in this city is not another
    municipality's, and 出生 is no change of address."""
    assert not notifiable(Reason.MOVE_IN_ABROAD.value, "", KOBE)
    assert not notifiable(Reason.MOVE_IN_DOMESTIC.value, "28110", KOBE)
    assert not notifiable(Reason.BIRTH.value, "", KOBE)
    assert not notifiable(Reason.MOVE_WITHIN.value, "27127", KOBE)


def test_an_ex_officio_entry_from_elsewhere_gives_one() -> None:
    """independent: j1090 — 「前住所地（未届地・最終住民登録地を含む。）への転入通知（９条１項通知）」: a 職権記載 of a person
    whose last registered address is in another municipality (未届転入) is notified too."""
    assert notifiable(Reason.EX_OFFICIO_ENTRY.value, "13101", KOBE)
    assert not notifiable(Reason.EX_OFFICIO_ENTRY.value, "", KOBE)


def test_the_addressee_is_the_municipality_of_the_former_address() -> None:
    """independent: 第9条第1項 「当該他の市町村の市町村長に通知」; a 指定都市's 区 keeps its own 住民基本台帳 (第38条), so the
    notice goes to the 区; Tokyo's 特別区; a 郡's 町; names that end in 市 themselves (四日市市)."""
    assert municipality_name("大阪府大阪市北区梅田1丁目") == "大阪府大阪市北区"
    assert municipality_name("東京都千代田区霞が関1丁目1番1号") == "東京都千代田区"
    assert municipality_name("東京都八王子市元本郷町3丁目") == "東京都八王子市"
    assert municipality_name("三重県四日市市諏訪町1番5号") == "三重県四日市市"
    assert municipality_name("兵庫県加古郡稲美町国岡1丁目") == "兵庫県加古郡稲美町"
    assert municipality_name("長野県北佐久郡軽井沢町大字軽井沢") == "長野県北佐久郡軽井沢町"
    assert municipality_name("岡山県倉敷市西中新田") == "岡山県倉敷市"


def test_the_notice_names_the_law_and_its_destination() -> None:
    """independent: the notice is made under 第9条第1項 and goes to the 転出地 (the 市区町村 of the 転入前住所 recorded
    from the 転出証明書)."""
    notice = MoveInNotice(name="青木 太郎", birth_date="昭和55年1月7日", sex="男", juminhyo_code="", new_address="",
                          moved_in_on=dt.date(2026, 11, 1), notified_on=dt.date(2026, 11, 5),
                          former_address="大阪府大阪市北区梅田1丁目", head_name="青木 太郎", relationship="世帯主",
                          supported=False)
    assert notice.destination == "大阪府大阪市北区"
    assert "住民基本台帳法第9条第1項" in STATEMENT
