"""修正の事由 (j210): 職権修正 (j840), 軽微な修正 (j850), 誤記修正 (j860), 旧氏・通称 (j70)."""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.registry.domain import (
    CorrectRecord,
    MemoryLedger,
    NewPerson,
    Reason,
    RecordDeath,
    RecordKyuuji,
    RecordTsusho,
    RegistryError,
    decide,
)
from tests.registry.domain.conftest import family, move_in, record

D = dt.date(2026, 11, 1)


def test_ex_officio_correction(ledger: MemoryLedger) -> None:
    people = family(ledger)
    _, change = record(ledger, CorrectRecord(moved_on=D, atena_number=people["一郎"], kind="ex_officio",
                                             changes={"honseki": "兵庫県神戸市中央区加納町6丁目5番1号"}))
    assert change.reason == Reason.EX_OFFICIO_CORRECTION and change.requires_approval
    assert change.entries[0].after.honseki.startswith("兵庫県")


def test_minor_correction_is_limited_to_minor_items(ledger: MemoryLedger) -> None:
    """j850 軽微な修正: フリガナ, 方書, 郵便番号, 備考 — not the name."""
    people = family(ledger)
    change = decide(CorrectRecord(moved_on=D, atena_number=people["一郎"], kind="minor",
                                  changes={"kana": "アオキ イチロー"}), ledger)
    assert change.reason == Reason.MINOR_CORRECTION and not change.requires_approval
    with pytest.raises(RegistryError) as info:
        decide(CorrectRecord(moved_on=D, atena_number=people["一郎"], kind="minor", changes={"name": "青木 市郎"}),
               ledger)
    assert info.value.code == "not_minor"


def test_clerical_correction_applies_to_removed_records(ledger: MemoryLedger) -> None:
    """j860 誤記修正 may correct a 除票; other corrections may not."""
    people = family(ledger)
    record(ledger, RecordDeath(moved_on=D, atena_number=people["梅"]))
    change = decide(CorrectRecord(moved_on=D, atena_number=people["梅"], kind="clerical",
                                  changes={"birth_date": "1950-03-04"}), ledger)
    assert change.reason == Reason.CLERICAL_CORRECTION
    assert change.entries[0].after.birth_date == dt.date(1950, 3, 4)
    with pytest.raises(RegistryError) as info:
        decide(CorrectRecord(moved_on=D, atena_number=people["梅"], kind="ex_officio", changes={"honseki": "x"}),
               ledger)
    assert info.value.code == "removed"


def test_address_is_not_correctable(ledger: MemoryLedger) -> None:
    people = family(ledger)
    with pytest.raises(RegistryError) as info:
        decide(CorrectRecord(moved_on=D, atena_number=people["一郎"], changes={"town_code": "281100002"}), ledger)
    assert info.value.code == "not_correctable" and "転居" in info.value.message


def test_correction_without_change_is_refused(ledger: MemoryLedger) -> None:
    people = family(ledger)
    with pytest.raises(RegistryError) as info:
        decide(CorrectRecord(moved_on=D, atena_number=people["一郎"], changes={"sex": "M"}), ledger)
    assert info.value.code == "no_change"


def test_correction_breaking_relationship_rules_is_refused(ledger: MemoryLedger) -> None:
    people = family(ledger)
    with pytest.raises(RegistryError) as info:
        decide(CorrectRecord(moved_on=D, atena_number=people["一郎"], changes={"birth_date": "1970-01-01"}), ledger)
    assert info.value.code == "relationship_age"


def test_kyuuji_entry_change_deletion(ledger: MemoryLedger) -> None:
    """旧氏の記載・変更・削除 (j70, j210)."""
    people = family(ledger)
    _, entered = record(ledger, RecordKyuuji(moved_on=D, notified_on=D, atena_number=people["花子"], action="entry",
                                             kyuuji="山田", kyuuji_kana="ヤマダ"))
    assert entered.reason == Reason.KYUUJI_ENTRY and entered.entries[0].after.kyuuji == "山田"
    with pytest.raises(RegistryError) as info:
        decide(RecordKyuuji(moved_on=D, atena_number=people["花子"], action="entry", kyuuji="田中"), ledger)
    assert info.value.code == "kyuuji_present"
    _, changed = record(ledger, RecordKyuuji(moved_on=D, atena_number=people["花子"], action="change",
                                             kyuuji="田中", kyuuji_kana="タナカ"))
    assert changed.reason == Reason.KYUUJI_CHANGE
    _, deleted = record(ledger, RecordKyuuji(moved_on=D, atena_number=people["花子"], action="deletion"))
    assert deleted.reason == Reason.KYUUJI_DELETION and deleted.entries[0].after.kyuuji == ""
    with pytest.raises(RegistryError) as info:
        decide(RecordKyuuji(moved_on=D, atena_number=people["花子"], action="deletion"), ledger)
    assert info.value.code == "kyuuji_absent"


def test_tsusho_only_for_foreign_residents(ledger: MemoryLedger) -> None:
    """通称の記載・削除 (j70): 外国人住民 only."""
    people = family(ledger)
    with pytest.raises(RegistryError) as info:
        decide(RecordTsusho(moved_on=D, atena_number=people["花子"], tsusho="ハナ"), ledger)
    assert info.value.code == "wrong_resident_kind"
    _, change = move_in(ledger, NewPerson("KIM SORA", "キム ソラ", dt.date(1990, 1, 1), "F", "世帯主",
                                          resident_kind="foreign", nationality="韓国"), banchi="3番地")
    atena = change.entries[0].after.atena_number
    _, entered = record(ledger, RecordTsusho(moved_on=D, atena_number=atena, tsusho="金 空", tsusho_kana="キン ソラ"))
    assert entered.reason == Reason.TSUSHO_ENTRY
    _, deleted = record(ledger, RecordTsusho(moved_on=D, atena_number=atena, action="deletion"))
    assert deleted.reason == Reason.TSUSHO_DELETION
