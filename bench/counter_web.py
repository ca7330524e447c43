"""The counter's load through the web stack: N clerks at once, each doing search → form → confirm → record of
one 転居 (one 異動 per transaction), through gunicorn (jichitai.gunicorn_conf) with real logins (password and
TOTP), sessions and CSRF tokens; then pgbench TPC-B at the same client count, in the same run.

    DATABASE_URL=postgres://jichitai@127.0.0.1:5432/jichitai_counter_bench JICHITAI_MODE=test \\
    JICHITAI_VAR=$PWD/var/counterbench .venv/bin/python bench/counter_web.py --clerks 16,64 --records 2500

The database must hold a registry (``bench/registry_throughput.py --load N --skip …`` on the same
DATABASE_URL). Each clerk works through its own households (no two clerks touch one household), searching
the 世帯主 by フリガナ and 生年月日, opening the 転居 form for the household, confirming, recording. A round
for a client count ends after ``--records`` records (≥ 2,000 for a p99). Prints throughput (records/s),
p50/p95/p99 of each step (the record step is the commit POST, without following its redirect), refusals and
errors, and pgbench's tps. Targets (issue 24): p99 of the record step < 300 ms at 64 clerks, throughput ≥ 0.3 ×
pgbench's tps.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import multiprocessing as mp
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

PASSWORD = "counter-bench-password-2026"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN = re.compile(r'name="token" value="([^"]+)"')
STEPS = ("search", "form", "confirm", "record")


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jichitai.settings")
    import django

    django.setup()


def _clerks(n: int) -> list[tuple[str, Any]]:
    """``n`` counter clerks (市民課, role counter), each with a confirmed TOTP device."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jichitai.accounts.models import Department, Role, Staff

    dept, _ = Department.objects.get_or_create(code="shimin", defaults={"name": "市民課"})
    role, _ = Role.objects.get_or_create(code="counter", defaults={"name": "窓口"})
    out = []
    for i in range(n):
        username = f"bench-clerk-{i:03d}"
        staff = Staff.objects.filter(username=username).first()
        if staff is None:
            staff = Staff.objects.create_user(username, PASSWORD, full_name=f"窓口 {i}", department=dept)
            staff.roles.set([role])
        device, _ = TOTPDevice.objects.get_or_create(user=staff, name="jichitai", defaults={"confirmed": True})
        out.append((username, device))
    return out


Household = tuple[str, list[str], str, str, tuple[str, str]]


def _households(n: int) -> list[Household]:
    """``n`` random households: (世帯番号, members' 宛名番号, the 世帯主's フリガナ and 生年月日, where it lives now
    as (町字コード, 番地)) — the last so that a cycle never moves a household to where an earlier run left it."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("""
            SELECT h.setai_number, array_agg(r.atena_number ORDER BY r.atena_number),
                   max(CASE WHEN r.relationship = '世帯主' THEN r.kana END),
                   max(CASE WHEN r.relationship = '世帯主' THEN r.birth_date END), h.town_code, h.banchi
              FROM (SELECT setai_number, town_code, banchi FROM registry_household WHERE member_count > 0
                     ORDER BY random() LIMIT %s) h
              JOIN registry_resident r ON r.setai_number = h.setai_number AND r.status = 'active'
             GROUP BY h.setai_number, h.town_code, h.banchi""", [n])
        return [(s, list(a), k, b.isoformat(), (t, ban)) for s, a, k, b, t, ban in cur.fetchall() if k and b]


def destination(here: tuple[str, str], towns: list[str], k: int) -> tuple[str, str]:
    """The 転居's new (町字コード, 番地) for the k-th cycle: the k-th of the bench's addresses, or the next one
    where that is where the household already lives (a 転居 to the same address is refused, and a sample can
    draw a household an earlier run moved there: one refused cycle in 80 before this)."""
    while True:
        place = (towns[k % len(towns)], f"{k % 40 + 1}番地")
        if place != here:
            return place
        k += 1


def _login(base: str, username: str, device: Any) -> dict[str, str]:
    """The real login: the password form, then the TOTP code; returns the session's cookies."""
    import requests

    from jichitai.accounts.twofactor import current_code

    s = requests.Session()
    page = s.get(f"{base}/accounts/login/").text
    r = s.post(f"{base}/accounts/login/", data={"username": username, "password": PASSWORD,
                                                "csrfmiddlewaretoken": CSRF.search(page).group(1)})  # type: ignore[union-attr]
    page = r.text
    device.refresh_from_db()
    r = s.post(f"{base}/accounts/otp/", data={"code": current_code(device),
                                              "csrfmiddlewaretoken": CSRF.search(page).group(1)})  # type: ignore[union-attr]
    home = s.get(f"{base}/registry/")
    if home.status_code != 200 or "/accounts/login" in home.url:
        raise SystemExit(f"{username}: login failed ({r.status_code} {r.url})")
    return dict(s.cookies)


