"""世帯 (j100 世帯主, j110 続柄, j490 世帯主不在, j720 世帯変更等, j730 続柄設定)."""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.registry.domain import (
    ChangeHousehold,
    ChangeHouseholdHead,
    MemoryLedger,
    MergeHousehold,
    NewPerson,
    Reason,
    RecordDeath,
    RecordMoveOut,
    RegistryError,
    SplitHousehold,
    decide,
)
from tests.registry.domain.conftest import family, move_in, record

D = dt.date(2026, 11, 1)


def test_head_leaving_with_several_members_needs_a_new_head(ledger: MemoryLedger) -> None:
    """Bad input: a household left without a 世帯主 (j490: two or more remain → name the new 世帯主)."""
    people = family(ledger)
    with pytest.raises(RegistryError) as info:
        decide(RecordDeath(moved_on=D, atena_number=people["太郎"]), ledger)
    assert info.value.code == "no_head" and "世帯主がいなくなります" in info.value.message


def test_head_leaving_with_new_head_and_relationships(ledger: MemoryLedger) -> None:
    """j490 + j730: the named member becomes 世帯主 and the others get their new 続柄."""
    people = family(ledger)
    _, change = record(ledger, RecordDeath(
        moved_on=D, atena_number=people["太郎"], remaining_head=people["花子"],
        relationships={people["一郎"]: "子", people["梅"]: "夫の母"}))
    after = {e.after.atena_number: e.after for e in change.entries}
    assert after[people["花子"]].relationship == "世帯主"
    assert after[people["梅"]].relationship == "夫の母"


def test_head_change_without_relationships_is_refused(ledger: MemoryLedger) -> None:
    people = family(ledger)
    with pytest.raises(RegistryError) as info:
        decide(RecordDeath(moved_on=D, atena_number=people["太郎"], remaining_head=people["花子"]), ledger)
    assert info.value.code == "relationship_required"


def test_single_remaining_member_becomes_head(ledger: MemoryLedger) -> None:
    """j490: when one member remains, they become 世帯主 by 職権 without being named."""
    _, change = move_in(ledger, NewPerson("佐藤 一", "サトウ ハジメ", dt.date(1970, 1, 1), "M", "世帯主"),
                        NewPerson("佐藤 恵", "サトウ メグミ", dt.date(1972, 1, 1), "F", "妻"))
    head, wife = (e.after.atena_number for e in change.entries)
    _, out = record(ledger, RecordMoveOut(moved_on=D, atena_numbers=(head,), destination_address="京都市",
                                          destination_municipality_code="26100"))
    assert {e.after.atena_number: e.after.relationship for e in out.entries}[wife] == "世帯主"


def test_relationship_contradicting_household_is_refused(ledger: MemoryLedger) -> None:
    """Bad input: a 続柄 that contradicts the household (a second 世帯主, a second spouse, 子 older than the
    世帯主, 妻 recorded as male)."""
    people = family(ledger)
    cases = [
        (NewPerson("青木 二", "アオキ ニ", dt.date(1990, 1, 1), "M", "世帯主"), "two_heads"),
        (NewPerson("青木 二", "アオキ ニ", dt.date(1990, 1, 1), "F", "妻"), "two_spouses"),
        (NewPerson("青木 二", "アオキ ニ", dt.date(1960, 1, 1), "M", "子"), "relationship_age"),
        (NewPerson("青木 二", "アオキ ニ", dt.date(1930, 1, 1), "F", "父"), "relationship_sex"),
        (NewPerson("青木 二", "アオキ ニ", dt.date(1990, 1, 1), "M", "ペット"), "invalid_relationship"),
    ]
    for new, code in cases:
        with pytest.raises(RegistryError) as info:
            move_in(ledger, new, setai_number=people["setai"])
        assert info.value.code == code, code


def test_split_household(ledger: MemoryLedger) -> None:
    """世帯分離 (j720): same address, new 世帯番号, a 世帯主 for the new household."""
    people = family(ledger)
    _, change = record(ledger, SplitHousehold(moved_on=D, atena_numbers=(people["梅"],)))
    after = change.entries[0].after
    assert change.reason == Reason.HOUSEHOLD_SPLIT
    assert after.setai_number != people["setai"] and after.relationship == "世帯主" and after.banchi == "1番地"


def test_split_all_members_is_refused(ledger: MemoryLedger) -> None:
    people = family(ledger)
    with pytest.raises(RegistryError) as info:
        decide(SplitHousehold(moved_on=D, atena_numbers=(people["太郎"], people["花子"], people["一郎"], people["梅"]),
                              new_head=people["太郎"]), ledger)
    assert info.value.code == "split_all"


def test_merge_households(ledger: MemoryLedger) -> None:
    """世帯合併 (j720): every member joins the other household; 続柄 given for each."""
    people = family(ledger)
    _, split = record(ledger, SplitHousehold(moved_on=D, atena_numbers=(people["梅"],)))
    grandma_setai = split.entries[0].after.setai_number
    _, change = record(ledger, MergeHousehold(moved_on=D, setai_number=grandma_setai,
                                              into_setai_number=people["setai"], relationships={people["梅"]: "母"}))
    assert change.reason == Reason.HOUSEHOLD_MERGE
    assert change.entries[0].after.setai_number == people["setai"]
    assert ledger.members(grandma_setai) == []


def test_merge_at_another_address_is_refused(ledger: MemoryLedger) -> None:
    """j720: 世帯変更等 never change the address (that is a 転居)."""
    people = family(ledger)
    _, other = move_in(ledger, NewPerson("佐藤 一", "サトウ ハジメ", dt.date(1970, 1, 1), "M", "世帯主"), banchi="9番地")
    with pytest.raises(RegistryError) as info:
        decide(MergeHousehold(moved_on=D, setai_number=other.entries[0].after.setai_number,
                              into_setai_number=people["setai"],
                              relationships={other.entries[0].after.atena_number: "同居人"}), ledger)
    assert info.value.code == "address_mismatch"


def test_change_household(ledger: MemoryLedger) -> None:
    """世帯変更 (j720): some members move to another household at the same address."""
    people = family(ledger)
    _, other = move_in(ledger, NewPerson("佐藤 一", "サトウ ハジメ", dt.date(1940, 1, 1), "M", "世帯主"))
    other_setai = other.entries[0].after.setai_number
    _, change = record(ledger, ChangeHousehold(moved_on=D, atena_numbers=(people["梅"],), into_setai_number=other_setai,
                                               relationships={people["梅"]: "妻"}))
    assert change.reason == Reason.HOUSEHOLD_CHANGE
    assert change.entries[0].after.setai_number == other_setai


def test_head_change(ledger: MemoryLedger) -> None:
    """世帯主変更 (j720, j730): new 世帯主 and every other member's new 続柄."""
    people = family(ledger)
    _, change = record(ledger, ChangeHouseholdHead(
        moved_on=D, setai_number=people["setai"], new_head=people["花子"],
        relationships={people["太郎"]: "夫", people["一郎"]: "子", people["梅"]: "夫の母"}))
    after = {e.after.atena_number: e.after.relationship for e in change.entries}
    assert change.reason == Reason.HEAD_CHANGE
    assert after[people["花子"]] == "世帯主" and after[people["太郎"]] == "夫"


def test_head_change_to_current_head_is_refused(ledger: MemoryLedger) -> None:
    people = family(ledger)
    with pytest.raises(RegistryError) as info:
        decide(ChangeHouseholdHead(moved_on=D, setai_number=people["setai"], new_head=people["太郎"]), ledger)
    assert info.value.code == "already_head"
