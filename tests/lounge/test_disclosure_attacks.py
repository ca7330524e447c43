"""Attacks on the lounge by an insider analyst (issue 18 item 1: "the lounge never shows a person"), each written
out in its test's docstring, run against the analysts' SQL on the synthetic lake (tests/lounge/conftest.py).

Expected values are consistency checks: the truth an attacker is after is computed here from the Arrow tables
with pyarrow/Python (not through the code under test), and the test shows the published answers do not give it.
Threat model and what is left: docs/security.md (the lounge) and docs/decisions/0004-lounge-cell-key-perturbation.md.
"""

from __future__ import annotations

import collections
import datetime as dt
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jichitai.lounge import cellkey, overlap, sql
from jichitai.lounge.errors import QueryRefused

K = 10
SECRET = "attack-test-secret"


@pytest.fixture(scope="module")
def tables(zone: Any) -> dict[str, pa.Table]:
    return dict(zone.tables)


def ask(tables: dict[str, pa.Table], query: str) -> sql.SqlResult:
    return sql.run(tables, query, K, SECRET)


def one(tables: dict[str, pa.Table], query: str) -> Any:
    """The single value of a one-cell answer, or None when the cell is not shown or blanked."""
    r = ask(tables, query)
    if not r.rows or r.rows[0][-1] == sql.SUPPRESSED:
        return None
    return r.rows[0][-1]


def isolated_people(tables: dict[str, pa.Table]) -> list[tuple[str, str, dt.date]]:
    """(pid, town, birth month) of people who are the only one born in that month among their town's spells:
    an attacker who knows a neighbour's birth month can pick her out by a condition."""
    spells = tables["resident_spells"].to_pylist()
    born: dict[tuple[str, dt.date], set[str]] = collections.defaultdict(set)
    for s in spells:
        born[(s["town_code"], s["birth_ym"])].add(s["pid"])
    return sorted((next(iter(p)), town, ym) for (town, ym), p in born.items() if len(p) == 1)


# ---- what the query says is never trusted ------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "select ward_code, 100 as n from lounge.resident_spells group by ward_code",
    "select ward_code, 100 as n, count(*) as c from lounge.resident_spells group by ward_code",
    "select 1 as n, sum(total_income) from lounge.tax_assessment",
    "select ward_code, count(*) + 100 as n from lounge.resident_spells group by ward_code",
])
def test_a_count_column_named_by_the_query_is_not_trusted(tables: dict[str, pa.Table], query: str) -> None:
    """Attack: the old console trusted a column called ``n``; an analyst wrote ``100 AS n`` beside a group of
    one person and saw her figures. Now a constant or a computed count is refused."""
    with pytest.raises(QueryRefused, match=r"定数|集計関数の結果"):
        ask(tables, query)


def test_a_group_of_one_is_not_shown_however_its_count_is_named(tables: dict[str, pa.Table]) -> None:
    """Attack: pick out one person by her town and birth month and ask for her row's figures, calling the count
    ``n`` or anything else. The platform counts the distinct persons itself: the row is not shown at all."""
    _pid, town, ym = isolated_people(tables)[0]
    for count in ("count(*) as n", "count(distinct household_pid) as n", "count(school_district) as n"):
        r = ask(tables, f"select town_code, birth_ym, sex, {count} from lounge.resident_spells "
                        f"where town_code = '{town}' and birth_ym = DATE '{ym}' group by 1, 2, 3")
        assert r.rows == []
    r = ask(tables, f"select birth_ym, count(*) from lounge.resident_spells where town_code = '{town}' group by 1")
    assert ym not in [row[0] for row in r.rows]