def _clerk(base: str, cookies: dict[str, str], households: list[Household],
           towns: list[str], stop: Any, results: Any, index: int) -> None:
    import requests

    s = requests.Session()
    s.cookies.update(cookies)
    today = dt.date.today().isoformat()
    for n, (setai, members, kana, birth, here) in enumerate(households):
        if stop.is_set():
            return
        times: dict[str, float] = {}
        try:
            t = time.perf_counter()
            r = s.get(f"{base}/registry/", params={"kana": kana, "birth_date": birth})
            times["search"] = time.perf_counter() - t
            assert r.status_code == 200 and any(a in r.text for a in members), f"search {r.status_code}"
            t = time.perf_counter()
            r = s.get(f"{base}/registry/changes/move-within/", params={"setai": setai})
            times["form"] = time.perf_counter() - t
            csrf = CSRF.search(r.text).group(1)  # type: ignore[union-attr]
            town, banchi = destination(here, towns, index + n)
            data = {"csrfmiddlewaretoken": csrf, "step": "confirm", "setai": setai, "moved_on": today,
                    "notified_on": today, "atena_numbers": members, "town_code": town, "banchi": banchi,
                    # 届出人・本人確認・手数料 (住基法第27条), required at the counter since 027ffd5
                    "r-notifier_kind": "self", "r-identity_documents": "my_number_card", "r-fee": "0"}
            t = time.perf_counter()
            r = s.post(f"{base}/registry/changes/move-within/", data=data)
            times["confirm"] = time.perf_counter() - t
            token = TOKEN.search(r.text)
            if token is None:
                results.put(("refused", setai, times))
                continue
            csrf = CSRF.search(r.text).group(1)  # type: ignore[union-attr]
            t = time.perf_counter()
            r = s.post(f"{base}/registry/changes/move-within/", allow_redirects=False,
                       data={"csrfmiddlewaretoken": csrf, "step": "commit", "token": token.group(1), "setai": setai})
            times["record"] = time.perf_counter() - t
            ok = r.status_code == 302 and "/changes/" not in r.headers.get("Location", "")
            results.put(("recorded" if ok else "refused", setai, times))
        except Exception as exc:
            results.put(("error", f"{setai}: {exc}", times))


