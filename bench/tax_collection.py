"""The collection of a 年度 and its bulk issuance from the stored assessments: ``jichitai tax collection
--fiscal-year 2026 --on 2026-05-15 --out DIR [--pdf]`` (the schedules, the employers' and 年金保険者's data files,
and with ``--pdf`` every employer's notices and every 納税通知書), timed, then optionally a re-run (all
unchanged), then the notices one at a time for a sample (the per-notice cost the counter and the taxpayer page
pay, Typst).

    DATABASE_URL=postgres://jichitai@127.0.0.1:5432/jichitai_NAME JICHITAI_MODE=test JICHITAI_VAR=var/bench \\
        .venv/bin/python bench/tax_assess.py --n 30000 --keep      # the city and its assessments (kept)
    … .venv/bin/python bench/tax_collection.py [--pdf] [--rerun] [--sample 200]   # on the kept bench database

Printed per run: wall seconds, the CPU seconds of this process (getrusage, all its threads: Typst lays pages
out in several; with ``--workers`` its PDF worker processes too, once ended) and of its PostgreSQL backend (/proc/<pid>/stat of ``pg_backend_pid()``, same machine), the
peak resident set of the run (VmHWM reset before it), the load average before and after; then the stored
counts and files written. On a machine shared by other work the CPU seconds are the comparable figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import itertools
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from benchdb import TreePeak, backend_cpu, process_cpu
from tax_assess import _reuse, peak_since_reset, reset_peak  # the kept bench_<name> database

FISCAL_YEAR = 2026
ON = dt.date(2026, 5, 15)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=200, help="notices of each kind rendered alone to PDF")
    ap.add_argument("--pdf", action="store_true", help="the bulk issuance too (every notice as PDF)")
    ap.add_argument("--rerun", action="store_true", help="a second run, every schedule unchanged")
    ap.add_argument("--workers", type=int, default=0, help="the command's --workers (PDF processes; 0: one a core)")
    args = ap.parse_args()
    _reuse()
    from django.core.management import call_command

    from jichitai.tax.collection import notices
    from jichitai.tax.collection.employer_files import notices as employer_notices
    from jichitai.tax.collection.models import CollectionInstalment, CollectionSchedule

    # by SQL: the ORM's delete() would load every row first (gigabytes at Kobe size)
    CollectionInstalment.objects.all()._raw_delete("default")
    CollectionSchedule.objects.all()._raw_delete("default")
    out_dir = Path(tempfile.mkdtemp(prefix="collection_"))
    command = ["tax", "collection", "--fiscal-year", str(FISCAL_YEAR), "--on", ON.isoformat(), "--out", str(out_dir)]
    for label in ("first run", "re-run (unchanged)")[: 2 if args.rerun else 1]:
        out = io.StringIO()
        load = os.getloadavg()[0]
        reset_peak()
        cpu0, db0, t0 = process_cpu(), backend_cpu(), time.perf_counter()
        with TreePeak() as tree:
            call_command(*command, *(["--pdf"] if args.pdf else []), "--workers", str(args.workers), stdout=out)
        wall = time.perf_counter() - t0
        cpu, db = process_cpu() - cpu0, backend_cpu() - db0
        print(f"{label}: wall {wall:.1f} s; CPU this process {cpu:.1f} s, its PostgreSQL backend {db:.1f} s; "
              f"peak RSS of the run {peak_since_reset():.2f} GiB (this process), {tree.peak:.2f} GiB (with its workers, "
              f"summed, sampled every 0.2 s); load {load:.1f} → {os.getloadavg()[0]:.1f} — "
              f"{out.getvalue().strip()}", flush=True)
    files = {folder: sum(1 for _ in (out_dir / folder).glob("*.pdf")) for folder in ("employers", "nouzei")}
    print(f"schedules {CollectionSchedule.objects.count():,}, instalments {CollectionInstalment.objects.count():,}, "
          f"employer files {len(list(out_dir.glob('*.csv'))):,}, PDF files {files} under {out_dir}")
    if not args.sample:
        return
    employers = [n.payer_number for n in itertools.islice(employer_notices(FISCAL_YEAR), args.sample + 1)]
    ordinary = list(CollectionSchedule.objects.filter(fiscal_year=FISCAL_YEAR, current=True, ordinary_total__gt=0)
                    .values_list("atena_number", flat=True)[: args.sample + 1])
    notices.employer_notice_pdf(FISCAL_YEAR, employers[0], on=ON)  # fonts loaded
    t0 = time.perf_counter()
    for payer in employers[1:]:
        notices.employer_notice_pdf(FISCAL_YEAR, payer, on=ON)
    t1 = time.perf_counter()
    for atena in ordinary[1:]:
        notices.ordinary_notice_pdf(FISCAL_YEAR, atena, on=ON)
    t2 = time.perf_counter()
    print(f"alone: PDF 特別徴収税額決定通知書 {len(employers) - 1}: {(t1 - t0) / max(len(employers) - 1, 1) * 1000:.1f} ms "
          f"each; 納税通知書 {len(ordinary) - 1}: {(t2 - t1) / max(len(ordinary) - 1, 1) * 1000:.1f} ms each")


if __name__ == "__main__":
    main()
