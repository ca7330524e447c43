"""Column helpers of the vectorised engine (:mod:`jichitai.tax.calc`): reading and checking input columns,
legal ages, and the band tables of the law applied to whole NumPy int64 columns. Money is int64 yen; a rate
is applied as ``(x * num) // den`` with the exact fraction from the parameters, never a float.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from jichitai.tax.errors import TaxInputError
from jichitai.tax.rules.separate import ATTRS as SEPARATE_ATTRS
from jichitai.tax.rules.separate import CARRIED_FORWARD

I64 = np.int64
# 上場株式等に係る譲渡損失 brought in by the year it arose: 3, 2 and 1 years before the income year (oldest first),
# then the sum of those older than 3 years (not deducted: 地方税法附則第35条の2の6)
CARRIED_COLUMNS = ("carryover_listed_loss_3y", "carryover_listed_loss_2y", "carryover_listed_loss_1y")
TAXPAYER_AMOUNTS = (
    "salary", "public_pension", "business", "real_estate", "misc_other", "dividend", "social_insurance",
    "small_enterprise_mutual_aid", "life_general_new", "life_pension_new", "life_medical_care_new",
    "life_general_old", "life_pension_old", "earthquake_insurance", "long_term_damage_insurance_old",
    "medical_paid", "medical_reimbursed", "donation_furusato", "donation_other", "housing_loan_credit",
    "sep_short_term", "sep_long_term", "sep_general_stock", "sep_listed_stock", "sep_listed_dividend",
    "withheld_dividend", "withheld_stock_transfer", "sep_long_term_qualified", "sep_long_term_residential",
    "sep_listed_stock_loss", "carryover_listed_stock_loss", *CARRIED_COLUMNS, "carryover_listed_loss_older",
)
# 分離課税の所得: kind → taxpayer column
SEPARATE_COLUMNS = SEPARATE_ATTRS
TAXPAYER_FLAGS = ("female", "widow", "widow_divorced", "single_parent", "working_student", "public_assistance",
                  "donation_onestop")
TAXPAYER_COLUMNS = ("birth_date", "disability", *TAXPAYER_FLAGS, *TAXPAYER_AMOUNTS)
RELATIVE_COLUMNS = ("owner", "is_spouse", "birth_date", "total_income", "disability", "cohabiting",
                    "lineal_ascendant", "child")
DEDUCTIONS = (
    "ded_basic", "ded_spouse", "ded_spouse_special", "ded_dependent", "ded_specific_relative", "ded_disability",
    "ded_widow", "ded_single_parent", "ded_working_student", "ded_social_insurance", "ded_small_enterprise",
    "ded_life_insurance", "ded_earthquake", "ded_medical",
)
OUTPUT_COLUMNS = (
    "salary_income_gross", "income_adjustment", "salary_income", "pension_income", "general_income",
    "separate_income", "total_income", "gross_income_sum", *DEDUCTIONS, "ded_total", "taxable_income",
    "listed_loss_offset", "listed_carryover_used", "listed_loss_remaining", "listed_carryover_lapsed",
    "listed_carryover_expired", *CARRIED_FORWARD,
    *(f"taxable_{k}" for k in SEPARATE_COLUMNS), "taxable_land_long_term_qualified",
    "taxable_land_long_term_residential", "city_levy_separate", "pref_levy_separate",
    "city_levy_gross", "pref_levy_gross",
    "personal_difference", "adj_city", "adj_pref", "div_city", "div_pref", "housing_city", "housing_pref",
    "donation_city", "donation_pref", "onestop_city", "onestop_pref", "limit_adj_city", "limit_adj_pref",
    "withheld_city", "withheld_pref", "denied_widow", "denied_single_parent", "denied_working_student",
    "exempt_per_capita", "exempt_income_levy", "city_income_levy",
    "pref_income_levy", "city_per_capita", "pref_per_capita", "forest_env_tax", "total",
)

# the output columns that are flags, not yen
BOOL_COLUMNS = frozenset({"exempt_per_capita", "exempt_income_levy", "denied_widow", "denied_single_parent",
                          "denied_working_student"})

Columns = dict[str, np.ndarray]


# ---- column helpers -------------------------------------------------------------------------------------

def read_columns(table: Any, names: tuple[str, ...], required: tuple[str, ...], what: str) -> tuple[Columns, int]:
    if table is None:
        return {}, 0
    if hasattr(table, "column_names"):  # pyarrow.Table
        raw = {n: table.column(n).to_numpy(zero_copy_only=False) for n in table.column_names if n in names}
    else:
        raw = {n: np.asarray(v) for n, v in dict(table).items() if n in names}
    for n in required:
        if n not in raw:
            raise TaxInputError(f"{what} の列 {n} がありません。", field=n)
    length = len(next(iter(raw.values()))) if raw else 0
    return raw, length


def first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def amounts(cols: Columns, name: str, n: int) -> np.ndarray:
    if name not in cols:
        return np.zeros(n, I64)
    a = np.asarray(cols[name])
    if a.dtype.kind not in "iu":
        raise TaxInputError(f"{name} は整数(円)の列でなければなりません。", field=name)
    a = a.astype(I64, copy=False)
    if (a < 0).any():
        raise TaxInputError(f"{name} に負の金額があります (行 {first_bad(a < 0)})。", field=name, row=first_bad(a < 0))
    return a


def flags(cols: Columns, name: str, n: int) -> np.ndarray:
    return np.asarray(cols[name], dtype=bool) if name in cols else np.zeros(n, bool)


def ymd(dates: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = np.asarray(dates)
    if d.dtype.kind != "M":
        raise TaxInputError(f"{name} は日付の列でなければなりません。", field=name)
    d = d.astype("datetime64[D]")
    y = d.astype("datetime64[Y]")
    m = d.astype("datetime64[M]")
    year = y.astype(I64) + 1970
    month = (m - y.astype("datetime64[M]")).astype(I64) + 1
    day = (d - m.astype("datetime64[D]")).astype(I64) + 1
    return year, month, day


def legal_ages(dates: np.ndarray, fiscal_year: int, name: str, *,
               taxpayer: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Legal ages (年齢計算ニ関スル法律) on 12/31 of the income year and on 1/1 of the fiscal year, and who was
    born on that 1/1. A taxpayer may be born up to the 賦課期日 (1月1日, 地方税法第39条・第318条), a relative up
    to 12月31日 of the income year (judged on that day, 第314条の2); a later birth date is refused."""
    year, month, day = ymd(dates, name)
    born_jan1 = (month == 1) & (day == 1)
    late = (year > fiscal_year) | ((year == fiscal_year) & ~(born_jan1 & taxpayer))
    if late.any():
        last = f"{fiscal_year}年1月1日 (賦課期日)" if taxpayer else f"所得の年の12月31日 ({fiscal_year - 1}年)"
        raise TaxInputError(f"{name} が{last}より後です (行 {first_bad(late)})。", field=name, row=first_bad(late))
    age_dec31 = fiscal_year - year - np.where(born_jan1, 0, 1)
    after_jan2 = (month > 1) | (day > 2)
    age_jan1 = fiscal_year - year - np.where(after_jan2, 1, 0)
    return age_dec31, age_jan1, born_jan1 & (year == fiscal_year)


