"""OCR of the scanned attachments at import: one process against a process pool (issue 20), on the same scans.

    .venv/bin/python bench/scan_ocr.py [--scans 24] [--rounds 3] [--workers 0]

Draws ``--scans`` receipts as the synthetic city does (synth/attachment_docs.receipt_scan, receipt_images: names
from the city's name sampler, amounts at random, seeded), then reads them with
``attachments.read_all_scans`` — the import's own path — alternately serial (1 process) and pooled (``--workers``,
0: ``attachments.scan_workers``, one per core), ``--rounds`` times each, the order swapped every round. Prints
each run's wall time and CPU (this process and its children: the pool's workers and every tesseract), then
min / median / max per mode, the load average before and after, and checks that both modes read the same."""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from jichitai.declarations import attachments as att
from jichitai.synth.attachment_docs import receipt_scan
from jichitai.synth.names import NameSampler
from jichitai.synth.receipt_images import receipt_png


def _cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _scans(folder: Path, n: int) -> list[dict[str, Any]]:
    (folder / "scans").mkdir()
    rng = random.Random(2026)
    names = NameSampler(rng)
    records = []
    for i in range(n):
        _, lines = receipt_scan(i, names.person(rng.choice("MF")).full, rng.randint(1, 40) * 5_430, 2025, rng)
        (folder / "scans" / f"r{i}.png").write_bytes(receipt_png(lines))
        records.append({"declaration_ref": f"B-{i}", "attachments": [
            {"kind": "medical_detail", "filename": f"r{i}.png", "image": f"scans/r{i}.png"}]})
    return records


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scans", type=int, default=24)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workers", type=int, default=0)
    opts = ap.parse_args()
    pooled = att.scan_workers(opts.workers)
    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as tmp:
        records = _scans(Path(tmp), opts.scans)
        load_before = os.getloadavg()
        runs: dict[int, list[tuple[float, float]]] = {1: [], pooled: []}
        readings: dict[int, list[dict[str, Any]]] = {}
        for r in range(opts.rounds):
            for workers in ((1, pooled) if r % 2 == 0 else (pooled, 1)):
                wall, cpu = time.perf_counter(), _cpu()
                readings[workers] = list(att.read_all_scans(records, Path(tmp), workers=workers))
                runs[workers].append((time.perf_counter() - wall, _cpu() - cpu))
                print(f"round {r + 1} workers {workers}: wall {runs[workers][-1][0]:.1f} s, "
                      f"CPU {runs[workers][-1][1]:.1f} s", flush=True)
        load_after = os.getloadavg()
    same = readings[1] == readings[pooled]
    print(f"{opts.scans} scans, {os.cpu_count()} cores; the two modes read the same: {same}")
    for workers, got in runs.items():
        walls, cpus = sorted(w for w, _ in got), sorted(c for _, c in got)
        print(f"workers {workers}: wall min {walls[0]:.1f} / median {statistics.median(walls):.1f} / max "
              f"{walls[-1]:.1f} s; CPU min {cpus[0]:.1f} / median {statistics.median(cpus):.1f} / max {cpus[-1]:.1f} s")
    print("load average (1/5/15 min) before " + " / ".join(f"{x:.1f}" for x in load_before)
          + ", after " + " / ".join(f"{x:.1f}" for x in load_after))
    if not same:
        sys.exit("the pool read something else than one process")


if __name__ == "__main__":
    main()
