"""Issue 19 items 2 and 4: the 調整控除 difference of the 配偶者特別控除 in 令和8年度, a partial ``municipality``
block, ``relation: null``, and bad input that is always a named refusal (never a crash)."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from jichitai.tax import parameters as P
from jichitai.tax.calc import calculate
from jichitai.tax.case import parse_case
from jichitai.tax.errors import TaxError, TaxInputError
from jichitai.tax.rules.assessment import assess


def _difference(fiscal_year: int, spouse_income: int) -> int:
    case = parse_case({"fiscal_year": fiscal_year, "taxpayer": {"birth_date": "1980-01-01"},
                       "income": {"salary": 5_000_000},
                       "spouse": {"birth_date": "1982-01-01", "total_income": spouse_income}})
    ref = assess(case, P.load(fiscal_year), P.municipality(None, fiscal_year))
    step = next(s for s in calculate(case)["steps"] if s["rule"] == "人的控除額の差の合計")
    assert step["value"] == ref["personal_difference"]
    return int(ref["personal_difference"])


@pytest.mark.parametrize(("spouse_income", "expected"), [(580_001, 50_000), (599_999, 50_000), (600_000, 50_000),
                                                         (649_999, 50_000), (1_000_000, 50_000)])
def test_reiwa8_spouse_special_adds_no_personal_difference(spouse_income: int, expected: int) -> None:
    """Independent: 江戸川区 令和8年度「人的控除の差額一覧」lists 配偶者特別控除 as 適用なし (地方税法第314条の6の差の
    rows 48万超50万未満 / 50万以上55万未満 lie inside the 配偶者控除 range once that is 58万以下). Only 基礎控除 5万 is left."""
    assert _difference(2026, spouse_income) == expected


@pytest.mark.parametrize(("spouse_income", "expected"), [(490_000, 100_000), (500_000, 80_000), (549_999, 80_000),
                                                         (550_000, 50_000)])
def test_reiwa7_spouse_special_differences_unchanged(spouse_income: int, expected: int) -> None:
    """Independent: 令和7年度 第314条の6 (天草市の表): 48万超50万未満 5万, 50万以上55万未満 3万, plus 基礎控除 5万."""
    assert _difference(2025, spouse_income) == expected


SALARY_CASE = {"fiscal_year": 2026, "taxpayer": {"birth_date": "1980-05-01"}, "income": {"salary": 5_000_000},
               "deductions": {"social_insurance": 700_000}}


def test_partial_municipality_takes_the_statutory_standard_and_says_so() -> None:
    """Independent (statute): a block with only the 市民税 均等割 (e.g. 3,500円) takes 標準税率 市6%・県4% (地方税法
    第314条の3・第35条), 県 均等割 1,000 (第38条), 森林環境税 1,000, 1級地 限度額; the answer lists what it assumed."""
    answer = calculate({**SALARY_CASE, "municipality": {"city_per_capita": 3500}})
    assumed = {a["field"] for a in answer["municipality"]["assumed"]}
    assert "municipality.city_per_capita" not in assumed
    assert {"municipality.designated_city", "municipality.city_income_rate", "municipality.pref_income_rate",
            "municipality.pref_per_capita", "municipality.forest_env_tax", "municipality.exempt_base"} <= assumed
    assert all(a["basis"] for a in answer["municipality"]["assumed"])
    # 給与 500万 − 144万 = 356万; 控除 43万 + 70万 = 113万; 課税 243万; 市 6% 145,800 − 調整控除 1,500 (5万床 × 3%)
    assert answer["taxable_income"] == 2_430_000
    assert answer["city_income_levy"] == 144_300 and answer["pref_income_levy"] == 96_200
    assert answer["city_per_capita"] == 3500 and answer["pref_per_capita"] == 1000 and answer["forest_env_tax"] == 1000


def test_designated_city_block_alone_takes_the_designated_rates() -> None:
    answer = calculate({**SALARY_CASE, "municipality": {"designated_city": True}})
    assert answer["city_income_levy"] == 192_400 and answer["pref_income_levy"] == 48_100  # 8% − 2,000; 2% − 500
    assert "municipality.designated_city" not in {a["field"] for a in answer["municipality"]["assumed"]}


def test_full_block_assumes_nothing() -> None:
    block = {"designated_city": True, "city_income_rate": "0.08", "pref_income_rate": "0.02", "city_per_capita": 3400,
             "pref_per_capita": 1800, "forest_env_tax": 1000, "exempt_base": 350000, "exempt_add": 100000,
             "exempt_dependent_add_per_capita": 210000, "exempt_dependent_add_income": 320000,
             "income_exempt_base": 350000}
    assert calculate({**SALARY_CASE, "municipality": block})["municipality"]["assumed"] == []


def test_relation_null_is_a_relative_who_is_not_a_lineal_ascendant() -> None:
    """Independent: 同居老親等 (地方税法第314条の2第1項第11号, 45万) needs a lineal ascendant; relation null → 老人 38万."""
    elder = {"birth_date": "1945-01-01", "total_income": 0, "cohabiting": True}
    as_parent = calculate({**SALARY_CASE, "dependents": [{**elder, "relation": "parent"}]})
    as_null = calculate({**SALARY_CASE, "dependents": [{**elder, "relation": None}]})
    no_key = calculate({**SALARY_CASE, "dependents": [elder]})
    assert as_parent["income_deductions"]["dependent"] == 450_000
    assert as_null["income_deductions"]["dependent"] == 380_000 == no_key["income_deductions"]["dependent"]


FULL = {
    "fiscal_year": 2026,
    "municipality": {"designated_city": True, "city_income_rate": "0.08", "city_per_capita": 3400},
    "taxpayer": {"birth_date": "1980-05-01", "sex": "female", "disability": None, "widow": False,
                 "single_parent": True, "working_student": False, "public_assistance": False},
    "income": {"salary": 3_000_000, "public_pension": 0, "business": 0, "misc_other": 0, "dividend": 1000},
    "deductions": {"social_insurance": 400_000, "life_insurance": {"general_new": 50_000},
                   "medical_expenses": {"paid": 200_000, "reimbursed": 0}},
    "spouse": None,
    "dependents": [{"birth_date": "2012-01-01", "total_income": 0, "cohabiting": True, "relation": "child",
                    "disability": None}],
    "donations": {"furusato": 30_000, "other": 0},
    "separate_income": {"listed_stock": 100_000},
    "local_tax_withheld": {"stock_transfer": 5_000},
    "housing_loan_credit": 0,
}
WEIRD: list[Any] = [None, True, -1, 1.5, "x", "", [], {}, [1], {"a": 1}, 10**30, -(10**30), "2026-01-01", "nan",
                    float("inf")]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


def test_any_wrong_type_or_absurd_value_is_a_named_refusal_never_a_crash() -> None:
    """Consistency: every field of a full case replaced by each odd value either computes or raises a TaxError
    (TaxInputError naming a field of the case); nothing else escapes (an API 500)."""
    rng = random.Random(19)
    assert calculate(FULL)["total"] > 0
    for path in _paths(FULL):
        for value in WEIRD:
            case = copy.deepcopy(FULL)
            node: Any = case
            for part in path[:-1]:
                node = node[part]
            node[path[-1]] = value
            try:
                calculate(case)
            except TaxInputError as err:
                assert err.fields["field"] and err.message
            except TaxError:
                pass
    for _ in range(200):  # whole sections replaced
        case = copy.deepcopy(FULL)
        case[rng.choice(list(case))] = rng.choice(WEIRD)
        try:
            calculate(case)
        except TaxError:
            pass


def test_a_mark_whose_conditions_fail_is_explained_with_its_article() -> None:
    """Independent (statute): a man marked 寡婦 gets no 寡婦控除 (所得税法第2条第1項第30号) and the answer says why;
    so does a ひとり親 without a 子 (地方税法第292条第1項第12号)."""
    man = calculate({"fiscal_year": 2026, "taxpayer": {"birth_date": "1970-01-01", "sex": "male", "widow": True},
                     "income": {"salary": 3_000_000}})
    assert man["income_deductions"]["widow"] == 0
    step = next(s for s in man["steps"] if s["rule"].startswith("寡婦控除の要件"))
    assert "所得税法第2条第1項第30号" in step["basis"] and step["value"] is True
    lone = calculate({"fiscal_year": 2026, "taxpayer": {"birth_date": "1985-01-01", "single_parent": True},
                      "income": {"salary": 3_000_000}})
    assert any(s["rule"].startswith("ひとり親控除の要件") and "第292条第1項第12号" in s["basis"] for s in lone["steps"])
    woman = calculate({"fiscal_year": 2026, "taxpayer": {"birth_date": "1970-01-01", "sex": "female", "widow": True},
                       "income": {"salary": 3_000_000}})
    assert woman["income_deductions"]["widow"] == 260_000
    assert not any(s["rule"].startswith("寡婦控除の要件") for s in woman["steps"])


def test_the_limit_adjustment_and_separate_taxation_name_their_articles() -> None:
    answer = calculate({"fiscal_year": 2026, "taxpayer": {"birth_date": "1990-01-01"}, "income": {"salary": 1_100_500}})
    step = next(s for s in answer["steps"] if s["rule"].startswith("非課税限度額に係る調整による減額 (市民税"))
    assert step["basis"] == "地方税法附則第3条の3第5項" and step["value"] == 400
    sep = calculate({"fiscal_year": 2026, "taxpayer": {"birth_date": "1970-01-01"},
                     "separate_income": {"land_long_term": 3_000_000}, "local_tax_withheld": {"dividend": 0}})
    bases = " ".join(s["basis"] for s in sep["steps"])
    assert "地方税法附則第34条" in bases and sep["taxable_separate"]["land_long_term"] == 2_570_000
