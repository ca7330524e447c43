"""Bulk writes for the paths that write hundreds of thousands of rows (the synthetic city's base load, the
hub's relay, the declarations review): PostgreSQL ``COPY`` (insert) and one ``UPDATE … FROM json_populate_recordset(…)``
per batch (update) in the caller's transaction; ``bulk_create`` / ``bulk_update`` on the embedded SQLite.

Rows are dicts by attribute name and carry every column the table needs (those without a database default);
the value of a JSON column (dict or list) is encoded as JSON, ``None`` stays NULL. COPY inserts rows in the
order given, so serial keys follow that order.

Sets of keys (宛名番号, ids, blind indexes) that a bulk path names by the thousand go to PostgreSQL as one
comma-separated text parameter read by ``= ANY(string_to_array(…, ','))`` (:func:`any_of`, :data:`ANY_TEXT`):
Django's ``IN (%s, …)`` list, or a list that psycopg dumps into an array element by element, costs more in
Python than reading the rows. PostgreSQL hashes the array, so the match is one look-up a row.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import operator
import os
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from typing import Any, TypeVar

import orjson
import psycopg
from django.db import connection, connections, models, transaction


def _fields(model: Any, rows: Sequence[dict[str, Any]]) -> list[Any]:
    return [f for f in model._meta.concrete_fields if f.attname in rows[0]]


def _rows_as_text(fields: list[Any], rows: Sequence[dict[str, Any]]) -> Iterator[list[Any]]:
    """Each row's values in column order, JSON encoded, dates, timestamps and UUIDs as the text PostgreSQL reads
    back into their columns (ISO 8601; 32 hex digits), each distinct date or timestamp formatted once a call:
    psycopg's text dumpers cost 0.6 µs a date and 2 µs a timestamp with its zone, paid on every row although a
    batch's rows share their ``now`` and most of their dates."""
    names = [f.attname for f in fields]
    json_at = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]  # tested once, not per value
    dates_at: list[tuple[int, dict[Any, str]]] = [(i, {}) for i, f in enumerate(fields)
                                                 if isinstance(f, models.DateField)]  # DateTimeField too
    uuids_at = [i for i, f in enumerate(fields) if isinstance(f, models.UUIDField)]
    take = operator.itemgetter(*names)  # the row's values in column order, in C
    one = len(names) == 1
    for r in rows:
        values = [take(r)] if one else list(take(r))
        for i in json_at:
            if values[i] is not None:
                values[i] = json_text(values[i])
        for i, memo in dates_at:
            value = values[i]
            if value is not None and not isinstance(value, str):
                text = memo.get(value)
                if text is None:
                    text = memo[value] = value.isoformat()
                values[i] = text
        for i in uuids_at:
            value = values[i]
            if isinstance(value, uuid.UUID):
                values[i] = value.hex
        yield values


def _copy(cur: Any, table: str, fields: list[Any], rows: Sequence[dict[str, Any]], numbered: bool = False) -> None:
    """COPY ``rows`` into ``table`` (quoted) for ``fields``; with ``numbered`` each row also gets its position in
    a ``copy_order`` column."""
    cols = ", ".join(connection.ops.quote_name(f.column) for f in fields) + (", copy_order" if numbered else "")
    with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
        for n, values in enumerate(_rows_as_text(fields, rows)):
            copy.write_row([*values, n] if numbered else values)


# Up to this many rows one INSERT … VALUES is cheaper than COPY: one round trip to the server instead of two
# (COPY waits for the server's go-ahead before the data), which is most of a one-異動 transaction's writes.
FEW_ROWS = 20


def _insert(cur: Any, table: str, fields: list[Any], rows: Sequence[dict[str, Any]]) -> None:
    cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    params = [v for values in _rows_as_text(fields, rows) for v in values]
    cur.execute(f"INSERT INTO {table} ({cols}) VALUES " + ", ".join([row] * len(rows)), params)  # noqa: S608


def copy_rows(model: Any, rows: Sequence[dict[str, Any]], batch_size: int = 500) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        write = _insert if len(rows) <= FEW_ROWS else _copy
        with connection.cursor() as cur:
            write(cur, connection.ops.quote_name(model._meta.db_table), _fields(model, rows), rows)
    else:
        model.objects.bulk_create([model(**r) for r in rows], batch_size=batch_size)


