"""age_at on DuckDB (PySpark in tests/parity): completed years by month-day comparison, 年齢計算ニ関スル法律."""

from __future__ import annotations

import datetime as dt

import ibis
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jichitai.lounge.ages import age_at, age_band, band_label, eve
from jichitai.lounge.engines import duckdb_engine

CASES = [
    # (birth, on, age) — the platform-anchors trap first: DuckDB's year delta says 35 here
    (dt.date(1990, 5, 6), dt.date(2025, 4, 1), 34),
    (dt.date(1990, 5, 6), dt.date(2025, 5, 5), 34),
    (dt.date(1990, 5, 6), dt.date(2025, 5, 6), 35),  # older on the birthday itself
    (dt.date(2000, 2, 29), dt.date(2001, 2, 28), 0),  # leap-day birth: older from 1 March in a common year
    (dt.date(2000, 2, 29), dt.date(2001, 3, 1), 1),
    (dt.date(2000, 2, 29), dt.date(2004, 2, 29), 4),
    (dt.date(2000, 2, 1), dt.date(2000, 2, 1), 0),
    (dt.date(1920, 12, 31), dt.date(2026, 1, 1), 105),
]


def python_age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def run(births: list[dt.date], ons: list[dt.date]) -> list[int]:
    engine = duckdb_engine({"t": pa.table({"b": pa.array(births, pa.date32()), "o": pa.array(ons, pa.date32()),
                                           "i": pa.array(range(len(births)))})})
    t = engine.tables["t"]
    out = engine.run(t.select(t.i, a=age_at(t.b, t.o)).order_by("i"))
    return out["a"].to_pylist()


def test_known_cases():
    assert run([c[0] for c in CASES], [c[1] for c in CASES]) == [c[2] for c in CASES]


def test_the_raw_year_difference_is_what_we_avoid():
    """Documents the trap: DuckDB's year delta counts boundaries (35), our helper gives 34."""
    con = ibis.duckdb.connect()
    raw = con.execute(ibis.literal(dt.date(2025, 4, 1)).delta(ibis.literal(dt.date(1990, 5, 6)), unit="year"))
    assert raw == 35
    assert run([dt.date(1990, 5, 6)], [dt.date(2025, 4, 1)]) == [34]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)),
                          st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31))), min_size=1, max_size=40))
def test_matches_the_python_definition(pairs):
    pairs = [(b, o) for b, o in pairs if b <= o] or [(dt.date(2000, 2, 29), dt.date(2001, 2, 28))]
    assert run([b for b, _ in pairs], [o for _, o in pairs]) == [python_age(b, o) for b, o in pairs]


def test_literal_reference_date_and_bands():
    engine = duckdb_engine({"t": pa.table({"b": pa.array([dt.date(1925, 12, 1), dt.date(2023, 2, 1), dt.date(1926, 1, 1)],
                                                         pa.date32())})})
    t = engine.tables["t"]
    out = engine.run(t.select(band=age_band(age_at(t.b, eve(dt.date(2026, 1, 1))))))
    # 100 on the eve of 2026-01-01 (born December 1925); 2; 99 (born January 1926)
    assert sorted(out["band"].to_pylist()) == [0, 95, 100]
    assert band_label(100) == "100歳以上" and band_label(5) == "5〜9歳"


@pytest.mark.parametrize("birth_ym, ref, age", [
    # birth_ym is the first of the birth month: on the eve of 2026-02-01 someone born in February 2000 (on
    # the 29th, say) is still 25 — measuring on 2026-02-01 itself would say 26 for the whole month
    (dt.date(2000, 2, 1), dt.date(2026, 2, 1), 25),
    (dt.date(2000, 1, 1), dt.date(2026, 2, 1), 26),
])
def test_birth_ym_measured_on_the_eve(birth_ym, ref, age):
    assert run([birth_ym], [eve(ref)]) == [age]
