"""Analysts' SQL over the lounge zone: one read-only SELECT, DuckDB in-process over the Arrow tables of the
``lounge`` namespace only (no files, no extensions, no other catalogue), a time limit, and the results through
disclosure control.

The result rule: a query must return a column ``n``, the number of people (or events) behind each row; a row
with ``0 < n < k`` is shown with every number blank, and when exactly one row is blank, the smallest other row
is blanked too so that it cannot be recovered as a grand total minus the rest. No result may carry a
pseudonymous id column. Free SQL cannot be protected against every differencing attack (two queries that
differ by one person); this is why it is granted to the analyst role only and every query is audited with
its text (platform-anchors.md: Superset's SQL Lab bypassed row-level security).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa
import sqlglot
from sqlglot import exp

from jichitai.lake.schemas import LOUNGE_TABLES
from jichitai.lounge.errors import QueryRefused

TIME_LIMIT = 10.0  # seconds
MAX_ROWS = 5000
ID_COLUMNS = {"pid", "household_pid", "child_pid", "declaration_pid", "event_id"}
SUPPRESSED = "*"


@dataclass
class SqlResult:
    columns: list[str]
    rows: list[list[Any]]
    suppressed: int


def describe(_marts: Any = None) -> list[tuple[str, list[str]]]:
    return [(f"lounge.{name}", schema.column_names) for name, schema in LOUNGE_TABLES.items()]


def check(query: str) -> exp.Query:
    """One SELECT over lounge tables only, or :class:`QueryRefused`."""
    try:
        statements = [s for s in sqlglot.parse(query, read="duckdb") if s is not None]
    except sqlglot.errors.ParseError as e:
        raise QueryRefused(f"SQLを解釈できません: {str(e).splitlines()[0]}") from None
    if len(statements) != 1:
        raise QueryRefused("SQLは1文（SELECT）だけにしてください。")
    tree = statements[0]
    if not isinstance(tree, exp.Query):
        raise QueryRefused("読み取り（SELECT）以外のSQLは実行できません。")
    for node in tree.walk():
        if isinstance(node, exp.Command | exp.DDL | exp.DML | exp.Pragma | exp.Set | exp.Use):
            raise QueryRefused("読み取り（SELECT）以外のSQLは実行できません。")
    ctes = {c.alias_or_name for c in tree.find_all(exp.CTE)}
    for table in tree.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            raise QueryRefused("テーブル関数（ファイルの読み込みなど）は使えません。")
        name = table.name
        if table.db and table.db != "lounge":
            raise QueryRefused(f"lounge 以外のテーブル「{table.sql()}」は照会できません。")
        if name not in LOUNGE_TABLES and name not in ctes:
            raise QueryRefused(f"テーブル「{name}」はありません（lounge.* のみ照会できます）。")
    return tree


def run(tables: dict[str, pa.Table], query: str, k: int, time_limit: float = TIME_LIMIT) -> SqlResult:
    tree = check(query)
    for table in tree.find_all(exp.Table):
        table.set("db", None)
        table.set("catalog", None)
    con = duckdb.connect(":memory:")
    try:
        for name in LOUNGE_TABLES:
            con.register(name, tables[name])
        con.execute("SET enable_external_access = false")
        con.execute("SET autoload_known_extensions = false")
        con.execute("SET lock_configuration = true")
        timer = threading.Timer(time_limit, con.interrupt)
        timer.start()
        try:
            result = con.sql(tree.sql(dialect="duckdb")).to_arrow_table()
        except duckdb.InterruptException:
            raise QueryRefused(f"実行時間の上限（{time_limit:.0f}秒）を超えたため中止しました。") from None
        except duckdb.Error as e:
            raise QueryRefused(f"SQLの実行に失敗しました: {str(e).splitlines()[0]}") from None
        finally:
            timer.cancel()
    finally:
        con.close()
    return control(result, k)


def control(result: pa.Table, k: int) -> SqlResult:
    columns = result.column_names
    bad = ID_COLUMNS & {c.lower() for c in columns}
    if bad:
        raise QueryRefused(f"仮名ID（{', '.join(sorted(bad))}）を結果に含めることはできません。集計してください。")
    if "n" not in columns or not pa.types.is_integer(result.schema.field("n").type):
        raise QueryRefused("結果には人数（件数）を表す整数の列 n が必要です（例: count(*) AS n）。")
    if result.num_rows > MAX_ROWS:
        raise QueryRefused(f"結果が {MAX_ROWS} 行を超えます。さらに集計してください。")
    numeric = {f.name for f in result.schema if pa.types.is_integer(f.type) or pa.types.is_floating(f.type)
               or pa.types.is_decimal(f.type)}
    rows = result.to_pylist()
    hidden = {i for i, r in enumerate(rows) if r["n"] is not None and 0 < r["n"] < k}
    if len(hidden) == 1 and len(rows) > 1:
        rest = [i for i in range(len(rows)) if i not in hidden and (rows[i]["n"] or 0) > 0]
        if rest:
            hidden.add(min(rest, key=lambda i: rows[i]["n"]))
    out = []
    for i, r in enumerate(rows):
        out.append([SUPPRESSED if (i in hidden and c in numeric) else r[c] for c in columns])
    return SqlResult(columns, out, len(hidden))
