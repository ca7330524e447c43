"""Worked examples published by municipalities and boundary cases, from tests/tax/cases/*.yaml.

Each case is computed twice: by the public path (``calculate``: the vectorised engine on a one-row table) and
by the scalar reference rules (``rules.assessment.assess``); both must give the published figures.
"""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.tax import parameters as P
from jichitai.tax.calc import calculate
from jichitai.tax.case import parse_case
from jichitai.tax.errors import TaxError, TaxInputError
from jichitai.tax.rules.assessment import assess
from tests.tax.conftest import load_cases, pick

WORKED = load_cases("worked_examples.yaml")
BOUNDARIES = load_cases("boundaries.yaml")
REFUSALS = load_cases("refusals.yaml")
MARGINS = load_cases("law_margins.yaml")

# answer path → reference-rule key, for the comparisons with the scalar rules
SCALAR_KEYS = {
    "salary_income": "salary_income", "pension_income": "pension_income", "income_adjustment": "income_adjustment",
    "taxable_income": "taxable_income", "city_income_levy": "city_income_levy", "pref_income_levy": "pref_income_levy",
    "total": "total", "exempt_per_capita": "exempt_per_capita", "exempt_income_levy": "exempt_income_levy",
    "income_deductions.total": "ded_total", "income_deductions.basic": "ded_basic",
    "tax_credits.adjustment.city": "adj_city", "tax_credits.adjustment.pref": "adj_pref",
    "tax_credits.donation.city": "donation_city", "tax_credits.donation.pref": "donation_pref",
    "exempt_limit_adjustment.city": "limit_adj_city", "exempt_limit_adjustment.pref": "limit_adj_pref",
    "income_deductions.widow": "ded_widow", "income_deductions.single_parent": "ded_single_parent",
    "income_deductions.disability": "ded_disability", "income_deductions.working_student": "ded_working_student",
    "tax_credits.withholding.city": "withheld_city", "tax_credits.withholding.pref": "withheld_pref",
    "gross_income_sum": "gross_income_sum", "listed_stock_loss.offset": "listed_loss_offset",
    "listed_stock_loss.carryover_used": "listed_carryover_used", "listed_stock_loss.remaining": "listed_loss_remaining",
    "listed_stock_loss.lapsed": "listed_carryover_lapsed", "listed_stock_loss.expired": "listed_carryover_expired",
    "listed_stock_loss.carried_forward.income_year": "listed_loss_left_0y",
    "listed_stock_loss.carried_forward.year_before": "listed_loss_left_1y",
    "listed_stock_loss.carried_forward.two_years_before": "listed_loss_left_2y",
    "listed_stock_loss.carried_forward.years_not_given": "listed_loss_left_undated",
    "taxable_separate.land_long_term_qualified": "taxable_land_long_term_qualified",
    "taxable_separate.land_long_term_residential": "taxable_land_long_term_residential",
}


def _check(entry: dict[str, Any]) -> None:
    answer = calculate(entry["case"])
    for path, expected in entry["expect"].items():
        assert pick(answer, path) == expected, f"{entry['name']}: {path}"
    case = parse_case(entry["case"])
    ref = assess(case, P.load(case.fiscal_year), case.municipality or P.municipality(None, case.fiscal_year))
    for path, key in SCALAR_KEYS.items():
        assert ref[key] == pick(answer, path), f"{entry['name']}: scalar {key}"


@pytest.mark.parametrize("entry", WORKED, ids=[e["name"] for e in WORKED])
def test_worked_example_reproduced_to_the_yen(entry: dict[str, Any]) -> None:
    """Independent: the figures a municipality published (its page named in ``source``), the only checks not
    derived from our own reading of the law."""
    assert entry["source"].split("「")[0].endswith(("市", "町", "村", "区")) and "http" in entry["source"]
    _check(entry)


@pytest.mark.parametrize("entry", BOUNDARIES, ids=[e["name"] for e in BOUNDARIES])
def test_boundary(entry: dict[str, Any]) -> None:
    _check(entry)


@pytest.mark.parametrize("entry", MARGINS, ids=[e["name"] for e in MARGINS])
def test_law_at_the_margins(entry: dict[str, Any]) -> None:
    """Independent: each expected figure is worked by hand from the article its entry cites."""
    _check(entry)


