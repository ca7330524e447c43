"""転入通知の受理 (標準仕様書 4.1.3.1.1 j680, 4.1.3.1.3 j700) and 未着者一覧 (4.1.3.1.4 j710): whom a notice can be received
for and what it must hold. Pure."""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.domain.move_in_receipt import check_receipt, receivable

DAY = dt.date(2026, 11, 1)


def test_a_domestic_move_out_or_an_ex_officio_removal_receives_one() -> None:
    """independent: j680 — 「既に行った転出処理について」 and 「職権で消除した者について」; 「転出予定年月日が到来しているか
    どうかにかかわらず」: a 転出予定者 (still a resident) too."""
    assert receivable("removed", "move_out_domestic", DAY, "27127")
    assert receivable("removed", "ex_officio_removal", DAY, "")
    assert receivable("active", "", DAY, "27127")


def test_no_notice_for_a_move_abroad_a_death_or_a_resident() -> None:
    """independent: 第9条第1項 notices come from a 市町村 in Japan: a 国外転出 has none; a death is no move; a resident
    who has not moved out has none."""
    assert not receivable("removed", "move_out_abroad", DAY, "")
    assert not receivable("removed", "death", DAY, "")
    assert not receivable("active", "", None, "")
    assert not receivable("active", "", DAY, "")        # a 国外転出予定 (no 市区町村コード)


def test_the_items_j680_enters() -> None:
    """independent: j680 — 転入通知日, 転出先住所（確定）, 転出年月日（確定）; the notice follows the 転入 (第9条第1項
    「記載をしたときは、遅滞なく」), so the 転出年月日（確定） is not after it and neither is in the future."""
    check_receipt(notified_on=dt.date(2026, 11, 10), moved_out_on=dt.date(2026, 11, 1),
                  destination_address="大阪府大阪市北区梅田1丁目", today=dt.date(2026, 11, 10))
    with pytest.raises(RegistryError, match="未来"):
        check_receipt(notified_on=dt.date(2026, 11, 11), moved_out_on=DAY, destination_address="x",
                      today=dt.date(2026, 11, 10))
    with pytest.raises(RegistryError, match="転入通知日より後"):
        check_receipt(notified_on=dt.date(2026, 11, 5), moved_out_on=dt.date(2026, 11, 6), destination_address="x",
                      today=dt.date(2026, 11, 10))
    with pytest.raises(RegistryError, match="転出先住所（確定）"):
        check_receipt(notified_on=dt.date(2026, 11, 5), moved_out_on=DAY, destination_address="　",
                      today=dt.date(2026, 11, 10))
