"""Cohort-component projection (lounge/projection.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa

from jichitai.lounge.projection import project
from jichitai.lounge.refresh import refresh


def table(rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows)


def test_a_closed_population_without_events_just_ages():
    pop = table([
        {"ref_date": dt.date(y, 1, 1), "ward_code": "28101", "sex": s, "age": a, "n": 100}
        for y in (2024, 2025) for s in ("M", "F") for a in (70, 80)
    ])
    flows = pa.table({"year": pa.array([2024], pa.int32()), "ward_code": ["28101"], "sex": ["M"],
                      "age": pa.array([70], pa.int32()), "flow": ["other"], "n": [0]})
    p = project(pop, flows, horizon=2030)
    assert p.years[0] == 2025 and p.years[-1] == 2030
    assert p.totals["28101"] == [400] * 6  # no deaths, no births, no moves
    assert p.groups["28101"]["65歳以上"][0] == 400


def test_deaths_shrink_and_births_add_children():
    pop = table([{"ref_date": dt.date(y, 1, 1), "ward_code": "28101", "sex": s, "age": a, "n": 1000}
                 for y in (2024, 2025) for s in ("M", "F") for a in (30, 85)])
    flows = table([
        {"year": 2024, "ward_code": "28101", "sex": "M", "age": 85, "flow": "death", "n": 100},
        {"year": 2024, "ward_code": "28101", "sex": "F", "age": 0, "flow": "birth", "n": 50},
    ])
    p = project(pop, flows, horizon=2027)
    assert p.groups["28101"]["0〜14歳"][1] > 0
    assert p.groups["28101"]["65歳以上"][1] < 2000


def test_projection_on_the_fixture(zone: Any) -> None:
    marts = refresh(zone, only=["population_age", "flows_age"])
    p = project(marts.tables["population_age"], marts.tables["flows_age"])
    assert p.years[-1] == 2050
    assert p.totals["計"][0] == sum(p.totals[w][0] for w in p.wards)
    assert p.recorded["計"][p.base_date.isoformat()] == p.totals["計"][0]
    assert all(v >= 0 for w in p.totals for v in p.totals[w])
