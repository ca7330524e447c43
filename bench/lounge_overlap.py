"""Overlap control's cost at Kobe scale: how long checking one new SQL figure against the ledger of published
figures takes (``overlap.too_close`` with the platform's ``FigureLedger`` on PostgreSQL), when the ledger holds
many remembered figures of a city of 1.5 M people.

    python bench/lounge_overlap.py --figures 1000000 --checks 2000

The ledger is filled with COPY: figure sizes log-uniform between k = 10 and the city's population (many small
cells — town × sex × age band — and a few large ones), tables drawn from the three lounge tables, key sums and
moments random (two unrelated sets' power sums are uniform in the field). Each check is a new figure of a size
drawn from the same law; one in ten is planted 1 to D people apart from a remembered figure (its moments are the
remembered ones plus and minus the powers of the people added and removed: the sketch is linear), and must be
blocked. Prints p50/p99/max of the whole check (the ledger's read of counts within ±D, then numpy) and of its
parts, and how many checks were blocked (planted and not).
"""

from __future__ import annotations

import argparse
import io
import math
import random
import statistics
import time
from typing import Any

import numpy as np

from benchdb import bench_database

TABLES = ("resident_spells", "tax_assessment", "movements")


def fill(figures: int, people: int, rng: random.Random) -> list[tuple[int, int, tuple[int, ...]]]:
    """Write ``figures`` remembered figures with COPY; returns a sample of them to plant near neighbours of."""
    from django.db import connection
    from django.utils import timezone

    from jichitai.lounge import setdiff

    now = timezone.now().isoformat()
    sample: list[tuple[int, int, tuple[int, ...]]] = []
    seen: set[tuple[int, int]] = set()
    with connection.cursor() as cur, cur.copy(
            'COPY lounge_publishedfigure (at, persons, keysum, "table", moments) FROM STDIN') as copy:
        buffer = io.StringIO()
        for i in range(figures):
            persons = size(rng, people)
            keysum = rng.getrandbits(48) * persons // 2 + rng.getrandbits(40)
            if (persons, keysum) in seen:
                continue
            seen.add((persons, keysum))
            moments = tuple(rng.randrange(setdiff.Q) for _ in range(setdiff.MOMENTS))
            buffer.write(f"{now}\t{persons}\t{keysum}\t{rng.choice(TABLES)}\t{','.join(map(str, moments))}\n")
            if i % 50 == 0 and len(sample) < 5000:
                sample.append((persons, keysum, moments))
            if buffer.tell() > 1 << 20:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())
    with connection.cursor() as cur:
        cur.execute("ANALYZE lounge_publishedfigure")
    return sample


def size(rng: random.Random, people: int) -> int:
    return int(math.exp(rng.uniform(math.log(10), math.log(people))))


def planted(rng: random.Random, base: tuple[int, int, tuple[int, ...]]) -> Any:
    """A figure 1 to D people apart from ``base``: some of its people removed, others added (a swap included)."""
    from jichitai.lounge import overlap, setdiff

    persons, keysum, moments = base
    apart = rng.randint(1, setdiff.D)
    removed = rng.randint(0, apart)
    m = list(moments)
    for n in range(apart):
        key = rng.getrandbits(48)
        sign = -1 if n < removed else 1
        h = setdiff.element(key)
        for j in range(setdiff.MOMENTS):
            m[j] = (m[j] + sign * pow(h, j + 1, setdiff.Q)) % setdiff.Q
        keysum += sign * key
        persons += sign
    return overlap.Cell(persons, keysum, "resident_spells", tuple(m))


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--figures", type=int, default=1_000_000)
    ap.add_argument("--people", type=int, default=1_500_000)
    ap.add_argument("--checks", type=int, default=2000)
    ap.add_argument("--answers", type=int, default=0, help="also time whole answers of --answer-cells figures")
    ap.add_argument("--answer-cells", type=int, default=500)
    ap.add_argument("--seed", type=int, default=18)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with bench_database():
        from jichitai.lounge import overlap, setdiff
        from jichitai.lounge.figures import FigureLedger
        from jichitai.lounge.models import PublishedFigure

        started = time.perf_counter()
        sample = fill(args.figures, args.people, rng)
        total = PublishedFigure.objects.count()
        print(f"ledger: {total:,} figures written in {time.perf_counter() - started:.0f} s "
              f"(sizes log-uniform 10 … {args.people:,})")
        ledger = FigureLedger()
        no_keys = np.zeros(0, dtype=np.int64)
        whole, reads, candidates = [], [], []
        blocked_planted = blocked_other = plants = 0
        for i in range(args.checks):
            if i % 10 == 0:
                cell = planted(rng, rng.choice(sample))
                plants += 1
            else:
                cell = overlap.Cell(size(rng, args.people), rng.getrandbits(60), "resident_spells",
                                    tuple(rng.randrange(setdiff.Q) for _ in range(setdiff.MOMENTS)))
            t0 = time.perf_counter()
            near = ledger.near({cell.persons + d for d in range(-setdiff.D, setdiff.D + 1)})
            t1 = time.perf_counter()
            blocked = overlap.too_close([cell], ledger, lambda _t: no_keys)  # reads the ledger itself
            t2 = time.perf_counter()
            reads.append(t1 - t0)
            whole.append(t2 - t1)
            candidates.append(len(near.persons))
            if blocked and i % 10 == 0:
                blocked_planted += 1
            elif blocked:
                blocked_other += 1
        for _ in range(args.answers):
            cells = [overlap.Cell(size(rng, args.people), rng.getrandbits(60), "resident_spells",
                                  tuple(rng.randrange(setdiff.Q) for _ in range(setdiff.MOMENTS)))
                     for _ in range(args.answer_cells)]
            t0 = time.perf_counter()
            blocked = overlap.too_close(cells, ledger, lambda _t: no_keys)
            print(f"answer of {args.answer_cells} figures: {time.perf_counter() - t0:.2f} s, {len(blocked)} blocked")
        if not whole:
            return
        ms = [1000 * w for w in whole]
        print(f"checks: {args.checks:,} single figures; remembered figures within ±{setdiff.D} in count: "
              f"median {statistics.median(candidates):,.0f}, p99 {pct(candidates, 0.99):,}, max {max(candidates):,}")
        print(f"one check (read + numpy): p50 {pct(ms, 0.5):.1f} ms, p99 {pct(ms, 0.99):.1f} ms, max {max(ms):.1f} ms")
        print(f"  of which the ledger's read alone: p50 {1000 * pct(reads, 0.5):.1f} ms, "
              f"p99 {1000 * pct(reads, 0.99):.1f} ms")
        print(f"blocked: {blocked_planted} of {plants} planted 1–{setdiff.D} apart, {blocked_other} of "
              f"{args.checks - plants} unrelated")


if __name__ == "__main__":
    main()
