"""Bulk 個人住民税: ``calculate_many`` for a synthetic city of 1,500,000 taxpayers (NumPy, seeded).

    .venv/bin/python bench/tax_bulk.py [--n 1500000] [--seed 7] [--repeat 3]

Loading (generating the columns) is timed apart from the computation; the figure is the best of
``--repeat`` runs of ``calculate_many`` (target: < 5 s for 1.5 M). Prints one row for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from jichitai.tax.calc import calculate_many


def synthetic_city(n: int, seed: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Columns shaped like Kobe's taxpayers: ages 15–99, salaries for most working-age people, pensions
    from 60, some business income, insurance premiums, donations and about 0.8 relatives each."""
    rng = np.random.default_rng(seed)
    age = rng.integers(15, 100, n)
    birth = (np.datetime64("2025-12-31") - (age * 365.25 + rng.integers(0, 365, n)).astype("timedelta64[D]"))
    working = (age >= 18) & (age < 70) & (rng.random(n) < 0.75)
    salary = np.where(working, np.exp(rng.normal(15.1, 0.6, n)).astype(np.int64), 0)
    pension = np.where(age >= 62, rng.integers(600_000, 3_500_000, n), 0)
    business = np.where(rng.random(n) < 0.06, rng.integers(0, 8_000_000, n), 0)
    tp = {
        "birth_date": birth.astype("datetime64[D]"),
        "female": rng.random(n) < 0.52,
        "disability": np.where(rng.random(n) < 0.04, rng.integers(1, 4, n), 0),
        "widow": rng.random(n) < 0.02,
        "single_parent": rng.random(n) < 0.015,
        "working_student": (age < 23) & (rng.random(n) < 0.2),
        "public_assistance": rng.random(n) < 0.02,
        "salary": salary, "public_pension": pension, "business": business,
        "misc_other": np.where(rng.random(n) < 0.05, rng.integers(0, 500_000, n), 0),
        "dividend": np.where(rng.random(n) < 0.03, rng.integers(0, 2_000_000, n), 0),
        "social_insurance": (salary * 15 // 100 + pension // 10).astype(np.int64),
        "small_enterprise_mutual_aid": np.where(business > 0, rng.integers(0, 840_000, n), 0),
        "life_general_new": np.where(rng.random(n) < 0.4, rng.integers(0, 120_000, n), 0),
        "life_pension_new": np.where(rng.random(n) < 0.2, rng.integers(0, 120_000, n), 0),
        "life_medical_care_new": np.where(rng.random(n) < 0.3, rng.integers(0, 80_000, n), 0),
        "life_general_old": np.where(rng.random(n) < 0.2, rng.integers(0, 120_000, n), 0),
        "life_pension_old": np.where(rng.random(n) < 0.1, rng.integers(0, 120_000, n), 0),
        "earthquake_insurance": np.where(rng.random(n) < 0.3, rng.integers(0, 80_000, n), 0),
        "long_term_damage_insurance_old": np.where(rng.random(n) < 0.05, rng.integers(0, 30_000, n), 0),
        "medical_paid": np.where(rng.random(n) < 0.1, rng.integers(0, 1_000_000, n), 0),
        "medical_reimbursed": np.where(rng.random(n) < 0.03, rng.integers(0, 100_000, n), 0),
        "donation_furusato": np.where(rng.random(n) < 0.15, rng.integers(2_000, 300_000, n), 0),
        "donation_other": np.where(rng.random(n) < 0.02, rng.integers(0, 100_000, n), 0),
        "housing_loan_credit": np.where(rng.random(n) < 0.08, rng.integers(0, 97_500, n), 0),
    }
    m = int(n * 0.8)
    owner = np.sort(rng.integers(0, n, m))
    is_spouse = rng.random(m) < 0.45
    _, first = np.unique(owner, return_index=True)
    keep_spouse = np.zeros(m, bool)
    keep_spouse[first] = True  # at most one spouse each: only a taxpayer's first relative may be the spouse
    is_spouse &= keep_spouse
    r_age = np.where(is_spouse, rng.integers(20, 95, m), rng.integers(0, 95, m))
    rel = {
        "owner": owner, "is_spouse": is_spouse,
        "birth_date": (np.datetime64("2025-12-31") - (r_age * 365.25 + rng.integers(0, 365, m)).astype("timedelta64[D]")
                       ).astype("datetime64[D]"),
        "total_income": np.where(rng.random(m) < 0.7, 0, rng.integers(0, 2_000_000, m)),
        "disability": np.where(rng.random(m) < 0.03, rng.integers(1, 4, m), 0),
        "cohabiting": rng.random(m) < 0.8,
        "lineal_ascendant": (r_age >= 60) & ~is_spouse & (rng.random(m) < 0.7),
        "child": (r_age < 30) & ~is_spouse,  # the 子 of ひとり親 (地方税法第292条第1項第12号)
    }
    return tp, rel


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_500_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--fiscal-year", type=int, default=2026)
    args = ap.parse_args()
    t0 = time.perf_counter()
    tp, rel = synthetic_city(args.n, args.seed)
    load = time.perf_counter() - t0
    calculate_many(tp, rel, fiscal_year=args.fiscal_year)  # warm: parameter files parsed and cached
    runs = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        out = calculate_many(tp, rel, fiscal_year=args.fiscal_year)
        runs.append(time.perf_counter() - t0)
    taxable = int((~out["exempt_per_capita"]).sum())
    print(f"taxpayers {args.n:,}  relatives {len(rel['owner']):,}  generation (loading) {load:.2f} s")
    print(f"calculate_many: best {min(runs):.2f} s, runs {', '.join(f'{r:.2f}' for r in runs)}")
    print(f"liable {taxable:,}  total levied {int(out['total'].sum()):,} yen")
    print(f"| tax bulk calculate_many ({args.n:,} taxpayers, 令和{args.fiscal_year - 2018}年度) | {min(runs):.2f} s "
          f"(loading {load:.2f} s apart) | < 5 s | `.venv/bin/python bench/tax_bulk.py --n {args.n}` |")


if __name__ == "__main__":
    main()
