"""The bulk issuance's cost per notice on a slice of the city, batched (``tax.collection.issuance``) against one
notice at a time (what the issuance did before: one Typst compilation and a few queries per notice).

    … .venv/bin/python bench/tax_collection.py --sample 0      # the schedules of a kept bench city (see there)
    … .venv/bin/python bench/tax_issuance.py [--employers 20] [--batches 3] [--notices N] [--no-alone] [--steps]

Batched: the first ``--employers`` employers' notices with all their employees' 納税義務者用 notices, and the first
``--batches`` files of 納税通知書, through ``issuance.write_pdfs``. One at a time: the same employers' employees and
the same number of 納税通知書, each by ``notices.employee_notice_pdfs`` / ``notices.ordinary_notice_pdf``. Printed
for each: notices, pages, wall, the CPU seconds of this process (all its threads; with ``--workers N`` > 1 its
PDF worker processes too) and of its PostgreSQL backend, and per notice; the load average; the peak of the summed
resident set of the process and its workers. The CPU per notice times the city's notices is the CPU of a whole issuance.

``--steps``: the same ``--batches`` of 納税通知書 once more, the issuance's loop taken apart, with the CPU (this
process + its PostgreSQL backend) of each step per notice: the batch's rows and ``notices.prefetch`` (the queries,
the 送付先 and its カスタマバーコード SVG), ``ordinary_notice_data`` (the notice's content and 納付書 slips), the
JSON, the Typst compilation (with ``font_families``), writing the file. ``--no-alone`` skips one at a time.
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

from benchdb import TreePeak, backend_cpu, process_cpu
from tax_assess import _reuse

FISCAL_YEAR = 2026
ON = dt.date(2026, 5, 15)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--employers", type=int, default=20)
    ap.add_argument("--batches", type=int, default=3)
    ap.add_argument("--notices", type=int, default=0,
                    help="instead of --batches: this many 納税通知書 in batches of the tree's issuance.BATCH")
    ap.add_argument("--no-alone", action="store_true", help="skip the one-at-a-time run")
    ap.add_argument("--steps", action="store_true", help="the 納税通知書 batches step by step")
    ap.add_argument("--workers", type=int, default=1, help="PDF processes of the batched run (1: in this process)")
    args = ap.parse_args()
    _reuse()
    from jichitai.tax.collection import employer_files, issuance, notices
    from jichitai.tax.collection.models import CollectionSchedule

    if args.notices:
        args.batches = -(-args.notices // issuance.BATCH)
    every_employer, every_batch = employer_files.notices, issuance._ordinary_batches
    payers = [n.payer_number for n in itertools.islice(every_employer(FISCAL_YEAR), args.employers)]
    employees = sum(len(n.employees) for p in payers for n in every_employer(FISCAL_YEAR, p))
    ordinary = list(CollectionSchedule.objects.filter(fiscal_year=FISCAL_YEAR, current=True, ordinary_total__gt=0)
                    .order_by("atena_number").values_list("atena_number", flat=True)[: args.batches * issuance.BATCH])
    if ordinary:
        notices.ordinary_notice_pdf(FISCAL_YEAR, ordinary[0], on=ON)  # fonts loaded

    def timed(label: str, run: object, count: int) -> None:
        load = os.getloadavg()[0]
        cpu0, db0, t0 = process_cpu(), backend_cpu(), time.perf_counter()
        with TreePeak() as tree:
            pages = run()  # type: ignore[operator]
        wall, cpu, db = time.perf_counter() - t0, process_cpu() - cpu0, backend_cpu() - db0
        print(f"{label}: {count:,} notices ({pages}); wall {wall:.1f} s; CPU this process {cpu:.1f} s, PostgreSQL "
              f"backend {db:.1f} s; per notice CPU {(cpu + db) / count * 1000:.2f} ms (process "
              f"{cpu / count * 1000:.2f} + database {db / count * 1000:.2f}); load {load:.1f} → "
              f"{os.getloadavg()[0]:.1f}; peak RSS with workers {tree.peak:.2f} GiB", flush=True)

    def batched() -> str:
        employer_files.notices = lambda fy, payer_number=None, kind=employer_files.SALARY: (  # type: ignore[assignment]
            every_employer(fy, payer_number, kind) if payer_number else
            itertools.islice(every_employer(fy, None, kind), args.employers))
        issuance._ordinary_batches = lambda fy: itertools.islice(every_batch(fy), args.batches)  # type: ignore[assignment]
        try:
            out = Path(tempfile.mkdtemp(prefix="issuance_"))
            issuance.write_pdfs(FISCAL_YEAR, out, on=ON, workers=args.workers)
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
    timed(f"batched (issuance.write_pdfs, {args.workers} worker{'s' if args.workers > 1 else ''})", batched, count)
    if not args.no_alone:
        timed("one at a time", alone, count)
    if args.steps:
        steps(every_batch, args.batches)


def steps(every_batch: object, batches: int) -> None:
    """The 納税通知書 loop of ``issuance.write_pdfs``, each step's CPU (process + database) summed over the batches."""
    import json

    from jichitai.registry import suppression
    from jichitai.registry.certificates.render import compiler_for, font_families
    from jichitai.tax.collection import notices

    spent: dict[str, float] = {}
    clock = [process_cpu(), backend_cpu()]

    def lap(step: str) -> None:
        now = [process_cpu(), backend_cpu()]
        spent[step] = spent.get(step, 0.0) + (now[0] - clock[0]) + (now[1] - clock[1])
        clock[:] = now

    out = Path(tempfile.mkdtemp(prefix="issuance_steps_"))
    guard, count, load = suppression.shield(), 0, os.getloadavg()[0]
    template = notices.TEMPLATES / "ordinary_notice.typ"
    lap("shield")
    # the batches after those the batched run compiled: Typst memoises layout across compilations (a batch laid out
    # again costs a fraction), so the same notices twice would under-count the compilation
    for n, batch in enumerate(itertools.islice(every_batch(FISCAL_YEAR), batches, 2 * batches), start=1):  # type: ignore[operator]
        read = notices.prefetch(batch, guard)
        lap("queries + 送付先 (prefetch)")
        data = [notices.ordinary_notice_data(s, ON, read=read) for s in batch]
        lap("notice data")
        text = json.dumps(data, ensure_ascii=False)
        lap("JSON")
        pdf = compiler_for(template).compile(format="pdf", sys_inputs={"data": text, **font_families()},
                                           pdf_tags=False)  # as issuance (press.write_pdf)
        lap("Typst compile")
        (out / f"{n:05d}.pdf").write_bytes(pdf)
        lap("write")
        count += len(batch)
    barcodes = sum(1 for d in data if d["recipient"].get("barcode"))
    print(f"steps, {count:,} 納税通知書 (last batch: {barcodes} of {len(data)} with a カスタマバーコード); CPU per "
          f"notice: " + ", ".join(f"{k} {v / count * 1000:.2f} ms" for k, v in spent.items() if k != "shield")
          + f"; total {sum(v for k, v in spent.items() if k != 'shield') / count * 1000:.2f} ms; load {load:.1f} → "
          f"{os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
