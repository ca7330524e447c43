"""Analysts' SQL on the lounge zone (issue 7: "SQL from analysts runs read-only with a time limit on the lounge
zone only; their results pass the same control")."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.lounge import sql
from jichitai.lounge.errors import QueryRefused


@pytest.fixture(scope="module")
def tables(zone: Any) -> dict[str, Any]:
    return zone.tables


def test_an_aggregate_runs_and_small_counts_are_blanked(tables: dict[str, Any]) -> None:
    r = sql.run(tables, "select town_code, count(*) as n from lounge.resident_spells group by 1 order by 1", 10)
    assert r.columns == ["town_code", "n"] and len(r.rows) > 1
    shown = [row[1] for row in r.rows]
    assert all(n == sql.SUPPRESSED or n == 0 or n >= 10 for n in shown)
    big = sql.run(tables, "select town_code, count(*) as n from lounge.resident_spells group by 1", 10**6)
    assert big.suppressed == len(big.rows)  # with k above every count, every row is blanked


def test_a_single_blank_row_takes_a_complement() -> None:
    import pyarrow as pa

    r = sql.control(pa.table({"g": ["a", "b", "c"], "n": [3, 40, 50]}), 10)
    assert r.rows == [["a", "*"], ["b", "*"], ["c", 50]]


@pytest.mark.parametrize("query, message", [
    ("create table x as select 1 as n", "読み取り"),
    ("select 1 as n; select 2 as n", "1文"),
    ("select count(*) as n from read_csv('/etc/passwd')", "テーブル関数"),
    ("select count(*) as n from main.resident_spells", "lounge 以外"),
    ("select count(*) as n from hub_feedevent", "ありません"),
    ("select pid, count(*) as n from lounge.resident_spells group by 1", "仮名ID"),
    ("select ward_code from lounge.resident_spells", "列 n"),
])
def test_what_is_refused(tables: dict[str, Any], query: str, message: str) -> None:
    with pytest.raises(QueryRefused, match=message):
        sql.run(tables, query, 10)


def test_a_query_past_the_time_limit_is_stopped(tables: dict[str, Any]) -> None:
    huge = ("select count(*) as n from lounge.resident_spells a, lounge.resident_spells b, "
            "lounge.movements c")
    with pytest.raises(QueryRefused, match="実行時間の上限"):
        sql.run(tables, huge, 10, time_limit=0.05)
