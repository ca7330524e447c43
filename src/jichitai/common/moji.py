"""文字要件: the characters a name or an address may hold, and the check every entry point applies.

Standard systems use the 行政事務標準文字 (MJ-based; no 外字: 住民記録システム標準仕様書 1.4, 地方公共団体情報システム
データ要件・連携要件標準仕様書 文字要件). A character is one code point, or a code point followed by a variation
selector (an ideographic variation sequence U+E0100–E01EF of the Moji_Joho collection, or a standardized variation
sequence U+FE00): the glyph registered for a name is the sequence, so the sequence is what is checked — 葛 with
U+E0102 is MJ022335, 葛 with U+E0100 (an Adobe-Japan1 sequence) is no MJ character.

The set (``moji_set.txt``, built by scripts/build-moji-set.py, committed) is the MJ文字情報一覧表 Ver.006.02 plus
the non-kanji of JIS X 0213:2004 and ASCII; docs/moji.md says which parts are confirmed and which are a proxy.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

IVS = range(0xE0100, 0xE01F0)
SVS = range(0xFE00, 0xFE10)


@dataclass(frozen=True)
class CharacterSet:
    bare: frozenset[int]
    sequences: frozenset[tuple[int, int]]

    def __contains__(self, character: str) -> bool:
        """``character``: one code point, or a base and its variation selector."""
        if len(character) == 1:
            return ord(character) in self.bare
        if len(character) == 2:
            return (ord(character[0]), ord(character[1])) in self.sequences
        return False


@lru_cache(maxsize=1)
def standard_characters() -> CharacterSet:
    bare: set[int] = set()
    sequences: set[tuple[int, int]] = set()
    section = ""
    text = files("jichitai.common").joinpath("moji_set.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line
            continue
        if section == "[bare]":
            for part in line.split():
                first, _, last = part.partition("-")
                bare.update(range(int(first, 16), int(last or first, 16) + 1))
        elif section == "[sequences]":
            base, *selectors = (int(p, 16) for p in line.split())
            sequences.update((base, s) for s in selectors)
    return CharacterSet(frozenset(bare), frozenset(sequences))


def is_selector(ch: str) -> bool:
    return ord(ch) in IVS or ord(ch) in SVS


def characters(text: str) -> list[tuple[int, str]]:
    """``text`` as (position from 1, character) where a character is a code point with the variation selector that
    follows it, if any. A selector with no base (at the start, or after another selector) is a character of its
    own (and in no set)."""
    out: list[tuple[int, str]] = []
    for ch in text:
        if is_selector(ch) and out and len(out[-1][1]) == 1 and not is_selector(out[-1][1]):
            out[-1] = (out[-1][0], out[-1][1] + ch)
        else:
            out.append((len(out) + 1, ch))
    return out


def codepoints(character: str) -> str:
    return " ".join(f"U+{ord(c):04X}" for c in character)


@dataclass(frozen=True)
class Outside:
    """A character of a value that is not in the set: its position (characters from 1, a sequence counting as one)."""

    position: int
    character: str

    @property
    def codepoints(self) -> str:
        return codepoints(self.character)


def outside(text: str) -> list[Outside]:
    """Every character of ``text`` outside the 行政事務標準文字 set, in order (empty when all are in it)."""
    charset = standard_characters()
    return [Outside(pos, ch) for pos, ch in characters(text) if ch not in charset]


def outside_message(label: str, found: Outside) -> str:
    """「氏名の『X』(U+XXXX) は行政事務標準文字にありません。」 — the item, the character as entered, its code points."""
    return (f"{label}の『{found.character}』({found.codepoints}) は行政事務標準文字にありません。"
            "文字情報基盤（MJ）の文字で入力してください（外字は使えません）。")


def moji_problem(value: str, label: str) -> str | None:
    """The reason ``value`` cannot be a name or address item called ``label`` (its first character outside the
    set), or ``None``."""
    found = outside(value)
    return outside_message(label, found[0]) if found else None


@dataclass(frozen=True)
class CharacterInfo:
    """One character of a 文字コード照会 (標準仕様書 2.2.3, j370): what a clerk needs to tell two look-alike glyphs
    apart and to name the one registered."""

    position: int
    character: str
    codepoints: str  # U+845B U+E0102: the code point and its variation selector, if any
    standard: bool  # in the 行政事務標準文字 (MJ) set, as the entry check reads it
    jis: str  # JIS X 0213:2004 面・区・点 of a bare character (「1面16区01点」), "" when it has none
    searched_as: str  # what the search matches it as, when not itself (髙 → 高; a selector dropped)


def _jis_x0213(character: str) -> str:
    """面区点 from the EUC-JIS-2004 bytes (a 2-byte code is plane 1, 0x8F + 2 bytes plane 2; 区 and 点 are each
    byte − 0xA0): JIS X 0213:2004 Annex C's EUC encoding. ASCII and 半角カナ have no 面区点."""
    if len(character) != 1:
        return ""
    try:
        raw = character.encode("euc_jis_2004")
    except UnicodeEncodeError:
        return ""
    if len(raw) == 2 and raw[0] >= 0xA1:
        return f"1面{raw[0] - 0xA0}区{raw[1] - 0xA0:02d}点"
    if len(raw) == 3 and raw[0] == 0x8F:
        return f"2面{raw[1] - 0xA0}区{raw[2] - 0xA0:02d}点"
    return ""


def lookup(text: str) -> list[CharacterInfo]:
    """Every character of ``text`` (a selector kept with its base) with its codes; spaces left out."""
    from jichitai.common.text import search_key

    charset = standard_characters()
    out = []
    for pos, ch in characters(text):
        if ch.isspace():
            continue
        key = search_key(ch)
        out.append(CharacterInfo(pos, ch, codepoints(ch), ch in charset, _jis_x0213(ch),
                                 key if key != ch else ""))
    return out
