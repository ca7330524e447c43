"""Population projection by ward to 2050, cohort-component method as the national institute makes its regional
projection (国立社会保障・人口問題研究所, 日本の地域別将来推計人口 令和5年推計), in one-year steps by single year of
age 0…100+ and sex, for three fertility variants (高位・中位・低位). Pure NumPy over the marts ``population_age``,
``flows_age`` and ``births_mother_age``; the assumptions with their sources are in parameters/projection.yaml.

1. Survival: national life tables by single age and sex (lifetable.py: the institute's published death
   probabilities, at the life expectancy of the 令和5年推計 死亡中位 assumption for each year), times the city's
   standardised mortality ratio when the city's deaths are numerous enough to measure it.
2. Fertility: births per woman by the mother's five-year age band (15–19 … 45–49), city-wide, from births linked
   to their mothers in the registry (the lounge zone carries the mother's age band, not her identity); each ward
   keeps its own level (its births against those the city's rates give its women). Births between two 1 Januaries
   come from the mean of the women at both. Boys and girls split by the city's observed share.
3. Migration: net migration rates (純移動率) by ward, sex and five-year band of age at the move, observed average,
   with the city's observed trend carried on for a few years and then held.
4. Step: P(t+1, x+1) = P(t, x) × S(x) × (1 + m(x)); the open group 100+ keeps its survivors; the year's
   births × L(0) × (1 + m(0)/2) are aged 0 on the next 1 January.

The result is a model estimate, not a count of people, rounded to whole persons; the page shows the assumptions
(:func:`assumptions`) beside the chart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from jichitai.lounge import lifetable

MAX_AGE = 100
HORIZON = 2050
VARIANTS = ("中位", "高位", "低位")
MOTHER_BANDS = ("15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49")
GROUPS = {"0〜14歳": slice(0, 15), "15〜64歳": slice(15, 65), "65歳以上": slice(65, MAX_AGE + 1)}


@dataclass
class Projection:
    base_date: dt.date
    wards: list[str]
    years: list[int]
    totals: dict[str, list[int]]  # ward (and "計") -> projected total on 1 January of each year (中位)
    groups: dict[str, dict[str, list[int]]]  # ward -> age group -> series (中位)
    recorded: dict[str, dict[str, int]]  # ward -> ISO date -> recorded population (the history)
    rates: dict[str, Any] = field(default_factory=dict)
    variants: dict[str, dict[str, list[int]]] = field(default_factory=dict)  # variant -> ward -> totals
    variant_groups: dict[str, dict[str, dict[str, list[int]]]] = field(default_factory=dict)
    assumptions: list[str] = field(default_factory=list)


@dataclass
class Rates:
    """What one step needs, for a year: by ward w, sex s (0 men, 1 women), age x."""
    survival: np.ndarray  # (2, MAX_AGE + 1): S(x), age x → x+1; the open group stays
    birth_survival: np.ndarray  # (2,): L(0) of each sex
    fertility: np.ndarray  # (W, MAX_AGE + 1): births per woman a year by age
    migration: np.ndarray  # (W, 2, MAX_AGE + 1): net migration rate a year
    boy_share: float


def step(P: np.ndarray, r: Rates) -> np.ndarray:
    """One year of the cohort-component method. ``P`` is (W, 2, A) on 1 January, the last age open."""
    aged = P * r.survival[None] * (1 + r.migration)
    nxt = np.zeros_like(P)
    nxt[:, :, 1:] = aged[:, :, :-1]
    nxt[:, :, -1] += aged[:, :, -1]
    women = (P[:, 1] + nxt[:, 1]) / 2
    births = (r.fertility * women).sum(axis=1)
    share = np.array([r.boy_share, 1 - r.boy_share])
    nxt[:, :, 0] = births[:, None] * share[None] * r.birth_survival[None] * (1 + r.migration[:, :, 0] / 2)
    return nxt


def _band(age: np.ndarray) -> np.ndarray:
    return np.minimum(age, MAX_AGE) // 5


@dataclass
class Observed:
    dates: list[dt.date]
    wards: list[str]
    P: np.ndarray  # (dates, W, 2, A)
    F: dict[str, np.ndarray]  # flow -> (years, W, 2, A)
    flow_years: list[int]
    mothers: np.ndarray  # (W, bands) births by mother's band over the flow years
    exposure: np.ndarray  # (W, 2, A) mean population over the flow years


def observe(population_age: pa.Table, flows_age: pa.Table, births_mother: pa.Table | None) -> Observed:
    pop, flows = population_age.to_pydict(), flows_age.to_pydict()
    dates = sorted({d for d in pop["ref_date"] if d.month == 1 and d.day == 1}) or sorted(set(pop["ref_date"]))
    wards = sorted(set(pop["ward_code"]))
    wi, si, di = {w: i for i, w in enumerate(wards)}, {"M": 0, "F": 1}, {d: i for i, d in enumerate(dates)}
    P = np.zeros((len(dates), len(wards), 2, MAX_AGE + 1))
    for d, w, s, a, n in zip(pop["ref_date"], pop["ward_code"], pop["sex"], pop["age"], pop["n"], strict=True):
        if d in di and s in si:
            P[di[d], wi[w], si[s], min(a, MAX_AGE)] += n
    base = dates[-1]
    flow_years = list(range(dates[0].year, base.year)) or [base.year - 1]
    fy = {y: i for i, y in enumerate(flow_years)}
    F = {k: np.zeros((len(flow_years), len(wards), 2, MAX_AGE + 1)) for k in ("death", "birth", "in", "out")}
    for y, w, s, a, f, n in zip(flows["year"], flows["ward_code"], flows["sex"], flows["age"], flows["flow"],
                                flows["n"], strict=True):
        if y in fy and w in wi and s in si and f in F:
            F[f][fy[y], wi[w], si[s], min(a, MAX_AGE)] += n
    mothers = np.zeros((len(wards), len(MOTHER_BANDS)))
    if births_mother is not None and births_mother.num_rows:
        bm = births_mother.to_pydict()
        bi = {b: i for i, b in enumerate(MOTHER_BANDS)}
        for y, w, b, n in zip(bm["year"], bm["ward_code"], bm["mother_band"], bm["n"], strict=True):
            if y in fy and w in wi and b in bi:
                mothers[wi[w], bi[b]] += n
    exposure = P[: max(len(dates) - 1, 1)].mean(axis=0) if len(dates) > 1 else P[0]
    return Observed(dates, wards, P, F, flow_years, mothers, exposure)


def _mortality_ratio(o: Observed) -> np.ndarray:
    """The city's standardised mortality ratio by sex against the national table of the observed years (1 when
    the table expects too few deaths to measure it)."""
    conf = lifetable.parameters()["local_mortality"]
    year = o.flow_years[len(o.flow_years) // 2]
    out = np.ones(2)
    for s, sex in enumerate("MF"):
        q = lifetable.national(sex, year)[: MAX_AGE + 1]
        expected = float((o.exposure[:, s].sum(axis=0) * q).sum()) * len(o.flow_years)
        observed = float(o.F["death"][:, :, s].sum())
        if expected >= conf["min_expected_deaths"]:
            out[s] = min(max(observed / expected, conf["bounds"][0]), conf["bounds"][1])
    return out


def _fertility(o: Observed) -> tuple[np.ndarray, np.ndarray, str]:
    """Births per woman a year by single age (W, A): the city's rates by the mother's band, each ward at its own
    level; the band rates (city) and how they were measured."""
    conf = lifetable.parameters()["fertility"]
    n_years = len(o.flow_years)
    ages = np.arange(MAX_AGE + 1)
    band_of = np.full(MAX_AGE + 1, -1)
    for i in range(len(MOTHER_BANDS)):
        band_of[(ages >= 15 + 5 * i) & (ages < 20 + 5 * i)] = i
    women = np.zeros((len(o.wards), len(MOTHER_BANDS)))
    for i in range(len(MOTHER_BANDS)):
        women[:, i] = o.exposure[:, 1, band_of == i].sum(axis=1)
    births_w = o.F["birth"].sum(axis=(0, 2, 3)) / n_years  # births by ward (children's sex summed)
    linked = o.mothers.sum()
    if linked > 0:
        share_known = min(linked / max(births_w.sum() * n_years, 1.0), 1.0)
        # mothers' bands of the linked births, scaled up to every birth (a birth whose mother was not found in
        # the household keeps the age pattern of the others)
        city_births = o.mothers.sum(axis=0) / n_years / max(share_known, 1e-9)
        city_women = women.sum(axis=0)
        band_rates = np.divide(city_births, city_women, out=np.zeros_like(city_births), where=city_women > 0)
        how = f"母の年齢（5歳階級）が分かる出生 {share_known:.0%}"
    else:
        pattern = np.array([conf["standard_pattern"][b] for b in MOTHER_BANDS])
        expected = (women.sum(axis=0) * pattern).sum()
        band_rates = pattern * (births_w.sum() / expected if expected > 0 else 0.0)
        how = "母の年齢が分からないため、標準的な年齢パターンを市の出生数に合わせて使用"
    expected_w = (women * band_rates[None]).sum(axis=1)
    level = np.divide(births_w, expected_w, out=np.ones_like(births_w), where=expected_w > 0)
    level = np.where(births_w > 0, level, np.where(expected_w > 0, 0.0, 1.0))
    single = np.where(band_of >= 0, band_rates[np.maximum(band_of, 0)], 0.0)
    return level[:, None] * single[None], band_rates, how


def _migration(o: Observed) -> tuple[np.ndarray, float]:
    """Net migration rates (W, 2, A) by five-year band, and the trend of the city's net rate a year (relative)."""
    conf = lifetable.parameters()["migration"]
    n_years = len(o.flow_years)
    bands = _band(np.arange(MAX_AGE + 1))
    net = (o.F["in"] - o.F["out"]).sum(axis=0) / n_years
    rates = np.zeros_like(net)
    for b in range(int(bands.max()) + 1):
        sel = bands == b
        num, den = net[..., sel].sum(axis=-1), o.exposure[..., sel].sum(axis=-1)
        rates[..., sel] = np.divide(num, den, out=np.zeros_like(num), where=den > 0)[..., None]
    rates = np.clip(rates, -conf["rate_cap"], conf["rate_cap"])
    trend = 0.0
    if n_years >= 3:
        yearly = (o.F["in"] - o.F["out"]).sum(axis=(1, 2, 3)) / max(o.exposure.sum(), 1.0)
        slope = float(np.polyfit(np.arange(n_years), yearly, 1)[0])
        level = float(np.abs(yearly).mean())
        if level > 0:
            trend = float(np.clip(slope / level, -conf["trend_cap"], conf["trend_cap"]))
    return rates, trend


