"""氏名の振り仮名 (令和5年法律第48号, in force 2025-05-26): the 住民票 takes the 氏の振り仮名 and 名の振り仮名 the
本籍地 notifies (住民基本台帳法第9条第2項, 第7条 as amended; 戸籍法第13条第1項第2号・第2項).

All **independent**: each expected value comes from the statute or the cities' published practice cited in
docs/standard-conformance.md (振り仮名), not from our code."""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.registry.domain import (
    CancelChange,
    CorrectRecord,
    MemoryLedger,
    NewPerson,
    Reason,
    RecordFuriganaNotification,
    RegistryError,
    decide,
)
from jichitai.registry.domain.furigana import printed
from jichitai.registry.domain.person import FOREIGN
from tests.registry.domain.conftest import family, move_in, record

WRITTEN = dt.date(2026, 6, 1)  # the 本籍地 wrote the 振り仮名 in the 戸籍 (職権, after 2026-05-25: 改正法附則)
RECEIVED = dt.date(2026, 6, 3)  # its notice reached the 住所地


def notice(atena: str, shi: str = "", mei: str = "", **kw: object) -> RecordFuriganaNotification:
    return RecordFuriganaNotification(
        moved_on=WRITTEN, notified_on=RECEIVED, atena_number=atena, furigana_shi=shi, furigana_mei=mei, **kw
    )  # type: ignore[arg-type]


def test_notice_writes_both_parts_apart_from_the_search_kana(ledger: MemoryLedger) -> None:
    """戸籍法第13条第1項第2号: 氏の振り仮名 and 名の振り仮名 are two items; our search フリガナ (kana) is not touched."""
    people = family(ledger)
    _, change = record(ledger, notice(people["太郎"], "アオキ", "タロウ"))
    after = change.entries[0].after
    assert change.reason == Reason.FURIGANA_ENTRY
    assert (after.furigana_shi, after.furigana_mei) == ("アオキ", "タロウ")
    assert after.kana == "アオキ タロウ"
    assert change.moved_on == WRITTEN and change.notified_on == RECEIVED


def test_a_later_notice_is_a_change_and_keeps_the_earlier_row(ledger: MemoryLedger) -> None:
    """A 振り仮名 changed in the 戸籍 (戸籍法 as amended: 氏名の振り仮名の変更の届出) reaches the 住民票 as a new 異動;
    the earlier reading stays in the row before it (j200: history, never an overwrite)."""
    people = family(ledger)
    record(ledger, notice(people["花子"], "アオキ", "ハナコ"))
    _, change = record(ledger, notice(people["花子"], mei="カコ"))
    before, after = change.entries[0].before, change.entries[0].after
    assert change.reason == Reason.FURIGANA_CHANGE
    assert before is not None and before.furigana_mei == "ハナコ"
    assert (after.furigana_shi, after.furigana_mei) == ("アオキ", "カコ")


def test_one_part_alone(ledger: MemoryLedger) -> None:
    """A notice may concern the 名 alone (the 名の振り仮名 is each person's own 届出; the 氏's is the 筆頭者's)."""
    people = family(ledger)
    _, change = record(ledger, notice(people["一郎"], mei="イチロウ"))
    after = change.entries[0].after
    assert (after.furigana_shi, after.furigana_mei) == ("", "イチロウ")


@pytest.mark.parametrize(("shi", "mei"), [("あおき", "たろう"), ("ｱｵｷ", "ﾀﾛｳ")])
def test_hiragana_and_half_width_become_katakana(ledger: MemoryLedger, shi: str, mei: str) -> None:
    """The 戸籍 writes 片仮名; what the counter types in ひらがな or 半角 is converted, not refused."""
    people = family(ledger)
    change = decide(notice(people["太郎"], shi, mei), ledger)
    assert (change.entries[0].after.furigana_shi, change.entries[0].after.furigana_mei) == ("アオキ", "タロウ")


@pytest.mark.parametrize(
    ("mei", "bad"),
    [
        ("Taro", "「T」"),
        ("タ ロウ", "空白"),
        ("太郎", "「太」"),
        ("タロウ・", "「・」"),
        ("ケ丶", "「丶」"),
    ],
)
def test_only_katakana(ledger: MemoryLedger, mei: str, bad: str) -> None:
    """戸籍法第13条第1項第2号: the 振り仮名 is written in 片仮名; anything else is refused with the character named,
    and nothing is recorded."""
    people = family(ledger)
    with pytest.raises(RegistryError) as info:
        record(ledger, notice(people["太郎"], mei=mei))
    assert info.value.code == "invalid_furigana" and info.value.fields.get("field") == "furigana_mei"
    assert bad in info.value.message and "片仮名" in info.value.message
    assert ledger.person(people["太郎"]).furigana_mei == ""  # type: ignore[union-attr]