def _process(base: str, sessions: list[dict[str, str]], pools: list[list[Any]], towns: list[str], stop: Any,
             results: Any, first: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    local_stop = threading.Event()

    def watch() -> None:
        stop.wait()
        local_stop.set()

    threading.Thread(target=watch, daemon=True).start()
    threads = [threading.Thread(target=_clerk, args=(base, c, p, towns, local_stop, results, first + i))
               for i, (c, p) in enumerate(zip(sessions, pools, strict=True))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] if ordered else float("nan")


def run_round(base: str, clerks: list[tuple[str, Any]], households: list[Any], towns: list[str], records: int,
              processes: int) -> dict[str, Any]:
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    with ThreadPoolExecutor(8) as pool:  # Argon2 makes a login slow on purpose: eight at a time
        sessions = list(pool.map(lambda c: _login(base, *c), clerks))
    connections.close_all()
    n = len(clerks)
    pools = [households[i::n] for i in range(n)]
    ctx = mp.get_context("fork")
    stop, results = ctx.Event(), ctx.Queue()
    per = [list(range(p, n, processes)) for p in range(processes)]
    procs = [ctx.Process(target=_process, args=(base, [sessions[i] for i in idx], [pools[i] for i in idx], towns,
                                                stop, results, idx[0] if idx else 0))
             for idx in per if idx]
    started = time.perf_counter()
    for p in procs:
        p.start()
    samples: dict[str, list[float]] = {s: [] for s in STEPS}
    counts = {"recorded": 0, "refused": 0, "error": 0}
    errors: list[str] = []
    recorded_at: list[float] = []
    while counts["recorded"] < records:
        try:
            outcome, what, times = results.get(timeout=300)
        except Exception:
            break
        counts[outcome] += 1
        if outcome == "error" and len(errors) < 5:
            errors.append(what)
            print("error:", what, flush=True)
        if counts["error"] > 100 and not counts["recorded"]:
            break  # the flow is broken, not slow: report it
        for step, value in times.items():
            if outcome == "recorded" or step != "record":
                samples[step].append(value)
        if outcome == "recorded":
            recorded_at.append(time.perf_counter() - started)
    stop.set()
    elapsed = time.perf_counter() - started
    for p in procs:
        p.join(timeout=120)
    # throughput over the steady part: from the 10th to the last record (the logins' and warm-up's tail cut)
    steady = recorded_at[9:] if len(recorded_at) > 20 else recorded_at
    per_second = (len(steady) - 1) / (steady[-1] - steady[0]) if len(steady) > 1 else float("nan")
    return {"clerks": n, "seconds": round(elapsed, 1), "records_per_second": round(per_second, 1), **counts,
            "errors_seen": errors,
            **{f"{step}_ms": {"n": len(v), "p50": round(_percentile(v, 50) * 1000, 1),
                              "p95": round(_percentile(v, 95) * 1000, 1), "p99": round(_percentile(v, 99) * 1000, 1)}
               for step, v in samples.items()}}


def pgbench(url: str, seconds: int, clients: int) -> float:
    from registry_throughput import pgbench as run

    return run(url, seconds, clients)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(**env: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """The production server (gunicorn, ``jichitai.gunicorn_conf``) on a free port with ``env`` added, once it
    answers /readyz: yields the process and its base URL, and stops it afterwards."""
    import requests

    port = _free_port()
    server = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "-c", "python:jichitai.gunicorn_conf",
                               "jichitai.wsgi", "--access-logfile", "/dev/null"],
                              env=dict(os.environ, JICHITAI_BIND=f"127.0.0.1:{port}", **env),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                if requests.get(f"{base}/readyz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.5)
        else:
            raise SystemExit("the server never became ready (/readyz)")
        yield server, base
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clerks", default="16,64", help="client counts, comma separated")
    ap.add_argument("--records", type=int, default=2500, help="records per round (≥ 2,000 for a p99)")
    ap.add_argument("--processes", type=int, default=4, help="client processes the clerks' threads are spread over")
    ap.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: its 2 × cores + 1)")
    ap.add_argument("--pgbench-seconds", type=int, default=30)
    args = ap.parse_args()
    counts = [int(c) for c in args.clerks.split(",")]
    url = os.environ["DATABASE_URL"]
    _django()
    from django.core.management import call_command
    from django.db import connection

    from jichitai.registry.models import Resident, Town

    call_command("migrate", verbosity=0)  # the code may have brought migrations since the registry was loaded

    active = Resident.objects.filter(status="active").count()
    if not active:
        raise SystemExit("no registry: load one first (bench/registry_throughput.py --load N --skip …)")
    clerks = _clerks(max(counts))
    towns = list(Town.objects.values_list("code", flat=True)[:200])
    households = _households(max(args.records * 2, 20_000))
    connection.close()
    extra = {"WEB_CONCURRENCY": str(args.workers)} if args.workers else {}
    with serving(**extra) as (_server, base):

        print(f"registry: {active} active residents; gunicorn workers {extra.get('WEB_CONCURRENCY', 'default')}, "
              f"threads {os.environ.get('JICHITAI_WEB_THREADS', 4)}", flush=True)
        offset = 0
        for n in counts:
            share = households[offset:] if offset < len(households) else households
            result = run_round(base, clerks[:n], share, towns, args.records, min(args.processes, n))
            offset += result["recorded"] + result["refused"] + result["error"] + n
            print("round", result, flush=True)
            tps = pgbench(url, args.pgbench_seconds, n)
            ratio = result["records_per_second"] / tps if tps else float("nan")
            print(f"pgbench TPC-B (scale 10, {n} clients, {args.pgbench_seconds} s): {tps:.0f} tps; "
                  f"records/s ÷ tps = {ratio:.2f}", flush=True)


if __name__ == "__main__":
    main()