def disability_codes(cols: Columns, n: int, name: str = "disability") -> np.ndarray:
    if name not in cols:
        return np.zeros(n, I64)
    a = np.asarray(cols[name]).astype(I64)
    bad = (a < 0) | (a > 3)
    if bad.any():
        raise TaxInputError(f"{name} の区分が不正です (行 {first_bad(bad)})。", field=name, row=first_bad(bad))
    return a


def times(x: np.ndarray, r: Fraction, *, ceil: bool = False) -> np.ndarray:
    if ceil:
        return -((-x * r.numerator) // r.denominator)
    return (x * r.numerator) // r.denominator


def band_index(x: np.ndarray, lowers: list[int], *, exclusive: bool = False) -> np.ndarray:
    """Index of the band holding ``x``: bands start at ``lowers`` (inclusive, or exclusive: 「超」)."""
    return np.searchsorted(np.asarray(lowers, I64), x, side="left" if exclusive else "right") - 1


def scatter_sum(owner: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n, I64)
    np.add.at(out, owner, values.astype(I64))
    return out


# ---- income ---------------------------------------------------------------------------------------------

def salary_income(salary: np.ndarray, bands: list[dict[str, Any]]) -> np.ndarray:
    idx = band_index(salary, [int(b["lower"]) for b in bands])
    kinds = [b["kind"] for b in bands]
    num = np.array([0 if k in ("zero", "const") else int(b.get("num", 1)) for k, b in zip(kinds, bands, strict=True)], I64)
    den = np.array([int(b.get("den", 1)) for b in bands], I64)
    add = np.array([int(b.get("add", 0)) for b in bands], I64)
    step = np.array([k == "step4000" for k in kinds])
    base = np.where(step[idx], (salary // 4000) * 4000, salary)
    return np.maximum(0, base * num[idx] // den[idx] + add[idx])


def pension_income(pension: np.ndarray, age: np.ndarray, other: np.ndarray, p: dict[str, Any]) -> np.ndarray:
    out = np.zeros(len(pension), I64)
    shift = np.zeros(len(pension), I64)
    for bound in p["other_income_bounds"]:
        shift += np.where(other > int(bound), int(p["other_income_shift"]), 0)
    for key, sel in (("under_65", age < int(p["age_threshold"])), ("age_65_or_over", age >= int(p["age_threshold"]))):
        table = p[key]
        idx = band_index(pension, [int(b["lower"]) for b in table])
        num = np.array([int(b["num"]) for b in table], I64)[idx]
        den = np.array([int(b["den"]) for b in table], I64)[idx]
        minus = np.array([int(b["minus"]) for b in table], I64)[idx]
        out = np.where(sel, pension * num // den - (minus - shift), out)
    return np.where(pension > 0, np.maximum(out, 0), 0)


def income_adjustment(salary: np.ndarray, sal_inc: np.ndarray, pension_inc: np.ndarray, qualifies: np.ndarray,
                       p: dict[str, Any]) -> np.ndarray:
    thr, cap = int(p["salary_threshold"]), int(p["salary_cap"])
    first = np.where(qualifies & (salary > thr),
                     -((-(np.minimum(salary, cap) - thr) * int(p["num"])) // int(p["den"])), 0)
    first = np.minimum(first, sal_inc)
    rest = sal_inc - first
    both_cap = int(p["both_cap"])
    second = np.where((rest > 0) & (pension_inc > 0),
                      np.maximum(0, np.minimum(rest, both_cap) + np.minimum(pension_inc, both_cap) - int(p["both_floor"])), 0)
    return np.minimum(first + second, sal_inc)


# ---- deductions -----------------------------------------------------------------------------------------

def tier(income: np.ndarray, tiers: list[int]) -> np.ndarray:
    return np.searchsorted(np.asarray(tiers, I64), income, side="left")


def insurance_band(paid: np.ndarray, bands: list[dict[str, Any]]) -> np.ndarray:
    out = np.zeros(len(paid), I64)
    done = paid <= 0
    for b in bands:
        if b.get("upto") is None:
            out = np.where(done, out, int(b["fixed"]))
            break
        sel = ~done & (paid <= int(b["upto"]))
        out = np.where(sel, -((-paid * int(b["num"])) // int(b["den"])) + int(b["add"]), out)
        done = done | sel
    return out


def sparse(mask: np.ndarray, fn: Any, *cols: np.ndarray) -> Any:
    """``fn`` computed only on the rows where ``mask`` holds (a premium, a donation, a dividend: most
    taxpayers have none), zeros elsewhere. ``fn`` answers one column or a tuple of columns."""
    idx = np.flatnonzero(mask)
    result = fn(*(c[idx] for c in cols))
    parts = result if isinstance(result, tuple) else (result,)
    full = []
    for part in parts:
        out = np.zeros(len(mask), I64)
        out[idx] = part
        full.append(out)
    return tuple(full) if isinstance(result, tuple) else full[0]


LIFE_COLUMNS = ("life_general_new", "life_pension_new", "life_medical_care_new", "life_general_old", "life_pension_old")


def life_insurance(general_new: np.ndarray, pension_new: np.ndarray, medical_new: np.ndarray, general_old: np.ndarray,
                   pension_old: np.ndarray, p: dict[str, Any]) -> np.ndarray:
    total = insurance_band(medical_new, p["new"])
    for new, old in ((general_new, general_old), (pension_new, pension_old)):
        n = insurance_band(new, p["new"])
        o = insurance_band(old, p["old"])
        both = (new > 0) & (old > 0)
        total += np.where(both, np.maximum(o, np.minimum(n + o, int(p["combined_category_cap"]))), n + o)
    return np.minimum(total, int(p["total_cap"]))


def earthquake_insurance(eq: np.ndarray, long_term_old: np.ndarray, p: dict[str, Any]) -> np.ndarray:
    e = p["earthquake"]
    a = np.where(eq <= int(e["upto"]), -((-eq * int(e["num"])) // int(e["den"])), int(e["fixed_above"]))
    return np.minimum(a + insurance_band(long_term_old, p["long_term_old"]), int(p["total_cap"]))


def by_band(x: np.ndarray, bands: list[dict[str, Any]], amounts: list[int] | np.ndarray) -> np.ndarray:
    """Amount of the band ``above < x ≤ upto``; 0 outside every band."""
    out = np.zeros(len(x), I64)
    for b, a in zip(bands, amounts, strict=True):
        out = np.where((x > int(b["above"])) & (x <= int(b["upto"])), a, out)
    return out
