"""異体字 folding for search (issue 22 item 5): a clerk typing the common form finds the registered variant and
the other way round; IVS and standardized variation selectors are dropped before matching."""

from __future__ import annotations

import csv
import unicodedata
from importlib.resources import files

import pytest

from jichitai.common.text import ITAIJI, search_key


@pytest.mark.parametrize(("registered", "typed"), [
    ("髙橋", "高橋"), ("𠮷野", "吉野"),                      # the examples
    ("齋藤", "斎藤"), ("齊藤", "斎藤"), ("齋藤", "齊藤"),
    ("渡邊", "渡辺"), ("渡邉", "渡辺"), ("渡邊", "渡邉"),
    ("山﨑", "山崎"), ("德川", "徳川"), ("澤田", "沢田"), ("濱田", "浜田"), ("長嶋", "長島"),
    ("渡邉\U000E0104", "渡辺"), ("葛\U000E0100飾", "葛飾"), ("髙\uFE00橋", "高橋"),  # IVS, SVS
])
def test_search_key_folds_itaiji_both_ways(registered: str, typed: str) -> None:
    """Independent: the pairs are the issue's examples and variants listed in Unihan_Variants.txt (Unicode
    14.0) or the 常用漢字表's 旧字体; the two forms must give one key whichever of them is stored."""
    assert search_key(registered) == search_key(typed)
    assert search_key(typed) == search_key(registered)


@pytest.mark.parametrize(("one", "other"), [("高橋", "髙田"), ("吉野", "吉田"), ("崎", "埼"), ("藤", "籐")])
def test_search_key_keeps_different_characters_apart(one: str, other: str) -> None:
    """Folding does not merge characters that are not variants of each other (埼 and 籐 are left out on purpose)."""
    assert search_key(one) != search_key(other)


def test_itaiji_table_states_a_source_for_every_row_and_is_stable() -> None:
    """Consistency: every row names its source; every folded form is itself left alone (one step reaches the
    common form) and no row folds a character that NFKC would already change (it would never be reached)."""
    with files("jichitai.common").joinpath("itaiji.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows and all(r["source"].strip() for r in rows)
    assert len(rows) == len(ITAIJI)
    for r in rows:
        assert len(r["variant"]) == 1 and len(r["folded_to"]) == 1, r
        assert ord(r["folded_to"]) not in ITAIJI, r
        assert unicodedata.normalize("NFKC", r["variant"]) == r["variant"], r