def test_length_is_limited(ledger: MemoryLedger) -> None:
    people = family(ledger)
    with pytest.raises(RegistryError) as info:
        decide(notice(people["太郎"], "ア" * 101), ledger)
    assert info.value.code == "invalid_furigana" and "100文字" in info.value.message


def test_small_kana_and_long_vowel_are_kept(ledger: MemoryLedger) -> None:
    """小書き (ャュョッ…) and the 長音 「ー」 are part of a reading (the cities' notices ask residents to check
    「キョウコ」 against 「キヨウコ」): they are kept as written, never folded to the large kana."""
    people = family(ledger)
    change = decide(notice(people["花子"], mei="キョウコ"), ledger)
    assert change.entries[0].after.furigana_mei == "キョウコ"
    change = decide(notice(people["花子"], mei="ジョージー"), ledger)
    assert change.entries[0].after.furigana_mei == "ジョージー"


def test_foreign_residents_have_none(ledger: MemoryLedger) -> None:
    """No 戸籍, so no notice and no 振り仮名 on the 住民票 of a foreign resident (越谷市 2025)."""
    _, change = move_in(
        ledger,
        NewPerson(
            "ZHANG YULIN",
            "チャン ユウリン",
            dt.date(1990, 2, 1),
            "F",
            "世帯主",
            resident_kind=FOREIGN,
            nationality="中国",
        ),
    )
    with pytest.raises(RegistryError) as info:
        decide(notice(change.entries[0].after.atena_number, "チャン", "ユウリン"), ledger)
    assert info.value.code == "wrong_resident_kind"


def test_same_reading_again_is_no_change(ledger: MemoryLedger) -> None:
    people = family(ledger)
    record(ledger, notice(people["太郎"], "アオキ", "タロウ"))
    with pytest.raises(RegistryError) as info:
        decide(notice(people["太郎"], "アオキ"), ledger)
    assert info.value.code == "no_change"


def test_empty_notice_is_refused(ledger: MemoryLedger) -> None:
    people = family(ledger)
    with pytest.raises(RegistryError) as info:
        decide(notice(people["太郎"]), ledger)
    assert info.value.code == "furigana_required"


def test_a_correction_cannot_write_it(ledger: MemoryLedger) -> None:
    """住基法第9条第2項: the 振り仮名 comes from the 本籍地's notice; a 職権修正 at the 住所地 cannot set it."""
    people = family(ledger)
    with pytest.raises(RegistryError) as info:
        decide(CorrectRecord(moved_on=WRITTEN, atena_number=people["太郎"], changes={"furigana_mei": "タロー"}), ledger)
    assert info.value.code == "not_correctable"


def test_cancel_returns_the_earlier_reading(ledger: MemoryLedger) -> None:
    """j980 取消し(修正) of a notice recorded by mistake restores the row before it."""
    people = family(ledger)
    record(ledger, notice(people["太郎"], "アオキ", "タロウ"))
    change_id, _ = record(ledger, notice(people["太郎"], mei="タロー"))
    _, cancel = record(ledger, CancelChange(moved_on=WRITTEN, change_id=change_id))
    assert cancel.reason == Reason.CANCEL_CORRECTION
    assert cancel.entries[0].after.furigana_mei == "タロウ"


@pytest.mark.parametrize(
    ("shi", "mei", "text"),
    [
        ("イシノマキ", "タロウ", "イシノマキ　タロウ"),
        ("イシノマキ", "", "イシノマキ　【名空欄】"),
        ("", "タロウ", "【氏空欄】　タロウ"),
        ("", "", "********"),
    ],
)
def test_printed_form(shi: str, mei: str, text: str) -> None:
    """How the 住民票の写し prints it while the 戸籍 is being filled (石巻市, 2025-05-27: 氏名未公証 「********」,
    氏のみ 「イシノマキ 【名空欄】」, 名のみ 「【氏空欄】 タロウ」)."""
    assert printed(shi, mei) == text
