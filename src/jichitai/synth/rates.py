"""Demographic rates of a Japanese designated city (Kobe order of magnitude), annual unless stated.

Targets the statistics test checks (tests/synth/test_statistics.py), with the sources of their order of
magnitude (see docs/synthetic-city.md):
- crude birth rate ≈ 6 ‰ (Kobe births ≈ 9,000 a year in the early 2020s for ≈ 1.51 M people) [D],
- crude death rate ≈ 11–12 ‰ (≈ 17,000 deaths a year) [D],
- moves in from outside the city and out of it ≈ 3.5–4.5 % of the population each [D],
- moves within the city (転居, incl. between wards) ≈ 3–5 % [D],
- marriages ≈ 4 ‰ [D: national 人口動態統計 order of magnitude],
- the March–April peak: March and April together carry ≈ 30 % of the year's moves [D: 住民基本台帳人口移動報告
  shows March the largest month, then April].
"""

from __future__ import annotations

import numpy as np

# Month weights of moves (index 1..12), summing to 1.
MOVE_SEASON = (0.0, 0.065, 0.065, 0.165, 0.135, 0.075, 0.07, 0.07, 0.07, 0.075, 0.075, 0.07, 0.085)
# Deaths peak in winter.
DEATH_SEASON = (0.0, 1.25, 1.15, 1.05, 0.95, 0.9, 0.85, 0.9, 0.9, 0.9, 0.95, 1.05, 1.15)

# Age-specific fertility (births per woman per year) by 5-year band from 15; TFR ≈ 1.20 (Kobe's TFR ≈ 1.2–1.3 in
# the early 2020s [D]); with TFR 1.08 the ten-year run had ≈ 5 births per 1,000 against Kobe's ≈ 6.
ASFR = {15: 0.0029, 20: 0.021, 25: 0.065, 30: 0.087, 35: 0.052, 40: 0.011, 45: 0.0003}


def mortality(age: np.ndarray, female: np.ndarray) -> np.ndarray:
    """Annual probability of death: Gompertz from 30 (q(65) ≈ 0.7 %, q(90) ≈ 10 % before the sex factor), low and flat below."""
    q = np.exp(-12.13 + 0.1096 * age.astype(np.float64))
    q = np.where(age < 1, 0.0018, np.where(age < 30, np.maximum(q, 0.0002), q))
    q = q * np.where(female, 0.72, 1.35)
    return np.minimum(q, 0.6)


def fertility(age: np.ndarray) -> np.ndarray:
    out = np.zeros(age.shape, dtype=np.float64)
    for lo, rate in ASFR.items():
        out[(age >= lo) & (age < lo + 5)] = rate
    return out


def move_out_hazard(age: np.ndarray) -> np.ndarray:
    """Annual probability that a person starts a move out of the city (their household may follow)."""
    return np.select(
        [age < 18, age < 22, age < 30, age < 40, age < 50, age < 65],
        [0.0, 0.075, 0.085, 0.045, 0.022, 0.012], 0.006,
    )


def move_within_hazard(age: np.ndarray) -> np.ndarray:
    """Annual probability that a person starts a move within the city (転居, incl. between wards)."""
    return np.select(
        [age < 18, age < 22, age < 30, age < 40, age < 50, age < 65],
        [0.0, 0.045, 0.063, 0.045, 0.0225, 0.0135], 0.009,
    )


MOVE_IN_RATE = 0.048  # persons moving in a year per resident
# Households moving in: (share, size, kind of PopulationBuilder.compose). Singles dominate, but families with
# children move in too (the 0–14 share of 転入者 is about that of 転出者 in 住民基本台帳人口移動報告 [D]); the mean
# size is close to that of the households moving out (≈ 1.8 persons per event in the generator), else the city
# gains households by migration alone and its persons per household fall far faster than Kobe's.
MOVE_IN_HOUSEHOLDS = ((0.22, 1, "newcomer"), (0.06, 1, "single"), (0.34, 1, "join"), (0.12, 2, "couple"),
                      (0.08, 2, "older"), (0.12, 3, "family"), (0.06, 4, "family"))
MOVE_IN_MEAN_SIZE = sum(share * size for share, size, _ in MOVE_IN_HOUSEHOLDS)


def move_in_household(r: float) -> tuple[int, str]:
    """(size, kind) of a household moving in, for a uniform draw ``r``."""
    acc = 0.0
    for share, size, kind in MOVE_IN_HOUSEHOLDS:
        acc += share
        if r < acc:
            return size, kind
    return MOVE_IN_HOUSEHOLDS[-1][1], MOVE_IN_HOUSEHOLDS[-1][2]
MOVE_IN_ORIGIN = (("県内", 0.32), ("県外", 0.58), ("国外", 0.10))
MOVE_OUT_DESTINATION = (("県内", 0.33), ("県外", 0.60), ("国外", 0.07))
FOREIGN_SHARE_OF_MOVE_IN = 0.15
MARRIAGE_RATE = 0.0040  # marriages per resident per year; half are between two residents of the city
WITHIN_SAME_WARD = 0.65
SPLIT_RATE = 0.004  # adult children (20–39, 続柄 子) forming their own household at the same address
MERGE_RATE = 0.15  # split households merging back, per year
CORRECTION_RATE = 0.002
CANCEL_SHARE = 0.004  # share of move-ins and individual move-outs cancelled (異動の取消し)
KYUUJI_REQUEST_SHARE = 0.3  # newly married people asking for their 旧氏 on the 住民票


def monthly(p_annual: np.ndarray, weight: float = 1.0 / 12) -> np.ndarray:
    """The probability within one month that carries ``weight`` of the year's events."""
    return np.asarray(p_annual) * weight


def monthly_hazards(ages: np.ndarray, female: np.ndarray, month: int) -> tuple[np.ndarray, ...]:
    """Each person's probabilities in ``month`` (1–12) of dying, giving birth, starting a move out of the city and
    a move within it, for people of ``ages`` (whole years, ≥ 0) and sex ``female``.

    The rates depend on age and sex alone, so they are computed once a month for every age and sex and read from
    that table per person: the same values as :func:`mortality` and the others applied to every person (tested),
    at a fraction of the work for a city of 1.5 million (the ``np.select`` over every person was ~15 % of the
    history's coordinating process)."""
    if len(ages) and int(ages.min()) < 0:
        raise ValueError("ages must be whole years, not negative")
    top = int(ages.max()) + 1 if len(ages) else 1
    age = np.arange(top, dtype=np.int32)
    men, women = np.zeros(top, dtype=bool), np.ones(top, dtype=bool)

    def by_sex(m: np.ndarray, w: np.ndarray) -> np.ndarray:  # index: age * 2 + (1 if female)
        return np.stack([m, w], axis=1).ravel()

    whole = ages.astype(np.intp)
    key = whole * 2 + female
    death = by_sex(monthly(mortality(age, men), DEATH_SEASON[month] / 12),
                   monthly(mortality(age, women), DEATH_SEASON[month] / 12))
    birth = by_sex(np.zeros(top), fertility(age) / 12)
    season = MOVE_SEASON[month]
    return (death[key], birth[key], monthly(move_out_hazard(age), season)[whole],
            monthly(move_within_hazard(age), season)[whole])