def _fertility_factor(variant: str, year: int, base_year: int) -> float:
    conf = lifetable.parameters()["fertility"]
    target = conf["tfr"][variant] / conf["tfr"]["中位"]
    w = min(max((year - base_year) / (conf["target_year"] - base_year), 0.0), 1.0)
    return 1 + (target - 1) * w


def project(population_age: pa.Table, flows_age: pa.Table, births_mother: pa.Table | None = None,
            horizon: int = HORIZON) -> Projection:
    o = observe(population_age, flows_age, births_mother)
    base = o.dates[-1]
    smr = _mortality_ratio(o)
    fert, band_rates, fert_how = _fertility(o)
    mig, trend = _migration(o)
    boys, girls = o.F["birth"][..., 0, :].sum(), o.F["birth"][..., 1, :].sum()
    boy_share = boys / (boys + girls) if boys + girls >= 100 else lifetable.parameters()["fertility"]["boy_share_default"]
    trend_years = lifetable.parameters()["migration"]["trend_years"]
    years = list(range(base.year, horizon + 1))

    def rates_for(year: int, variant: str) -> Rates:
        S, L0 = np.empty((2, MAX_AGE + 1)), np.empty(2)
        for s, sex in enumerate("MF"):
            q = np.minimum(lifetable.national(sex, year) * smr[s], 1.0)
            S[s], L0[s] = lifetable.survival_ratios(q, MAX_AGE)
        shift = 1 + trend * min(year - base.year, trend_years)
        return Rates(S, L0, fert * _fertility_factor(variant, year, base.year), mig * shift, float(boy_share))

    series: dict[str, np.ndarray] = {}
    for variant in VARIANTS:
        current = o.P[-1].copy()
        out = [current]
        for y in years[:-1]:
            current = step(current, rates_for(y, variant))
            out.append(current)
        series[variant] = np.array(out)  # year, ward, sex, age

    def totals_of(S: np.ndarray) -> dict[str, list[int]]:
        t = {w: [round(x) for x in S[:, i].sum(axis=(1, 2))] for i, w in enumerate(o.wards)}
        t["計"] = [round(x) for x in S.sum(axis=(1, 2, 3))]
        return t

    def groups_of(S: np.ndarray) -> dict[str, dict[str, list[int]]]:
        g = {w: {name: [round(x) for x in S[:, i, :, sl].sum(axis=(1, 2))] for name, sl in GROUPS.items()}
             for i, w in enumerate(o.wards)}
        g["計"] = {name: [round(x) for x in S[:, :, :, sl].sum(axis=(1, 2, 3))] for name, sl in GROUPS.items()}
        return g

    di = {d: j for j, d in enumerate(o.dates)}
    recorded = {w: {d.isoformat(): int(o.P[j, i].sum()) for d, j in di.items()} for i, w in enumerate(o.wards)}
    recorded["計"] = {d.isoformat(): int(o.P[j].sum()) for d, j in di.items()}
    tfr = float(band_rates.sum() * 5)
    rates = {
        "observed_years": f"{o.flow_years[0]}–{o.flow_years[-1]}",
        "tfr": round(tfr, 2),
        "asfr_per_1000": {b: round(float(r) * 1000, 1) for b, r in zip(MOTHER_BANDS, band_rates, strict=True)},
        "fertility_source": fert_how,
        "boy_share": round(float(boy_share), 3),
        "smr": {"M": round(float(smr[0]), 2), "F": round(float(smr[1]), 2)},
        "e0": {sex: {y: round(lifetable.target_e0(sex, y), 2) for y in (base.year, horizon)} for sex in "MF"},
        "net_migration_per_1000": round(float((o.F["in"] - o.F["out"]).sum() / len(o.flow_years)
                                              / max(o.exposure.sum(), 1.0) * 1000), 2),
        "migration_trend": round(trend, 3),
    }
    p = Projection(base, o.wards, years, totals_of(series["中位"]), groups_of(series["中位"]), recorded, rates,
                   {v: totals_of(S) for v, S in series.items()}, {v: groups_of(S) for v, S in series.items()})
    p.assumptions = assumptions(p)
    return p


