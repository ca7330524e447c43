"""世帯主未設定 (標準仕様書 1.1.10 j100, 4.0.4 j490, 4.0.5 j500).

j100: 「世帯主未設定を許容すること。世帯主未設定の場合は、世帯主未設定の状態で他システムへ連携ができること。」
j490: 「世帯主が不在となる世帯の他の世帯員について、4.1（届出）を含めた異動処理が行えること。」
j500: 「世帯主不在の世帯について、職権で世帯主を定めるかどうかを選択でき…」
"""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.registry.domain import (
    ChangeHouseholdHead,
    CorrectRecord,
    MemoryLedger,
    NewPerson,
    RecordBirth,
    RecordDeath,
    RecordMoveOut,
    RegistryError,
    SplitHousehold,
    decide,
)
from tests.registry.domain.conftest import family, move_in, record

D = dt.date(2026, 11, 1)


def _headless(ledger: MemoryLedger) -> dict[str, str]:
    people = family(ledger)
    record(ledger, RecordDeath(moved_on=D, atena_number=people["太郎"], without_head=True))
    return people


def test_head_dies_and_no_one_is_named(ledger: MemoryLedger) -> None:
    """Independent (j100 「世帯主未設定を許容すること」, j500 「職権で世帯主を定めるかどうかを選択でき」): the clerk
    chooses not to name a 世帯主; the three remaining members stay, their 続柄 unchanged, with no 世帯主, and the
    change says the household is left without one."""
    people = family(ledger)
    _, change = record(ledger, RecordDeath(moved_on=D, atena_number=people["太郎"], without_head=True))
    members = ledger.members(people["setai"])
    assert {m.name for m in members} == {"青木 花子", "青木 一郎", "青木 梅"}
    assert not any(m.is_head for m in members)
    assert {m.name: m.relationship for m in members}["青木 花子"] == "妻"
    assert change.head_unset == (people["setai"],)


def test_without_the_choice_the_alert_still_stands(ledger: MemoryLedger) -> None:
    """Independent (j490 「アラートを表示し、当該異動処理の前に、世帯主変更を行うよう促すこと」): not choosing is not
    choosing 「世帯主を定めない」; the refusal names both ways out."""
    people = family(ledger)
    with pytest.raises(RegistryError) as info:
        decide(RecordDeath(moved_on=D, atena_number=people["太郎"]), ledger)
    assert info.value.code == "no_head" and "世帯主を定めない" in info.value.message


def test_naming_a_head_and_leaving_none_together_is_refused(ledger: MemoryLedger) -> None:
    """Bad input: both choices of j500 at once."""
    people = family(ledger)
    with pytest.raises(RegistryError) as info:
        decide(RecordDeath(moved_on=D, atena_number=people["太郎"], remaining_head=people["花子"],
                           relationships={people["一郎"]: "子", people["梅"]: "夫の母"}, without_head=True), ledger)
    assert info.value.code == "head_choice_conflict"


def test_other_members_of_a_headless_household_go_on(ledger: MemoryLedger) -> None:
    """Independent (j490 「世帯主が不在となる世帯の他の世帯員について、4.1（届出）を含めた異動処理が行えること」): a
    birth into it, a member's 転出 and a correction are recorded while the household stays without a 世帯主."""
    people = _headless(ledger)
    setai = people["setai"]
    record(ledger, RecordBirth(moved_on=D, notified_on=D, setai_number=setai,
                               child=NewPerson("青木 二郎", "アオキ ジロウ", D, "M", "子")))
    record(ledger, RecordMoveOut(moved_on=D, notified_on=D, atena_numbers=(people["梅"],),
                                 destination_address="京都府京都市中京区", destination_municipality_code="26104"))
    _, change = record(ledger, CorrectRecord(moved_on=D, atena_number=people["一郎"], kind="ex_officio",
                                             changes={"kana": "アオキ イチロー"}))
    assert change.head_unset == (setai,)
    assert sorted(m.name for m in ledger.members(setai)) == ["青木 一郎", "青木 二郎", "青木 花子"]


def test_naming_a_head_later_ends_it(ledger: MemoryLedger) -> None:
    """Independent (j500: 職権で世帯主を定めた場合 → 世帯主変更): a 世帯主変更 on a headless household."""
    people = _headless(ledger)
    _, change = record(ledger, ChangeHouseholdHead(moved_on=D, setai_number=people["setai"], new_head=people["花子"],
                                                   relationships={people["一郎"]: "子", people["梅"]: "夫の母"}))
    assert change.head_unset == ()
    assert {m.name: m.relationship for m in ledger.members(people["setai"])}["青木 花子"] == "世帯主"


def test_a_new_household_still_needs_its_head(ledger: MemoryLedger) -> None:
    """Consistency: only a household its 世帯主 left may stand without one; a 転入 of a household with no 世帯主 and a
    世帯分離 that forms one without a head are refused as before."""
    with pytest.raises(RegistryError) as info:
        move_in(ledger, NewPerson("石田 一", "イシダ ハジメ", dt.date(1970, 1, 1), "M", "同居人"),
                NewPerson("石田 二", "イシダ ツギ", dt.date(1971, 1, 1), "M", "同居人"))
    assert info.value.code == "no_head"
    people = family(ledger)
    with pytest.raises(RegistryError) as info:
        decide(SplitHousehold(moved_on=D, atena_numbers=(people["一郎"], people["梅"]), new_head="",
                              relationships={}), ledger)
    assert info.value.code == "head_required"


def test_the_head_cannot_be_corrected_away(ledger: MemoryLedger) -> None:
    """Consistency: a correction of the 世帯主's 続柄 is no way to leave a household without one."""
    people = family(ledger)
    with pytest.raises(RegistryError) as info:
        decide(CorrectRecord(moved_on=D, atena_number=people["太郎"], kind="ex_officio",
                             changes={"relationship": "同居人"}), ledger)
    assert info.value.code == "no_head"


def test_one_remaining_member_still_becomes_head(ledger: MemoryLedger) -> None:
    """Independent (j490: 残存世帯員が1人 → 職権により当該残存世帯員を世帯主とする), also in a household that stood
    without a 世帯主: a household of one is its own 世帯主."""
    people = _headless(ledger)
    for who in ("梅", "一郎"):
        record(ledger, RecordMoveOut(moved_on=D, notified_on=D, atena_numbers=(people[who],),
                                     destination_address="京都府京都市中京区", destination_municipality_code="26104"))
    (last,) = ledger.members(people["setai"])
    assert last.name == "青木 花子" and last.is_head