@pytest.mark.parametrize("entry", REFUSALS, ids=[e["name"] for e in REFUSALS])
def test_bad_input_is_refused_naming_the_field(entry: dict[str, Any]) -> None:
    with pytest.raises(TaxInputError) as err:
        calculate(entry["case"])
    assert err.value.fields["field"] == entry["field"]
    assert err.value.message


def test_unchecked_fiscal_year_is_refused_not_guessed() -> None:
    with pytest.raises(TaxError):
        calculate({"fiscal_year": 2027, "taxpayer": {"birth_date": "1980-01-01"}})


def test_steps_follow_the_law_and_name_their_basis() -> None:
    answer = calculate(WORKED[0]["case"])
    rules = [s["rule"] for s in answer["steps"]]
    assert rules.index("合計所得金額") < rules.index("基礎控除") < rules.index("課税総所得金額 (千円未満切捨て)")
    assert rules.index("課税総所得金額 (千円未満切捨て)") < rules.index("調整控除 (市民税)") < rules.index("年税額")
    assert all(s["basis"] for s in answer["steps"])
    assert answer["steps"][-1]["value"] == answer["total"]


def test_a_carried_loss_older_than_three_years_is_said_in_the_explanation() -> None:
    """Independent (附則第35条の2の6, 租税特別措置法第37条の12の2第5項): a loss of 2021 is not brought into 令和8年度
    (所得の年 2025; 前年前3年内 = 2022–2024); the answer says so with the amount and the article."""
    answer = calculate({"fiscal_year": 2026, "taxpayer": {"birth_date": "1960-05-01"},
                        "separate_income": {"listed_stock": 500000},
                        "carryover": {"listed_stock_loss_by_year": [{"year": 2021, "amount": 400000}]}})
    step = next(s for s in answer["steps"] if "3年を過ぎた" in s["rule"])
    assert step["value"] == 400000 and "附則第35条の2の6" in step["basis"]
    assert answer["listed_stock_loss"]["carryover_used"] == 0 and answer["gross_income_sum"] == 500000


def test_what_is_carried_forward_is_explained_by_year_with_the_article() -> None:
    """Independent (租税特別措置法第37条の12の2第5項, 同法施行令第25条の11の2第8項, 地方税法附則第35条の2の6): 令和8年度
    (所得の年 2025), 譲渡所得等 100,000 against 2023年 150,000 and 2024年 80,000: the older 2023 loss first → 50,000 of
    it left (its last year is 2026), 2024's 80,000 untouched. The explanation names each year's amount and the article."""
    answer = calculate({"fiscal_year": 2026, "taxpayer": {"birth_date": "1960-05-01"},
                        "separate_income": {"listed_stock": 100000},
                        "carryover": {"listed_stock_loss_by_year": [{"year": 2024, "amount": 80000},
                                                                    {"year": 2023, "amount": 150000}]}})
    steps = {s["rule"]: s for s in answer["steps"]}
    assert steps["翌年に繰り越す譲渡損失のうち2023年分 (翌年が3年目で最後)"]["value"] == 50000
    assert steps["翌年以後に繰り越す譲渡損失のうち2024年分 (あと2年)"]["value"] == 80000
    assert all("租税特別措置法第37条の12の2第5項" in s["basis"] for r, s in steps.items() if "繰り越す譲渡損失のうち" in r)
    assert answer["listed_stock_loss"]["remaining"] == 130000 and answer["listed_stock_loss"]["lapsed"] == 0


def test_the_column_engine_refuses_a_sum_and_years_together_naming_the_column() -> None:
    """Consistency: the column form refuses what the case parser refuses (a carried sum and losses by year in
    one row), naming the column and the row."""
    import numpy as np

    from jichitai.tax.calc import calculate_many
    from jichitai.tax.calc.explain import case_tables

    tp, rel = case_tables([parse_case({"fiscal_year": 2026, "taxpayer": {"birth_date": "1960-05-01"}})] * 2)
    tp["carryover_listed_stock_loss"] = np.array([0, 100], np.int64)
    tp["carryover_listed_loss_2y"] = np.array([0, 100], np.int64)
    with pytest.raises(TaxInputError) as err:
        calculate_many(tp, rel, fiscal_year=2026)
    assert err.value.fields["field"] == "carryover_listed_stock_loss" and err.value.fields["row"] == 1
