"""The engines a mart runs on: DuckDB in-process by default, PySpark when configured.

Both receive the same Arrow tables (read from Iceberg by :mod:`jichitai.lounge.source`) and expose them as
Ibis tables under the lounge table names; a mart is one Ibis expression over those names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa


@dataclass
class Engine:
    name: str
    backend: Any
    tables: dict[str, ir.Table]
    session: Any = None  # the SparkSession of a pyspark engine

    def run(self, expr: ir.Table) -> pa.Table:
        return self.backend.to_pyarrow(expr)

    def add(self, name: str, data: pa.Table) -> None:
        """Expose ``data`` under ``name`` to the expressions that follow (an intermediate result)."""
        if self.name == "duckdb":
            self.backend.con.register(name, data)  # zero-copy view over the Arrow table
        else:
            _spark_view(self.session, name, data)
        self.tables[name] = self.backend.table(name)


def duckdb_engine(tables: dict[str, pa.Table], threads: int | None = None) -> Engine:
    con = ibis.duckdb.connect(threads=threads) if threads else ibis.duckdb.connect()
    engine = Engine("duckdb", con, {})
    for name, data in tables.items():
        engine.add(name, data)
    return engine


_SPARK: Any = None


def spark_session() -> Any:
    """One local SparkSession per process (UTC, so zoneless timestamps are never shifted)."""
    global _SPARK
    if _SPARK is None:
        from pyspark.sql import SparkSession

        _SPARK = (
            SparkSession.builder.master("local[2]").appName("jichitai-lounge")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .getOrCreate()
        )
    return _SPARK


def _spark_view(session: Any, name: str, data: pa.Table) -> None:
    plain = data.cast(pa.schema([pa.field(f.name, pa.string() if pa.types.is_large_string(f.type) else f.type,
                                          nullable=True) for f in data.schema]))
    session.createDataFrame(plain).createOrReplaceTempView(name)


def spark_engine(tables: dict[str, pa.Table], session: Any = None) -> Engine:
    session = session or spark_session()
    engine = Engine("pyspark", ibis.pyspark.connect(session), {}, session)
    for name, data in tables.items():
        engine.add(name, data)
    return engine


def connect(engine: str, tables: dict[str, pa.Table]) -> Engine:
    if engine == "duckdb":
        return duckdb_engine(tables)
    if engine == "pyspark":
        return spark_engine(tables)
    raise ValueError(f"unknown lounge engine {engine!r} (duckdb or pyspark)")
