"""Japanese text: NFKC normalisation, kana folding for search, ideographic variation sequences.

Names are stored exactly as entered (ideographic variation selectors U+E0100–E01EF kept). Searching goes
through :func:`search_key`, which folds what a clerk would consider the same: half-width and full-width
(NFKC), hiragana and katakana, variation selectors, spaces.
"""

from __future__ import annotations

import unicodedata

_IVS = range(0xE0100, 0xE01F0)
_SVS = range(0xFE00, 0xFE10)
# str.translate tables (one C-level pass instead of a Python loop per character: every 異動 computes keys)
_NO_SELECTORS: dict[int, None] = dict.fromkeys((*_IVS, *_SVS))
_TO_KATAKANA = {cp: cp + 0x60 for cp in range(ord("ぁ"), ord("ゖ") + 1)}
_TO_HIRAGANA = {cp: cp - 0x60 for cp in range(ord("ァ"), ord("ヶ") + 1)}


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


def search_key(text: str) -> str:
    """The form used for matching names and readings: NFKC, katakana, no variation selectors, no spaces."""
    folded = hiragana_to_katakana(nfkc(strip_variation_selectors(text)))
    return "".join(folded.split())


def is_katakana_reading(text: str) -> bool:
    """True when ``text`` (after NFKC) holds only katakana, the prolonged sound mark and spaces."""
    for ch in nfkc(text):
        if ch.isspace() or ch in "ー・":
            continue
        if not ("ァ" <= ch <= "ヺ"):
            return False
    return bool(text.strip())