@pytest.mark.parametrize("query", [
    "select pid, count(*) from lounge.resident_spells group by pid",
    "select pid as person, count(*) from lounge.resident_spells group by 1",
    "select upper(pid) as x, count(*) from lounge.resident_spells group by 1",
    "select left(pid, 31) as x, count(*) from lounge.resident_spells group by 1",
    "select household_pid as h, count(*) from lounge.resident_spells group by 1",
    "select ward_code, count(*) from lounge.resident_spells where pid = 'abc' group by 1",
    "select ward_code, count(*) from lounge.resident_spells where pid < '8' group by 1",
    "select ward_code, count(*) from lounge.resident_spells group by ward_code, pid",
    "select r.pid as p, count(*) from lounge.resident_spells r group by r.pid",
    "select ward_code, sum(pid) from lounge.resident_spells group by 1",
])
def test_a_renamed_pseudonym_never_leaves(tables: dict[str, pa.Table], query: str) -> None:
    """Attack: the old console refused a column *named* ``pid``; renaming it, deriving from it or filtering by it
    went through. Now a pseudonymous id may appear only inside ``count(DISTINCT …)``, wherever and however
    named."""
    with pytest.raises(QueryRefused, match="仮名ID"):
        ask(tables, query)


@pytest.mark.parametrize("query", [
    "select ward_code, cast(sum(total_income) as varchar) from lounge.tax_assessment group by 1",
    "select ward_code, sum(total_income)::text from lounge.tax_assessment group by 1",
    "select ward_code, concat(count(*), '') from lounge.tax_assessment group by 1",
    "select ward_code, sum(total_income) / 1 from lounge.tax_assessment group by 1",
    "select ward_code, round(avg(total_income)) from lounge.tax_assessment group by 1",
    "select ward_code, coalesce(sum(total_income), 0) from lounge.tax_assessment group by 1",
])
def test_a_statistic_cast_to_text_or_computed_on_is_refused(tables: dict[str, pa.Table], query: str) -> None:
    """Attack: cast a figure to text so that the old numeric-only blanking skipped it, or wrap it in a function.
    Nothing may be computed on a statistic; the platform computes and protects each one itself."""
    with pytest.raises(QueryRefused, match="集計関数の結果"):
        ask(tables, query)


@pytest.mark.parametrize("agg", ["min(total_income)", "max(total_income)", "median(total_income)",
                                 "quantile_cont(total_income, 0.99)", "arg_max(ward_code, total_income)",
                                 "any_value(total_income)", "first(total_income)", "mode(total_income)",
                                 "string_agg(ward_code, ',')", "list(total_income)", "stddev(total_income)"])
def test_min_max_and_other_single_value_aggregates_are_refused(tables: dict[str, pa.Table], agg: str) -> None:
    """Attack: ``max(total_income)`` over a large group is one person's income (the richest); ``arg_max``,
    quantiles, ``first``, ``list`` likewise hand out one person's value. Only count, sum and avg are computed."""
    with pytest.raises(QueryRefused):
        ask(tables, f"select fiscal_year, {agg} from lounge.tax_assessment group by 1")


@pytest.mark.parametrize("query", [
    "select ward_code, sum(case when sex = 'F' then 1 else 0 end) from lounge.resident_spells group by 1",
    "select ward_code, count(case when birth_ym = DATE '1950-01-01' then 1 end) from lounge.resident_spells "
    "group by 1",
    "select ward_code, count(*) filter (where birth_ym = DATE '1950-01-01') from lounge.resident_spells group by 1",
    "select ward_code, sum(total_income * 1) from lounge.tax_assessment group by 1",
])
def test_a_conditional_aggregate_cannot_single_out_a_person(tables: dict[str, pa.Table], query: str) -> None:
    """Attack: a large group passes the threshold, but the statistic inside counts or sums only one person of it
    (``sum(CASE WHEN <her> THEN income END)``). Conditions go in WHERE, which the platform's count sees."""
    with pytest.raises(QueryRefused):
        ask(tables, query)


# ---- differencing between queries -------------------------------------------------------------------------

def test_a_group_with_and_without_one_person(tables: dict[str, pa.Table]) -> None:
    """Attack: ask a town's count of persons, then the same without the one person born in a given month; the
    difference tells whether she lives there (and, with a third condition, her sex). With cell-key
    perturbation the two answers carry unrelated noise: across many targets the attacker's difference is often
    not 1, and never off by more than the p-table allows."""
    attacks = isolated_people(tables)[:40]
    wrong = 0
    for _pid, town, ym in attacks:
        base = f"select count(distinct pid) from lounge.resident_spells where town_code = '{town}'"
        with_her, without = one(tables, base), one(tables, base + f" and birth_ym <> DATE '{ym}'")
        assert with_her is not None and without is not None
        assert abs((with_her - without) - 1) <= 4
        wrong += (with_her - without) != 1
    assert len(attacks) >= 20 and wrong >= len(attacks) // 4


