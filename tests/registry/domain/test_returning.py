"""再転入者 (j600, 標準仕様書 4.1.1.2, 第1.0版) — independent: the rule is the standard's text.

「住民記録システムデータベースにある除票データにおいて、個人番号、住民票コード又は在留カード番号が一致する者がいた場合は、
再転入者としての処理を行うこととし、新規入力を抑止すること。」"""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.registry.domain import MemoryLedger, NewPerson, RecordMoveOut, RegistryError
from tests.registry.domain.conftest import move_in, record

MY_NUMBER = "123456789018"
CODE = "12345678903"


def _left(ledger: MemoryLedger) -> str:
    _, change = move_in(ledger, NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主",
                                          my_number=MY_NUMBER, juminhyo_code=CODE))
    atena = change.entries[0].after.atena_number
    record(ledger, RecordMoveOut(moved_on=dt.date(2026, 6, 1), atena_numbers=(atena,),
                                 destination_address="東京都千代田区", destination_municipality_code="13101"))
    return atena


@pytest.mark.parametrize("numbers", [{"my_number": MY_NUMBER}, {"juminhyo_code": CODE}])
def test_a_new_entry_with_a_removed_persons_number_is_refused(ledger: MemoryLedger, numbers: dict[str, str]) -> None:
    atena = _left(ledger)
    with pytest.raises(RegistryError) as info:
        move_in(ledger, NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主", **numbers),
                moved_on=dt.date(2026, 9, 1), notified_on=None)
    assert info.value.code == "returning_resident" and info.value.fields["atena_number"] == atena
    assert atena in info.value.message and "再転入" in info.value.message


def test_the_returning_resident_keeps_the_atena_number(ledger: MemoryLedger) -> None:
    """「従前使用していた宛名番号をそのまま引き継ぐこと」: named by its 宛名番号 the same person is recorded."""
    atena = _left(ledger)
    _, back = move_in(ledger, NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主",
                                        my_number=MY_NUMBER, juminhyo_code=CODE, atena_number=atena),
                      moved_on=dt.date(2026, 9, 1), notified_on=None)
    assert back.entries[0].after.atena_number == atena and back.entries[0].after.is_active
