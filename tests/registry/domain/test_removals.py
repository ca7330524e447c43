"""消除の事由 (j210): 国内転出, 国外転出 (future 転出予定日, j640), 死亡 (j820), 職権消除 (帰化等 / 国籍喪失, j930/j950)."""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.registry.domain import (
    MemoryLedger,
    NewPerson,
    Reason,
    RecordDeath,
    RecordExOfficioEntry,
    RecordExOfficioRemoval,
    RecordMoveOut,
    RecordMoveWithin,
    RegistryError,
    decide,
)
from tests.registry.domain.conftest import family, move_in, record


def test_move_out_with_future_planned_date(ledger: MemoryLedger) -> None:
    """j480/j640: 転出 is the one 異動 whose 異動日 (転出予定日) may be after the processing day; until that day
    the person stays a resident marked 転出予定 (j50; the rest in test_departures.py)."""
    people = family(ledger)
    _, change = record(ledger, RecordMoveOut(
        moved_on=dt.date(2026, 12, 4), notified_on=dt.date(2026, 11, 20), atena_numbers=(people["一郎"],),
        destination_address="東京都千代田区永田町1丁目", destination_municipality_code="13101"))
    child = change.entries[0].after
    assert change.reason == Reason.MOVE_OUT_DOMESTIC
    assert (child.status, child.removed_on, child.removal_reason) == ("active", dt.date(2026, 12, 4), "")
    assert child.departure_pending and child.destination_address == "東京都千代田区永田町1丁目"
    assert change.entries[0].destination_class == "県外"


def test_move_out_abroad(ledger: MemoryLedger) -> None:
    people = family(ledger)
    _, change = record(ledger, RecordMoveOut(moved_on=dt.date(2026, 11, 1), atena_numbers=(people["一郎"],),
                                             destination_address="カナダ", abroad=True))
    assert change.reason == Reason.MOVE_OUT_ABROAD and change.entries[0].destination_class == "国外"


def test_move_out_needs_destination(ledger: MemoryLedger) -> None:
    people = family(ledger)
    with pytest.raises(RegistryError) as info:
        decide(RecordMoveOut(moved_on=dt.date(2026, 11, 1), atena_numbers=(people["一郎"],)), ledger)
    assert info.value.code == "destination_required"


def test_move_out_within_the_city_is_refused(ledger: MemoryLedger) -> None:
    people = family(ledger)
    with pytest.raises(RegistryError) as info:
        decide(RecordMoveOut(moved_on=dt.date(2026, 11, 1), atena_numbers=(people["一郎"],),
                             destination_address="神戸市東灘区", destination_municipality_code="28101"), ledger)
    assert info.value.code == "move_out_to_city"


def test_death_removes_the_person(ledger: MemoryLedger) -> None:
    people = family(ledger)
    _, change = record(ledger, RecordDeath(moved_on=dt.date(2026, 11, 1), atena_number=people["梅"]))
    assert change.reason == Reason.DEATH and change.entries[0].after.removal_reason == "death"


def test_second_death_is_refused(ledger: MemoryLedger) -> None:
    """Bad input: a second 死亡."""
    people = family(ledger)
    record(ledger, RecordDeath(moved_on=dt.date(2026, 11, 1), atena_number=people["梅"]))
    with pytest.raises(RegistryError) as info:
        decide(RecordDeath(moved_on=dt.date(2026, 11, 2), atena_number=people["梅"]), ledger)
    assert info.value.code == "already_dead" and "既に死亡により消除" in info.value.message


def test_death_of_someone_moved_out_is_refused(ledger: MemoryLedger) -> None:
    """Bad input: a 死亡 of someone already 消除."""
    people = family(ledger)
    record(ledger, RecordMoveOut(moved_on=dt.date(2026, 11, 1), atena_numbers=(people["一郎"],),
                                 destination_address="大阪市", destination_municipality_code="27100"))
    with pytest.raises(RegistryError) as info:
        decide(RecordDeath(moved_on=dt.date(2026, 11, 2), atena_number=people["一郎"]), ledger)
    assert info.value.code == "removed" and "既に消除" in info.value.message


def test_move_within_of_removed_person_is_refused(ledger: MemoryLedger) -> None:
    """Bad input: a 転居 of someone already 消除."""
    people = family(ledger)
    record(ledger, RecordDeath(moved_on=dt.date(2026, 11, 1), atena_number=people["梅"]))
    with pytest.raises(RegistryError) as info:
        decide(RecordMoveWithin(moved_on=dt.date(2026, 11, 2), atena_numbers=(people["梅"],), town_code="281100002",
                                banchi="5番地"), ledger)
    assert info.value.code == "removed" and "転居できません" in info.value.message


def test_death_before_birth_is_refused(ledger: MemoryLedger) -> None:
    people = family(ledger)
    with pytest.raises(RegistryError) as info:
        decide(RecordDeath(moved_on=dt.date(2000, 1, 1), atena_number=people["一郎"]), ledger)
    assert info.value.code == "death_before_birth"


def test_ex_officio_removal_needs_approval(ledger: MemoryLedger) -> None:
    """職権消除 (4.2.2, e.g. 失踪 j830 or 実態調査) goes through 決裁 (j530)."""
    people = family(ledger)
    change = decide(RecordExOfficioRemoval(moved_on=dt.date(2026, 11, 1), atena_numbers=(people["一郎"],)), ledger)
    assert change.reason == Reason.EX_OFFICIO_REMOVAL and change.requires_approval


def test_naturalisation_removes_foreign_record_and_enters_japanese(ledger: MemoryLedger) -> None:
    """j930 帰化: 職権消除（帰化等）of the 外国人住民 record, 職権記載（帰化等）of the 日本人住民 record."""
    _, change = move_in(ledger, NewPerson("LEE MIN", "リー ミン", dt.date(1990, 1, 1), "F", "世帯主",
                                          resident_kind="foreign", nationality="韓国"))
    atena = change.entries[0].after.atena_number
    removed = decide(RecordExOfficioRemoval(moved_on=dt.date(2026, 10, 1), atena_numbers=(atena,),
                                            variant="naturalisation"), ledger)
    assert removed.reason == Reason.EX_OFFICIO_REMOVAL_NATURALISATION
    ledger.commit(removed)
    entered = decide(RecordExOfficioEntry(
        moved_on=dt.date(2026, 10, 1), variant="naturalisation", town_code="281100001", banchi="1番地",
        persons=(NewPerson("李 民", "リ ミン", dt.date(1990, 1, 1), "F", "世帯主"),)), ledger)
    assert entered.reason == Reason.EX_OFFICIO_ENTRY_NATURALISATION


def test_nationality_loss_removal_is_for_japanese_only(ledger: MemoryLedger) -> None:
    """j950 国籍喪失: 職権消除（国籍喪失）applies to 日本人住民 only."""
    _, change = move_in(ledger, NewPerson("LEE MIN", "リー ミン", dt.date(1990, 1, 1), "F", "世帯主",
                                          resident_kind="foreign", nationality="韓国"))
    with pytest.raises(RegistryError) as info:
        decide(RecordExOfficioRemoval(moved_on=dt.date(2026, 10, 1), variant="nationality_loss",
                                      atena_numbers=(change.entries[0].after.atena_number,)), ledger)
    assert info.value.code == "wrong_resident_kind"
    people = family(ledger)
    ok = decide(RecordExOfficioRemoval(moved_on=dt.date(2026, 10, 1), variant="nationality_loss",
                                       atena_numbers=(people["一郎"],)), ledger)
    assert ok.reason == Reason.EX_OFFICIO_REMOVAL_NATIONALITY_LOSS
