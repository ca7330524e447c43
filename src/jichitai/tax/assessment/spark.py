"""The bulk assessment on PySpark: the same vectorised function through ``mapInArrow``.

Each taxpayer row carries its relatives as a nested list, so every Arrow batch Spark hands to
:func:`jichitai.tax.calc.arrow.assess_batches` is self-contained. Nothing Spark-specific is computed here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from jichitai.tax import parameters as P
from jichitai.tax.calc import OUTPUT_COLUMNS
from jichitai.tax.calc.arrow import INPUT_SCHEMA, OUTPUT_SCHEMA, assess_batches
from jichitai.tax.calc.explain import case_tables
from jichitai.tax.case import Case


def input_table(cases: list[Case]) -> pa.Table:
    """Cases as one Arrow table of :data:`INPUT_SCHEMA` (``key`` = the row number)."""
    tp, rel = case_tables(cases)
    columns: dict[str, Any] = {"key": pa.array([str(i) for i in range(len(cases))])}
    for f in INPUT_SCHEMA:
        if f.name in ("key", "relatives"):
            continue
        columns[f.name] = pa.array(tp[f.name].astype("datetime64[D]") if f.name == "birth_date" else tp[f.name],
                                   type=f.type)
    nested: list[list[dict[str, Any]]] = [[] for _ in cases]
    for j, owner in enumerate(rel["owner"].tolist()):
        nested[owner].append({
            "is_spouse": bool(rel["is_spouse"][j]), "birth_date": rel["birth_date"][j].astype(object),
            "total_income": int(rel["total_income"][j]), "disability": int(rel["disability"][j]),
            "cohabiting": bool(rel["cohabiting"][j]), "lineal_ascendant": bool(rel["lineal_ascendant"][j]),
            "child": bool(rel["child"][j]),
        })
    columns["relatives"] = pa.array(nested, type=INPUT_SCHEMA.field("relatives").type)
    return pa.table(columns, schema=INPUT_SCHEMA)


def session() -> Any:
    """A local session whose Python workers run this interpreter (so they import jichitai)."""
    import os
    import sys

    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)

    return (SparkSession.builder.master("local[2]").appName("jichitai-tax-assess")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.ui.enabled", "false").getOrCreate())


def compute_with_spark(cases: list[Case], fiscal_year: int, m: P.Municipality, *, partitions: int = 4,
                       spark: Any = None) -> dict[str, np.ndarray]:
    """Output columns for ``cases`` computed by Spark executors, in the order of ``cases``."""
    spark = spark or session()
    table = input_table(cases)
    df = spark.createDataFrame(table.to_pandas(), schema=_spark_schema(spark, INPUT_SCHEMA)).repartition(partitions)
    result = df.mapInArrow(lambda batches: assess_batches(batches, fiscal_year, m),
                           _spark_schema(spark, OUTPUT_SCHEMA)).toArrow()
    order = np.argsort(np.array([int(k) for k in result.column("key").to_pylist()]))
    return {name: result.column(name).to_numpy(zero_copy_only=False)[order] for name in OUTPUT_COLUMNS}


def _spark_schema(spark: Any, schema: pa.Schema) -> Any:
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)
