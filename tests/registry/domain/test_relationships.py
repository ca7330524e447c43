"""続柄 (j110, 標準仕様書 1.1.11, 第1.0版) — independent: the list is the standard's text.

「以下に示す続柄を管理できること。① 世帯主 ② 夫、妻、夫（未届）、妻（未届）、子、子（子の夫）、子（子の妻）、父、母、兄、
姉、弟及び妹 ③ ②を４世代（※）まで「の」でつなげたもの（例：子の子の子の子） ④ 縁故者 ⑤ 同居人」
「③を５世代以上つなげる必要がある場合（例：子の子の子の子の子）は、「縁故者」とすること。」"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from jichitai.registry.domain import MemoryLedger, NewPerson, RegistryError
from jichitai.registry.domain.person import (
    FEMALE,
    MALE,
    STANDARD_TERMS,
    is_relationship,
    relationship_generation,
    relationship_sex,
    standard_terms,
)
from tests.registry.domain.conftest import move_in

# ② exactly as the standard lists it (reading order of the text).
LISTED = ("夫", "妻", "夫（未届）", "妻（未届）", "子", "子（子の夫）", "子（子の妻）", "父", "母", "兄", "姉", "弟", "妹")


def chains(generations: int) -> list[str]:
    return ["の".join(p) for p in itertools.product(LISTED, repeat=generations)]


def test_every_entry_of_the_standard_is_accepted() -> None:
    """①, ④, ⑤ and every chain of ② of one to four generations (30,940 of them), each parsed into its terms."""
    assert set(STANDARD_TERMS) == set(LISTED)
    for word in ("世帯主", "縁故者", "同居人"):
        assert is_relationship(word), word
    count = 0
    for generations in range(1, 5):
        for word in chains(generations):
            assert is_relationship(word), word
            terms = standard_terms(word)
            assert terms is not None and len(terms) == generations, word
            count += 1
    assert count == 13 + 13 ** 2 + 13 ** 3 + 13 ** 4
    for word in ("子の子", "子の子の子の子", "父の兄の子", "子（子の夫）の子", "妻の父", "父の妻（未届）"):
        assert is_relationship(word), word


def test_five_generations_and_other_words_are_not_standard() -> None:
    """「子の子の子の子の子」 is 「縁故者」 under the standard, not a 続柄 of its own; a word outside ② is no 続柄."""
    assert standard_terms("子の子の子の子の子") is None and not is_relationship("子の子の子の子の子")
    for word in ("ペット", "子の", "の子", "子のの子", "子（子の夫", "家事使用人", "準世帯主", ""):
        assert not is_relationship(word), word


def test_sex_and_generation_follow_the_terms() -> None:
    """The last term says the sex (「父の妻」 is a woman, 「子（子の夫）」 a man); only 子 terms are younger, only
    父・母 older (consistency with the 性別・年齢 checks of the household)."""
    assert relationship_sex("子の子") == "" and relationship_sex("父の妻") == FEMALE
    assert relationship_sex("子（子の夫）") == MALE and relationship_sex("母の兄") == MALE
    assert relationship_generation("子の子の子") == -1 and relationship_generation("父の母") == 1
    assert relationship_generation("父の兄の子") == 0 and relationship_generation("妻の父") == 1  # the kept word


def test_a_grandchild_recorded_as_ko_no_ko(ledger: MemoryLedger) -> None:
    """The issue's case: 「子の子」 was refused; a household with a 子の子 and a 父の母 is recorded."""
    _, change = move_in(
        ledger,
        NewPerson("青木 太郎", "アオキ タロウ", dt.date(1960, 1, 7), "M", "世帯主"),
        NewPerson("青木 翔", "アオキ ショウ", dt.date(2015, 5, 5), "M", "子の子"),
        NewPerson("青木 トメ", "アオキ トメ", dt.date(1912, 3, 3), "F", "父の母"),
        NewPerson("青木 次郎", "アオキ ジロウ", dt.date(1962, 3, 3), "M", "弟"),
        NewPerson("青木 陸", "アオキ リク", dt.date(1995, 3, 3), "M", "弟の子"),
    )
    assert [e.after.relationship for e in change.entries] == ["世帯主", "子の子", "父の母", "弟", "弟の子"]


@pytest.mark.parametrize(("new", "code"), [
    (NewPerson("青木 翔", "アオキ ショウ", dt.date(1950, 5, 5), "M", "子の子"), "relationship_age"),
    (NewPerson("青木 翔", "アオキ ショウ", dt.date(2015, 5, 5), "F", "子（子の夫）"), "relationship_sex"),
    (NewPerson("青木 翔", "アオキ ショウ", dt.date(2015, 5, 5), "M", "子の子の子の子の子"), "invalid_relationship"),
])
def test_chains_are_checked_against_the_household(ledger: MemoryLedger, new: NewPerson, code: str) -> None:
    """Bad input: a 子の子 older than the 世帯主, a 子（子の夫） recorded as female, five generations."""
    head = NewPerson("青木 太郎", "アオキ タロウ", dt.date(1960, 1, 7), "M", "世帯主")
    with pytest.raises(RegistryError) as info:
        move_in(ledger, head, new)
    assert info.value.code == code


def test_standard_words_rank_with_the_words_they_replace() -> None:
    """j1010/5.2 (記載順位): 子の子 with 孫 (rank 2), 父の父・母の母 with 祖父・祖母 (rank 3) — consistency with the
    ranks the certificates already gave the older words."""
    from jichitai.registry.certificates.ordering import relationship_rank

    assert relationship_rank("子の子") == relationship_rank("孫") == relationship_rank("子の子の子")
    assert relationship_rank("父の父") == relationship_rank("母の母") == relationship_rank("祖父")
