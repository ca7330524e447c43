"""住民基本台帳の一部の写し（閲覧用）, the selection (標準仕様書 9.5, j1320; 住民基本台帳法第11条・第11条の2).

j1320 【実装すべき機能】: 「抽出条件を指定（例：支援対象者を除く、ランダム順位）した住民基本台帳の一部の写し（閲覧用）の
作成・出力ができること。」"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.domain.inspection import Criteria, Listed, Order, select

ON = dt.date(2026, 12, 7)
KANO, SANNOMIYA, SUMIYOSHI = "281100001", "281100002", "281010001"


def person(atena: str, banchi: str = "1番地", town: str = KANO, born: dt.date = dt.date(1980, 1, 1), sex: str = "M",
           **kw: object) -> Listed:
    return Listed(atena, kw.pop("setai", "S" + atena), f"氏名{atena}", born, sex, town, banchi, **kw)  # type: ignore[arg-type]


def test_only_the_chosen_towns_and_residents() -> None:
    """independent: j1320 — a list of the chosen area (町字); a person 消除 is not on the 住民基本台帳 (法第8条)."""
    people = [person("1"), person("2", town=SUMIYOSHI), person("3", status="removed")]
    got = select(people, Criteria((KANO,), ON), frozenset())
    assert [p.atena_number for p in got.people] == ["1"]


def test_protected_people_are_left_out_whatever_the_conditions() -> None:
    """independent: j1320 「支援対象者を除く」 — the protected are never listed, in either order."""
    people = [person("1"), person("2"), person("3")]
    for order in Order:
        got = select(people, Criteria((KANO,), ON, order=order, seed=7), frozenset({"2"}))
        assert [p.atena_number for p in got.people if p.atena_number == "2"] == []
        assert got.left_out == {"2"} and len(got.people) == 2


def test_address_order_reads_numbers_as_numbers_and_follows_the_towns_chosen() -> None:
    """independent: j1320 (並び順) — 住所順: 町字 in the order chosen, then 2番地 before 10番地 (全角 digits too)."""
    people = [person("a", "10番地"), person("b", "２番地"), person("c", "2番地", town=SANNOMIYA), person("d", "1番地")]
    got = select(people, Criteria((SANNOMIYA, KANO), ON), frozenset())
    assert [p.atena_number for p in got.people] == ["c", "d", "b", "a"]


def test_random_order_is_a_shuffle_that_the_recorded_seed_repeats() -> None:
    """consistency: j1320 「ランダム順位」 — the same people; the order depends on the seed and is repeatable."""
    people = [person(f"{i:03d}", f"{i}番地") for i in range(40)]
    by_address = [p.atena_number for p in select(people, Criteria((KANO,), ON), frozenset()).people]
    first = [p.atena_number for p in select(people, Criteria((KANO,), ON, order=Order.RANDOM, seed=1), frozenset()).people]
    again = [p.atena_number for p in select(people, Criteria((KANO,), ON, order=Order.RANDOM, seed=1), frozenset()).people]
    other = [p.atena_number for p in select(people, Criteria((KANO,), ON, order=Order.RANDOM, seed=2), frozenset()).people]
    assert sorted(first) == by_address and first != by_address
    assert first == again and first != other


def test_age_on_the_reference_day_follows_the_age_law() -> None:
    """independent: 年齢計算ニ関スル法律 — born 2008-12-08 is 18 at the end of 2026-12-07 (the day before the birthday)."""
    people = [person("18", born=dt.date(2008, 12, 8)), person("17", born=dt.date(2008, 12, 9)),
              person("65", born=dt.date(1961, 1, 1)), person("unborn", born=dt.date(2027, 1, 1))]
    got = select(people, Criteria((KANO,), ON, age_from=18, age_to=64), frozenset())
    assert [p.atena_number for p in got.people] == ["18"]


def test_sex_condition() -> None:
    """independent: j1320 (抽出条件) — 女 only."""
    got = select([person("m"), person("f", sex="F")], Criteria((KANO,), ON, sex="F"), frozenset())
    assert [p.atena_number for p in got.people] == ["f"]


@pytest.mark.parametrize(("change", "item"), [
    ({"town_codes": ()}, "town_codes"), ({"age_from": 30, "age_to": 20}, "age_from"), ({"age_to": 999}, "age_to"),
    ({"sex": "X"}, "sex"),
])
def test_conditions_that_cannot_make_a_list_are_refused_with_the_item(change: dict[str, object], item: str) -> None:
    """consistency: a refusal names the item in Japanese (house rule on bad input)."""
    with pytest.raises(RegistryError) as err:
        select([person("1")], dataclasses.replace(Criteria((KANO,), ON), **change), frozenset())  # type: ignore[arg-type]
    assert err.value.fields["field"] == item and err.value.message.endswith("。")


def test_conditions_in_words() -> None:
    """consistency: the conditions as printed on the list (町字 by name, no codes)."""
    words = Criteria((KANO,), ON, age_from=18, sex="F", order=Order.RANDOM).describe({KANO: "中央区加納町"})
    assert words == ["町字: 中央区加納町", "年齢（基準日現在）: 18歳以上", "性別: 女", "並び順: 無作為（ランダム）順"]
