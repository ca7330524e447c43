"""Idempotent landing, snapshots as of a time, reads through pyiceberg (never a Parquet glob)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pyarrow as pa
import pytest
from pyiceberg.expressions import EqualTo
from pyiceberg.schema import Schema
from pyiceberg.types import LongType, NestedField, StringType

from jichitai.lake import landing
from jichitai.lake.catalog import ensure_table, sqlalchemy_url, tables

SCHEMA = Schema(NestedField(1, "id", LongType(), required=True), NestedField(2, "v", StringType(), required=False))


def _rows(*ids: int) -> pa.Table:
    return pa.table({"id": pa.array(ids, pa.int64()), "v": [f"v{i}" for i in ids]})


def test_zones_exist_and_urls_translate(lake: Any) -> None:
    assert {ns[0] for ns in lake.list_namespaces()} >= {"raw", "standard", "lounge"}
    assert sqlalchemy_url("postgres://u@h:5432/d") == "postgresql+psycopg://u@h:5432/d"
    ensure_table("raw.t", SCHEMA, lake)
    assert tables(lake) == ["raw.t"]


def test_a_redelivered_batch_is_not_counted_twice(lake: Any) -> None:
    t = ensure_table("raw.t", SCHEMA, lake)
    assert landing.append_once(t, _rows(1, 2, 3), "b1", {"feed": 3})
    assert not landing.append_once(t, _rows(1, 2, 3), "b1", {"feed": 3})
    assert landing.append_once(t, _rows(4), "b2", {"feed": 4})
    assert t.scan().to_arrow().num_rows == 4
    assert landing.cursor(t, "feed") == 4
    assert landing.landed_batches(t) == {"b1", "b2"}
    reopened = lake.load_table("raw.t")
    assert not landing.append_once(reopened, _rows(4), "b2")  # the ledger is in the table, not in memory


def test_required_column_with_nulls_is_refused(lake: Any) -> None:
    t = ensure_table("raw.t", SCHEMA, lake)
    with pytest.raises(ValueError, match="id"):
        landing.append_once(t, pa.table({"id": pa.array([None], pa.int64()), "v": ["x"]}), "bad")


def test_as_of_reads_an_earlier_snapshot(lake: Any) -> None:
    t = ensure_table("raw.t", SCHEMA, lake)
    landing.append_once(t, _rows(1, 2), "b1")
    time.sleep(0.01)
    between = dt.datetime.now(dt.UTC)
    time.sleep(0.01)
    landing.append_once(t, _rows(3), "b2")
    assert landing.as_of(t, between).num_rows == 2
    assert landing.as_of(t, between - dt.timedelta(days=1)).num_rows == 0
    assert t.scan().to_arrow().num_rows == 3


def test_duckdb_reads_live_rows_after_a_delete(lake: Any) -> None:
    t = ensure_table("raw.t", SCHEMA, lake)
    landing.append_once(t, _rows(*range(12)), "b1")
    t.delete(EqualTo("id", 3))
    con = t.scan().to_duckdb("t")
    assert con.sql("select count(*) from t").fetchall() == [(11,)]


def test_replace_once_overwrites_a_full_delivery(lake: Any) -> None:
    t = ensure_table("raw.t", SCHEMA, lake)
    landing.replace_once(t, _rows(1, 2, 3), "full-1")
    landing.replace_once(t, _rows(1, 2), "full-2")
    assert not landing.replace_once(t, _rows(9), "full-2")
    assert sorted(t.scan().to_arrow()["id"].to_pylist()) == [1, 2]
    f = landing.freshness(t)
    assert f.rows == 2 and f.last_batch == "full-2" and f.last_commit is not None
