"""The collection schedules and the employers' files of a 年度 from the stored assessments:
``jichitai tax collection --fiscal-year 2026 --on 2026-05-15 --out DIR``, timed, then a re-run (all unchanged),
then the notices as PDF for a sample (the per-notice cost, Typst).

    DATABASE_URL=postgres://jichitai@127.0.0.1:5432/jichitai_NAME JICHITAI_MODE=test JICHITAI_VAR=var/bench \\
        .venv/bin/python bench/tax_assess.py --n 30000 --keep      # the city and its assessments (kept)
    … .venv/bin/python bench/tax_collection.py [--sample 200]     # on the kept bench database

Printed: seconds of each step, schedules and instalments stored, employer files written, peak RSS, and the PDF
cost per notice of each kind (first call excluded: it loads the fonts).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import itertools
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from tax_assess import _reuse  # the kept bench_<name> database

FISCAL_YEAR = 2026
ON = dt.date(2026, 5, 15)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=200, help="notices of each kind rendered to PDF")
    args = ap.parse_args()
    _reuse()
    from django.core.management import call_command

    from jichitai.tax.collection import notices
    from jichitai.tax.collection.employer_files import notices as employer_notices
    from jichitai.tax.collection.models import CollectionInstalment, CollectionSchedule

    CollectionInstalment.objects.all().delete()
    CollectionSchedule.objects.all().delete()
    out_dir = Path(tempfile.mkdtemp(prefix="collection_"))
    for label in ("first run", "re-run (unchanged)"):
        out = io.StringIO()
        t0 = time.perf_counter()
        call_command("tax", "collection", "--fiscal-year", str(FISCAL_YEAR), "--on", ON.isoformat(),
                     "--out", str(out_dir), stdout=out)
        print(f"{label}: {time.perf_counter() - t0:.1f} s — {out.getvalue().strip()}")
    print(f"schedules {CollectionSchedule.objects.count():,}, instalments {CollectionInstalment.objects.count():,}, "
          f"employer files {len(list(out_dir.glob('*.csv'))):,}")
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
    print(f"PDF 特別徴収税額決定通知書 {len(employers) - 1}: {(t1 - t0) / max(len(employers) - 1, 1) * 1000:.1f} ms each; "
          f"納税通知書 {len(ordinary) - 1}: {(t2 - t1) / max(len(ordinary) - 1, 1) * 1000:.1f} ms each")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