def assumptions(p: Projection) -> list[str]:
    """The assumptions in words, for the page beside the chart."""
    r, conf = p.rates, lifetable.parameters()
    e0 = r["e0"]
    y0, y1 = p.years[0], p.years[-1]
    tfr = conf["fertility"]["tfr"]
    trend = r["migration_trend"]
    trend_words = ("傾向なし（観測期間が短いか、変化が小さい）" if trend == 0 else
                   f"市全体の純移動率の年々の変化（{trend:+.1%}／年）を{conf['migration']['trend_years']}年間延長し、その後は一定")
    return [
        f"方法：コーホート要因法（国立社会保障・人口問題研究所「日本の地域別将来推計人口（令和5年推計）」と同じ考え方）。"
        f"1歳刻み・1年刻み、区別・男女別。基準人口は {p.base_date.isoformat()} の住民記録人口。",
        f"生残率：全国の生命表（社人研 将来生命表の年齢別死亡確率）を、令和5年推計 死亡中位の平均寿命に合わせて使用"
        f"（男 {e0['M'][y0]:.2f}年（{y0}年）→ {e0['M'][y1]:.2f}年（{y1}年）、女 {e0['F'][y0]:.2f}年 → {e0['F'][y1]:.2f}年）。"
        f"市の死亡水準（標準化死亡比）男 {r['smr']['M']:.2f}・女 {r['smr']['F']:.2f} を掛けています。",
        f"出生：母の年齢5歳階級別の出生率（観測期間 {r['observed_years']}、{r['fertility_source']}）。"
        f"合計特殊出生率 {r['tfr']:.2f}。区ごとの水準は区の出生数に合わせます。出生性比（男児の割合）{r['boy_share']:.3f}。",
        f"移動：区別・男女別・5歳階級別の純移動率（転入−転出、区間移動を含む）。市全体で年 {r['net_migration_per_1000']:+.2f}‰。"
        f"傾向：{trend_words}。",
        f"3つの仮定（出生）：中位は観測した出生率のまま。高位・低位は、全国推計の合計特殊出生率の仮定"
        f"（{conf['fertility']['target_year']}年 高位 {tfr['高位']}・中位 {tfr['中位']}・低位 {tfr['低位']}）の比率まで、"
        f"基準年から{conf['fertility']['target_year']}年にかけて直線的に近づけます。",
        "推計値はモデルの推定であり、人数を数えたものではありません。",
    ]
