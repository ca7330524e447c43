"""The annual assessment (賦課) from the database: ``jichitai tax assess --fiscal-year 2026`` on a registry of
about 1.5 M residents of 1月1日 and their 給与支払報告書 / 公的年金等支払報告書, with every phase timed.

    DATABASE_URL=postgres://jichitai@127.0.0.1:5432/jichitai_tax JICHITAI_MODE=test JICHITAI_VAR=var/bench_tax \\
        .venv/bin/python bench/tax_assess.py [--n 1575000] [--keep] [--reuse] [--no-assess]

Set-up (timed, not part of the figure): a throw-away database ``bench_<name>``; the registry loaded by COPY
(bench/registry_load.py: residents move in up to 20 years before today, so with today in December about 95 %
of them were residents on 1 January; ``--n 1575000`` gives about 1.5 M); then the reports of income year
2025, drawn the way bench/tax_bulk.py draws its columns (salary for 75 % of ages 18–69, log-normal around
3.6 M yen; 公的年金 from 62; insurance premiums; the spouse and children of the household when the earner
heads it), written as report CSV, parsed and checked by ``tax.reports.read_file`` (the hub intake's parser)
and stored by COPY.

Then the command itself, twice: the first run creates every assessment, the second finds every input
unchanged (the idempotent re-run). Printed: the phases of each run (reading the registry and reports,
building and checking the cases, the vectorised computation, the explanations, storing) and rows for
docs/benchmarks.md. ``--keep`` keeps the database, ``--reuse`` runs on a kept one (the set-up is skipped when
its residents and reports are there).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import io
import os
import random
import resource
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from benchdb import backend_cpu, bench_database, process_cpu

FISCAL_YEAR = 2026
INCOME_YEAR = FISCAL_YEAR - 1
CHUNK = 100_000


def _reuse() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jichitai.settings")
    import django

    django.setup()
    from django.db import connection

    connection.settings_dict["NAME"] = "bench_" + str(connection.settings_dict["NAME"])
    connection.close()


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def report_rows(people: list[tuple[str, str, dt.date, str, str]], rng: random.Random) -> tuple[
        list[dict[str, Any]], list[dict[str, Any]]]:
    """Salary and pension report rows (attribute-keyed, as ``reports.write_rows`` takes them) for residents
    given as (宛名番号, 世帯番号, 生年月日, 続柄, 氏名) in 世帯 order."""
    from jichitai.common.checkdigit import make_my_number
    from jichitai.tax.reports import make_corporate_number

    end = dt.date(INCOME_YEAR, 12, 31)
    households: dict[str, list[tuple[str, str, dt.date, str, str]]] = {}
    for p in people:
        households.setdefault(p[1], []).append(p)
    payers = [(make_corporate_number(100_000_000_000 + i), f"株式会社ベンチ{i}") for i in range(500)]
    salary: list[dict[str, Any]] = []
    pension: list[dict[str, Any]] = []
    for members in households.values():
        earners = {}
        for atena, _setai, born, _rel, _name in members:
            age = _age(born, end)
            paid = int(rng.lognormvariate(15.1, 0.6)) if 18 <= age < 70 and rng.random() < 0.75 else 0
            earners[atena] = (age, paid, rng.randint(600_000, 3_500_000) if age >= 62 else 0)
        for atena, _setai, born, rel, name in members:
            age, paid, pension_paid = earners[atena]
            my_number = make_my_number(10_000_000_000 + int(atena[:-1]))
            common = {"income_year": INCOME_YEAR, "my_number": my_number, "name": name, "kana": "ベンチ タロウ",
                      "birth_date": born, "address": "神戸市中央区加納町6丁目5番1号"}
            if paid:
                payer = rng.choice(payers)
                row = {**common, "payer_number": payer[0], "payer_name": payer[1], "salary_paid": paid,
                       "salary_income": 0, "deductions_total": 0, "withholding_tax": paid // 40,
                       "year_end_adjusted": rng.random() < 0.9, "social_insurance": paid * 15 // 100,
                       "life_general_new": rng.randint(0, 120_000) if rng.random() < 0.4 else 0,
                       "life_medical_care_new": rng.randint(0, 80_000) if rng.random() < 0.3 else 0,
                       "life_pension_new": rng.randint(0, 120_000) if rng.random() < 0.2 else 0,
                       "earthquake_insurance_deduction": rng.randint(0, 50_000) if rng.random() < 0.3 else 0,
                       "spouse": False}
                if rel == "世帯主":
                    spouse = next((m for m in members if m[3] in ("妻", "夫") and not earners[m[0]][1]), None)
                    if spouse is not None and not earners[spouse[0]][2] and spouse[2] <= end:
                        row.update(spouse=True, spouse_name=spouse[4], spouse_birth_date=spouse[2],
                                   spouse_total_income=0)
                    children = [m for m in members if m[3] == "子" and m[2] <= end and _age(m[2], end) < 23
                                and not earners[m[0]][1]]
                    dep = young = 0
                    for child in children:
                        a = _age(child[2], end)
                        key, n = ("young", young + 1) if a < 16 else ("dep", dep + 1)
                        if n > 4:
                            continue
                        if key == "young":
                            young = n
                        else:
                            dep = n
                        row.update({f"{key}{n}_name": child[4], f"{key}{n}_kana": "ベンチ コ",
                                    f"{key}{n}_birth_date": child[2], f"{key}{n}_cohabiting": True,
                                    f"{key}{n}_class": "under16" if a < 16 else ("specific" if a >= 19 else "general")})
                salary.append(row)
            if pension_paid:
                pension.append({**common, "payer_number": "7000012050002", "payer_name": "日本年金機構",
                                "pension_paid": pension_paid, "withholding_tax": 0,
                                "social_insurance": pension_paid // 10, "spouse": False})
    return salary, pension


def load_reports(seed: int) -> dict[str, float]:
    """The reports of every resident, parsed by the intake's parser and stored by COPY."""
    from django.db import transaction

    from jichitai.dbcopy import copy_rows
    from jichitai.registry.models import Resident
    from jichitai.tax import reports
    from jichitai.tax.models import ReceivedReport
    from jichitai.tax.report_intake import _jsonable, vault

    started = time.perf_counter()
    people = list(Resident.objects.filter(status="active").order_by("setai_number", "household_order")
                  .values_list("atena_number", "setai_number", "birth_date", "relationship", "name"))
    salary, pension = report_rows(people, random.Random(seed))
    generated = time.perf_counter()
    v = vault()
    now = dt.datetime.now(dt.UTC)
    counts = {}
    for layout, rows, amount in ((reports.SALARY_REPORT, salary, "salary_paid"),
                                 (reports.PENSION_REPORT, pension, "pension_paid")):
        counts[layout.name] = len(rows)
        for start in range(0, len(rows), CHUNK):
            source = f"bench-{layout.name}-{start // CHUNK + 1}.csv"
            parsed = reports.read_file(layout, reports.write_rows(layout, rows[start:start + CHUNK]).encode("cp932"))
            with transaction.atomic():
                copy_rows(ReceivedReport, [{
                    "kind": layout.name, "income_year": r["income_year"], "payer_number": r["payer_number"],
                    "payer_name": r["payer_name"], "recipient_index": v.blind_index(r["my_number"]),
                    "recipient_my_number": v.encrypt(r["my_number"]), "source": source, "line": r["line"],
                    "amount": r[amount], "data": _jsonable(r, v), "received_at": now, "superseded_by_id": None,
                    "submission": "new", "status": "in_force", "hold_reason": "", "decided_by": "", "decided_at": None,
                } for r in parsed])
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE tax_receivedreport")
    return {"generate_s": generated - started, "store_s": time.perf_counter() - generated,
            "salary_reports": counts["salary_report"], "pension_reports": counts["pension_report"]}


