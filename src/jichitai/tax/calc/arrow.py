"""Arrow in, Arrow out: the engine on record batches whose ``relatives`` column is a list of structs.

This is the form a distributed engine feeds (PySpark's ``mapInArrow``): each batch carries its taxpayers and,
nested in each row, that taxpayer's spouse and dependants, so a batch is self-contained. The computation is
:func:`jichitai.tax.calc.calculate_many`, the same function as everywhere else.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jichitai.tax import parameters as P
from jichitai.tax.calc import OUTPUT_COLUMNS, calculate_many
from jichitai.tax.calc.columns import BOOL_COLUMNS, I64, RELATIVE_COLUMNS, TAXPAYER_AMOUNTS, TAXPAYER_FLAGS

RELATIVE_TYPE = pa.struct([
    ("is_spouse", pa.bool_()), ("birth_date", pa.date32()), ("total_income", pa.int64()),
    ("disability", pa.int8()), ("cohabiting", pa.bool_()), ("lineal_ascendant", pa.bool_()), ("child", pa.bool_()),
])
INPUT_SCHEMA = pa.schema(
    [("key", pa.string()), ("birth_date", pa.date32()), ("disability", pa.int8())]
    + [(name, pa.bool_()) for name in TAXPAYER_FLAGS]
    + [(name, pa.int64()) for name in TAXPAYER_AMOUNTS]
    + [("relatives", pa.list_(RELATIVE_TYPE))]
)
OUTPUT_SCHEMA = pa.schema(
    [("key", pa.string())]
    + [(name, pa.bool_() if name in BOOL_COLUMNS else pa.int64()) for name in OUTPUT_COLUMNS]
)


def flatten(batch: pa.RecordBatch | pa.Table) -> tuple[dict[str, Any], dict[str, Any]]:
    """(taxpayer columns, relative columns with ``owner`` = row within the batch)."""
    table = pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
    taxpayers = {name: table.column(name).to_numpy(zero_copy_only=False) for name in table.column_names
                 if name not in ("relatives", "key")}
    nested = table.column("relatives").combine_chunks()
    owner = pc.list_parent_indices(nested).to_numpy(zero_copy_only=False).astype(I64)
    flat = pc.list_flatten(nested)
    relatives: dict[str, Any] = {"owner": owner}
    for name in RELATIVE_COLUMNS:
        if name != "owner":
            relatives[name] = pc.struct_field(flat, name).to_numpy(zero_copy_only=False)
    return taxpayers, relatives


def assess_batch(batch: pa.RecordBatch | pa.Table, fiscal_year: int, municipality: P.Municipality | None = None
                 ) -> pa.RecordBatch:
    taxpayers, relatives = flatten(batch)
    out = calculate_many(taxpayers, relatives, fiscal_year=fiscal_year, municipality=municipality)
    keys = batch.column(batch.schema.get_field_index("key"))
    arrays = [pa.array(keys.to_pylist() if isinstance(keys, pa.ChunkedArray) else keys, pa.string())]
    arrays += [pa.array(np.asarray(out[name])) for name in OUTPUT_COLUMNS]
    return pa.RecordBatch.from_arrays(arrays, schema=OUTPUT_SCHEMA)


def assess_batches(batches: Iterable[pa.RecordBatch], fiscal_year: int,
                   municipality: P.Municipality | None = None) -> Iterator[pa.RecordBatch]:
    """The function PySpark's ``mapInArrow`` runs on each partition."""
    for batch in batches:
        if batch.num_rows:
            yield assess_batch(batch, fiscal_year, municipality)
