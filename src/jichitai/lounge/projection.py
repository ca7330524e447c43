"""Population projection by ward to 2050, cohort-component method, rates estimated from the lounge zone's own
history (pure NumPy over the marts ``population_age`` and ``flows_age``).

Method (one-year steps, single years of age 0…100+, by ward and sex):

1. Survival. Death rates by sex and five-year age band for the whole city (wards are too small for stable
   age-specific rates): deaths in the observed years ÷ person-years, person-years ≈ mean of the populations
   on 1 January of those years. Survival over a year = exp(−rate).
2. Fertility. A general fertility rate per ward: births per year ÷ women aged 15–49 (the lounge zone does not
   link a birth to its mother, so age-specific fertility cannot be estimated; the ward's age structure of
   women still moves the projected births). Boys and girls split by the city's observed sex ratio at birth.
3. Migration. Net migration rate per ward, sex and five-year band: (moves in − moves out) per year ÷ mean
   population, moves between wards included on both sides.
4. Projection: P(t+1, a+1) = P(t, a) × survival(a) × (1 + net migration(a)); the 100+ group keeps its
   survivors; P(t+1, 0) = births × survival(0). Rates are held constant at the observed average (no trend).

Assumptions and limits are shown on the page with the result; the result is a model estimate, not a count
of people, and is rounded to whole persons.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

MAX_AGE = 100
HORIZON = 2050


@dataclass
class Projection:
    base_date: dt.date
    wards: list[str]
    years: list[int]
    totals: dict[str, list[int]]  # ward (and "計") -> projected total on 1 January of each year
    groups: dict[str, dict[str, list[int]]]  # ward -> age group -> series
    recorded: dict[str, dict[str, int]]  # ward -> ISO date -> recorded population (the history)
    rates: dict[str, object] = field(default_factory=dict)


def _band(age: np.ndarray) -> np.ndarray:
    return np.minimum(age, MAX_AGE) // 5


def project(population_age: pa.Table, flows_age: pa.Table, horizon: int = HORIZON) -> Projection:
    pop = population_age.to_pydict()
    flows = flows_age.to_pydict()
    dates = sorted({d for d in pop["ref_date"] if d.month == 1 and d.day == 1}) or sorted(set(pop["ref_date"]))
    base = dates[-1]
    wards = sorted(set(pop["ward_code"]))
    wi = {w: i for i, w in enumerate(wards)}
    si = {"M": 0, "F": 1}
    years_obs = [d.year for d in dates]
    # P[date, ward, sex, age]
    P = np.zeros((len(dates), len(wards), 2, MAX_AGE + 1))
    di = {d: i for i, d in enumerate(dates)}
    for d, w, s, a, n in zip(pop["ref_date"], pop["ward_code"], pop["sex"], pop["age"], pop["n"], strict=True):
        if d in di and s in si:
            P[di[d], wi[w], si[s], min(a, MAX_AGE)] += n
    # flows F[kind][year, ward, sex, age] for the complete observed years between the first and the base date
    flow_years = [y for y in range(years_obs[0], base.year)] or [base.year - 1]
    fy = {y: i for i, y in enumerate(flow_years)}
    F = {k: np.zeros((len(flow_years), len(wards), 2, MAX_AGE + 1)) for k in ("death", "birth", "in", "out")}
    for y, w, s, a, f, n in zip(flows["year"], flows["ward_code"], flows["sex"], flows["age"], flows["flow"],
                                flows["n"], strict=True):
        if y in fy and w in wi and s in si and f in F:
            F[f][fy[y], wi[w], si[s], min(a, MAX_AGE)] += n
    n_years = max(len(flow_years), 1)
    exposure = P[: max(len(dates) - 1, 1)].mean(axis=0) if len(dates) > 1 else P[0]  # ward, sex, age
    ages = np.arange(MAX_AGE + 1)
    bands = _band(ages)
    n_bands = bands.max() + 1

    def by_band(x: np.ndarray) -> np.ndarray:  # (..., age) -> (..., band)
        out = np.zeros((*x.shape[:-1], n_bands))
        for b in range(n_bands):
            out[..., b] = x[..., bands == b].sum(axis=-1)
        return out

    deaths_city = by_band(F["death"].sum(axis=(0, 1)) / n_years)  # sex, band
    expo_city = by_band(exposure.sum(axis=0))
    mort = np.divide(deaths_city, expo_city, out=np.zeros_like(deaths_city), where=expo_city > 0)
    survival = np.exp(-mort)[:, bands]  # sex, age
    births_w = F["birth"].sum(axis=(0, 2, 3)) / n_years  # ward
    women = exposure[:, 1, 15:50].sum(axis=1)
    gfr = np.divide(births_w, women, out=np.zeros_like(births_w), where=women > 0)
    boys = F["birth"][..., 0, :].sum()
    girls = F["birth"][..., 1, :].sum()
    boy_share = boys / (boys + girls) if boys + girls else 0.512
    net = by_band((F["in"] - F["out"]).sum(axis=0) / n_years)  # ward, sex, band
    expo_band = by_band(exposure)
    netrate = np.divide(net, expo_band, out=np.zeros_like(net), where=expo_band > 0)
    netrate = np.clip(netrate, -0.5, 0.5)[..., bands]  # ward, sex, age

    current = P[di[base]].copy()  # ward, sex, age
    years = list(range(base.year, horizon + 1))
    series = [current.copy()]
    for _ in years[1:]:
        nxt = np.zeros_like(current)
        survived = current * survival[None, :, :] * (1 + netrate)
        nxt[:, :, 1:] = survived[:, :, :-1]
        nxt[:, :, MAX_AGE] += survived[:, :, MAX_AGE]
        births = gfr * current[:, 1, 15:50].sum(axis=1)
        nxt[:, 0, 0] = births * boy_share * survival[0, 0] * (1 + netrate[:, 0, 0])
        nxt[:, 1, 0] = births * (1 - boy_share) * survival[1, 0] * (1 + netrate[:, 1, 0])
        current = nxt
        series.append(current.copy())
    S = np.array(series)  # year, ward, sex, age
    totals = {w: [round(x) for x in S[:, i].sum(axis=(1, 2))] for w, i in wi.items()}
    totals["計"] = [round(x) for x in S.sum(axis=(1, 2, 3))]
    group_slices = {"0〜14歳": slice(0, 15), "15〜64歳": slice(15, 65), "65歳以上": slice(65, MAX_AGE + 1)}
    groups = {w: {g: [round(x) for x in S[:, i, :, sl].sum(axis=(1, 2))] for g, sl in group_slices.items()}
              for w, i in wi.items()}
    groups["計"] = {g: [round(x) for x in S[:, :, :, sl].sum(axis=(1, 2, 3))] for g, sl in group_slices.items()}
    recorded = {w: {d.isoformat(): int(P[j, i].sum()) for d, j in di.items()} for w, i in wi.items()}
    recorded["計"] = {d.isoformat(): int(P[j].sum()) for d, j in di.items()}
    rates = {
        "observed_years": f"{flow_years[0]}–{flow_years[-1]}",
        "gfr_per_1000_women": {w: round(float(gfr[i]) * 1000, 1) for w, i in wi.items()},
        "boy_share": round(float(boy_share), 3),
        "survival_65_69": {"M": round(float(survival[0, 67]), 4), "F": round(float(survival[1, 67]), 4)},
    }
    return Projection(base, wards, years, totals, groups, recorded, rates)
