"""文字要件 (issue 22 item 3): names and addresses hold 行政事務標準文字 (MJ-based, no 外字), each character with its
variation selector checked as one sequence; search folding still finds the MJ variants (item 4/5)."""

from __future__ import annotations

import pytest

from jichitai.common.moji import characters, moji_problem, outside, standard_characters
from jichitai.common.text import search_key

KATSU_MJ = "葛\U000E0102"  # MJ022335: U+845B U+E0102 (MJ文字情報一覧表 Ver.006.02, 実装したMoji_JohoコレクションIVS)
KATSU_AJ1 = "葛\U000E0100"  # U+845B U+E0100: Adobe-Japan1 collection (IVD), CID+1481 — not a Moji_Joho sequence


@pytest.mark.parametrize("character", [
    KATSU_MJ, "葛\U000E0108",            # MJ022335, MJ022339
    "辻\U000E0103",                      # MJ025761 (二点しんにょうの辻)
    "髙", "𠮷", "﨑",                     # MJ028902 U+9AD9, MJ032129 U+20BB7, U+FA11 (実装したUCS is the 互換漢字)
    "\u9fee", "\u9fef",                  # MJ057449, MJ060040: added in Ver.006 (Unicode 11)
    "邉\U000E011F",                      # MJ (渡邉's 邉 has 16 Moji_Joho sequences)
    "々", "〆",                           # MJ000001, MJ000002
    "あ", "ヴ", "ー", "・", "Ａ", "A", "z", "1", "－", "‐", " ", "\u3000", "か\u309a",  # JIS X 0213 non-kanji, ASCII
])
def test_mj_characters_and_jis_x0213_non_kanji_are_in_the_set(character: str) -> None:
    """Independent: each sequence or code point is a row of the MJ文字情報一覧表 Ver.006.02 (the MJ name in the
    comment) or a non-kanji of JIS X 0213:2004 (か゚ is its 1-4-87, a base and a combining mark)."""
    assert outside(character) == []


@pytest.mark.parametrize(("text", "bad"), [
    (KATSU_AJ1 + "西", KATSU_AJ1),      # a registered IVS, but of another collection: not an MJ glyph
    ("\ue000田", "\ue000"),               # private use: a legacy 外字 that needs 文字同定
    ("山田😀", "😀"),                      # emoji
    ("ﾔﾏﾀﾞ", "ﾔ"),                        # JIS X 0201 half-width katakana are not JIS X 0213 characters
    ("김", "김"),                          # Hangul: not in MJ nor JIS X 0213
    ("\U000E0102山", "\U000E0102"),       # a selector without a base
    ("葛\U000E0102\U000E0103", "\U000E0103"),  # a second selector after a sequence
])
def test_characters_outside_the_set_are_found_with_their_selector(text: str, bad: str) -> None:
    """Independent of our code: none of these is a row of the MJ文字情報一覧表 nor a JIS X 0213 character."""
    found = outside(text)
    assert [f.character for f in found][:1] == [bad]


def test_the_problem_names_the_item_the_character_and_its_code_points() -> None:
    """Independent: the refusal the issue asks for — the field, the character as entered, its code points."""
    message = moji_problem("山" + KATSU_AJ1, "氏名")
    assert message is not None
    assert message.startswith("氏名の『葛\U000E0100』(U+845B U+E0100) は行政事務標準文字にありません")
    assert moji_problem("葛\U000E0102飾 太郎", "氏名") is None


def test_positions_count_a_sequence_as_one_character() -> None:
    """Consistency: the import reports the column and position of each character for 文字同定."""
    assert characters("a葛\U000E0102b") == [(1, "a"), (2, "葛\U000E0102"), (3, "b")]
    found = outside("山\ue000川\ue001")
    assert [(f.position, f.codepoints) for f in found] == [(2, "U+E000"), (4, "U+E001")]


def test_every_moji_joho_ivs_is_in_the_set() -> None:
    """Independent: the Moji_Joho collection of the Ideographic Variation Database (2022-09-13) registers 11,384
    sequences, all of them MJ characters; the set holds each (and no sequence of another collection's selector
    range beyond them) and the 89 SVS of its 実装したSVS column (U+FE00–FE02)."""
    sequences = standard_characters().sequences
    assert sum(1 for _, selector in sequences if selector >= 0xE0100) == 11_384
    assert sum(1 for _, selector in sequences if 0xFE00 <= selector <= 0xFE0F) == 89


def test_every_jis_x0213_character_is_in_the_set() -> None:
    """Independent: MJ contains every JIS X 0213 kanji (文字情報基盤 includes JIS X 0213), and the non-kanji are in by
    construction (less ⦅⦆, which no certificate font prints); so any text EUC-JIS-2004 can hold passes."""
    charset = standard_characters()
    for prefix in (b"", b"\x8f"):
        for hi in range(0xA1, 0xFF):
            for lo in range(0xA1, 0xFF):
                try:
                    text = (prefix + bytes([hi, lo])).decode("euc_jis_2004")
                except UnicodeDecodeError:
                    continue
                assert all(ord(ch) in charset.bare or ch in "⦅⦆" for ch in text), text  # (build-moji-set.py)


@pytest.mark.parametrize(("registered", "typed"), [
    ("葛\U000E0102飾", "葛飾"), ("葛\U000E0108飾", "葛\U000E0102飾"),
    ("渡邉\U000E011F", "渡辺"), ("渡邊\U000E0110", "渡辺"), ("辻\U000E0103本", "辻本"),
    ("齋\U000E0104藤", "斎藤"),
])
def test_search_folds_mj_variation_sequences(registered: str, typed: str) -> None:
    """Independent: every sequence here is a Moji_Joho IVS of the MJ文字情報一覧表; a clerk typing the plain form
    finds the registered glyph (IVS stripped, then 異体字 folded)."""
    assert outside(registered) == []
    assert search_key(registered) == search_key(typed)


def test_search_keeps_the_new_mj_characters() -> None:
    """Consistency: characters outside every folding table (Ver.006 additions, Extension B) pass through the key
    unchanged, so they are found by themselves and by nothing else."""
    assert search_key("\u9fee田") == "\u9fee田"
    assert search_key("𠀋山") == "𠀋山"
    assert search_key("\u9fee田") != search_key("\u9fef田")
