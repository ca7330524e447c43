"""Every published indicator gives the same answer on DuckDB and on PySpark (a real local SparkSession), on a
fixture with leap-day births, NULLs and half-width kana (platform-anchors.md: Ibis does not always give one
answer on two engines)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pytest

from jichitai.lounge.ages import age_at
from jichitai.lounge.engines import duckdb_engine, spark_engine
from jichitai.lounge.indicators import INDICATORS
from jichitai.lounge.marts import MARTS
from jichitai.lounge.refresh import publish_all, refresh

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def both(zone: Any) -> tuple[Any, Any]:
    return refresh(zone, "duckdb"), refresh(zone, "pyspark")


def rows(table: pa.Table) -> list[tuple[Any, ...]]:
    return sorted(tuple(r.values()) for r in table.to_pylist())


def test_the_fixture_has_the_awkward_cases(zone: Any) -> None:
    spells = zone.tables["resident_spells"]
    births = set(spells["birth_ym"].to_pylist())
    assert dt.date(2000, 2, 1) in births and dt.date(1996, 2, 1) in births
    assert spells["valid_to"].null_count > 0 and spells["school_district"].null_count > 0
    # half-width kana was written to the lake and normalised on reading
    districts = {d for d in spells["school_district"].to_pylist() if d}
    assert any("ミナト" in d for d in districts) and not any("ﾐﾅﾄ" in d for d in districts)


@pytest.mark.parametrize("mart", sorted(MARTS))
def test_marts_equal(both: tuple[Any, Any], mart: str) -> None:
    duck, spark = both
    assert duck.tables[mart].num_rows > 0
    assert rows(duck.tables[mart]) == rows(spark.tables[mart])


def test_every_published_indicator_equal(both: tuple[Any, Any]) -> None:
    duck, spark = both
    duck.noise_secret = spark.noise_secret = "parity-cell-key-secret"  # the same noise for the same cells
    a, b = publish_all(duck, 10), publish_all(spark, 10)
    assert set(a) == set(INDICATORS)
    for slug in INDICATORS:
        assert a[slug], slug
        assert a[slug] == b[slug], slug


def test_age_at_on_both_engines() -> None:
    births = [dt.date(1990, 5, 6), dt.date(2000, 2, 29), dt.date(2000, 2, 29), dt.date(2000, 2, 1)]
    ons = [dt.date(2025, 4, 1), dt.date(2001, 2, 28), dt.date(2001, 3, 1), dt.date(2026, 1, 31)]
    data = {"t": pa.table({"i": list(range(4)), "b": pa.array(births, pa.date32()), "o": pa.array(ons, pa.date32())})}
    answers = []
    for eng in (duckdb_engine(data), spark_engine(data)):
        t = eng.tables["t"]
        answers.append(eng.run(t.select(t.i, a=age_at(t.b, t.o)).order_by("i"))["a"].to_pylist())
    assert answers[0] == answers[1] == [34, 0, 1, 25]
