"""A map page alone at Kobe size (issue 25 Performance: a map page p95 < 500 ms): the lounge zone of
bench/lounge_dashboards.py (1.5 million residents, ten years, a day landed on top, the 町字 master with names),
its marts refreshed, the synthetic boundaries of its 町字 written, then the map pages requested through the
Django test client (session, ``allowed``, audit entry, published tables, the ranking, charts and the choropleth
with its boundaries inlined, HTML), round-robin, until ``--samples`` requests of each:

- 町字 (市): /lounge/i/population_town/ — every 町字 of the city on the map (360 at Kobe size);
- 町字 (中央区): /lounge/i/population_town/?area=28110 — one ward's 町字;
- 区: /lounge/i/population/ — the ward choropleth (and the pyramid, the series).

    DATABASE_URL=postgres://jichitai@127.0.0.1:5432/jichitai_x JICHITAI_MODE=test \\
        JICHITAI_VAR=$PWD/var/bench_map .venv/bin/python bench/lounge_map.py \\
        [--residents 1500000] [--years 10] [--seed 7] [--samples 2000] [--lake DIR] [--reuse-marts]

Target: a map page p95 < 500 ms. Wall and the process's CPU time per request are both reported (the machine is
shared: CPU time is what the page costs, wall time what a reader waits under the load printed). Prints a row
for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchdb import bench_database
from lounge_boards import _load, kobe_arguments, lounge_with_maps, reader_client
from lounge_dashboards import _ms

PAGES = (("町字 (市)", "/lounge/i/population_town/"), ("町字 (中央区)", "/lounge/i/population_town/?area=28110"),
         ("区", "/lounge/i/population/"))


def main() -> None:
    ap = argparse.ArgumentParser()
    kobe_arguments(ap)  # --samples: requests of each page
    args = ap.parse_args()
    started = dt.datetime.now()
    root = Path(args.lake) if args.lake else Path(tempfile.mkdtemp(prefix="lounge-map-"))
    with bench_database():
        marts = lounge_with_maps(root, args)
        towns = marts.towns()
        print(f"{len(towns):,} 町字 ({len(towns.names):,} named) with synthetic boundaries", flush=True)
        client = reader_client("bench-map-reader")
        for _, url in PAGES:  # the first request of each (template compilation, boundaries read) is not counted
            first = client.get(url)
            assert first.status_code == 200 and b'"geoshape"' in first.content, (url, first.status_code)
        wall: dict[str, list[float]] = {name: [] for name, _ in PAGES}
        cpu: dict[str, list[float]] = {name: [] for name, _ in PAGES}
        sizes: dict[str, int] = {}
        load_before = _load()
        for i in range(args.samples):
            for name, url in PAGES:
                c0, t0 = time.process_time(), time.perf_counter()
                response = client.get(url)
                wall[name].append((time.perf_counter() - t0) * 1000)
                cpu[name].append((time.process_time() - c0) * 1000)
                assert response.status_code == 200, (url, response.content[:300])
                sizes[name] = len(response.content)
            if (i + 1) % 100 == 0:  # the figures so far, on a shared machine
                every = [t for ts in wall.values() for t in ts]
                print(f"{i + 1} of each: " + "; ".join(f"{n} p95 {_ms(w, 0.95):.0f} p99 {_ms(w, 0.99):.0f} ms"
                                                       for n, w in wall.items())
                      + f"; all {len(every)}: p95 {_ms(every, 0.95):.0f}, p99 {_ms(every, 0.99):.0f} ms; load {_load()}",
                      flush=True)
        load_after = _load()
        machine = f"{os.cpu_count()} cores, {platform.machine()}"
        print(f"\n{'page':16s} {'n':>5s} {'p50':>7s} {'p95':>7s} {'p99':>7s} {'cpu p95':>8s} {'cpu p99':>8s} {'KiB':>6s}  (ms)")
        for name in wall:
            print(f"{name:16s} {len(wall[name]):5d} {statistics.median(wall[name]):7.1f} {_ms(wall[name], 0.95):7.1f} "
                  f"{_ms(wall[name], 0.99):7.1f} {_ms(cpu[name], 0.95):8.1f} {_ms(cpu[name], 0.99):8.1f} "
                  f"{sizes[name] / 1024:6.0f}")
        every, every_cpu = [t for ts in wall.values() for t in ts], [t for ts in cpu.values() for t in ts]
        print(f"all {len(every)} map-page requests: wall p50 {statistics.median(every):.1f}, p95 {_ms(every, 0.95):.1f}, "
              f"p99 {_ms(every, 0.99):.1f} ms; CPU p95 {_ms(every_cpu, 0.95):.1f}, p99 {_ms(every_cpu, 0.99):.1f} ms")
        for name, url in PAGES:
            ok = "✓" if _ms(wall[name], 0.95) < 500 else "✗"
            print(f"| lounge: a map page alone, {name} (`{url}`; {args.residents:,} residents, {len(towns):,} 町字 "
                  f"with maps), {len(wall[name]):,} requests | wall p50 {statistics.median(wall[name]):.0f}, "
                  f"p95 {_ms(wall[name], 0.95):.0f}, p99 {_ms(wall[name], 0.99):.0f} ms; CPU p95 "
                  f"{_ms(cpu[name], 0.95):.0f}, p99 {_ms(cpu[name], 0.99):.0f} ms; {sizes[name] / 1024:.0f} KiB | "
                  f"p95 < 500 ms {ok} | `.venv/bin/python bench/lounge_map.py --residents {args.residents} "
                  f"--samples {args.samples}` | {started:%Y-%m-%d} | {machine}, load {load_before} → {load_after} |")
    if not args.lake:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
