"""文字要件 (住民記録システム標準仕様書 1.4; 行政事務標準文字 = MJ-based, no 外字): every name and address item of a
異動 holds only characters of the set, each checked with its variation selector; the refusal names the item and
the character (issue 22 item 3)."""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.registry.domain import CorrectRecord, MemoryLedger, NewPerson, RecordMoveWithin, RegistryError, decide
from jichitai.registry.domain.codec import from_dict
from jichitai.registry.domain.items import item_problem
from tests.registry.domain.conftest import family, move_in

AJ1 = "葛\U000E0100"  # an Adobe-Japan1 sequence (IVD): no MJ character
MJ = "葛\U000E0102"   # MJ022335 (MJ文字情報一覧表 Ver.006.02)


def test_a_name_with_an_mj_variation_sequence_and_a_rare_mj_kanji_is_recorded(ledger: MemoryLedger) -> None:
    """Independent: 葛 U+E0102 (MJ022335) and U+9FEE (MJ057449) are MJ characters; the name is kept as entered,
    selector included."""
    name = f"{MJ}西 \u9fee子"
    _, change = move_in(ledger, NewPerson(name, "カサイ ナナコ", dt.date(1990, 1, 1), "F", "世帯主"))
    assert change.entries[0].after.name == name


@pytest.mark.parametrize(("field", "label", "value", "bad"), [
    ("name", "氏名", f"{AJ1}西 太郎", f"{AJ1}"),
    ("name", "氏名", "山\ue000 太郎", "\ue000"),
    ("kana", "氏名フリガナ", "ﾔﾏﾀﾞ ﾀﾛｳ", "ﾔ"),
    ("honseki", "本籍", "兵庫県神戸市中央区加納町\ue123番地", "\ue123"),
    ("tsusho", "通称", "김 太郎", "김"),
])
def test_a_new_person_outside_the_set_is_refused_naming_item_and_character(
        ledger: MemoryLedger, field: str, label: str, value: str, bad: str) -> None:
    """Independent: none of the characters is in MJ or JIS X 0213 (private use = legacy 外字, an Adobe-Japan1 IVS,
    half-width katakana, Hangul). Nothing is recorded."""
    values = {"name": "山田 太郎", "kana": "ヤマダ タロウ", "birth_date": dt.date(1990, 1, 1), "sex": "M",
              "relationship": "世帯主", "honseki": "兵庫県神戸市中央区加納町1番地", "hittosha": "山田 太郎"}
    values[field] = value
    with pytest.raises(RegistryError) as exc:
        move_in(ledger, NewPerson(**values))  # type: ignore[arg-type]
    codepoints = " ".join(f"U+{ord(c):04X}" for c in bad)
    assert exc.value.message.startswith(f"{label}の『{bad}』({codepoints}) は行政事務標準文字にありません")
    assert exc.value.fields["field"] == field
    assert not ledger.people


def test_an_address_outside_the_set_is_refused_on_a_move(ledger: MemoryLedger) -> None:
    """Independent: 方書 is an address item (1.4 applies to 住所); U+E000 is private use (外字)."""
    people = family(ledger)
    with pytest.raises(RegistryError) as exc:
        decide(RecordMoveWithin(moved_on=dt.date(2026, 5, 1), atena_numbers=(people["梅"],), town_code="281100002",
                                banchi="2番地", katagaki="ハイツ\ue000", new_head=people["梅"]), ledger)
    assert exc.value.message.startswith("方書の『\ue000』(U+E000) は行政事務標準文字にありません")


def test_a_correction_to_a_name_outside_the_set_is_refused(ledger: MemoryLedger) -> None:
    people = family(ledger)
    with pytest.raises(RegistryError) as exc:
        decide(CorrectRecord(moved_on=dt.date(2026, 5, 1), atena_number=people["太郎"],
                             changes={"name": f"{AJ1}木 太郎"}), ledger)
    assert exc.value.message.startswith(f"氏名の『{AJ1}』(U+845B U+E0100)")


def test_the_codec_refuses_with_the_path_of_the_item() -> None:
    """Consistency: the API, the counter and the 決裁 queue rebuild commands through the codec, which applies the
    item table: the error carries the person's item path and the Japanese reason."""
    with pytest.raises(RegistryError) as exc:
        from_dict({"type": "RecordMoveIn", "moved_on": "2026-11-01", "town_code": "281100001", "banchi": "1番地",
                   "persons": [{"name": "山田 \U000E0101太郎", "kana": "ヤマダ", "birth_date": "1990-01-01", "sex": "M",
                                "relationship": "世帯主"}]})
    assert exc.value.fields["field"] == "persons[0].name"
    assert "氏名の『 \U000E0101』(U+0020 U+E0101) は行政事務標準文字にありません" in exc.value.message
    assert item_problem("banchi", "1番地の2") is None
    assert item_problem("nationality", "韓国") is None  # not a name or address item
