"""Reading the lake's lounge zone: pyiceberg → Arrow (never a glob of Parquet files, platform-anchors.md).

A :class:`Zone` holds the seven lounge tables as Arrow tables read at one snapshot each (the current one, or
the last one committed at or before an "as of" time) and the lineage of what was read: table, snapshot id,
commit time. Text columns are NFKC-normalised on the way in, so ``ﾐﾅﾄ小学校区`` and ``ミナト小学校区`` are one
group on every engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from jichitai.lake.schemas import LOUNGE_NAMESPACE, LOUNGE_TABLES

SOURCE_SYSTEMS = {
    "resident_spells": "住民記録システム",
    "movements": "住民記録システム（異動）",
    "births": "住民記録システム（出生・母の年齢）",
    "child_allowance": "児童手当システム",
    "ltc_certification": "介護保険システム",
    "nhi_enrolment": "国民健康保険システム",
    "tax_assessment": "個人住民税システム（賦課）",
    "declarations": "申告受付・審査",
    "towns": "住民記録システム（住所辞書：町字の名称）",
}


@dataclass(frozen=True)
class Lineage:
    table: str
    source_system: str
    snapshot_id: int | None
    committed_at: str | None
    rows: int


@dataclass
class Zone:
    tables: dict[str, pa.Table]
    lineage: dict[str, Lineage] = field(default_factory=dict)
    as_of: dt.datetime | None = None

    def key(self) -> tuple[tuple[str, int | None], ...]:
        """Identifies the data read: the snapshot of every table (a cache key for marts)."""
        return tuple(sorted((n, li.snapshot_id) for n, li in self.lineage.items()))


def normalise(table: pa.Table) -> pa.Table:
    """NFKC on every string column (half-width kana → full width) before anything groups on it.

    ASCII is NFKC-stable, so an all-ASCII column (codes, pseudonymous ids: most of the rows) is left as it is;
    another column is normalised once per distinct value (its dictionary), not once per row."""
    for i, f in enumerate(table.schema):
        if not (pa.types.is_string(f.type) or pa.types.is_large_string(f.type)):
            continue
        column = table.column(i)
        if column.null_count == len(column) or pc.all(pc.string_is_ascii(column)).as_py():
            continue
        encoded = pc.dictionary_encode(column).combine_chunks()
        values = pc.utf8_normalize(encoded.dictionary, "NFKC")
        table = table.set_column(i, f, pc.take(values, encoded.indices).cast(f.type))
    return table


def catalog(uri: str, warehouse: str) -> Any:
    from pyiceberg.catalog.sql import SqlCatalog

    return SqlCatalog("jichitai", uri=uri, warehouse=f"file://{warehouse}" if "://" not in warehouse else warehouse)


def _snapshot_at(table: Any, as_of: dt.datetime | None) -> Any:
    if as_of is None:
        return table.current_snapshot()
    limit = int(as_of.timestamp() * 1000)
    best = None
    for entry in table.history():
        if entry.timestamp_ms <= limit:
            best = entry
    return table.snapshot_by_id(best.snapshot_id) if best is not None else None


def read_zone(cat: Any, as_of: dt.datetime | None = None,
              columns: Mapping[str, Sequence[str]] | None = None) -> Zone:
    """Read every lounge table (as of ``as_of`` when given). A table absent then is empty. ``columns`` limits
    the read to the columns named per table (the marts' :data:`~jichitai.lounge.marts.COLUMNS`); a table
    not named is then not read at all (its lineage still records the snapshot)."""
    tables: dict[str, pa.Table] = {}
    lineage: dict[str, Lineage] = {}
    for name, schema in LOUNGE_TABLES.items():
        ident = f"{LOUNGE_NAMESPACE}.{name}"
        wanted = list(schema.column_names) if columns is None else list(columns.get(name, ()))
        empty = schema.as_arrow().empty_table().select(wanted)
        if not cat.table_exists(ident):
            if wanted:
                tables[name] = empty
            lineage[name] = Lineage(name, SOURCE_SYSTEMS[name], None, None, 0)
            continue
        table = cat.load_table(ident)
        snap = _snapshot_at(table, as_of)
        rows = _recorded_rows(snap)
        if wanted:
            data = _scan(table, snap, wanted, empty) if snap is not None else empty
            tables[name] = normalise(data)
            rows = data.num_rows
        committed = (dt.datetime.fromtimestamp(snap.timestamp_ms / 1000, dt.UTC).isoformat()
                     if snap is not None else None)
        lineage[name] = Lineage(name, SOURCE_SYSTEMS[name], snap.snapshot_id if snap else None, committed, rows)
    return Zone(tables, lineage, as_of)


def _scan(table: Any, snap: Any, wanted: list[str], empty: pa.Table) -> pa.Table:
    """The ``wanted`` columns of a snapshot; a column the table does not have yet (landed before it was added to
    the schema, such as tax_assessment.taxable_separate) reads as null."""
    have = {f.name for f in table.schema().fields}
    data = table.scan(snapshot_id=snap.snapshot_id, selected_fields=tuple(c for c in wanted if c in have)).to_arrow()
    for c in wanted:
        if c not in have:
            data = data.append_column(empty.schema.field(c), pa.nulls(data.num_rows, empty.schema.field(c).type))
    return data.select(wanted)


def _recorded_rows(snap: Any) -> int:
    """The rows of a snapshot as its summary records them (for a table the marts do not read)."""
    summary = getattr(snap, "summary", None) if snap is not None else None
    return int(summary.get("total-records", "0") or 0) if summary is not None else 0


def current_lineage(cat: Any, as_of: dt.datetime | None = None) -> dict[str, Lineage]:
    """The snapshot each lounge table would be read at, without reading any data (a cheap freshness check)."""
    out: dict[str, Lineage] = {}
    for name in LOUNGE_TABLES:
        ident = f"{LOUNGE_NAMESPACE}.{name}"
        snap = _snapshot_at(cat.load_table(ident), as_of) if cat.table_exists(ident) else None
        committed = (dt.datetime.fromtimestamp(snap.timestamp_ms / 1000, dt.UTC).isoformat()
                     if snap is not None else None)
        out[name] = Lineage(name, SOURCE_SYSTEMS[name], snap.snapshot_id if snap else None, committed, -1)
    return out
