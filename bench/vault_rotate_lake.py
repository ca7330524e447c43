"""The vault rotation's lake phase at a city's scale, without a database: a ``standard.salary_report`` table of
``--rows`` reports landed in ``--batches`` commits (every recipient a distinct 個人番号), then

- status: :func:`jichitai.lake.rekey.stale_rows` with the rotation's old → new index map (every row stale),
- the phase: :func:`jichitai.lake.rekey.rekey` (one commit rewriting the whole table, older snapshots expired and
  their files deleted),
- a rerun (nothing to do) and status again (0 left),

each timed once (one-shot operations: no percentile), with the process's peak RSS. The indexes are HMAC-SHA256
hex like the vault's (two keys: the retired and the current one).

    PYTHONPATH=src .venv/bin/python bench/vault_rotate_lake.py --rows 1000000 --batches 20
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import hmac
import os
import resource
import tempfile
import time
from pathlib import Path

import pyarrow as pa


def _index(key: bytes, n: int) -> str:
    return hmac.new(key, f"{n:012d}".encode(), hashlib.sha256).hexdigest()


def main() -> None:
    from jichitai.lake import catalog, rekey
    from jichitai.lake.tables import TABLES

    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--batches", type=int, default=20)
    args = ap.parse_args()
    print(f"load average before: {os.getloadavg()}")
    old_key, new_key = os.urandom(32), os.urandom(32)
    with tempfile.TemporaryDirectory() as tmp:
        cat = catalog.open_catalog(f"sqlite:///{tmp}/catalog.sqlite3", str(Path(tmp) / "lake"))
        ident = "standard.salary_report"
        t = catalog.ensure_table(ident, TABLES[ident], cat)
        schema = TABLES[ident].as_arrow()
        now = dt.datetime(2026, 12, 7, 12, 0)
        started = time.perf_counter()
        per = -(-args.rows // args.batches)
        for b in range(args.batches):
            ids = range(b * per, min((b + 1) * per, args.rows))
            n = len(ids)
            t.append(pa.table({
                "file_id": pa.array([b] * n, pa.int64()), "line": pa.array(range(n), pa.int32()),
                "income_year": pa.array([2025] * n, pa.int32()), "payer_number": ["7000012050002"] * n,
                "recipient_index": [_index(old_key, i) for i in ids],
                "amount": pa.array([5_000_000 + i % 1000 for i in ids], pa.int64()),
                "withholding_tax": pa.array([98_000] * n, pa.int64()),
                "social_insurance": pa.array([700_000] * n, pa.int64()),
                "_batch": [f"file:{b}"] * n, "_landed_at": [now] * n,
            }, schema=schema))
        print(f"landed {args.rows:,} rows in {args.batches} commits: {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        moved = {_index(old_key, i): _index(new_key, i) for i in range(args.rows)}
        print(f"map of {len(moved):,} indexes: {time.perf_counter() - started:.1f} s")
        maps = {"recipient_index": moved}
        for label, step in (("status (stale rows)", lambda: rekey.stale_rows(t, maps)),
                            ("lake phase (rewrite + expiry)", lambda: rekey.rekey(t, maps, "bench0001")),
                            ("rerun", lambda: rekey.rekey(t, maps, "bench0001")),
                            ("status after", lambda: rekey.stale_rows(t, maps))):
            started = time.perf_counter()
            result = step()
            print(f"{label}: {time.perf_counter() - started:.1f} s → {result}")
        print(f"snapshots kept: {len(t.metadata.snapshots)}")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024:.2f} GiB")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
