"""異動日・処理日 (j480, 4.0.3) and 届出日 (j570)."""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.registry.domain import MemoryLedger, NewPerson, RecordMoveOut, RegistryError, decide
from tests.registry.domain.conftest import TODAY, family, move_in


def test_future_move_date_is_refused(ledger: MemoryLedger) -> None:
    """Bad input: a 異動日 after today (only 転出 may carry a future 転出予定日)."""
    with pytest.raises(RegistryError) as info:
        move_in(ledger, NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主"),
                moved_on=TODAY + dt.timedelta(days=1), notified_on=None)
    assert info.value.code == "future_move" and "処理日以前" in info.value.message


def test_move_date_today_is_accepted(ledger: MemoryLedger) -> None:
    _, change = move_in(ledger, NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主"),
                        moved_on=TODAY, notified_on=TODAY)
    assert change.moved_on == TODAY


def test_future_notification_date_is_refused(ledger: MemoryLedger) -> None:
    with pytest.raises(RegistryError) as info:
        move_in(ledger, NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主"),
                notified_on=TODAY + dt.timedelta(days=3))
    assert info.value.code == "future_notice"


def test_move_out_may_be_planned_in_the_future(ledger: MemoryLedger) -> None:
    people = family(ledger)
    change = decide(RecordMoveOut(moved_on=TODAY + dt.timedelta(days=14), notified_on=TODAY,
                                  atena_numbers=(people["一郎"],), destination_address="札幌市",
                                  destination_municipality_code="01100"), ledger)
    assert change.moved_on > TODAY
