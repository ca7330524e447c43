"""Analysts' SQL on the lounge zone (issue 7: "SQL from analysts runs read-only with a time limit on the lounge
zone only; their results pass the same control"; issue 18 item 1: the platform counts the persons itself).
The attacks on it are in test_disclosure_attacks.py."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from jichitai.lounge import sql
from jichitai.lounge.errors import QueryRefused

SECRET = "test-cell-key-secret"


@pytest.fixture(scope="module")
def tables(zone: Any) -> dict[str, Any]:
    return zone.tables


def test_an_aggregate_runs_and_small_groups_are_not_shown(tables: dict[str, Any]) -> None:
    """Consistency: every row shown stands for at least k distinct persons, counted from the table itself."""
    r = sql.run(tables, "select town_code, count(*) as n from lounge.resident_spells group by 1 order by 1",
                10, SECRET)
    assert r.columns == ["town_code", "n"] and len(r.rows) > 1
    persons = pa.TableGroupBy(tables["resident_spells"], "town_code").aggregate([("pid", "count_distinct")])
    truth = dict(zip(persons["town_code"].to_pylist(), persons["pid_count_distinct"].to_pylist(), strict=True))
    assert all(truth[town] >= 10 for town, _ in r.rows)
    assert [row[0] for row in r.rows] == sorted(row[0] for row in r.rows)
    # with k above every group, nothing is shown (before: blanked rows with their labels)
    assert sql.run(tables, "select town_code, count(*) as n from lounge.resident_spells group by 1",
                   10**6, SECRET).rows == []


def test_the_same_query_gives_the_same_answer(tables: dict[str, Any]) -> None:
    """Consistency: the noise is a function of the people and their values, not of the call or the phrasing."""
    a = sql.run(tables, "select ward_code, count(*) from lounge.movements group by ward_code", 10, SECRET)
    b = sql.run(tables, "select m.ward_code as w, count(m.sex) as n from lounge.movements as m group by 1 "
                        "order by w", 10, SECRET)
    assert sorted(a.rows) == sorted(b.rows)


@pytest.mark.parametrize("query, message", [
    ("create table x as select 1 as n", "読み取り"),
    ("select count(*) as n from lounge.movements; select 2 as n", "1文"),
    ("select count(*) as n from read_csv('/etc/passwd')", "テーブル関数"),
    ("select count(*) as n from main.resident_spells", "lounge 以外"),
    ("select count(*) as n from hub_feedevent", "ありません"),
    ("select pid, count(*) as n from lounge.resident_spells group by 1", "仮名ID"),
    ("select ward_code from lounge.resident_spells", "個々の行"),
    ("select count(*) from lounge.resident_spells where", "解釈できません"),
])
def test_what_is_refused(tables: dict[str, Any], query: str, message: str) -> None:
    with pytest.raises(QueryRefused, match=message):
        sql.run(tables, query, 10, SECRET)


def test_a_query_past_the_time_limit_is_stopped(tables: dict[str, Any]) -> None:
    big = pa.concat_tables([tables["resident_spells"]] * 300)
    with pytest.raises(QueryRefused, match="実行時間の上限"):
        sql.run({"resident_spells": big}, "select town_code, birth_ym, count(distinct household_pid) "
                "from lounge.resident_spells group by 1, 2", 10, SECRET, time_limit=0.001)
