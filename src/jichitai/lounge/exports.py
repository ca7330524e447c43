"""Exports for BI tools (Tableau, Power BI, Superset): every period of an indicator as one long table, after
disclosure control (a suppressed value is empty), as Parquet or CSV (UTF-8 with BOM for Excel), and the same
tables as an Iceberg catalogue of their own (:func:`write_catalogue`) for analysts' own engines: that
catalogue holds nothing but these protected tables, never the person-level lounge zone."""

from __future__ import annotations

import io
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from jichitai.common import csvout
from jichitai.lounge import indicators as I
from jichitai.lounge.errors import LoungeError
from jichitai.lounge.publish import periods
from jichitai.lounge.refresh import MartSet

FORMATS = {"parquet": "application/vnd.apache.parquet", "csv": "text/csv; charset=utf-8"}


def table(marts: MartSet, slug: str, k: int) -> pa.Table:
    ind = I.get(slug)
    rows: list[dict[str, Any]] = []
    for period in periods(ind, marts.tables[ind.mart]):
        for row in marts.publish(slug, period, k).rows:
            out: dict[str, Any] = {"indicator": slug, "period": period}
            if ind.partition:
                out[ind.partition] = str(row[ind.partition])
            for d in ind.dims:
                out[d.column] = str(row[d.column])
                out[f"{d.column}_label"] = row[f"{d.column}_label"]
            out["value"] = row["value"]
            for c, _ in ind.sums:
                out[c] = row[c]
            out["suppressed"] = row["value"] is None
            rows.append(out)
    data = pa.Table.from_pylist(rows)
    # a column whose every value is suppressed has no type of its own: it is a count or a sum (int64)
    return data.cast(pa.schema([pa.field(f.name, pa.int64() if pa.types.is_null(f.type) else f.type)
                                for f in data.schema]))


def render(marts: MartSet, slug: str, fmt: str, k: int) -> tuple[bytes, str]:
    if fmt not in FORMATS:
        raise LoungeError("出力形式は parquet か csv です。", field="format")
    data = table(marts, slug, k)
    buf = io.BytesIO()
    if fmt == "parquet":
        pq.write_table(data, buf)
        return buf.getvalue(), FORMATS[fmt]
    text = io.StringIO()
    text.write("\ufeff")
    w = csvout.writer(text, for_people=True, lineterminator="\n")  # opened in a spreadsheet by analysts
    w.writerow(data.column_names)
    w.writerows(zip(*(column.to_pylist() for column in data.columns), strict=True))
    return text.getvalue().encode(), FORMATS[fmt]


PUBLISHED_NAMESPACE = "published"


def write_catalogue(catalog: Any, marts: MartSet, k: int) -> list[str]:
    """Replace every indicator's protected table in ``catalog`` (namespace ``published``); the identifiers."""
    if (PUBLISHED_NAMESPACE,) not in catalog.list_namespaces():
        catalog.create_namespace(PUBLISHED_NAMESPACE)
    written = []
    for slug in sorted(marts_slugs(marts)):
        data = table(marts, slug, k)
        ident = f"{PUBLISHED_NAMESPACE}.{slug}"
        if catalog.table_exists(ident):
            catalog.drop_table(ident)
        if data.num_rows:
            catalog.create_table(ident, schema=data.schema).append(data)
            written.append(ident)
    return written


def marts_slugs(marts: MartSet) -> list[str]:
    return [slug for slug in I.INDICATORS if marts.periods_of(slug)]
