"""異動の取消し (4.6, j980): a new stacked history row restores the prior state; 増 / 減 / 修正."""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.registry.domain import (
    CancelChange,
    MemoryLedger,
    NewPerson,
    Reason,
    RecordDeath,
    RecordMoveWithin,
    RegistryError,
    decide,
)
from tests.registry.domain.conftest import family, move_in, record

D = dt.date(2026, 11, 1)


def test_cancel_of_death_is_increase_and_restores(ledger: MemoryLedger) -> None:
    """取消し(増): undoing a 消除 brings the person back as they were, in their household."""
    people = family(ledger)
    before = ledger.person(people["梅"])
    death_id, _ = record(ledger, RecordDeath(moved_on=D, atena_number=people["梅"]))
    _, cancel = record(ledger, CancelChange(moved_on=D, change_id=death_id))
    assert cancel.reason == Reason.CANCEL_INCREASE and cancel.cancels == death_id
    assert ledger.person(people["梅"]) == before
    assert len(ledger.history[people["梅"]]) == 3  # 転入, 死亡, 取消し: both kept (j980)


def test_cancel_of_move_in_is_decrease(ledger: MemoryLedger) -> None:
    """取消し(減): undoing a 記載 leaves a 除票 with the cancellation as 消除事由."""
    change_id, change = move_in(ledger, NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主"))
    atena = change.entries[0].after.atena_number
    _, cancel = record(ledger, CancelChange(moved_on=D, change_id=change_id))
    assert cancel.reason == Reason.CANCEL_DECREASE
    person = ledger.person(atena)
    assert person is not None and person.status == "removed" and person.removal_reason == "cancel_decrease"


def test_cancel_of_move_within_returns_to_prior_household_and_address(ledger: MemoryLedger) -> None:
    """取消し(修正): a cancelled 転居 returns the person to the prior household and address (j980)."""
    people = family(ledger)
    move_id, _ = record(ledger, RecordMoveWithin(moved_on=D, atena_numbers=(people["梅"],), town_code="281100002",
                                                 banchi="8番地"))
    _, cancel = record(ledger, CancelChange(moved_on=D, change_id=move_id))
    grandma = ledger.person(people["梅"])
    assert cancel.reason == Reason.CANCEL_CORRECTION
    assert grandma is not None and (grandma.setai_number, grandma.banchi) == (people["setai"], "1番地")


def test_cancel_of_cancelled_change_is_refused(ledger: MemoryLedger) -> None:
    """Bad input: a 取消し of something already cancelled."""
    people = family(ledger)
    death_id, _ = record(ledger, RecordDeath(moved_on=D, atena_number=people["梅"]))
    record(ledger, CancelChange(moved_on=D, change_id=death_id))
    with pytest.raises(RegistryError) as info:
        decide(CancelChange(moved_on=D, change_id=death_id), ledger)
    assert info.value.code == "already_cancelled" and "既に取り消されています" in info.value.message


def test_cancel_with_later_change_is_refused(ledger: MemoryLedger) -> None:
    people = family(ledger)
    move_id, _ = record(ledger, RecordMoveWithin(moved_on=D, atena_numbers=(people["梅"],), town_code="281100002",
                                                 banchi="8番地"))
    record(ledger, RecordDeath(moved_on=D, atena_number=people["梅"]))
    with pytest.raises(RegistryError) as info:
        decide(CancelChange(moved_on=D, change_id=move_id), ledger)
    assert info.value.code == "later_change_exists"


def test_cancel_of_a_cancellation_is_refused(ledger: MemoryLedger) -> None:
    people = family(ledger)
    death_id, _ = record(ledger, RecordDeath(moved_on=D, atena_number=people["梅"]))
    cancel_id, _ = record(ledger, CancelChange(moved_on=D, change_id=death_id))
    with pytest.raises(RegistryError) as info:
        decide(CancelChange(moved_on=D, change_id=cancel_id), ledger)
    assert info.value.code == "cancel_of_cancel"


def test_unknown_change_is_refused(ledger: MemoryLedger) -> None:
    with pytest.raises(RegistryError) as info:
        decide(CancelChange(moved_on=D, change_id="nope"), ledger)
    assert info.value.code == "unknown_change"
