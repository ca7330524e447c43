"""Generate the synthetic city and load it into a throw-away PostgreSQL database; time each step.

    DATABASE_URL=postgres://jichitai@127.0.0.1:5432/jichitai_synth JICHITAI_MODE=test JICHITAI_VAR=var/synth \\
        .venv/bin/python bench/synth_city.py [--population 1525152] [--years 10] [--seed 2026]

Target: the full Kobe-sized city (1,525,152 residents, ten years of history) in < 15 min. The base population
goes in by COPY; every change after t0 goes through ``registry.services.apply_many`` (decide, lock, history,
outbox, audit). Prints one row for docs/benchmarks.md with the split between the steps and the rate of
history changes per second, so a fraction of the full size can be extrapolated honestly.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from benchdb import bench_database


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--population", type=int, default=1_525_152)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--batch-size", type=int, default=500)
    ap.add_argument("--workers", type=int, default=0, help="history processes (0: 2 on PostgreSQL)")
    ap.add_argument("--keep", action="store_true", help="keep the bench database")
    args = ap.parse_args()
    if args.population < 10 or args.years < 1:  # as `jichitai synth city`: the tax inputs need a 1 January in it
        ap.error("--population must be at least 10 and --years at least 1")
    with bench_database(keep=args.keep):
        from django.conf import settings
        from django.db import connection

        from jichitai.synth.city import Options, generate

        out = Path(settings.CONFIG.var_dir) / "bench-synth"
        started = time.monotonic()
        s = generate(Options(population=args.population, years=args.years, seed=args.seed, out=out,
                             batch_size=args.batch_size, workers=args.workers), clock=time.monotonic)
        total = time.monotonic() - started
        t = s.timings
        changes = sum(s.changes.values())
        history_s = t["history"] - t["load_base"]
        print(f"vendor={connection.vendor} population={args.population:,} years={args.years}")
        print(f"generate base {t['generate_base']:.1f} s; COPY base {t['load_base'] - t['generate_base']:.1f} s; "
              f"history {history_s:.1f} s for {changes:,} changes ({changes / max(history_s, 1e-9):.0f}/s); "
              f"files {t['files'] - t['history']:.1f} s; checksum {t['total'] - t['files']:.1f} s; "
              f"total {total:.1f} s")
        print(f"residents {s.residents:,} households {s.households:,} refused {dict(s.refused)}")
        print(f"| synth city ({args.population:,} residents, {args.years} years, PostgreSQL) | {total / 60:.1f} min "
              f"(base COPY {t['load_base'] - t['generate_base']:.0f} s, history {history_s:.0f} s = "
              f"{changes:,} changes at {changes / max(history_s, 1e-9):.0f}/s) | < 15 min (full size) | "
              f"`.venv/bin/python bench/synth_city.py --population {args.population} --years {args.years}` | "
              f"{time.strftime('%Y-%m-%d')} | 2 cores, 24 GiB, python-svc |")


if __name__ == "__main__":
    main()
