"""Analysts' SQL over the lounge zone: the query is parsed and checked by :mod:`jichitai.lounge.sqlplan`,
rewritten so that the platform counts the persons behind every output row itself, run by DuckDB in-process
over the Arrow tables of the ``lounge`` namespace only (no files, no extensions), with a time limit; then every
output value passes the platform's control here:

- a row (a group) with fewer than ``k`` distinct persons is not shown at all (its label would tell that such
  a person exists);
- each statistic needs ``k`` contributors of its own (a ``count(col)`` counts only the persons with a value);
- a sum or average fails the p% dominance rule → blank (``*``);
- every published count and sum is perturbed by its cell key (:mod:`jichitai.lounge.cellkey`): the same people
  give the same answer however the query is phrased, and two queries that differ by one person differ by noise;
- no figure is shown whose people are 1 to D (4) people apart from a figure already published (or shown earlier
  in the same answer): :mod:`jichitai.lounge.overlap`, when the caller gives a ledger of published figures;
- ``ORDER BY``/``LIMIT``/``OFFSET`` apply to the protected rows only.

Errors never carry the engine's message (it may quote a value of the data).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from jichitai.lake.schemas import LOUNGE_TABLES, REFERENCE_TABLES
from jichitai.lounge import cellkey, overlap, setdiff
from jichitai.lounge.errors import QueryRefused
from jichitai.lounge.sqlplan import ID_COLUMNS, PERSON, PERSON_KEY, Plan, Stat, parse

TIME_LIMIT = 60.0  # seconds: the platform's rewritten query costs about ten times the plain one (docs/benchmarks.md)
MAX_ROWS = 5000
SUPPRESSED = "*"


@dataclass
class SqlResult:
    columns: list[str]
    rows: list[list[Any]]
    suppressed: int  # statistics blanked (contributors < k, dominance, or 1 to D people apart from another figure)
    published: list[overlap.Cell] = field(default_factory=list)  # the people behind every figure shown


def describe(_marts: Any = None) -> list[tuple[str, list[str]]]:
    return [(f"lounge.{name}", schema.column_names) for name, schema in LOUNGE_TABLES.items()
            if name not in REFERENCE_TABLES]


def check(query: str) -> Plan:
    """The plan of a query the platform can protect, or :class:`QueryRefused`."""
    return parse(query)


def prepare(table: pa.Table, secret: str) -> pa.Table:
    """``table`` with the platform's integer person id (``__person``, from the pseudonym and the secret): done
    once per lake snapshot by the services, so a query groups by an integer and hashes nothing."""
    con = duckdb.connect(":memory:")
    try:
        con.register("source", table)
        return con.sql(f"SELECT *, {cellkey.person_key_sql(PERSON)} AS {PERSON_KEY} FROM source",  # noqa: S608
                       params=[secret]).to_arrow_table()
    finally:
        con.close()


def execute(table: pa.Table, plan: Plan, time_limit: float = TIME_LIMIT) -> pa.Table:
    """The rewritten query's raw per-group figures (never shown as such) over a prepared table."""
    con = duckdb.connect(":memory:")
    try:
        con.register(plan.table, table)
        con.execute("SET enable_external_access = false")
        con.execute("SET autoload_known_extensions = false")
        con.execute("SET lock_configuration = true")
        expired = threading.Event()

        def stop() -> None:
            expired.set()
            con.interrupt()

        timer = threading.Timer(time_limit, stop)
        timer.start()
        try:
            result = con.sql(plan.sql()).to_arrow_table()
            if expired.is_set():  # the interrupt came before the engine started: the limit still holds
                raise duckdb.InterruptException
            return result
        except duckdb.InterruptException:
            raise QueryRefused(f"実行時間の上限（{time_limit:.0f}秒）を超えたため中止しました。") from None
        except duckdb.Error as e:
            # the engine's text may quote a value (a failed cast, a division): only its kind is shown
            kind = type(e).__name__.removesuffix("Exception").removesuffix("Error")
            raise QueryRefused(f"SQLの実行に失敗しました（{kind}）。型変換や演算の対象になる列を確かめてください。") from None
        finally:
            timer.cancel()
    finally:
        con.close()


def run(tables: dict[str, pa.Table], query: str, k: int, secret: str,
        time_limit: float = TIME_LIMIT, prepared: dict[str, Any] | None = None,
        ledger: overlap.Ledger | None = None) -> SqlResult:
    """``prepared`` caches the tables with their person ids and record keys (keep one per lake snapshot and
    secret); with ``ledger``, figures 1 to D people apart from a published one are blank and the shown ones are
    remembered in it (the caller serialises the calls that share a ledger)."""
    plan = check(query)
    cache: dict[str, Any] = {} if prepared is None else prepared

    def table(name: str) -> pa.Table:
        if name not in cache:
            cache[name] = prepare(tables[name], secret)
        return cache[name]

    def keys(name: str) -> np.ndarray:
        if f"keys:{name}" not in cache:
            cache[f"keys:{name}"] = overlap.record_keys(table(name).column(PERSON_KEY).to_numpy())
        return cache[f"keys:{name}"]

    raw = execute(table(plan.table), plan, time_limit)
    if ledger is None:
        return control(plan, raw, k)
    with ledger.exclusive():
        result = control(plan, raw, k, (ledger, keys))
        ledger.remember(result.published)
    return result


