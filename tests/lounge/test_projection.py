"""Cohort-component projection (lounge/projection.py) and its life tables (lounge/lifetable.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from jichitai.lounge import lifetable
from jichitai.lounge.projection import Rates, project, step
from jichitai.lounge.refresh import refresh


def table(rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows)


def test_one_cohort_component_step_computed_by_hand():
    """Independent: the textbook cohort-component step (Preston, Heuveline & Guillot, Demography, ch. 6: survivors
    by the survival ratio, net migrants by their rate, births from the mean of the women at both ends of the year
    times the age-specific rates, then the births' survival), computed by hand for one ward, ages 0, 1 and 2+:

    men   100, 80, 50 with S = 0.99, 0.98, 0.5;  women 100, 90, 60 with S = 0.995, 0.99, 0.6;
    women aged 1 gain 10 % by migration; fertility 0.5 at age 1 and 0.2 at 2+; half the births boys;
    L(0) = 0.99 (boys), 0.995 (girls).
    Men a year later: age 1 = 100 × 0.99 = 99; 2+ = 80 × 0.98 + 50 × 0.5 = 103.4.
    Women: age 1 = 100 × 0.995 = 99.5; 2+ = 90 × 0.99 × 1.1 + 60 × 0.6 = 134.01.
    Births = 0.5 × (90 + 99.5) / 2 + 0.2 × (60 + 134.01) / 2 = 47.375 + 19.401 = 66.776;
    boys aged 0 = 66.776 × 0.5 × 0.99 = 33.05412; girls = 66.776 × 0.5 × 0.995 = 33.22106."""
    P = np.array([[[100.0, 80.0, 50.0], [100.0, 90.0, 60.0]]])
    migration = np.zeros((1, 2, 3))
    migration[0, 1, 1] = 0.1
    r = Rates(survival=np.array([[0.99, 0.98, 0.5], [0.995, 0.99, 0.6]]), birth_survival=np.array([0.99, 0.995]),
              fertility=np.array([[0.0, 0.5, 0.2]]), migration=migration, boy_share=0.5)
    nxt = step(P, r)
    assert nxt[0, 0] == pytest.approx([33.05412, 99.0, 103.4])
    assert nxt[0, 1] == pytest.approx([33.22106, 99.5, 134.01])


@pytest.mark.parametrize("sex,which", [("M", "early"), ("M", "late"), ("F", "early"), ("F", "late")])
def test_life_tables_from_the_published_ages_reproduce_the_published_life_expectancy(sex: str, which: str):
    """Independent: each sheet's published 平均寿命 (e0: 82.57, 82.92, 89.03, 90.33, 社人研 平成29年推計 仮定表
    11-6/7/8) from the ages found (0–26, 55–81), the gap filled and the tail closed by e55: within 0.15 year."""
    sheet = lifetable.parameters()["life_tables"][sex][which]
    q = lifetable.from_sheet(sheet)
    assert lifetable.expectancy(q) == pytest.approx(sheet["e0"], abs=0.15)
    assert lifetable.expectancy(q, 55) == pytest.approx(sheet["e55"], abs=0.01)
    assert q[0] == sheet["q_from_0"][0] and q[70] == sheet["q_from_55"][15]


def test_the_national_table_of_a_year_has_the_assumed_life_expectancy():
    """Independent: 令和5年推計 死亡中位 平均寿命 2020 男 81.58年・女 87.72年; 2070 男 85.89年・女 91.94年."""
    assert lifetable.expectancy(lifetable.national("M", 2020)) == pytest.approx(81.58, abs=0.01)
    assert lifetable.expectancy(lifetable.national("F", 2020)) == pytest.approx(87.72, abs=0.01)
    assert lifetable.expectancy(lifetable.national("F", 2070)) == pytest.approx(91.94, abs=0.01)
    S, L0 = lifetable.survival_ratios(lifetable.national("M", 2030), 100)
    assert 0.99 < L0 < 1 and np.all((S > 0) & (S <= 1)) and S[90] < S[60] < S[20]


def _closed(years: tuple[int, ...], ages: tuple[int, ...], n: int) -> pa.Table:
    return table([{"ref_date": dt.date(y, 1, 1), "ward_code": "28101", "sex": s, "age": a, "n": n}
                  for y in years for s in ("M", "F") for a in ages])


NO_FLOWS = pa.table({"year": pa.array([2024], pa.int32()), "ward_code": ["28101"], "sex": ["M"],
                     "age": pa.array([70], pa.int32()), "flow": ["other"], "n": [0]})


def test_a_closed_old_population_dies_out_by_the_life_table():
    """Consistency: no births, no moves: 1,000 men aged 80 on 1 January 2025 are 1,000 × S(80) a year later,
    S from the national table of 2025."""
    p = project(_closed((2024, 2025), (80,), 1000), NO_FLOWS, horizon=2030)
    S, _ = lifetable.survival_ratios(lifetable.national("M", 2025), 100)
    SF, _ = lifetable.survival_ratios(lifetable.national("F", 2025), 100)
    assert p.years[0] == 2025 and p.years[-1] == 2030
    assert p.totals["28101"][1] == round(1000 * S[80] + 1000 * SF[80])
    assert p.totals["28101"][-1] < p.totals["28101"][1] < 2000
    assert p.groups["28101"]["0〜14歳"][-1] == 0


def test_births_follow_the_mothers_ages():
    """Consistency: births linked to mothers aged 30–34 give that band the city's whole fertility; the
    projected births come from the women of that band only, and the variants differ as their TFR ratios."""
    pop = _closed((2023, 2024, 2025), tuple(range(61)), 100)
    flows = table([{"year": y, "ward_code": "28101", "sex": s, "age": 0, "flow": "birth", "n": 40}
                   for y in (2023, 2024) for s in ("M", "F")])
    mothers = table([{"year": y, "ward_code": "28101", "mother_band": "30-34", "n": 80} for y in (2023, 2024)])
    p = project(pop, flows, mothers, horizon=2050)
    assert p.rates["asfr_per_1000"]["30-34"] == pytest.approx(160.0)  # 80 births a year / 500 women aged 30–34
    assert p.rates["asfr_per_1000"]["25-29"] == 0 and p.rates["tfr"] == pytest.approx(0.8)
    hi, mid, lo = (p.variants[v]["28101"][-1] for v in ("高位", "中位", "低位"))
    assert hi > mid > lo
    assert p.variants["中位"] == p.totals
    assert any("母の年齢" in a for a in p.assumptions)


def test_projection_on_the_fixture(zone: Any) -> None:
    """Consistency: the fixture's marts give a projection whose totals add up and stay positive."""
    marts = refresh(zone, only=["population_age", "flows_age", "births_mother_age"])
    p = project(marts.tables["population_age"], marts.tables["flows_age"], marts.tables["births_mother_age"])
    assert p.years[-1] == 2050
    assert p.totals["計"][0] == sum(p.totals[w][0] for w in p.wards)
    assert p.recorded["計"][p.base_date.isoformat()] == p.totals["計"][0]
    assert all(v >= 0 for w in p.totals for v in p.totals[w])
    assert p.rates["tfr"] > 0.5 and "母の年齢（5歳階級）が分かる出生" in p.rates["fertility_source"]
