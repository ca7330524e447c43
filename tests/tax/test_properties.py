"""Property tests on random populations (hypothesis).

- the vectorised engine (``calculate_many``) equals the scalar reference rules (``assess``) row by row;
- one row computed alone equals the same row computed in bulk;
- tax is never negative and no figure is below zero;
- tax is monotone in salary with everything else fixed (donations excluded: the 寄附金 basic credit grows
  with 総所得金額等 × 30%, so by law more income can mean a larger credit).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from jichitai.tax import parameters as P
from jichitai.tax.calc import OUTPUT_COLUMNS, calculate_many
from jichitai.tax.calc.explain import case_tables
from jichitai.tax.case import Case, Relative
from jichitai.tax.rules.assessment import assess

YEARS = st.sampled_from([2025, 2026])
MUNIS = st.sampled_from(["281000", "412015"])
money = st.one_of(st.just(0), st.integers(0, 3_000_000), st.integers(0, 40_000_000))
small = st.one_of(st.just(0), st.integers(0, 150_000))
income_of_relative = st.one_of(st.just(0), st.integers(0, 1_500_000), st.sampled_from([480_000, 480_001, 580_000,
                                                                                       580_001, 950_000, 1_230_000]))


def births(lo: int = 1925, hi: int = 2024) -> st.SearchStrategy[dt.date]:
    return st.dates(dt.date(lo, 1, 1), dt.date(hi, 12, 31))


relatives = st.builds(Relative, birth_date=births(), total_income=income_of_relative,
                      disability=st.integers(0, 3), cohabiting=st.booleans(), lineal_ascendant=st.booleans(),
                      child=st.booleans())
separate = st.one_of(st.just(0), st.just(0), st.integers(0, 20_000_000))


@st.composite
def cases(draw: st.DrawFn, fiscal_year: int) -> Case:
    single_parent = draw(st.booleans())
    long_term, listed_stock = draw(separate), draw(separate)
    qualified = draw(st.one_of(st.just(0), st.integers(0, long_term)))
    residential = draw(st.one_of(st.just(0), st.integers(0, long_term - qualified)))
    # 上場株式等に係る譲渡損失 by the year it arose: within the 3 years and older (附則第35条の2の6)
    years = draw(st.lists(st.integers(fiscal_year - 7, fiscal_year - 2), max_size=4, unique=True))
    by_year = tuple(sorted((y, draw(st.integers(1, 3_000_000))) for y in years))
    return Case(
        fiscal_year=fiscal_year, birth_date=draw(births(1930, 2008)), female=draw(st.booleans()),
        disability=draw(st.integers(0, 3)), widow=not single_parent and draw(st.booleans()),
        single_parent=single_parent, working_student=draw(st.booleans()),
        public_assistance=draw(st.integers(0, 20)) == 0,
        salary=draw(st.one_of(money, st.sampled_from([1_100_000, 1_100_001, 1_900_000, 6_600_000, 8_500_001]))),
        public_pension=draw(st.one_of(st.just(0), st.integers(0, 12_000_000))),
        business=draw(st.one_of(st.just(0), money)), real_estate=draw(small), misc_other=draw(small), dividend=draw(st.one_of(st.just(0), money)),
        social_insurance=draw(st.integers(0, 1_500_000)), small_enterprise_mutual_aid=draw(small),
        life_general_new=draw(small), life_pension_new=draw(small), life_medical_care_new=draw(small),
        life_general_old=draw(small), life_pension_old=draw(small), earthquake_insurance=draw(small),
        long_term_damage_insurance_old=draw(st.integers(0, 30_000)), medical_paid=draw(st.integers(0, 3_000_000)),
        medical_reimbursed=draw(st.integers(0, 500_000)), donation_furusato=draw(st.integers(0, 1_000_000)),
        donation_other=draw(st.integers(0, 200_000)), housing_loan_credit=draw(st.integers(0, 140_000)),
        widow_divorced=draw(st.booleans()), sep_short_term=draw(separate), sep_long_term=long_term,
        sep_general_stock=draw(separate), sep_listed_stock=listed_stock, sep_listed_dividend=draw(separate),
        sep_long_term_qualified=qualified, sep_long_term_residential=residential,
        sep_listed_stock_loss=0 if listed_stock else draw(separate),
        carryover_listed_stock_loss=0 if by_year else draw(separate), carryover_listed_by_year=by_year,
        withheld_dividend=draw(st.integers(0, 100_000)), withheld_stock_transfer=draw(st.integers(0, 100_000)),
        donation_onestop=draw(st.booleans()),
        spouse=draw(st.none() | relatives), dependents=tuple(draw(st.lists(relatives, max_size=4))),
    )


@st.composite
def populations(draw: st.DrawFn) -> tuple[int, str, list[Case]]:
    fy = draw(YEARS)
    return fy, draw(MUNIS), draw(st.lists(cases(fy), min_size=1, max_size=25))


def _bulk(fy: int, code: str, population: list[Case]) -> dict[str, np.ndarray]:
    tp, rel = case_tables(population)
    return calculate_many(tp, rel, fiscal_year=fy, municipality=P.municipality(code, fy))


@settings(max_examples=60, deadline=None)
@given(populations())
def test_vector_engine_equals_scalar_rules(pop: tuple[int, str, list[Case]]) -> None:
    fy, code, population = pop
    out = _bulk(fy, code, population)
    p, m = P.load(fy), P.municipality(code, fy)
    for i, case in enumerate(population):
        ref = assess(case, p, m)
        got = {k: out[k][i].item() for k in OUTPUT_COLUMNS}
        assert got == ref, f"row {i}: " + ", ".join(f"{k}: {got[k]} != {ref[k]}" for k in ref if got[k] != ref[k])


@settings(max_examples=40, deadline=None)
@given(populations())
def test_one_row_equals_bulk_and_nothing_is_negative(pop: tuple[int, str, list[Case]]) -> None:
    fy, code, population = pop
    out = _bulk(fy, code, population)
    for k in OUTPUT_COLUMNS:
        assert (out[k] >= 0).all(), k
    for i, case in enumerate(population):
        alone = _bulk(fy, code, [case])
        assert {k: alone[k][0].item() for k in OUTPUT_COLUMNS} == {k: out[k][i].item() for k in OUTPUT_COLUMNS}


@settings(max_examples=60, deadline=None)
@given(YEARS.flatmap(lambda fy: st.tuples(st.just(fy), cases(fy))), MUNIS,
       st.lists(st.integers(0, 30_000_000), min_size=2, max_size=12))
def test_tax_is_monotone_in_salary(drawn: tuple[int, Case], code: str, salaries: list[int]) -> None:
    fy, case = drawn
    base = dataclasses.replace(case, donation_furusato=0, donation_other=0)
    salaries = sorted(salaries)
    out = _bulk(fy, code, [dataclasses.replace(base, salary=s) for s in salaries])
    assert (np.diff(out["total"]) >= 0).all(), list(zip(salaries, out["total"].tolist(), strict=True))