def _statistic(stat: Stat, j: int, row: dict[str, Any], k: int) -> float | int | None:
    """One protected statistic of a row. Its noise is keyed by its contributors' cell key *and* its true value:
    the same people with the same values always get the same noise, and a change of one person's figure
    (a 更正 that leaves the set of people as it was) gets fresh noise, so two snapshots cannot be differenced."""
    if (row[f"__c{j}"] or 0) < k:
        return None
    key = cellkey.cell_key(row[f"__k{j}"] or 0)
    value = row[f"__v{j}"] or 0
    if not stat.magnitude:
        return cellkey.perturb_count(int(value), key, f"{stat.kind}={value}")
    top = row[f"__t{j}"] or []
    if cellkey.dominated(float(row[f"__a{j}"] or 0), top):
        return None
    total = cellkey.perturb_magnitude(value, key, f"{stat.kind}={value}", top)
    if stat.func == "sum":
        return total
    n = int(row[f"__n{j}"] or 0)
    rows = cellkey.perturb_count(n, key, f"rows={n}")
    return round(total / rows, 1) if rows else None


def control(plan: Plan, raw: pa.Table, k: int,
            overlap_check: tuple[overlap.Ledger, Any] | None = None) -> SqlResult:
    """The protected result of ``plan`` from the rewritten query's figures ``raw``; with ``overlap_check``
    (a ledger and the record keys by table), also no figure 1 to D people apart from another."""
    columns = [o.name for o in plan.outputs]
    bad = ID_COLUMNS & {c.lower() for c in columns}
    if bad:
        raise QueryRefused(f"列名に仮名ID（{', '.join(sorted(bad))}）は使えません。別名を付けてください。")
    stats = plan.stats
    shown = [row for row in raw.to_pylist() if (row["__persons"] or 0) >= k]
    values = [[_statistic(s, j, row, k) for j, s in enumerate(stats)] for row in shown]
    people = [[_cell(plan, row, "__persons", "__key", "__m"),
               *(_cell(plan, row, f"__c{j}", f"__k{j}", f"__m{j}") for j in range(len(stats)))] for row in shown]
    if overlap_check is not None:
        _blank_too_close(values, people, *overlap_check)
    published: set[overlap.Cell] = set()
    rows: list[list[Any]] = []
    blanked = 0
    for row, row_values, row_people in zip(shown, values, people, strict=True):
        by_stat = {id(s): v for s, v in zip(stats, row_values, strict=True)}
        out: list[Any] = []
        for o in plan.outputs:
            if o.stat is None:
                out.append(row[f"__g{o.group}"])
                continue
            v = by_stat[id(o.stat)]
            blanked += v is None
            out.append(SUPPRESSED if v is None else v)
        published.update(p for p, v in zip(row_people[1:], row_values, strict=True) if v is not None)
        if any(v is not None for v in row_values) or not stats:
            published.add(row_people[0])
        rows.append(out)
    if len(rows) > MAX_ROWS and plan.limit is None:
        raise QueryRefused(f"結果が {MAX_ROWS} 行を超えます。さらに集計するか LIMIT を付けてください。")
    # Ties under ORDER BY fall back to the whole row, so that LIMIT/OFFSET pages do not depend on the engine's
    # scan order (two runs of one query must page the same rows).
    rows.sort(key=lambda r: [_sort_key(v) for v in r])
    for index, desc in reversed(plan.order):
        rows.sort(key=_by(index), reverse=desc)
    end = None if plan.limit is None else plan.offset + plan.limit
    return SqlResult(columns, rows[plan.offset:end][:MAX_ROWS], blanked, sorted(published, key=repr))


def _cell(plan: Plan, row: dict[str, Any], persons: str, keysum: str, moments: str) -> overlap.Cell:
    return overlap.Cell(int(row[persons] or 0), int(row[keysum] or 0), plan.table,
                        tuple(int(m or 0) for m in row[moments] or [0] * setdiff.MOMENTS))


def _blank_too_close(values: list[list[Any]], people: list[list[overlap.Cell]], ledger: overlap.Ledger,
                     keys: Any) -> None:
    """Blank each statistic whose people (or whose row's people) are 1 to D people apart from a published figure
    or from a figure shown earlier in this answer. A row's people stand behind all its statistics."""
    flat = [(i, j, cell) for i, cells in enumerate(people) for j, cell in enumerate(cells)
            if j == 0 or values[i][j - 1] is not None]
    blocked = overlap.too_close([cell for _, _, cell in flat], ledger, keys)
    for n in blocked:
        i, j, _ = flat[n]
        if j == 0:
            values[i] = [None] * len(values[i])
        else:
            values[i][j - 1] = None


def _by(index: int) -> Any:
    def key(row: list[Any]) -> tuple[int, Any]:
        return _sort_key(row[index])

    return key


def _sort_key(v: Any) -> tuple[int, Any]:
    if v is None or v == SUPPRESSED:
        return (1, "")
    return (0, v if isinstance(v, int | float) else str(v))
