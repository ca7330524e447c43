"""Idempotent landing into Iceberg tables, and "as of" reads.

A batch lands in one Iceberg commit whose snapshot summary carries its batch id (``jichitai.batch``) and,
for feeds, the position it reached (``jichitai.cursor.<name>``). The commit is atomic, so the ledger of
landed batches and the data cannot disagree: a process killed before the commit left nothing, one killed
after it left the batch and its id. Landing the same batch again finds the id and does nothing.

Reads always go through pyiceberg's scan (never a glob of the table's Parquet files, which would count
deleted rows).
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pyarrow as pa
from pyiceberg.expressions import BooleanExpression
from pyiceberg.table import Table
from pyiceberg.table.snapshots import Snapshot

BATCH_PROPERTY = "jichitai.batch"
CURSOR_PREFIX = "jichitai.cursor."


def conform(table: Table, data: pa.Table) -> pa.Table:
    """``data`` cast to the table's Arrow schema (column order, types, nullability). Raises ``ValueError``
    naming the column when a required column holds nulls or a column is missing."""
    target = table.schema().as_arrow()
    missing = [f.name for f in target if f.name not in data.column_names]
    if missing:
        raise ValueError(f"columns missing for {table.name()}: {', '.join(missing)}")
    data = data.select(target.names)
    for f in target:
        if not f.nullable and data.column(f.name).null_count:
            raise ValueError(f"required column {f.name} of {'.'.join(table.name())} has nulls")
    return data.cast(target)


def _ancestors(table: Table) -> Iterator[Snapshot]:
    snap = table.current_snapshot()
    while snap is not None:
        yield snap
        snap = table.snapshot_by_id(snap.parent_snapshot_id) if snap.parent_snapshot_id is not None else None


def landed_batches(table: Table) -> set[str]:
    """Every batch id committed to the table's current history."""
    out = set()
    for snap in _ancestors(table):
        batch = snap.summary.get(BATCH_PROPERTY) if snap.summary is not None else None
        if batch:
            out.add(batch)
    return out


def has_batch(table: Table, batch_id: str) -> bool:
    return any(
        snap.summary is not None and snap.summary.get(BATCH_PROPERTY) == batch_id for snap in _ancestors(table)
    )


def cursor(table: Table, name: str) -> int:
    """The last position recorded under ``name`` in the table's history (0 when none)."""
    key = CURSOR_PREFIX + name
    for snap in _ancestors(table):
        value = snap.summary.get(key) if snap.summary is not None else None
        if value is not None:
            return int(value)
    return 0


def _properties(batch_id: str, cursors: dict[str, int] | None) -> dict[str, str]:
    props = {BATCH_PROPERTY: batch_id}
    for name, value in (cursors or {}).items():
        props[CURSOR_PREFIX + name] = str(value)
    return props


def append_once(table: Table, data: pa.Table, batch_id: str, cursors: dict[str, int] | None = None) -> bool:
    """Append ``data`` as batch ``batch_id`` unless that batch already landed. True when it landed now.

    An empty batch still commits (an empty append) when it carries a cursor, so the position advances."""
    table.refresh()
    if has_batch(table, batch_id):
        return False
    data = conform(table, data)
    if data.num_rows == 0 and not cursors:
        return False
    table.append(data, snapshot_properties=_properties(batch_id, cursors))
    return True


def replace_once(table: Table, data: pa.Table, batch_id: str, where: BooleanExpression | None = None) -> bool:
    """Overwrite the rows matching ``where`` (all rows when None) with ``data``, once per ``batch_id``:
    a 全件 (full) delivery replaces what it covers."""
    table.refresh()
    if has_batch(table, batch_id):
        return False
    _overwrite(table, conform(table, data), _properties(batch_id, None), where)
    return True


def replace_unless_current(table: Table, data: pa.Table, batch_id: str) -> bool:
    """Overwrite the whole table with ``data`` unless its *current* snapshot is batch ``batch_id``: for a
    reference table whose batch id is its content's hash (a content changed and changed back lands again,
    where :func:`replace_once` would find the old batch in the history and skip it)."""
    table.refresh()
    snap = table.current_snapshot()
    if snap is not None and snap.summary is not None and snap.summary.get(BATCH_PROPERTY) == batch_id:
        return False
    _overwrite(table, conform(table, data), _properties(batch_id, None), None)
    return True


def _overwrite(table: Table, data: pa.Table, props: dict[str, str], where: BooleanExpression | None) -> None:
    with warnings.catch_warnings():
        # an overwrite that replaces nothing (first delivery) is expected, not a problem
        warnings.filterwarnings("ignore", "Delete operation did not match any records", UserWarning)
        if where is None:
            table.overwrite(data, snapshot_properties=props)
        else:
            table.overwrite(data, overwrite_filter=where, snapshot_properties=props)


def cursors(table: Table) -> dict[str, int]:
    """Every position the table's history records (name → the latest value), for a commit that must keep them."""
    out: dict[str, int] = {}
    for snap in _ancestors(table):
        for key, value in (snap.summary.additional_properties if snap.summary is not None else {}).items():
            if key.startswith(CURSOR_PREFIX):
                out.setdefault(key[len(CURSOR_PREFIX):], int(value))
    return out


def rewrite(table: Table, where: BooleanExpression, fix: Callable[[pa.Table], pa.Table], batch_id: str) -> int:
    """Rewrite the rows matching ``where`` as ``fix`` makes them, in one commit (copy-on-write of the files that
    hold them) that keeps the table's recorded positions; nothing when ``fix`` changes nothing. Returns the rows
    rewritten. A commit that raced another fails whole (pyiceberg asserts the snapshot it read is still current)."""
    table.refresh()
    rows = table.scan(row_filter=where).to_arrow()
    if rows.num_rows == 0:
        return 0
    fixed = conform(table, fix(rows))
    if fixed.equals(rows.cast(fixed.schema)):
        return 0
    table.overwrite(fixed, overwrite_filter=where, snapshot_properties=_properties(batch_id, cursors(table)))
    return rows.num_rows


def as_of(table: Table, when: dt.datetime) -> pa.Table:
    """The table's rows as they were at ``when`` (an Iceberg snapshot read). Empty before the first commit."""
    snap = table.snapshot_as_of_timestamp(int(when.timestamp() * 1000))
    if snap is None:
        return table.schema().as_arrow().empty_table()
    return table.scan(snapshot_id=snap.snapshot_id).to_arrow()


@dataclass(frozen=True)
class Freshness:
    identifier: str
    last_commit: dt.datetime | None
    snapshots: int
    rows: int
    last_batch: str


def freshness(table: Table) -> Freshness:
    snap = table.current_snapshot()
    rows = 0
    if snap is not None and snap.summary is not None:
        rows = int(snap.summary.get("total-records", "0") or 0)
    last_batch = ""
    for s in _ancestors(table):
        if s.summary is not None and s.summary.get(BATCH_PROPERTY):
            last_batch = s.summary.get(BATCH_PROPERTY) or ""
            break
    return Freshness(
        identifier=".".join(table.name()),
        last_commit=(dt.datetime.fromtimestamp(snap.timestamp_ms / 1000, tz=dt.UTC) if snap else None),
        snapshots=len(table.metadata.snapshots),
        rows=rows,
        last_batch=last_batch,
    )
