"""Life tables for the population projection: single ages 0…110 by sex, from the national institute's published
death probabilities (lounge/parameters/projection.yaml), and the survival ratios a cohort-component step uses.

Pure NumPy; no Django. A table is built from a sheet whose values were found for ages 0–26 and 55–81: ages in
between follow the Gompertz slope of ages 55–64 carried back, but not below the last young age's q; ages above follow a Gompertz tail (q grows by a constant factor a year)
whose factor reproduces the sheet's published life expectancy at 55. Its level for a year is set by one factor on
every q so that the life expectancy at birth equals the assumption for that year.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import numpy as np
import yaml

TOP = 110  # q = 1 at this age: the table closes
PARAMETERS = Path(__file__).parent / "parameters" / "projection.yaml"


@functools.cache
def parameters() -> dict[str, Any]:
    with PARAMETERS.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


def lx_from_q(q: np.ndarray) -> np.ndarray:
    """Survivors l(x) for x = 0…len(q) from 1 at birth."""
    return np.concatenate([[1.0], np.cumprod(1.0 - q)])


def person_years(q: np.ndarray) -> np.ndarray:
    """L(x), the years lived between ages x and x+1 per birth; deaths at mid-year, 0.15 of a year at age 0."""
    lx = lx_from_q(q)
    L = (lx[:-1] + lx[1:]) / 2
    L[0] = lx[1] + 0.15 * (lx[0] - lx[1])
    return L


def expectancy(q: np.ndarray, age: int = 0) -> float:
    """Life expectancy at ``age`` (complete, deaths at mid-year)."""
    lx = lx_from_q(q)
    return float(person_years(q)[age:].sum() / lx[age])


def _tail(q: np.ndarray, known_to: int, slope: float) -> np.ndarray:
    out = q.copy()
    ages = np.arange(known_to + 1, TOP + 1)
    out[known_to + 1:] = np.minimum(q[known_to] * np.exp(slope * (ages - known_to)), 1.0)
    out[TOP] = 1.0
    return out


def from_sheet(sheet: dict[str, Any]) -> np.ndarray:
    """q(0…TOP) from a sheet of the yaml: the young ages, the old ages from 55, e55 to close the tail."""
    young = np.asarray(sheet["q_from_0"], dtype=np.float64)
    old = np.asarray(sheet["q_from_55"], dtype=np.float64)
    q = np.zeros(TOP + 1)
    q[: len(young)] = young
    q[55: 55 + len(old)] = old
    last_young, known_to = len(young) - 1, 55 + len(old) - 1
    gap = np.arange(last_young + 1, 55)
    slope = float(np.log(old[9] / old[0]) / 9)  # the Gompertz slope of 55–64, carried back below 55
    q[gap] = np.maximum(young[-1], old[0] * np.exp(slope * (gap - 55)))
    lo, hi = 0.01, 0.40  # the Gompertz factor: e55 falls as it grows
    for _ in range(60):
        mid = (lo + hi) / 2
        if expectancy(_tail(q, known_to, mid), 55) > sheet["e55"]:
            lo = mid
        else:
            hi = mid
    return _tail(q, known_to, (lo + hi) / 2)


def scaled(q: np.ndarray, e0: float) -> np.ndarray:
    """``q`` with every age scaled by one factor so that the life expectancy at birth is ``e0``."""
    lo, hi = 0.2, 5.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if expectancy(np.minimum(q * mid, 1.0)) > e0:
            lo = mid
        else:
            hi = mid
    return np.minimum(q * (lo + hi) / 2, 1.0)


def target_e0(sex: str, year: int) -> float:
    points = {int(k): float(v) for k, v in parameters()["life_expectancy"][sex].items()}
    years = sorted(points)
    return float(np.interp(year, years, [points[y] for y in years]))


@functools.cache
def national(sex: str, year: int) -> np.ndarray:
    """The national table assumed for ``year``: the shape between the early and late sheets (log-linear in
    time, held outside), at the level of the life expectancy assumed for that year."""
    sheets = parameters()["life_tables"][sex]
    early, late = from_sheet(sheets["early"]), from_sheet(sheets["late"])
    y0, y1 = sheets["early"]["year"], sheets["late"]["year"]
    w = min(max((year - y0) / (y1 - y0), 0.0), 1.0)
    shape = np.exp((1 - w) * np.log(np.maximum(early, 1e-6)) + w * np.log(np.maximum(late, 1e-6)))
    shape[TOP] = 1.0
    return scaled(shape, target_e0(sex, year))


def survival_ratios(q: np.ndarray, max_age: int) -> tuple[np.ndarray, float]:
    """For a population by completed age on 1 January with an open group ``max_age``+: the share of those aged
    x who are alive, aged x+1, a year later (x < max_age: L(x+1)/L(x); the open group: T(max_age+1)/T(max_age)),
    and the share of a year's births alive on the next 1 January (L(0)/l(0))."""
    L = person_years(q)
    S = np.empty(max_age + 1)
    S[:max_age] = L[1: max_age + 1] / L[:max_age]
    T = np.cumsum(L[::-1])[::-1]
    S[max_age] = T[max_age + 1] / T[max_age] if T[max_age] > 0 else 0.0
    return S, float(L[0])