def test_a_condition_that_splits_one_person_off_a_sum(tables: dict[str, pa.Table]) -> None:
    """Attack: the sum of incomes of a ward and year, minus the same sum below an income threshold that only the
    richest person exceeds, would be her income. The sum above the threshold alone is one person (not shown);
    the difference of the two published sums is her income plus noise of 7.5–30 % of the largest incomes."""
    ta = tables["tax_assessment"].to_pylist()
    cells: dict[tuple[int, str], list[int]] = collections.defaultdict(list)
    for r in ta:
        cells[(r["fiscal_year"], r["ward_code"])].append(r["total_income"])
    tried = 0
    for (year, ward), incomes in sorted(cells.items()):
        incomes.sort(reverse=True)
        threshold = (incomes[1] // 1_000_000 + 1) * 1_000_000
        if len(incomes) < 3 * K or incomes[0] < threshold:
            continue
        base = f"select sum(total_income) from lounge.tax_assessment where fiscal_year = {year} and ward_code = '{ward}'"
        whole, rest = one(tables, base), one(tables, base + f" and total_income < {threshold}")
        assert one(tables, base + f" and total_income >= {threshold}") is None
        if whole is None or rest is None:
            continue
        assert whole - rest != incomes[0]
        tried += 1
    assert tried >= 5


def test_limit_k_and_k_plus_one(tables: dict[str, pa.Table]) -> None:
    """Attack: ``LIMIT k`` against ``LIMIT k+1`` (or an OFFSET) over person-level rows reveals the row that
    appears. There are no person-level rows to limit (refused); LIMIT and OFFSET apply to protected rows, so
    ``LIMIT k+1`` only adds one protected row."""
    with pytest.raises(QueryRefused, match="個々の行"):
        ask(tables, "select ward_code, total_income from lounge.tax_assessment order by total_income desc limit 1")
    q = "select town_code, count(*) as n from lounge.resident_spells group by 1 order by n desc"
    full = ask(tables, q).rows
    for n in (1, 5, 6):
        assert ask(tables, f"{q} limit {n}").rows == full[:n]
        assert ask(tables, f"{q} limit {n} offset 2").rows == full[2:2 + n]



def test_pages_do_not_depend_on_the_engines_row_order(tables: dict[str, pa.Table]) -> None:
    """Ties under ORDER BY (two towns with the same count) must page the same way on every run: the engine's scan
    order is not stable, so an OFFSET page that shifted between runs would show a row twice or never (consistency
    test: the raw figures are reversed and the published page must not change)."""
    q = "select town_code, count(*) as n from lounge.resident_spells group by 1 order by n desc limit 6 offset 2"
    plan = sql.check(q)
    raw = sql.execute(sql.prepare(tables[plan.table], SECRET), plan)
    forward = sql.control(plan, raw, K).rows
    backward = sql.control(plan, raw.take(list(reversed(range(raw.num_rows)))), K).rows
    assert forward == backward
    counts = [r[1] for r in sql.control(sql.check(q.split(" limit")[0]), raw, K).rows]
    assert len(counts) != len(set(counts)), "the synthetic city should have tied counts for this test to bite"

def test_rollup_totals_against_their_parts(tables: dict[str, pa.Table]) -> None:
    """Attack: a ROLLUP total minus its published parts gives the hidden part exactly. ROLLUP/CUBE are refused;
    a total asked on its own is perturbed like any cell, so total − Σ shown parts is not the hidden remainder."""
    with pytest.raises(QueryRefused, match="ROLLUP"):
        ask(tables, "select ward_code, count(*) from lounge.resident_spells group by rollup(ward_code)")
    spells = tables["resident_spells"].to_pylist()
    misses = cases = 0
    for ward in sorted({s["ward_code"] for s in spells}):
        for sex in ("F", "M"):
            where = f"where ward_code = '{ward}' and sex = '{sex}'"
            parts = ask(tables, f"select year(birth_ym) // 10, count(distinct pid) from lounge.resident_spells {where} "
                                "group by 1").rows
            total = one(tables, f"select count(distinct pid) from lounge.resident_spells {where}")
            by_year: dict[int, set[str]] = collections.defaultdict(set)
            for s in spells:
                if s["ward_code"] == ward and s["sex"] == sex:
                    by_year[s["birth_ym"].year // 10].add(s["pid"])
            shown = {row[0] for row in parts}
            if not shown or len(shown) == len(by_year):
                continue  # the attack needs some parts shown and some hidden
            hidden_truth = sum(len(p) for y, p in by_year.items() if y not in shown)
            misses += (total - sum(row[1] for row in parts)) != hidden_truth
            cases += 1
    assert cases >= 8 and misses >= cases // 2


# ---- differencing over time ---------------------------------------------------------------------------------

def test_two_snapshots_or_a_correction_moving_one_person(tables: dict[str, pa.Table]) -> None:
    """Attack: ask the same sum before and after a tax 更正 that changes one person's income (the set of people
    is the same, so a noise keyed by people alone would repeat and cancel), or before and after one person
    moves out (two as-of snapshots, a saved page against the live one). The noise is keyed by the people *and*
    the true value: the difference of the two answers is not her change."""
    ta = tables["tax_assessment"]
    year = max(ta["fiscal_year"].to_pylist())
    ward = "28101"
    mask = pc.and_(pc.equal(ta["fiscal_year"], year), pc.equal(ta["ward_code"], ward))
    rows = ta.filter(mask).to_pylist()
    query = f"select sum(total_income), count(*) from lounge.tax_assessment where fiscal_year = {year} and ward_code = '{ward}'"
    before = ask(tables, query).rows[0]
    exact_hits = 0
    for i in range(10):
        target = dict(rows[i * 3])
        corrected = dict(target, version=target["version"] + 1, total_income=target["total_income"] + 120_000)
        after_table = pa.concat_tables([ta, pa.Table.from_pylist([corrected], schema=ta.schema)])
        after = ask(dict(tables, tax_assessment=after_table), query).rows[0]
        exact_hits += (after[0] - before[0]) == corrected["total_income"]
    assert exact_hits == 0
    # one person leaves the ward between two snapshots
    spells = tables["resident_spells"]
    q2 = "select ward_code, count(distinct pid) from lounge.resident_spells where ward_code = '28102' group by 1"
    hits = 0
    pids = sorted(set(spells.filter(pc.equal(spells["ward_code"], "28102"))["pid"].to_pylist()))[:20]
    first = ask(tables, q2).rows[0][1]
    for pid in pids:
        later = spells.filter(pc.invert(pc.equal(spells["pid"], pid)))
        hits += (first - ask(dict(tables, resident_spells=later), q2).rows[0][1]) == 1
    assert hits < len(pids)


def test_indicator_pages_as_of_two_snapshots(zone: Any) -> None:
    """Attack on the published indicators (pages, dashboards, exports, API): open the population table as of two
    snapshots between which one known person left (or a saved page against the live one); every cell she
    belonged to is one less, which tells her age band and sex. Each cell's noise is keyed by its coordinates
    and true value, so the changed cells differ by noise, not by exactly one, while the unchanged cells of the
    two snapshots are identical (nothing to average)."""
    import dataclasses

    from jichitai.lounge.refresh import refresh

    spells = zone.tables["resident_spells"]
    current = spells.filter(pc.is_null(spells["valid_to"]))
    base = refresh(zone, "duckdb", only=["population"])
    base.noise_secret = SECRET
    period = base.periods_of("population")[-1]
    before = {tuple((r["ward_code"], r["sex"], r["age_band"])): r["value"]
              for r in base.publish("population", period, K).rows}
    exact = changed = 0
    for pid in sorted(set(current["pid"].to_pylist()))[:8]:
        later_zone = dataclasses.replace(zone, tables=dict(zone.tables, resident_spells=spells.filter(
            pc.invert(pc.equal(spells["pid"], pid)))))
        later = refresh(later_zone, "duckdb", only=["population"])
        later.noise_secret = SECRET
        after = {tuple((r["ward_code"], r["sex"], r["age_band"])): r["value"]
                 for r in later.publish("population", period, K).rows}
        for cell, v in before.items():
            if v is None or after[cell] is None or v == after[cell]:
                continue
            changed += 1
            exact += v - after[cell] == 1
    assert changed > 0 and exact < changed * 0.8
    again = refresh(zone, "duckdb", only=["population"])
    again.noise_secret = SECRET
    assert again.publish("population", period, K).rows == base.publish("population", period, K).rows


# ---- magnitudes, dominance and bisection ------------------------------------------------------------------

def test_magnitude_bisection_is_refused(tables: dict[str, pa.Table]) -> None:
    """Attack: move an income threshold a yen at a time until a count changes: the change happens exactly at one
    person's income. A magnitude may only be compared with multiples of a coarse unit (1,000,000 yen)."""
    for cond in ("total_income > 3456789", "total_income + 1 > 3000000", "total_income between 1 and 3000000",
                 "total_income in (3000001)", "cast(total_income as varchar) like '3%'"):
        with pytest.raises(QueryRefused, match="total_income"):
            ask(tables, f"select count(*) from lounge.tax_assessment where {cond}")
    assert ask(tables, "select count(*) from lounge.tax_assessment where total_income >= 3000000").rows


@pytest.mark.parametrize("cond", [
    "event_date >= DATE '2020-03-02'", "event_date between DATE '2020-03-01' and DATE '2020-03-15'",
    "day(event_date) = 3", "extract(day from event_date) = 3", "event_date + 1 > DATE '2020-01-01'",
    "cast(event_date as varchar) like '2020-03-1%'", "date_trunc('day', event_date) = DATE '2020-03-01'",
])
def test_date_bisection_is_refused(tables: dict[str, pa.Table], cond: str) -> None:
    """Attack: move a date boundary a day at a time until a town's count of movements changes; it changes on the
    day the known neighbour moved. Dates are usable at month resolution only (month-start literals, year(),
    month(), date_trunc to a month or coarser), or as a whole grouping column (no boundary to move)."""
    with pytest.raises(QueryRefused, match="event_date"):
        ask(tables, f"select count(*) from lounge.movements where {cond}")
    assert ask(tables, "select date_trunc('month', event_date) as m, count(*) from lounge.movements "
                       "where event_date >= DATE '2020-03-01' group by 1").rows


def test_a_sum_dominated_by_one_person_is_blank(tables: dict[str, pa.Table]) -> None:
    """Attack: a sum over ten people one of whom earns almost all of it is nearly her income. The p% rule
    (p = 10) blanks such a cell even though it has k contributors."""
    rich = pa.Table.from_pylist(
        [{"pid": f"p{i:02d}", "fiscal_year": 2026, "version": 1, "ward_code": "28101", "taxable": True,
          "total_income": 900_000_000 if i == 0 else 1_000_000, "taxable_income": 0, "income_levy": 0,
          "per_capita": 0} for i in range(12)], schema=tables["tax_assessment"].schema)
    r = ask(dict(tables, tax_assessment=rich), "select sum(total_income), avg(total_income), count(*) "
                                              "from lounge.tax_assessment")
    assert r.rows[0][0] == sql.SUPPRESSED and r.rows[0][1] == sql.SUPPRESSED and r.rows[0][2] != sql.SUPPRESSED
    assert cellkey.dominated(911_000_000, [900_000_000, 1_000_000])
    assert not cellkey.dominated(12_000_000, [1_000_000, 1_000_000])


def test_error_messages_do_not_echo_data(tables: dict[str, pa.Table]) -> None:
    """Attack: provoke an engine error whose text quotes a value (``CAST(town name AS INT)`` → "Could not
    convert string 'ミナト…'"). The refusal names the kind of error, never the value."""
    values = set(tables["resident_spells"]["school_district"].drop_null().to_pylist())
    with pytest.raises(QueryRefused) as e:
        ask(tables, "select cast(school_district as integer) as x, count(*) from lounge.resident_spells group by 1")
    assert not any(v in e.value.message for v in values)
    assert "Could not" not in e.value.message


# ---- property: many queries, no person ----------------------------------------------------------------------

GROUPS = ["ward_code", "town_code", "sex", "birth_ym", "school_district", "nationality", "year(valid_from)"]
CONDITIONS = ["sex = 'F'", "sex = 'M'", "birth_ym >= DATE '1960-01-01'", "birth_ym < DATE '1990-01-01'",
              "valid_to is null", "school_district is not null", "ward_code in ('28101', '28102')",
              "nationality <> 'JP'"]
STATS = ["count(*)", "count(distinct pid)", "count(distinct household_pid)", "count(school_district)",
         "count(valid_to)"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(groups=st.lists(st.sampled_from(GROUPS), min_size=0, max_size=3, unique=True),
       conditions=st.lists(st.sampled_from(CONDITIONS), max_size=3, unique=True),
       stats=st.lists(st.sampled_from(STATS), min_size=1, max_size=3, unique=True))
def test_property_no_shown_row_stands_for_fewer_than_k_persons(
        tables: dict[str, pa.Table], groups: list[str], conditions: list[str], stats: list[str]) -> None:
    """Property (any number of queries from a rich family of groupings, conditions and statistics): every row
    shown stands for at least k distinct persons, counted independently here with DuckDB's plain SQL on the
    same table, and no answer contains a pseudonym."""
    import duckdb

    where = f" where {' and '.join(conditions)}" if conditions else ""
    select = ", ".join([*(f"{g} as g{i}" for i, g in enumerate(groups)), *stats])
    group_by = f" group by {', '.join(str(i + 1) for i in range(len(groups)))}" if groups else ""
    r = ask(tables, f"select {select} from lounge.resident_spells{where}{group_by}")
    con = duckdb.connect()
    con.register("resident_spells", tables["resident_spells"])
    keys = ", ".join(groups) if groups else "1"
    truth = {tuple(row[:-1]): row[-1] for row in con.sql(
        f"select {keys}, count(distinct pid) from resident_spells{where} group by all").fetchall()}
    pids = set(tables["resident_spells"]["pid"].to_pylist())
    for row in r.rows:
        key = tuple(row[:len(groups)]) if groups else (1,)
        assert truth[key] >= K
        assert not any(v in pids for v in row)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=st.integers(min_value=0, max_value=10_000), extra=st.sampled_from(CONDITIONS + ["true"]))
def test_property_differencing_never_returns_a_persons_exact_value(
        tables: dict[str, pa.Table], target: int, extra: str) -> None:
    """Property: for any person of the tax table and any background condition, the attacker's best differencing
    pair — the ward's and year's sum of incomes with her and without her (a table in which her row was never
    landed, as if two snapshots) — never gives her exact income; at most it gives it with noise."""
    ta = tables["tax_assessment"]
    person = ta.slice(target % ta.num_rows, 1).to_pylist()[0]
    cond = f"fiscal_year = {person['fiscal_year']} and ward_code = '{person['ward_code']}'"
    query = f"select sum(total_income) from lounge.tax_assessment where {cond}"
    without = ta.filter(pc.invert(pc.equal(ta["pid"], person["pid"])))
    her_rows = ta.filter(pc.and_(pc.equal(ta["pid"], person["pid"]),
                                 pc.equal(ta["fiscal_year"], person["fiscal_year"])))
    truth = sum(r["total_income"] for r in her_rows.to_pylist() if r["ward_code"] == person["ward_code"])
    a, b = one(tables, query), one(dict(tables, tax_assessment=without), query)
    if a is None or b is None or truth == 0:
        return
    assert a - b != truth


def test_two_as_of_views_within_a_month_are_the_same_release() -> None:
    """Attack: open an indicator as of two nearby times (a day apart) between which only the target's late
    correction landed; the cells that changed point at her. A past view shows the monthly release (the lake at
    0:00 Japan time on the first of the month), so every view within a month is the same table."""
    from jichitai.lounge.services import JST, parse_as_of

    first, later = parse_as_of("2026-03-02"), parse_as_of("2026-03-31T23:00")
    assert first == later == dt.datetime(2026, 3, 1, tzinfo=JST)
    assert parse_as_of("2026-04-01") == dt.datetime(2026, 4, 1, tzinfo=JST)
    assert parse_as_of("2026-03-31T16:00+00:00") == dt.datetime(2026, 4, 1, tzinfo=JST)  # 4月1日 1:00 JST


# ---- many different pairs (the tracker): overlap control ----------------------------------------------------

def _months(ym: dt.date, shift: int) -> dt.date:
    index = ym.year * 12 + ym.month - 1 + shift
    return dt.date(index // 12, index % 12 + 1, 1)


def _pairs(town: str, ym: dt.date) -> list[tuple[str, str]]:
    """Thirty different groups that contain her (her town, born after or before a moving month), each with its
    twin without her: every pair differs by her alone, and no two pairs are the same groups."""
    pairs = []
    for m in range(1, 16):
        for cond in (f"birth_ym >= DATE '{_months(ym, -m)}'", f"birth_ym <= DATE '{_months(ym, m)}'"):
            with_her = f"select count(distinct pid) from lounge.resident_spells where town_code = '{town}' and {cond}"
            pairs.append((with_her, f"{with_her} and birth_ym <> DATE '{ym}'"))
    return pairs


def _value(result: sql.SqlResult) -> Any:
    return None if not result.rows or result.rows[0][-1] == sql.SUPPRESSED else result.rows[0][-1]


def test_many_different_pairs_that_differ_by_the_same_person_are_never_both_shown(
        tables: dict[str, pa.Table]) -> None:
    """Attack (the tracker; docs/decisions/0004 "averaging many different pairs"): deterministic noise defeats
    asking one pair again, but thirty *different* pairs of groups that differ by her alone have thirty unrelated
    noises, and the mean of their differences tends to 1 — she lives there. Without the overlap control every
    half of every pair is answered (the attack is real: asserted first); with the platform's ledger of published
    figures, no pair ever has both halves shown, whichever half is asked first, so there is nothing to average."""
    for _pid, town, ym in isolated_people(tables):
        pairs = _pairs(town, ym)
        answered = [(one(tables, a), one(tables, b)) for a, b in pairs]
        if sum(a is not None and b is not None for a, b in answered) >= 20:
            break
    else:
        pytest.fail("no target with twenty answerable pairs in the synthetic lake")
    ledger = overlap.MemoryLedger()
    for n, (with_her, without) in enumerate(pairs):
        first, second = (with_her, without) if n % 2 else (without, with_her)
        shown = [_value(sql.run(tables, q, K, SECRET, ledger=ledger)) for q in (first, second)]
        assert sum(v is not None for v in shown) <= 1, (first, second, shown)


def test_the_pair_is_refused_to_a_second_analyst_and_after_a_restart(tables: dict[str, pa.Table]) -> None:
    """The ledger is the platform's, not the session's: a colleague asking the other half, or the same analyst
    after the server restarted (a new, empty cache of prepared tables), gets the figure blank."""
    _pid, town, ym = isolated_people(tables)[0]
    with_her, without = _pairs(town, ym)[0]
    ledger = overlap.MemoryLedger()
    assert _value(sql.run(tables, with_her, K, SECRET, ledger=ledger)) is not None
    assert _value(sql.run(tables, without, K, SECRET, ledger=ledger, prepared={})) is None
    assert _value(sql.run(tables, with_her, K, SECRET, ledger=ledger)) is not None  # the same figure again


ORDINARY = [
    "select ward_code, count(distinct pid) as n from lounge.resident_spells group by 1",
    "select ward_code, sex, count(*) as n from lounge.resident_spells where valid_to is null group by 1, 2",
    "select year(birth_ym) as y, count(distinct pid) from lounge.resident_spells group by 1",
    "select fiscal_year, ward_code, sum(total_income), avg(total_income) from lounge.tax_assessment group by 1, 2",
    "select kind, ward_code, count(*) from lounge.movements group by 1, 2",
]


def test_ordinary_analyses_are_not_blanked_by_the_overlap_control(tables: dict[str, pa.Table]) -> None:
    """The control costs ordinary work nothing: a morning of usual tables (wards, sexes, birth years, incomes by
    ward, movements by kind) answers exactly as without it, each asked after the others (consistency)."""
    ledger = overlap.MemoryLedger()
    for q in ORDINARY:
        assert sql.run(tables, q, K, SECRET, ledger=ledger).rows == ask(tables, q).rows, q
