"""記載の事由 (j210): 国内転入, 国外転入等, 出生, 職権記載 (帰化等 / 国籍喪失), 再転入 (j600)."""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.common.checkdigit import is_valid_modulus11
from jichitai.registry.domain import (
    MemoryLedger,
    NewPerson,
    Reason,
    RecordBirth,
    RecordExOfficioEntry,
    RecordMoveOut,
    RegistryError,
    decide,
)
from tests.registry.domain.conftest import family, move_in, record


def test_domestic_move_in_sets_dates_and_numbers(ledger: MemoryLedger) -> None:
    """j590: 住民となった年月日 = 住所を定めた年月日 = 異動日; j130: modulus-11 numbers; j10 転入前住所."""
    _, change = move_in(ledger, NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主"))
    person = change.entries[0].after
    assert change.reason == Reason.MOVE_IN_DOMESTIC
    assert person.became_resident_on == person.address_set_on == dt.date(2026, 4, 1)
    assert person.notified_on == dt.date(2026, 4, 3)
    assert person.previous_address == "大阪市北区梅田1丁目" and person.previous_municipality_code == "27127"
    assert is_valid_modulus11(person.atena_number) and is_valid_modulus11(person.setai_number)
    assert (person.ward_code, person.postcode) == ("28110", "6500001")
    assert change.entries[0].origin_class == "県外"


def test_move_in_from_same_prefecture_is_kennai(ledger: MemoryLedger) -> None:
    _, change = move_in(ledger, NewPerson("姫路 一", "ヒメジ ハジメ", dt.date(1990, 1, 1), "M", "世帯主"),
                        previous_municipality_code="28201", previous_address="姫路市本町")
    assert change.entries[0].origin_class == "県内"


def test_move_in_from_abroad(ledger: MemoryLedger) -> None:
    """j210 国外転入等: 転入前住所 is the country; origin class 国外."""
    _, change = move_in(ledger, NewPerson("青木 次郎", "アオキ ジロウ", dt.date(1985, 2, 2), "M", "世帯主"),
                        from_abroad=True, previous_address="アメリカ合衆国", previous_municipality_code="")
    assert change.reason == Reason.MOVE_IN_ABROAD
    assert change.entries[0].origin_class == "国外"


def test_move_in_from_within_the_city_is_refused(ledger: MemoryLedger) -> None:
    """A move inside the city is a 転居 (4.1.2), not a 転入: 区間異動 of a 指定都市 (j130)."""
    with pytest.raises(RegistryError) as info:
        move_in(ledger, NewPerson("市内 一", "シナイ ハジメ", dt.date(1990, 1, 1), "M", "世帯主"),
                previous_municipality_code="28101")
    assert info.value.code == "move_in_from_city"


def test_domestic_move_in_needs_previous_address(ledger: MemoryLedger) -> None:
    with pytest.raises(RegistryError, match="転入前住所"):
        move_in(ledger, NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主"),
                previous_municipality_code="")


def test_unknown_town_is_refused(ledger: MemoryLedger) -> None:
    """Bad input: an address that is not in the address dictionary (j250)."""
    with pytest.raises(RegistryError) as info:
        move_in(ledger, NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主"), town_code="999999999")
    assert info.value.code == "unknown_town" and "住所辞書" in info.value.message


def test_birth_date_after_move_is_refused(ledger: MemoryLedger) -> None:
    """Bad input: a birth date after the 異動日."""
    with pytest.raises(RegistryError) as info:
        move_in(ledger, NewPerson("未来 一", "ミライ ハジメ", dt.date(2026, 5, 1), "M", "世帯主"))
    assert info.value.code == "birth_after_move" and "生年月日" in info.value.message


def test_kana_must_be_katakana(ledger: MemoryLedger) -> None:
    """j180 フリガナ: hiragana is refused (search folds it, storage keeps katakana)."""
    with pytest.raises(RegistryError) as info:
        move_in(ledger, NewPerson("青木 太郎", "あおき たろう", dt.date(1980, 1, 7), "M", "世帯主"))
    assert info.value.code == "invalid_kana"


def test_foreign_resident_needs_nationality(ledger: MemoryLedger) -> None:
    """j20: 外国人住民 carry 国籍・地域; 通称 only for them (j70)."""
    with pytest.raises(RegistryError) as info:
        move_in(ledger, NewPerson("SMITH JOHN", "スミス ジョン", dt.date(1990, 1, 1), "M", "世帯主",
                                  resident_kind="foreign"))
    assert info.value.code == "nationality_required"
    _, change = move_in(ledger, NewPerson("SMITH JOHN", "スミス ジョン", dt.date(1990, 1, 1), "M", "世帯主",
                                          resident_kind="foreign", nationality="アメリカ合衆国",
                                          residence_status="技術・人文知識・国際業務",
                                          residence_until=dt.date(2029, 3, 31), residence_card_number="AB12345678CD"))
    person = change.entries[0].after
    assert person.foreign_resident_on == dt.date(2026, 4, 1) and person.nationality == "アメリカ合衆国"


def test_name_keeps_ideographic_variation_sequence(ledger: MemoryLedger) -> None:
    """Names are Unicode with IVS kept (1.4 文字要件): 辺 U+E0101 is a Moji_Joho sequence (MJ文字情報一覧表)."""
    name = "渡辺\U000E0101 一"
    _, change = move_in(ledger, NewPerson(name, "ワタナベ ハジメ", dt.date(1980, 1, 1), "M", "世帯主"))
    assert change.entries[0].after.name == name


def test_join_existing_household_on_move_in(ledger: MemoryLedger) -> None:
    people = family(ledger)
    _, change = move_in(ledger, NewPerson("青木 祖父", "アオキ ソフ", dt.date(1948, 1, 1), "M", "父"),
                        setai_number=people["setai"], moved_on=dt.date(2026, 6, 1), notified_on=dt.date(2026, 6, 1))
    assert change.entries[0].after.setai_number == people["setai"]
    assert change.entries[0].after.household_order == 5


def test_join_household_at_another_address_is_refused(ledger: MemoryLedger) -> None:
    people = family(ledger)
    with pytest.raises(RegistryError) as info:
        move_in(ledger, NewPerson("青木 祖父", "アオキ ソフ", dt.date(1948, 1, 1), "M", "父"),
                setai_number=people["setai"], banchi="2番地")
    assert info.value.code == "address_mismatch"


def test_birth_enters_household(ledger: MemoryLedger) -> None:
    """j810 出生: 異動日 = 生年月日; the child joins the household at its address."""
    people = family(ledger)
    _, change = record(ledger, RecordBirth(
        moved_on=dt.date(2026, 10, 1), notified_on=dt.date(2026, 10, 5), setai_number=people["setai"],
        child=NewPerson("青木 二郎", "アオキ ジロウ", dt.date(2026, 10, 1), "M", "子")))
    child = change.entries[0].after
    assert change.reason == Reason.BIRTH
    assert child.became_resident_on == dt.date(2026, 10, 1) and child.banchi == "1番地"


def test_birth_date_must_equal_move_date(ledger: MemoryLedger) -> None:
    people = family(ledger)
    with pytest.raises(RegistryError) as info:
        decide(RecordBirth(moved_on=dt.date(2026, 10, 2), setai_number=people["setai"],
                           child=NewPerson("青木 二郎", "アオキ ジロウ", dt.date(2026, 10, 1), "M", "子")), ledger)
    assert info.value.code == "birth_date_mismatch"


def test_ex_officio_entry_requires_approval(ledger: MemoryLedger) -> None:
    """職権記載 (4.2.1.1, j800) is decided like a 転入 and flagged for 決裁 (j530)."""
    change = decide(RecordExOfficioEntry(
        moved_on=dt.date(2026, 5, 1), persons=(NewPerson("未届 一", "ミトドケ ハジメ", dt.date(1970, 1, 1), "M", "世帯主"),),
        town_code="281100002", banchi="3番地"), ledger)
    assert change.reason == Reason.EX_OFFICIO_ENTRY and change.requires_approval


def test_ex_officio_entry_naturalisation_is_for_japanese_only(ledger: MemoryLedger) -> None:
    """j210: 職権記載（帰化等）is for 日本人住民 only; 職権記載（国籍喪失）for 外国人住民 only."""
    foreigner = NewPerson("LEE MIN", "リー ミン", dt.date(1990, 1, 1), "F", "世帯主", resident_kind="foreign",
                          nationality="韓国")
    with pytest.raises(RegistryError) as info:
        decide(RecordExOfficioEntry(moved_on=dt.date(2026, 5, 1), variant="naturalisation", persons=(foreigner,),
                                    town_code="281100002", banchi="3番地"), ledger)
    assert info.value.code == "wrong_resident_kind"
    change = decide(RecordExOfficioEntry(moved_on=dt.date(2026, 5, 1), variant="nationality_loss",
                                         persons=(foreigner,), town_code="281100002", banchi="3番地"), ledger)
    assert change.reason == Reason.EX_OFFICIO_ENTRY_NATIONALITY_LOSS


def test_return_reuses_atena_number(ledger: MemoryLedger) -> None:
    """j600 再転入: the returning person keeps the 宛名番号 of their 除票."""
    _, change = move_in(ledger, NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主"))
    atena = change.entries[0].after.atena_number
    record(ledger, RecordMoveOut(moved_on=dt.date(2026, 6, 1), atena_numbers=(atena,),
                                 destination_address="東京都千代田区", destination_municipality_code="13101"))
    _, back = move_in(ledger, NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主",
                                        atena_number=atena), moved_on=dt.date(2026, 9, 1), notified_on=None,
                      previous_municipality_code="13101", previous_address="東京都千代田区")
    assert back.entries[0].after.atena_number == atena and back.entries[0].after.is_active
    with pytest.raises(RegistryError) as info:
        move_in(ledger, NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主", atena_number=atena))
    assert info.value.code == "already_active"
