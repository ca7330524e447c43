"""The bulk issuance's cost per notice on a slice of the city, batched (``tax.collection.issuance``) against one
notice at a time (what the issuance did before: one Typst compilation and a few queries per notice).

    … .venv/bin/python bench/tax_collection.py --sample 0      # the schedules of a kept bench city (see there)
    … .venv/bin/python bench/tax_issuance.py [--employers 20] [--batches 3]

Batched: the first ``--employers`` employers' notices with all their employees' 納税義務者用 notices, and the first
``--batches`` files of 納税通知書, through ``issuance.write_pdfs``. One at a time: the same employers' employees and
the same number of 納税通知書, each by ``notices.employee_notice_pdfs`` / ``notices.ordinary_notice_pdf``. Printed
for each: notices, pages, wall, the CPU seconds of this process (all its threads) and of its PostgreSQL backend,
and per notice; the load average. The CPU per notice times the city's notices is the CPU of a whole issuance.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from benchdb import backend_cpu, process_cpu
from tax_assess import _reuse

FISCAL_YEAR = 2026
ON = dt.date(2026, 5, 15)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--employers", type=int, default=20)
    ap.add_argument("--batches", type=int, default=3)
    args = ap.parse_args()
    _reuse()
    from jichitai.tax.collection import employer_files, issuance, notices
    from jichitai.tax.collection.models import CollectionSchedule

    every_employer, every_batch = employer_files.notices, issuance._ordinary_batches
    payers = [n.payer_number for n in itertools.islice(every_employer(FISCAL_YEAR), args.employers)]
    employees = sum(len(n.employees) for p in payers for n in every_employer(FISCAL_YEAR, p))
    ordinary = list(CollectionSchedule.objects.filter(fiscal_year=FISCAL_YEAR, current=True, ordinary_total__gt=0)
                    .order_by("atena_number").values_list("atena_number", flat=True)[: args.batches * issuance.BATCH])
    notices.ordinary_notice_pdf(FISCAL_YEAR, ordinary[0], on=ON)  # fonts loaded

    def timed(label: str, run: object, count: int) -> None:
        load = os.getloadavg()[0]
        cpu0, db0, t0 = process_cpu(), backend_cpu(), time.perf_counter()
        pages = run()  # type: ignore[operator]
        wall, cpu, db = time.perf_counter() - t0, process_cpu() - cpu0, backend_cpu() - db0
        print(f"{label}: {count:,} notices ({pages}); wall {wall:.1f} s; CPU this process {cpu:.1f} s, PostgreSQL "
              f"backend {db:.1f} s; per notice CPU {(cpu + db) / count * 1000:.2f} ms (process "
              f"{cpu / count * 1000:.2f} + database {db / count * 1000:.2f}); load {load:.1f} → "
              f"{os.getloadavg()[0]:.1f}", flush=True)

    def batched() -> str:
        employer_files.notices = lambda fy, payer_number=None, kind=employer_files.SALARY: (  # type: ignore[assignment]
            every_employer(fy, payer_number, kind) if payer_number else
            itertools.islice(every_employer(fy, None, kind), args.employers))
        issuance._ordinary_batches = lambda fy: itertools.islice(every_batch(fy), args.batches)  # type: ignore[assignment]
        try:
            out = Path(tempfile.mkdtemp(prefix="issuance_"))
            issuance.write_pdfs(FISCAL_YEAR, out, on=ON)
        finally:
            employer_files.notices, issuance._ordinary_batches = every_employer, every_batch
        return f"{len(list(out.rglob('*.pdf')))} files under {out}"

    def alone() -> str:
        for payer in payers:
            notices.employer_notice_pdf(FISCAL_YEAR, payer, on=ON)
            for _ in notices.employee_notice_pdfs(FISCAL_YEAR, payer, on=ON):
                pass
        for atena in ordinary:
            notices.ordinary_notice_pdf(FISCAL_YEAR, atena, on=ON)
        return "one PDF each"

    count = len(payers) + employees + len(ordinary)
    print(f"{len(payers)} employers with {employees:,} employees; {len(ordinary):,} 納税通知書")
    timed("batched (issuance.write_pdfs)", batched, count)
    timed("one at a time", alone, count)


if __name__ == "__main__":
    main()
