"""The shipped dashboards (lounge/dashboards/*.yaml, issue 25 item 4) at Kobe size: the lounge zone of
bench/lounge_dashboards.py (1.5 million residents, ten years, a day landed on top), its marts refreshed, the
synthetic boundaries of its 町字 written (so every map tile draws), then every shipped dashboard requested through
the Django test client (session, ``allowed``, audit entry, published tables, KPI tiles, Vega-Lite specs with the
boundaries inlined, HTML) for the city, a ward and a 町字, round-robin, until ``--samples`` requests.

    DATABASE_URL=postgres://jichitai@127.0.0.1:5432/jichitai_x JICHITAI_MODE=test \\
        JICHITAI_VAR=$PWD/var/bench_boards .venv/bin/python bench/lounge_boards.py \\
        [--residents 1500000] [--years 10] [--seed 7] [--samples 2000] [--lake DIR] [--pdf 3]

Target: a dashboard page p95 < 300 ms. Wall time and the process's CPU time per request are both reported
(the machine is shared: CPU time is what the page costs, wall time what a reader waits under the load printed).
``--pdf N`` also times N PDF exports of the overview (not a target). Prints a row for docs/benchmarks.md.
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
from typing import Any

from benchdb import bench_database
from lounge_dashboards import _ms, build_lake


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split(" ", 3)[:3])


def reader_client(username: str) -> Any:
    """A test client logged in as an analyst of 政策課 with the second factor done, as a real login leaves it
    (bench/counter_pages.py)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jichitai.accounts.models import Department, Role, Staff

    dept, _ = Department.objects.get_or_create(code="seisaku", defaults={"name": "政策課"})
    staff = Staff.objects.create_user(username, "correct-horse-battery", full_name="計測 職員", department=dept)
    staff.roles.set(Role.objects.filter(code="analyst"))
    client = Client()
    client.force_login(staff, backend="jichitai.accounts.backends.LockoutBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.create(user=staff, name="bench", confirmed=True).persistent_id
    session.save()
    return client


def kobe_arguments(ap: argparse.ArgumentParser) -> None:
    """The options of a benchmark on the Kobe-sized lounge zone (:func:`lounge_dashboards.build_lake`)."""
    ap.add_argument("--residents", type=int, default=1_500_000)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--samples", type=int, default=2000)
    ap.add_argument("--lake", default="")
    ap.add_argument("--reuse-marts", action="store_true", help="use the marts a previous run saved (same lake)")


def lounge_with_maps(root: Path, args: argparse.Namespace) -> Any:
    """The lake of ``args`` built (or reused) in ``root``, the lounge pointed at it, its marts refreshed (or the
    saved ones reused) and the synthetic boundaries of its 町字 written: the marts."""
    from django.core.management import call_command

    from jichitai.lounge import services

    cat, _ = build_lake(root, args.residents, args.years, args.seed)
    if not args.reuse_marts:
        shutil.rmtree(services.marts_dir().parent, ignore_errors=True)
    services.use_catalog(cat)
    t0 = time.perf_counter()
    marts = services.current() if args.reuse_marts else services.refresh_now()
    print(f"refresh {time.perf_counter() - t0:.1f} s; {marts.lineage['resident_spells'].rows:,} spells", flush=True)
    call_command("lounge", "synthetic-boundaries", "--size", "kobe")
    return marts


def main() -> None:
    ap = argparse.ArgumentParser()
    kobe_arguments(ap)
    ap.add_argument("--pdf", type=int, default=3)
    args = ap.parse_args()
    started = dt.datetime.now()
    root = Path(args.lake) if args.lake else Path(tempfile.mkdtemp(prefix="lounge-boards-"))
    with bench_database():
        from jichitai.lounge import services

        marts = lounge_with_maps(root, args)
        parents = services.area_parents(marts, "population_town")
        town = sorted(t for t, w in parents.items() if w == "28110")[0]
        print(f"{len(parents):,} 町字 with synthetic boundaries", flush=True)

        client = reader_client("bench-reader")
        urls = [(f"{slug} ({where})", f"/lounge/b/{slug}/{query}")
                for slug in services.dashboards()
                for where, query in (("市", ""), ("区", "?area=28110"), ("町字", f"?area={town}"))]
        for _, url in urls:  # the first request of each (template compilation, boundaries read) is not counted
            first = client.get(url)
            assert first.status_code == 200, (url, first.status_code, first.get("Location"), first.content[:2000])
        wall: dict[str, list[float]] = {name: [] for name, _ in urls}
        cpu: dict[str, list[float]] = {name: [] for name, _ in urls}
        sizes: dict[str, int] = {}
        load_before = _load()
        n = 0
        while n < args.samples:
            for name, url in urls:
                c0, t0 = time.process_time(), time.perf_counter()
                response = client.get(url)
                wall[name].append((time.perf_counter() - t0) * 1000)
                cpu[name].append((time.process_time() - c0) * 1000)
                assert response.status_code == 200, (url, response.content[:300])
                sizes[name] = len(response.content)
                n += 1
                if n % 240 == 0:  # progress on a shared machine: the figures so far
                    so_far = [t for ts in wall.values() for t in ts]
                    so_far_cpu = [t for ts in cpu.values() for t in ts]
                    print(f"{n} requests: wall p95 {_ms(so_far, 0.95):.1f}, p99 {_ms(so_far, 0.99):.1f} ms; CPU p95 "
                          f"{_ms(so_far_cpu, 0.95):.1f}, p99 {_ms(so_far_cpu, 0.99):.1f} ms; load {_load()}", flush=True)
        load_after = _load()
        print(f"\n{'dashboard':28s} {'p50':>7s} {'p95':>7s} {'p99':>7s} {'cpu p95':>8s} {'KiB':>6s}  (ms)")
        for name in wall:
            print(f"{name:28s} {statistics.median(wall[name]):7.1f} {_ms(wall[name], 0.95):7.1f} "
                  f"{_ms(wall[name], 0.99):7.1f} {_ms(cpu[name], 0.95):8.1f} {sizes[name] / 1024:6.0f}")
        every = [t for ts in wall.values() for t in ts]
        every_cpu = [t for ts in cpu.values() for t in ts]
        worst = max(wall, key=lambda k: _ms(wall[k], 0.95))
        print(f"\nall {len(every)} requests: wall p50 {statistics.median(every):.1f}, p95 {_ms(every, 0.95):.1f}, "
              f"p99 {_ms(every, 0.99):.1f} ms; CPU p95 {_ms(every_cpu, 0.95):.1f}, p99 {_ms(every_cpu, 0.99):.1f} ms; "
              f"worst dashboard p95 {_ms(wall[worst], 0.95):.1f} ms ({worst}); load {load_before} → {load_after}")
        pdf_times = []
        for _ in range(args.pdf):
            t0 = time.perf_counter()
            response = client.get("/lounge/b/overview/dashboard.pdf?area=28110")
            pdf_times.append(time.perf_counter() - t0)
            assert response.status_code == 200 and response.content[:5] == b"%PDF-"
        if pdf_times:
            print(f"PDF of the overview (8 tiles, 4 charts): {', '.join(f'{t:.2f}' for t in pdf_times)} s")
        machine = f"{os.cpu_count()} cores, {platform.machine()}"
        ok = "✓" if _ms(every, 0.95) < 300 else "✗"
        print(f"\n| lounge: the {len(services.dashboards())} shipped dashboards at the city, a ward and a 町字 "
              f"({args.residents:,} residents, {len(parents):,} 町字 with maps), {len(every):,} requests round-robin | "
              f"p95 {_ms(every, 0.95):.0f} ms, p99 {_ms(every, 0.99):.0f} ms (CPU p95 {_ms(every_cpu, 0.95):.0f}, "
              f"p99 {_ms(every_cpu, 0.99):.0f}); worst {worst} p95 {_ms(wall[worst], 0.95):.0f} ms | p95 < 300 ms {ok} | "
              f"`.venv/bin/python bench/lounge_boards.py --residents {args.residents} --samples {args.samples}` | "
              f"{started:%Y-%m-%d} | {machine}, load {load_before} → {load_after} |")
    if not args.lake:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
