"""収納: ``jichitai tax payments import FILE`` on a コンビニ収納 速報 file that pays every 普通徴収 期 of the kept bench
city (one row per 期 with a barcode, 1 % of them with a wrong amount: unmatched), timed; then the same file again
(every row already recorded: the idempotent re-read).

    DATABASE_URL=postgres://jichitai@127.0.0.1:5432/jichitai_NAME JICHITAI_MODE=test JICHITAI_VAR=var/bench \\
        .venv/bin/python bench/tax_assess.py --n 20000 --keep        # the city and its assessments (kept)
    … .venv/bin/python bench/tax_collection.py --sample 1            # its collection schedules
    … .venv/bin/python bench/payments_import.py                      # this

Printed per run: rows, wall seconds, CPU seconds of this process and of its PostgreSQL backend, rows a CPU
second, the load average before and after.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from benchdb import backend_cpu, process_cpu
from tax_assess import _reuse  # the kept bench_<name> database

FISCAL_YEAR = 2026


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--wrong-every", type=int, default=100, help="one row in so many with a wrong amount")
    args = ap.parse_args()
    _reuse()
    from django.core.management import call_command

    from jichitai.common import csvout
    from jichitai.synth.payments import HEADER
    from jichitai.tax.collection import payment_slip
    from jichitai.tax.collection.models import CollectionInstalment, Payment

    Payment.objects.all()._raw_delete("default")
    code, limit, _ = payment_slip.configured_biller()
    assert code is not None
    rows = []
    terms = (CollectionInstalment.objects.filter(schedule__fiscal_year=FISCAL_YEAR, schedule__current=True,
                                                 method="ordinary")
             .order_by("schedule__atena_number", "position")
             .values_list("schedule__atena_number", "schedule__assessment_version", "position", "due", "amount"))
    last, n = None, 0
    for atena, version, _, due, amount in terms.iterator(chunk_size=10_000):
        n = n + 1 if atena == last else 1
        last = atena
        if not 0 < amount <= min(limit, payment_slip.GUIDELINE_MAX):
            continue
        barcode = payment_slip.payload(code, payment_slip.free_field(FISCAL_YEAR, atena, version, n), due=due,
                                       amount=amount)
        paid = amount - 1 if len(rows) % args.wrong_every == args.wrong_every - 1 else amount
        rows.append(["1", due.strftime("%Y%m%d"), "1200", "0000001", f"B{len(rows):09d}", barcode, str(paid)])
    path = Path(tempfile.mkdtemp(prefix="payments_")) / "sokuhou.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csvout.writer(f, for_people=False)
        w.writerow(HEADER)
        w.writerows(rows)
    print(f"{len(rows):,} rows in {path}")
    for label in ("first read", "re-read (all recorded)"):
        load = os.getloadavg()[0]
        cpu, db = process_cpu(), backend_cpu()
        start = time.perf_counter()
        out = io.StringIO()
        call_command("tax", "payments", "import", str(path), stdout=out)
        wall = time.perf_counter() - start
        cpu, db = process_cpu() - cpu, backend_cpu() - db
        print(f"{label}: {len(rows):,} rows, wall {wall:.1f} s, CPU {cpu:.1f} s + PostgreSQL {db:.1f} s "
              f"({len(rows) / max(cpu + db, 1e-9):,.0f} rows a CPU second), load {load:.1f} → {os.getloadavg()[0]:.1f}")
        print("  " + "\n  ".join(line for line in out.getvalue().splitlines()[:5]))
    print(f"stored payments: {Payment.objects.count():,}")


if __name__ == "__main__":
    main()
