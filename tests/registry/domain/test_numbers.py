"""個人番号の異動 (4.4, j900) and 住民票コードの異動 (4.3, j870/j880)."""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.common.checkdigit import make_my_number
from jichitai.registry.domain import ChangeJuminhyoCode, ChangeMyNumber, MemoryLedger, Reason, RegistryError, decide
from tests.registry.domain.conftest import MY_TARO, family, record

D = dt.date(2026, 11, 1)


def test_my_number_ex_officio_entry(ledger: MemoryLedger) -> None:
    people = family(ledger)
    _, change = record(ledger, ChangeMyNumber(moved_on=D, atena_number=people["花子"], my_number=make_my_number(1)))
    assert change.reason == Reason.MY_NUMBER_EX_OFFICIO_ENTRY and change.requires_approval
    with pytest.raises(RegistryError) as info:
        decide(ChangeMyNumber(moved_on=D, atena_number=people["花子"], my_number=make_my_number(2)), ledger)
    assert info.value.code == "my_number_present"


def test_my_number_change_request_and_correction(ledger: MemoryLedger) -> None:
    people = family(ledger)
    _, change = record(ledger, ChangeMyNumber(moved_on=D, atena_number=people["太郎"], my_number=make_my_number(3),
                                              kind="change_request"))
    assert change.reason == Reason.MY_NUMBER_CHANGE_REQUEST and not change.requires_approval
    _, corrected = record(ledger, ChangeMyNumber(moved_on=D, atena_number=people["太郎"],
                                                 my_number=make_my_number(4), kind="ex_officio_correction"))
    assert corrected.reason == Reason.MY_NUMBER_EX_OFFICIO_CORRECTION


def test_my_number_with_wrong_check_digit_is_refused(ledger: MemoryLedger) -> None:
    people = family(ledger)
    wrong = MY_TARO[:11] + str((int(MY_TARO[11]) + 1) % 10)
    with pytest.raises(RegistryError) as info:
        decide(ChangeMyNumber(moved_on=D, atena_number=people["花子"], my_number=wrong), ledger)
    assert info.value.code == "invalid_my_number" and "検査用数字" in info.value.message


def test_duplicate_my_number_is_refused(ledger: MemoryLedger) -> None:
    """Bad input: a duplicate 個人番号."""
    people = family(ledger)
    with pytest.raises(RegistryError) as info:
        decide(ChangeMyNumber(moved_on=D, atena_number=people["花子"], my_number=MY_TARO), ledger)
    assert info.value.code == "duplicate_my_number" and people["太郎"] in info.value.message


def test_juminhyo_code_entry_and_change_request(ledger: MemoryLedger) -> None:
    people = family(ledger)
    _, entered = record(ledger, ChangeJuminhyoCode(moved_on=D, atena_number=people["花子"],
                                                   juminhyo_code="12345678903"))
    assert entered.reason == Reason.JUMINHYO_CODE_EX_OFFICIO_ENTRY
    _, changed = record(ledger, ChangeJuminhyoCode(moved_on=D, atena_number=people["花子"],
                                                   juminhyo_code="22345678909", kind="change_request"))
    assert changed.reason == Reason.JUMINHYO_CODE_CHANGE_REQUEST
    with pytest.raises(RegistryError) as info:
        decide(ChangeJuminhyoCode(moved_on=D, atena_number=people["太郎"], juminhyo_code="22345678909"), ledger)
    assert info.value.code == "duplicate_juminhyo_code"
    with pytest.raises(RegistryError) as info:
        decide(ChangeJuminhyoCode(moved_on=D, atena_number=people["太郎"], juminhyo_code="123"), ledger)
    assert info.value.code == "invalid_juminhyo_code"