def clear_assessments() -> int:
    """Remove the fiscal year's assessments (and the collection schedules made from them) by SQL. The ORM's
    ``delete()`` would load every assessment into memory first to check the PROTECT references to it: at
    1.47 M assessments that set-up step alone took a peak of 11.2 GB (what /usr/bin/time reported for the
    earlier bench run, which included it), while the command itself stays under 0.5 GiB."""
    from jichitai.tax.certificates.models import TaxCertificateIssuance
    from jichitai.tax.collection.models import CollectionInstalment, CollectionSchedule
    from jichitai.tax.models import Assessment

    if TaxCertificateIssuance.objects.filter(assessment__fiscal_year=FISCAL_YEAR).exists():
        raise SystemExit("certificates were issued from these assessments: use a database of its own for the bench")
    year = {"fiscal_year": FISCAL_YEAR}
    CollectionInstalment.objects.filter(**{f"schedule__assessment__{k}": v for k, v in year.items()})._raw_delete("default")
    CollectionSchedule.objects.filter(**{f"assessment__{k}": v for k, v in year.items()})._raw_delete("default")
    return int(Assessment.objects.filter(**year)._raw_delete("default"))


def reset_peak() -> None:
    """Reset this process's peak resident set (VmHWM) so the next reading covers only what follows (Linux
    ``/proc/self/clear_refs``, value 5)."""
    Path("/proc/self/clear_refs").write_text("5")


