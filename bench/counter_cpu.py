"""CPU per counter cycle (issue 24 item 7): how much processor one clerk's search → 転居 form → confirm → record
costs the web server, measured as the CPU time of the server's own process — robust on a shared, loaded machine
where wall time is not.

    DATABASE_URL=postgres://jichitai@127.0.0.1:5432/jichitai_counterperf JICHITAI_MODE=test \\
    JICHITAI_VAR=$PWD/var/bench .venv/bin/python bench/counter_cpu.py --cycles 200 [--profile 60]

Default: starts gunicorn (jichitai.gunicorn_conf) with one worker and one thread, logs one clerk in for real
(password + TOTP), runs ``--warmup`` cycles, then ``--cycles`` cycles one after another, each on a household of
its own, and reads the worker's CPU time (every thread's ``/proc/PID/task/*/schedstat``, nanoseconds) around
each request; also the CPU of the PostgreSQL backends serving this database (same source). Prints CPU ms per
cycle and per step (mean) and one JSON line for bench/alternate.sh.

``--profile N``: instead, N cycles in this process through Django's test client (the whole middleware stack, a
clerk's two-factor session) under cProfile, with the queries of each step counted (CaptureQueriesContext);
prints the top functions by own and cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import os
import pstats
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from counter_web import CSRF, TOKEN, _clerks, _django, _households, _login, destination, serving

STEPS = ("search", "form", "confirm", "record")
CLERK = 64  # bench-clerk-064: a clerk counter_web.py's rounds (≤ 64 clerks) do not log in (a TOTP code is used once)
RECEIVED = {"r-notifier_kind": "self", "r-identity_documents": "my_number_card", "r-fee": "0"}


def _cpu_ns(pids: list[int]) -> int:
    """CPU time (ns) of every thread of ``pids`` so far; a process that has gone counts 0."""
    total = 0
    for pid in pids:
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except FileNotFoundError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                    total += int(f.read().split()[0])
            except (FileNotFoundError, ProcessLookupError):
                pass
    return total


def _worker_pid(master: int) -> int:
    for _ in range(200):
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise SystemExit("gunicorn started no worker")


_MONITOR: list[Any] = []


def _backends(url: str) -> list[int]:
    """The PostgreSQL backends connected to this database, but the one asking."""
    import psycopg

    if not _MONITOR:
        _MONITOR.append(psycopg.connect(url, autocommit=True))
    rows = _MONITOR[0].execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                               [url.rsplit("/", 1)[1]]).fetchall()
    return [r[0] for r in rows]


def _cycle(get: Any, post: Any, setai: str, members: list[str], kana: str, birth: str, place: tuple[str, str],
           mark: Any) -> bool:
    """One clerk's cycle; ``get``/``post`` return (status, text, location); ``mark(step)`` after each request."""
    today = dt.date.today().isoformat()
    status, text, _ = get("/registry/", {"kana": kana, "birth_date": birth})
    assert status == 200 and any(a in text for a in members), f"search {status}"
    mark("search")
    status, text, _ = get("/registry/changes/move-within/", {"setai": setai})
    assert status == 200, f"form {status}"
    mark("form")
    found = CSRF.search(text)
    data = {"step": "confirm", "setai": setai, "moved_on": today, "notified_on": today, "atena_numbers": members,
            "town_code": place[0], "banchi": place[1], **RECEIVED}
    if found:
        data["csrfmiddlewaretoken"] = found.group(1)
    status, text, _ = post("/registry/changes/move-within/", data)
    mark("confirm")
    token = TOKEN.search(text)
    if token is None:
        return False
    data = {"step": "commit", "token": token.group(1), "setai": setai}
    found = CSRF.search(text)
    if found:
        data["csrfmiddlewaretoken"] = found.group(1)
    status, _, location = post("/registry/changes/move-within/", data)
    mark("record")
    return status == 302 and "/changes/" not in location


def _server_run(args: argparse.Namespace, households: list[Any], towns: list[str], clerk: Any) -> dict[str, Any]:
    import requests

    url = os.environ["DATABASE_URL"]
    with serving(WEB_CONCURRENCY="1", JICHITAI_WEB_THREADS="1") as (server, base):
        worker = _worker_pid(server.pid)
        s = requests.Session()
        s.cookies.update(_login(base, *clerk))

        def get(path: str, params: dict[str, Any]) -> tuple[int, str, str]:
            r = s.get(base + path, params=params)
            return r.status_code, r.text, r.headers.get("Location", "")

        def post(path: str, data: dict[str, Any]) -> tuple[int, str, str]:
            r = s.post(base + path, data=data, allow_redirects=False)
            return r.status_code, r.text, r.headers.get("Location", "")

        cpu = dict.fromkeys(STEPS, 0)
        db = dict.fromkeys(STEPS, 0)
        last = [0]
        seen: dict[int, int] = {}  # PostgreSQL backend → its CPU so far (backends come and go: CONN_MAX_AGE)

        def db_delta() -> int:
            delta = 0
            for pid in _backends(url):
                now = _cpu_ns([pid])
                delta += now - seen.get(pid, now)
                seen[pid] = now
            return delta

        def mark(step: str) -> None:
            now = _cpu_ns([worker])
            cpu[step] += now - last[0]
            db[step] += db_delta()
            last[0] = now

        recorded = refused = 0
        load_before = os.getloadavg()[0]
        for i, (setai, members, kana, birth, here) in enumerate(households[: args.warmup + args.cycles]):
            if i == args.warmup:
                cpu = dict.fromkeys(STEPS, 0)
                db = dict.fromkeys(STEPS, 0)
                recorded = refused = 0
                started = time.perf_counter()
            db_delta()
            last[0] = _cpu_ns([worker])
            ok = _cycle(get, post, setai, members, kana, birth, destination(here, towns, i), mark)
            recorded, refused = recorded + ok, refused + (not ok)
        n = recorded + refused
        return {"cycles": n, "recorded": recorded, "refused": refused,
                "cpu_ms_per_cycle": round(sum(cpu.values()) / n / 1e6, 1),
                "steps_cpu_ms": {k: round(v / n / 1e6, 1) for k, v in cpu.items()},
                "db_cpu_ms_per_cycle": round(sum(db.values()) / n / 1e6, 1),
                "steps_db_cpu_ms": {k: round(v / n / 1e6, 1) for k, v in db.items()},
                "wall_s": round(time.perf_counter() - started, 1),
                "load": [round(load_before, 2), round(os.getloadavg()[0], 2)]}