def copy_rows_with_ids(model: Any, rows: Sequence[dict[str, Any]], batch_size: int = 500) -> list[int]:
    """:func:`copy_rows` for rows whose new primary keys the caller needs (to write their children next): on
    PostgreSQL the keys are drawn from the table's sequence in one query and COPYed with the rows (Django's
    ``bulk_create`` … RETURNING builds a model instance per row and, from 5.2, dumps every column into an
    array element by element in Python: 0.6 ms a 徴収計画 row, most of the collection's write); elsewhere
    ``bulk_create``. The keys in the order of ``rows``."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        return [o.pk for o in model.objects.bulk_create([model(**r) for r in rows], batch_size=batch_size)]
    pk = model._meta.pk
    with connection.cursor() as cur:
        cur.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [model._meta.db_table, pk.column, len(rows)])
        ids = [int(r[0]) for r in cur.fetchall()]
    copy_rows(model, [{**r, pk.attname: i} for r, i in zip(rows, ids, strict=True)], batch_size=batch_size)
    return ids


def copy_new_rows(model: Any, rows: Sequence[dict[str, Any]], batch_size: int = 500) -> int:
    """Insert the rows that break none of the table's unique constraints, skip the others (already stored, or
    twice in ``rows``: the first is kept); returns how many were inserted. On PostgreSQL the rows are COPYed
    into a temporary table and moved with one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` in the order given
    (serial keys follow it, as with :func:`copy_rows`); elsewhere ``bulk_create(ignore_conflicts=True)``. Runs
    in the caller's transaction (a savepoint of it)."""
    if not rows:
        return 0
    with transaction.atomic():
        if connection.vendor != "postgresql":
            before = model.objects.count()
            model.objects.bulk_create([model(**r) for r in rows], batch_size=batch_size, ignore_conflicts=True)
            return int(model.objects.count() - before)
        q = connection.ops.quote_name
        fields = _fields(model, rows)
        cols = ", ".join(q(f.column) for f in fields)
        table, temp = q(model._meta.db_table), q(f"new_{model._meta.db_table}")
        # identifiers from the model's metadata, quoted; the values go through COPY
        with connection.cursor() as cur:
            cur.execute(f"CREATE TEMPORARY TABLE {temp} ON COMMIT DROP AS "  # noqa: S608
                        f"SELECT {cols}, 0::bigint AS copy_order FROM {table} WITH NO DATA")
            _copy(cur, temp, fields, rows, numbered=True)
            cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {temp} "  # noqa: S608
                        "ORDER BY copy_order ON CONFLICT DO NOTHING")
            inserted = cur.rowcount
            cur.execute(f"DROP TABLE {temp}")
        return int(inserted)


def update_rows(model: Any, rows: Sequence[dict[str, Any]], batch_size: int = 5000, *, versioned: str = "") -> int:
    """Set the given columns of many rows, each row a dict with its primary key and the same attribute names:
    on PostgreSQL one ``UPDATE … FROM json_populate_recordset(…)`` per batch (no per-row CASE as bulk_update
    builds).

    With ``versioned`` (a counter column), each row carries the counter's new value and is updated only where
    the stored one is one less (optimistic locking). Returns the number of rows updated."""
    if not rows:
        return 0
    key = model._meta.pk.attname
    names = [n for n in rows[0] if n != key]
    if connection.vendor != "postgresql":
        if versioned:
            return sum(model.objects.filter(pk=r[key], **{versioned: r[versioned] - 1}).update(
                **{n: r[n] for n in names}) for r in rows)
        model.objects.bulk_update([model(**r) for r in rows], names, batch_size=min(batch_size, 500))
        return len(rows)
    fields = [model._meta.get_field(n) for n in names]
    table = connection.ops.quote_name(model._meta.db_table)
    q = connection.ops.quote_name
    pk = model._meta.pk
    # the values travel as one JSON document read by json_populate_recordset into rows of the table's type:
    # psycopg dumps a list into an array element by element in Python, orjson is C; json, not jsonb: the text is
    # parsed once as it is read, not first built into a jsonb value (a resident's row: ~60 µs updated, ~15 µs less)
    sets = ", ".join(f"{q(f.column)} = v.{q(f.column)}" for f in fields)
    check = f" AND t.{q(versioned)} = v.{q(versioned)} - 1" if versioned else ""
    # identifiers from the model's metadata, quoted; every value goes in the parameter
    sql = (f"UPDATE {table} AS t SET {sets} FROM json_populate_recordset(NULL::{table}, %s::json) AS v "  # noqa: S608
           f"WHERE t.{q(pk.column)} = v.{q(pk.column)}{check}")
    columns = [(pk.attname, pk.column)] + [(f.attname, f.column) for f in fields]
    updated = 0
    for start in range(0, len(rows), batch_size):
        part = [{column: r[name] for name, column in columns} for r in rows[start:start + batch_size]]
        updated += execute_bound(sql, [json_text(part)])
    return updated


def execute_bound(sql: str, params: Sequence[Any]) -> int:
    """Run ``sql`` on PostgreSQL with its parameters bound by the server, in the caller's transaction; returns the
    row count. For a parameter of hundreds of kilobytes (a batch's rows as one JSON text): Django's client-side
    binding would write it into the statement as a literal for the server's parser to scan."""
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cur:
        cur.execute(sql, params)
        return int(cur.rowcount)


def json_text(value: Any) -> str:
    """``value`` as JSON text for a jsonb column or parameter (orjson: C, UTF-8 as it is; dates, times and UUIDs
    as ISO text, which PostgreSQL reads back into their columns; Decimal as text)."""
    return orjson.dumps(value, default=_decimal, option=orjson.OPT_NON_STR_KEYS).decode()


def _decimal(value: Any) -> str:
    """What orjson does not encode itself (it does dates, times and UUIDs): Decimal, as text."""
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not a column value")


# ---- bulk runs in several processes ---------------------------------------------------------------------

def bulk_workers(requested: int = 0) -> int:
    """How many processes a bulk run may write from side by side: ``requested``, or (0) two on PostgreSQL with
    two cores; one on the embedded SQLite (one writer at a time) and inside a transaction (a test's: the other
    processes' connections would not see what it holds)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1
    return fork_safe(requested if requested > 0 else min(2, os.cpu_count() or 1))


def fork_safe(wanted: int) -> int:
    """``wanted`` processes may be forked from this one — or one (serial) when it runs other threads: forking a
    process that runs other threads (a test session's live server, a JVM gateway, a browser driver) copies locks
    they may hold, and a forked worker can hang on one for ever."""
    return 1 if threading.active_count() > 1 else max(1, wanted)


def fork_pool(workers: int) -> ProcessPoolExecutor:
    """``workers`` processes forked from this one, so they inherit what it has built (a city, a year's
    evidence) without pickling it; this process's connections are closed first and each worker opens its own."""
    connections.close_all()
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=connections.close_all)


T = TypeVar("T")
R = TypeVar("R")


@contextlib.contextmanager
def run_beside(fn: Callable[[], R], workers: int) -> Iterator[Callable[[], R]]:
    """``fn`` in a :func:`fork_pool` process while the caller goes on, with two or more ``workers``; yields the call
    that waits for its result (with one worker, the call that runs it then, here)."""
    if workers < 2:
        yield fn
        return
    with fork_pool(1) as pool:
        yield pool.submit(fn).result


def map_in_processes(fn: Callable[[T], R], items: Sequence[T], workers: int) -> Iterator[R]:
    """``fn`` of each item, in order: in a :func:`fork_pool` of ``workers`` when more than one and there is more
    than one item, else in this process."""
    if workers > 1 and len(items) > 1:
        with fork_pool(workers) as pool:
            yield from pool.map(fn, items)
    else:
        for item in items:
            yield fn(item)


@contextlib.contextmanager
def without_cycle_collector() -> Iterator[None]:
    """Python's cycle collector paused (reference counting still frees everything else), then restored.

    A bulk run holds a million objects (the declarations review's evidence and a chunk of decoded declarations;
    the assessment's chunk of cases) and makes as many more; each full collection walks them all, and the
    collector ran several while a 3,485-declaration review allocated: about a fifth of its CPU, for nothing to
    collect (these runs make no garbage cycles of size: the same peak memory with the collector paused)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


ANY_TEXT = "= ANY(string_to_array(%s, ','))"
ANY_BIGINT = "= ANY(string_to_array(%s, ',')::bigint[])"


def keys_text(keys: Iterable[str]) -> str:
    """Keys without a comma as the one text parameter of :data:`ANY_TEXT`. ``[""]`` goes as "," (two empty
    strings: the same set), since string_to_array reads "" as no element."""
    keys = list(keys)
    if any("," in k for k in keys):
        raise ValueError("a key with a comma cannot travel as one comma-separated text")
    return ",".join(keys) or ("," if keys else "")


def ids_text(ids: Iterable[int]) -> str:
    """Integer ids as the one text parameter of :data:`ANY_BIGINT`."""
    return ",".join(str(int(i)) for i in ids)


def any_of(column: str, values: Iterable[str]) -> tuple[str, list[Any]]:
    """``column = ANY(…)`` on PostgreSQL with its parameters: the values as one text, or as an array when one
    of them holds a comma (a code typed at the counter may)."""
    values = list(values)
    if any("," in v for v in values):
        return f"{column} = ANY(%s)", [values]
    return f"{column} {ANY_TEXT}", [keys_text(values)]


def with_ids(queryset: Any, column: str, ids: list[int]) -> Any:
    """``queryset`` restricted to rows whose ``column`` (a column of its own table) is one of ``ids``: by
    :data:`ANY_BIGINT` on PostgreSQL, the ORM's ``__in`` elsewhere."""
    if connection.vendor != "postgresql":
        return queryset.filter(**{f"{column}__in": ids})
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    where = f"{table}.{connection.ops.quote_name(column)} {ANY_BIGINT}"
    return queryset.extra(where=[where], params=[ids_text(ids)])  # noqa: S610 (identifiers from the model)


def with_keys(queryset: Any, lookup: str, keys: Iterable[str]) -> Any:
    """``queryset`` restricted to rows whose ``lookup`` (a field, or ``relation__field`` through a foreign key the
    queryset already joins) is one of the text ``keys``: by :func:`any_of` on PostgreSQL, the ORM's ``__in``
    elsewhere. Tens of thousands of keys cost Django's ``IN`` list and psycopg's placeholder parsing seconds a
    query; as one parameter they cost nothing."""
    keys = list(keys)
    if connection.vendor != "postgresql":
        return queryset.filter(**{f"{lookup}__in": keys})
    model = queryset.model
    *path, name = lookup.split("__")
    for step in path:
        model = model._meta.get_field(step).related_model
    field = model._meta.get_field(name)
    column = f"{connection.ops.quote_name(model._meta.db_table)}.{connection.ops.quote_name(field.column)}"
    where, params = any_of(column, keys)
    return queryset.extra(where=[where], params=params)  # noqa: S610 (identifiers from the model)


# ---- a bulk load into empty tables: their secondary indexes built once, after ---------------------------

@contextlib.contextmanager
def indexes_built_after(models_: Sequence[Any]) -> Iterator[bool]:
    """On PostgreSQL, when every table of ``models_`` is empty: drop their ``Meta.indexes`` (the searches' indexes;
    primary keys and unique constraints stay, so every row is still checked as it lands), let the caller load,
    then build them again, each in one sorted pass instead of one insertion per row. Yields whether it did.

    The indexes are built again however the load ends (also on an error or Ctrl-C); a process killed in between
    leaves them missing until :func:`restore_indexes` runs, which this does first, every time."""
    restore_indexes(models_)
    if connection.vendor != "postgresql" or connection.in_atomic_block or any(m.objects.exists() for m in models_):
        yield False
        return
    with connection.schema_editor() as editor:
        for model in models_:
            for index in model._meta.indexes:
                editor.remove_index(model, index)
    try:
        yield True
    finally:
        restore_indexes(models_)


def restore_indexes(models_: Sequence[Any]) -> list[str]:
    """Create any of the models' ``Meta.indexes`` missing on PostgreSQL (a bulk load killed before it built them
    again); returns their names."""
    if connection.vendor != "postgresql":
        return []
    tables = [m._meta.db_table for m in models_]
    with connection.cursor() as cur:
        cur.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
                    "AND tablename = ANY(%s)", [tables])
        present = {r[0] for r in cur.fetchall()}
    missing = [(m, i) for m in models_ for i in m._meta.indexes if i.name not in present]
    if missing:
        with connection.schema_editor() as editor:
            for model, index in missing:
                editor.add_index(model, index)
    return [i.name for _, i in missing]