def peak_since_reset() -> float:
    """VmHWM in GiB: the peak resident set since :func:`reset_peak`."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024 / 1024
    return float("nan")


def timed_assess(workers: int | None = None) -> tuple[float, str, Any]:
    from django.core.management import call_command

    from jichitai.tax.assessment import services

    reports_seen: list[Any] = []
    original = services.run

    def keep(*args: Any, **kwargs: Any) -> Any:
        reports_seen.append(original(*args, **kwargs))
        return reports_seen[-1]

    services.run = keep  # the command's own call, only to read the phase timings it returns
    out = io.StringIO()
    try:
        t0 = time.perf_counter()
        with redirect_stdout(out):
            call_command("tax", "assess", "--fiscal-year", str(FISCAL_YEAR),
                         *([] if workers is None else ["--workers", str(workers)]), stdout=out)
        wall = time.perf_counter() - t0
    finally:
        services.run = original
    return wall, out.getvalue(), reports_seen[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_575_000, help="residents loaded (about 95 %% are there on 1月1日)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--reuse", action="store_true", help="run on the kept bench database")
    ap.add_argument("--no-assess", action="store_true", help="set-up only")
    ap.add_argument("--once", action="store_true", help="the first run only (no idempotent re-run)")
    ap.add_argument("--workers", type=int, help="the command's --workers (left out when not given: older trees)")
    args = ap.parse_args()
    if args.reuse:
        _reuse()
        _run(args)
    else:
        with bench_database(keep=args.keep):
            _run(args)


def _run(args: argparse.Namespace) -> None:
    from jichitai.registry.models import Resident
    from jichitai.tax.models import ReceivedReport
    from registry_load import load

    if not Resident.objects.exists():
        # registry_load calls search_key twice a resident; its names come from small pools, so a cache gives
        # the same keys at a fraction of the cost
        from jichitai.common import text

        text.search_key = functools.lru_cache(maxsize=None)(text.search_key)  # type: ignore[assignment]
        t = load(args.n, seed=args.seed)
        print(f"registry load: {t['residents']:,} residents, {t['households']:,} households in "
              f"{t['load_seconds']:.0f} s (+ ANALYZE {t['analyze_seconds']:.0f} s)", flush=True)
    if not ReceivedReport.objects.filter(income_year=INCOME_YEAR).exists():
        r = load_reports(args.seed)
        print(f"reports: {r['salary_reports']:,} 給与支払報告書, {r['pension_reports']:,} 公的年金等支払報告書; "
              f"generated {r['generate_s']:.0f} s, parsed + stored {r['store_s']:.0f} s", flush=True)
    if args.no_assess:
        return
    cleared = clear_assessments()
    print(f"set-up: {cleared:,} assessments of {FISCAL_YEAR} removed by SQL; peak RSS so far "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024:.2f} GiB", flush=True)
    rows = []
    peaks = []
    for label in ("first run", "re-run")[: 1 if args.once else 2]:
        reset_peak()
        load = os.getloadavg()[0]
        cpu0, db0 = process_cpu(), backend_cpu()
        wall, text, report = timed_assess(args.workers)
        cpu, db = process_cpu() - cpu0, backend_cpu() - db0
        peaks.append(peak_since_reset())
        print(text.splitlines()[0])
        phases = ", ".join(f"{k} {v:.1f} s" for k, v in report.timings.items())
        print(f"{label}: wall {wall:.1f} s ({phases}); CPU of the Python processes {cpu:.1f} s, of this process's "
              f"PostgreSQL backend {db:.1f} s (worker processes' backends not counted); peak RSS of the run "
              f"{peaks[-1]:.2f} GiB (this process), largest worker process so far "
              f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 / 1024:.2f} GiB; load {load:.1f} → {os.getloadavg()[0]:.1f}", flush=True)
        rows.append((label, wall, report))
    first, again = rows[0][2], rows[-1][2]
    t = first.timings
    peak = max(peaks)
    print(f"peak RSS of the command (both runs, VmHWM reset before each): {peak:.2f} GiB; of this process since "
          f"its start: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024:.2f} GiB", flush=True)
    print(f"| tax: `jichitai tax assess --fiscal-year {FISCAL_YEAR}` from PostgreSQL, {first.considered:,} residents "
          f"of 1月1日 ({first.created:,} assessments stored) | computation {t['compute']:.2f} s; loading "
          f"{t['gather']:.1f} s; cases {t['cases']:.1f} s; explanations + store {t['store']:.1f} s; wall "
          f"{rows[0][1]:.1f} s; re-run (all {again.unchanged:,} unchanged) {rows[-1][1]:.1f} s; peak RSS {peak:.2f} GiB "
          f"| computation "
          f"< 5 s | `.venv/bin/python bench/tax_assess.py {'--reuse' if args.reuse else f'--n {args.n}'}` | "
          f"{dt.datetime.now(dt.UTC).date()} | 2 cores, 24 GiB, PG15 (load avg {os.getloadavg()[0]:.1f}) |")


if __name__ == "__main__":
    main()
