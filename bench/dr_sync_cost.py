"""The cost of synchronous replication (remote_apply) on the 異動 throughput: the drill's counter load through
``registry.services.apply`` against two local PostgreSQL 15 regions (tokyo primary, osaka standby), two rounds
in sync and two in async alternately, on one pair (``jichitai.dr.drill.throughput``).

    .venv/bin/python bench/dr_sync_cost.py [--seconds 20] [--threads 4]

Run as root: the regions' clusters are started as the ``postgres`` user. Prints one row for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--threads", type=int, default=4)
    args = ap.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jichitai.settings")
    os.environ.setdefault("JICHITAI_MODE", "test")
    import django

    django.setup()
    from jichitai.dr import drill

    out = drill.throughput(drill.DrillOptions(threads=args.threads), args.seconds,
                           lambda phase, detail: print(f"{phase}: {detail}", flush=True))
    print(json.dumps(out, ensure_ascii=False, default=str))
    print(f"| dr: 異動 throughput, synchronous (remote_apply) vs asynchronous replication, {args.threads} counter threads, "
          f"2×{args.seconds:.0f} s each | sync {out['sync_per_second']}/s, async {out['async_per_second']}/s: "
          f"sync costs {out['sync_cost_pct']} % | measured | `.venv/bin/python bench/dr_sync_cost.py` | "
          f"{dt.date.today()} | 2 cores, 24 GiB, python-svc |")


if __name__ == "__main__":
    main()