def _profile_run(args: argparse.Namespace, households: list[Any], towns: list[str]) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jichitai.accounts.models import Staff

    staff = Staff.objects.get(username=f"bench-clerk-{CLERK:03d}")
    device = TOTPDevice.objects.get(user=staff, name="jichitai")
    client = Client()
    client.force_login(staff, backend="jichitai.accounts.backends.LockoutBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

    def get(path: str, params: dict[str, Any]) -> tuple[int, str, str]:
        r = client.get(path, params)
        return r.status_code, r.content.decode(), r.headers.get("Location", "")

    def post(path: str, data: dict[str, Any]) -> tuple[int, str, str]:
        r = client.post(path, data)
        return r.status_code, r.content.decode(), r.headers.get("Location", "")

    queries: dict[str, list[int]] = {s: [] for s in STEPS}
    seen = [0]
    capture = CaptureQueriesContext(connection)
    # one profiler a step, CPU time (not the waits on PostgreSQL); mark() hands over to the next step's
    profilers = {s: cProfile.Profile(time.process_time) for s in STEPS}
    cpu = dict.fromkeys(STEPS, 0.0)
    current = [0, time.process_time()]

    def mark(step: str) -> None:
        profilers[step].disable()
        now = time.process_time()
        cpu[step] += now - current[1]
        queries[step].append(len(capture.captured_queries) - seen[0])
        seen[0] = len(capture.captured_queries)
        current[0] = (STEPS.index(step) + 1) % len(STEPS)
        current[1] = time.process_time()
        if current[0]:
            profilers[STEPS[current[0]]].enable()

    for i, (setai, members, kana, birth, here) in enumerate(households[: args.warmup]):
        _cycle(get, post, setai, members, kana, birth, destination(here, towns, i), lambda _: None)
    with capture:
        for i, (setai, members, kana, birth, here) in enumerate(households[args.warmup: args.warmup + args.profile]):
            seen[0] = len(capture.captured_queries)
            current[1] = time.process_time()
            profilers["search"].enable()
            _cycle(get, post, setai, members, kana, birth, destination(here, towns, i), mark)
    n = args.profile
    print(f"in-process CPU (under cProfile) over {n} cycles: {sum(cpu.values()) / n * 1000:.1f} ms a cycle,",
          {s: round(v / n * 1000, 1) for s, v in cpu.items()})
    print("queries a step (min/max):", {s: (min(v), max(v)) for s, v in queries.items() if v})
    if args.show_queries:
        for q in capture.captured_queries[-(sum(v[-1] for v in queries.values())):]:
            print("  ", q["sql"][:200])
    for step in STEPS:
        print(f"===== {step}")
        stats = pstats.Stats(profilers[step])
        stats.sort_stats("tottime").print_stats(15)
        stats.sort_stats("cumulative").print_stats(r"jichitai|template/loader|forms/renderers|handlers/base", 45)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cycles", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--offset", type=int, default=0, help="skip this many of the sampled households")
    ap.add_argument("--seed", type=float, default=0.24, help="setseed() for the households' sample")
    ap.add_argument("--profile", type=int, default=0, help="profile N cycles in this process instead")
    ap.add_argument("--show-queries", action="store_true")
    args = ap.parse_args()
    _django()
    from django.core.management import call_command
    from django.db import connection

    from jichitai.registry.models import Town

    call_command("migrate", verbosity=0)
    clerk = _clerks(CLERK + 1)[CLERK]
    towns = list(Town.objects.values_list("code", flat=True)[:200])
    with connection.cursor() as cur:
        cur.execute("SELECT setseed(%s)", [args.seed])
    # households left by earlier runs' records are fine: a 転居 keeps the household and its members
    households = _households(args.offset + args.warmup + max(args.cycles, args.profile))[args.offset:]
    if args.profile:
        _profile_run(args, households, towns)
        return
    connection.close()
    result = _server_run(args, households, towns, clerk)
    print(f"CPU per cycle: server {result['cpu_ms_per_cycle']} ms {result['steps_cpu_ms']}; "
          f"PostgreSQL {result['db_cpu_ms_per_cycle']} ms {result['steps_db_cpu_ms']}; "
          f"{result['recorded']} recorded, {result['refused']} refused, load {result['load']}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
