"""The analysts' SQL console under disclosure control: how long the platform's rewritten query takes against
the plain query an unprotected console would run, on a synthetic lounge zone (``sample_zone``).

    python bench/lounge_sql.py --residents 300000 --years 5

Prints one line per query (plain DuckDB seconds, protected seconds, rows shown) and the zone's size; results
are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from typing import Any

import duckdb

from jichitai.lounge import sample_zone, sql
from jichitai.lounge.sqlplan import parse

QUERIES = [
    "select ward_code, count(*) as n from lounge.resident_spells group by 1",
    "select town_code, sex, year(birth_ym) // 10 as decade, count(distinct pid) as persons "
    "from lounge.resident_spells where valid_to is null group by 1, 2, 3",
    "select fiscal_year, ward_code, count(*) as n, sum(total_income) as income, avg(income_levy) as levy "
    "from lounge.tax_assessment group by 1, 2",
    "select kind, year(event_date) as y, count(*) as n from lounge.movements group by 1, 2",
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--residents", type=int, default=300_000)
    ap.add_argument("--years", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    started = time.perf_counter()
    tables = sample_zone.generate(dataclasses.replace(sample_zone.SMALL, residents=args.residents,
                                                      years=args.years))
    print(f"zone: {args.residents:,} residents, {args.years} years, "
          + ", ".join(f"{n} {t.num_rows:,}" for n, t in tables.items())
          + f" (generated in {time.perf_counter() - started:.0f} s)")
    prepared: dict[str, Any] = {}
    for name in ("resident_spells", "movements", "tax_assessment"):
        t = time.perf_counter()
        prepared[name] = sql.prepare(tables[name], "bench-secret")
        print(f"person ids for {name}: {time.perf_counter() - t:.2f} s (once per lake snapshot)")
    for query in QUERIES:
        plan = parse(query)
        con = duckdb.connect()
        con.register(plan.table, tables[plan.table])
        plain_sql = query.replace("lounge.", "")
        plain = min(_timed(lambda q=plain_sql, c=con: c.sql(q).fetchall()) for _ in range(args.repeat))
        result: list[sql.SqlResult] = []
        protected = min(_timed(lambda q=query, r=result: r.append(sql.run(tables, q, 10, "bench-secret", time_limit=600,
                                                                     prepared=prepared)))
                        for _ in range(args.repeat))
        print(f"{plain:7.3f} s plain | {protected:7.3f} s protected | {len(result[-1].rows):5d} rows | {query}")


def _timed(fn: object) -> float:
    started = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
