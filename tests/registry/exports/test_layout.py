"""The standard CSV layout without a database: every item of the snapshot has a column, rows read back to the
same person, and every fault is reported with its line and item (10.8 CSV形式のデータの取込, j1430)."""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.registry.domain.person import PERSON_FIELDS, Person
from jichitai.registry.exports import csvfile
from jichitai.registry.exports.layout import COLUMNS, HEADER, AddressWords, LastChange, parse_row, row_of

PERSON = Person(
    atena_number="000000000000019", setai_number="000000000000027", status="active", resident_kind="japanese",
    name="神戸　太郎", kana="コウベ　タロウ", birth_date=dt.date(1980, 4, 1), sex="M", relationship="世帯主",
    town_code="281100001", ward_code="28110", banchi="1番地", became_resident_on=dt.date(2020, 1, 1),
    my_number="123456789018", note="備考の行",
)
CHANGE = LastChange("move_in_domestic", dt.date(2020, 1, 1), dt.date(2020, 1, 3))
WORDS = AddressWords("兵庫県", "神戸市中央区", "加納町")


def test_every_snapshot_item_has_a_column() -> None:
    covered = {c.source for c in COLUMNS}
    assert set(PERSON_FIELDS) <= covered, set(PERSON_FIELDS) - covered
    assert len(HEADER) == len(set(HEADER))


def test_row_reads_back_to_the_same_person() -> None:
    row = row_of(PERSON, CHANGE, WORDS, "281000")
    assert row[HEADER.index("性別")] == "1" and row[HEADER.index("異動事由")] == "国内転入"
    assert row[HEADER.index("生年月日")] == "1980-04-01"
    parsed = parse_row(2, row)
    assert parsed.errors == []
    assert parsed.person == PERSON and parsed.change == CHANGE and parsed.address == WORDS


def test_every_fault_is_reported_with_line_and_item() -> None:
    row = row_of(PERSON, CHANGE, WORDS, "281000")
    row[HEADER.index("宛名番号")] = "000000000000018"        # wrong check digit
    row[HEADER.index("生年月日")] = "1980-02-30"             # impossible date
    row[HEADER.index("性別")] = "9"                          # undefined code
    row[HEADER.index("個人番号")] = "123456789012"           # wrong check digit
    row[HEADER.index("氏名_フリガナ")] = "こうべ"            # フリガナ is katakana (j180)
    row[HEADER.index("異動事由")] = "引越し"                 # not a reason of j210
    errors = parse_row(7, row).errors
    items = {e.item for e in errors}
    assert {"宛名番号", "生年月日", "性別", "個人番号", "氏名_フリガナ", "異動事由"} <= items
    assert all(e.line == 7 for e in errors)
    assert str(errors[0]).startswith("7行目「")


def test_short_row_is_reported() -> None:
    errors = parse_row(3, ["281000", "000000000000019"]).errors
    assert errors[0].item == "" and "項目数" in errors[0].message


def test_cp932_lists_every_unwritable_character_instead_of_replacing() -> None:
    rows = [row_of(PERSON, CHANGE, WORDS, "281000"),
            row_of(Person(**{**PERSON.as_dict(), "atena_number": "000000000000027", "name": "𠮷田　葛\U000E0102子",
                             "birth_date": dt.date(1990, 1, 1)}), CHANGE, WORDS, "281000")]
    with pytest.raises(csvfile.UnwritableCharacters) as exc:
        csvfile.encode(HEADER, rows, "cp932")
    problems = exc.value.problems
    assert [(p.line, p.atena_number, p.item, p.codepoint) for p in problems] == [
        (3, "000000000000027", "氏名", "U+20BB7"), (3, "000000000000027", "氏名", "U+E0102")]
    assert "3行目 宛名番号 000000000000027（𠮷田" in str(problems[0])
    data = csvfile.encode(HEADER, rows, "utf-8")
    assert "𠮷田".encode() in data


def test_cp932_round_trip_of_writable_text() -> None:
    rows = [row_of(PERSON, CHANGE, WORDS, "281000")]
    data = csvfile.encode(HEADER, rows, "cp932")
    assert data.decode("cp932").startswith("市区町村コード,宛名番号")
    assert csvfile.decode(data, "cp932") == [list(HEADER), rows[0]]
