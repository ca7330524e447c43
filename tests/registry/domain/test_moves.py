"""転居 (4.1.2) and moves between the wards of a 指定都市 (j130), 同一住所への転居 (j630)."""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.registry.domain import MemoryLedger, Reason, RecordMoveWithin, RegistryError, decide
from tests.registry.domain.conftest import family, record

D = dt.date(2026, 11, 1)


def test_whole_household_moves_within_the_ward_keeping_its_number(ledger: MemoryLedger) -> None:
    people = family(ledger)
    members = (people["太郎"], people["花子"], people["一郎"], people["梅"])
    _, change = record(ledger, RecordMoveWithin(moved_on=D, notified_on=D, atena_numbers=members,
                                                town_code="281100002", banchi="7番地", katagaki="三宮ハイツ101"))
    assert change.reason == Reason.MOVE_WITHIN
    for e in change.entries:
        assert e.after.setai_number == people["setai"]
        assert (e.after.town_code, e.after.banchi, e.after.katagaki) == ("281100002", "7番地", "三宮ハイツ101")
        assert e.after.address_set_on == D and e.after.became_resident_on == dt.date(2026, 4, 1)
        assert e.origin_class == "市内"


def test_ward_to_ward_move_keeps_atena_and_renumbers_household(ledger: MemoryLedger) -> None:
    """j130: 指定都市における区間異動 — 世帯番号は新規付番, 宛名番号は異動前と同一."""
    people = family(ledger)
    members = (people["太郎"], people["花子"], people["一郎"], people["梅"])
    _, change = record(ledger, RecordMoveWithin(moved_on=D, atena_numbers=members, town_code="281010001",
                                                banchi="2番地"))
    assert {e.after.atena_number for e in change.entries} == set(members)
    new_setai = {e.after.setai_number for e in change.entries}
    assert len(new_setai) == 1 and people["setai"] not in new_setai
    assert all(e.after.ward_code == "28101" for e in change.entries)


def test_part_of_household_moves_as_new_household(ledger: MemoryLedger) -> None:
    people = family(ledger)
    _, change = record(ledger, RecordMoveWithin(moved_on=D, atena_numbers=(people["梅"],), town_code="281100002",
                                                banchi="8番地"))
    grandma = change.entries[0].after
    assert grandma.setai_number != people["setai"] and grandma.relationship == "世帯主"


def test_part_of_household_joins_household_at_destination(ledger: MemoryLedger) -> None:
    people = family(ledger)
    _, split = record(ledger, RecordMoveWithin(moved_on=D, atena_numbers=(people["梅"],), town_code="281100002",
                                               banchi="8番地"))
    grandma_setai = split.entries[0].after.setai_number
    _, change = record(ledger, RecordMoveWithin(moved_on=D, atena_numbers=(people["一郎"],), town_code="281100002",
                                                banchi="8番地", setai_number=grandma_setai,
                                                relationships={people["一郎"]: "孫"}))
    assert change.entries[0].after.setai_number == grandma_setai


def test_move_to_same_address_is_refused(ledger: MemoryLedger) -> None:
    """j630 同一住所への転居 is not a 転居."""
    people = family(ledger)
    with pytest.raises(RegistryError) as info:
        decide(RecordMoveWithin(moved_on=D, atena_numbers=(people["梅"],), town_code="281100001", banchi="1番地"),
               ledger)
    assert info.value.code == "same_address"


def test_movers_must_share_a_household(ledger: MemoryLedger) -> None:
    people = family(ledger)
    _, split = record(ledger, RecordMoveWithin(moved_on=D, atena_numbers=(people["梅"],), town_code="281100002",
                                               banchi="8番地"))
    with pytest.raises(RegistryError) as info:
        decide(RecordMoveWithin(moved_on=D, atena_numbers=(people["梅"], people["一郎"]), town_code="281010001",
                                banchi="1番地"), ledger)
    assert info.value.code == "mixed_households"
    del split


def test_head_moving_alone_leaves_household_needing_head(ledger: MemoryLedger) -> None:
    people = family(ledger)
    with pytest.raises(RegistryError) as info:
        decide(RecordMoveWithin(moved_on=D, atena_numbers=(people["太郎"],), town_code="281100002", banchi="8番地"),
               ledger)
    assert info.value.code == "no_head"
