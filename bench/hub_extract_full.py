"""The 宛名 extract's 全件 (feed ``atena-extract``) for a synthetic population, placed as a file
(``extracts.place(system, "full")``: the CSV and its receipt in the folder store) and answered to
``GET /api/hub/extracts/atena?mode=full`` (Django test client, the whole middleware stack, the body read to its
end), each in a fresh process so its peak resident set (``ru_maxrss``) is the extract's and not the set-up's (the API's
baseline is taken after one small request, which loads the web stack).

The population is one latest ``FeedEvent`` a person (the 全件 is the set of latest events), made by one
``INSERT … SELECT generate_series`` on a throw-away PostgreSQL database (bench/benchdb.py); 1 in 1,000 is under
支援措置, so the withholding and its audit are on the path. The system is granted every item but 個人番号.

    DATABASE_URL=postgres://jichitai@127.0.0.1:5432/jichitai_extractbench JICHITAI_MODE=test \\
        JICHITAI_VAR=$PWD/var/bench PYTHONPATH=src .venv/bin/python bench/hub_extract_full.py [--people 200000]

Prints a row for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SYSTEM = "kokuho"


def populate(people: int) -> None:
    from django.db import connection

    from jichitai.hub.catalogue import grant, install_defaults
    from jichitai.hub.models import System

    install_defaults()
    system = System.objects.get(code=SYSTEM)
    system.may_use_my_number = False  # every item but 個人番号 (grant(None) leaves it out)
    system.issue_api_key()
    system.save()
    grant(system, "atena-extract", None, purpose="bench")
    with connection.cursor() as cur:
        cur.execute("""
            INSERT INTO hub_feedevent (source_id, event_id, kind, atena_number, setai_number, occurred_on,
                                       created_at, relayed_at, payload, is_latest)
            SELECT i, md5(i::text)::uuid, 'move_in_domestic', (100000000 + i)::text, (200000000 + i / 2)::text,
                   DATE '2026-04-01', now(), now(),
                   jsonb_build_object(
                       'atena_number', (100000000 + i)::text, 'setai_number', (200000000 + i / 2)::text,
                       'status', 'ACTIVE', 'resident_kind', 'JAPANESE', 'name', '神戸 太郎' || (i %% 1000),
                       'kana', 'コウベ タロウ', 'birth_date', (DATE '1940-01-01' + (i %% 30000))::text,
                       'sex', CASE WHEN i %% 2 = 0 THEN 'M' ELSE 'F' END, 'relationship', '世帯主',
                       'town_code', '281100001', 'ward_code', '28110', 'banchi', (i %% 50) || '番地',
                       'katagaki', 'コウベハイツ' || (i %% 300), 'postcode', '6500001',
                       'honseki', '兵庫県神戸市中央区', 'support_measure', i %% 1000 = 0),
                   true
            FROM generate_series(1, %s) AS i""", [people])
        cur.execute("ANALYZE hub_feedevent")


def measure(how: str) -> None:
    """In its own process: place or serve the 全件 once; print JSON with seconds, rows, bytes and peak RSS."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jichitai.settings")
    import django

    django.setup()
    from jichitai.hub import extracts
    from jichitai.hub.models import System

    system = System.objects.get(code=SYSTEM)
    if how == "api":  # the web stack's first request imports and builds much (URLs, API schema): not the extract
        from django.test import Client

        key = system.issue_api_key()
        system.save()
        assert Client().get("/api/hub/log/public-key", headers={"X-Hub-Key": key}).status_code == 200
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    if how == "place":
        placed = extracts.place(system, "full")
        assert placed is not None
        rows, size = placed.file.rows, placed.file.size
    else:
        response = Client().get("/api/hub/extracts/atena?mode=full", headers={"X-Hub-Key": key})
        assert response.status_code == 200, response.content[:500]
        size = 0
        if getattr(response, "streaming", False):
            for chunk in response.streaming_content:
                size += len(chunk)
        else:
            size = len(response.content)
        rows = int(response.get("X-Hub-Rows", 0)) or -1
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"how": how, "seconds": seconds, "rows": rows, "bytes": size,
                      "rss_before_mib": before / 1024, "peak_rss_mib": peak / 1024}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=200_000)
    ap.add_argument("--measure", choices=("place", "api"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        measure(args.measure)
        return
    sys.path.insert(0, str(Path(__file__).parent))
    from benchdb import bench_database

    with bench_database() as name, tempfile.TemporaryDirectory() as files:
        started = time.perf_counter()
        populate(args.people)
        print(f"population of {args.people:,} latest events: {time.perf_counter() - started:.1f} s", flush=True)
        url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + name
        env = {**os.environ, "DATABASE_URL": url, "JICHITAI_HUB_FILES": files}
        results = {}
        for how in ("place", "api"):
            load = os.getloadavg()[0]
            out = subprocess.run([sys.executable, __file__, "--measure", how], env=env, check=True,
                                 capture_output=True, text=True).stdout
            results[how] = {**json.loads(out.strip().splitlines()[-1]), "load": load}
            print(results[how], flush=True)
        place, api = results["place"], results["api"]
        print(f"| hub: the 宛名 extract's 全件 for {args.people:,} people (latest events; 1 in 1,000 under 支援措置), "
              f"placed in the folder store and answered to GET /api/hub/extracts/atena?mode=full, each in its own "
              f"process | placed: **peak RSS {place['peak_rss_mib']:.0f} MiB** (after start-up "
              f"{place['rss_before_mib']:.0f}), {place['seconds']:.1f} s, "
              f"{place['rows'] / place['seconds']:,.0f} rows/s, {place['bytes'] / 2**20:.0f} MiB CSV; API: **peak "
              f"RSS {api['peak_rss_mib']:.0f} MiB** (after its first request {api['rss_before_mib']:.0f}), "
              f"{api['seconds']:.1f} s, "
              f"{args.people / api['seconds']:,.0f} rows/s | bounded memory | "
              f"`bench/hub_extract_full.py --people {args.people}` | {dt.date.today()} | 2 cores, 24 GiB, load "
              f"average {place['load']:.1f} / {api['load']:.1f} |")


if __name__ == "__main__":
    main()
