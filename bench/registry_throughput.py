"""住民記録 throughput and search latency on PostgreSQL with a city-sized registry, beside pgbench's TPC-B rate.

    DATABASE_URL=postgres://jichitai@127.0.0.1:5432/jichitai_regcore_bench JICHITAI_MODE=test \\
    JICHITAI_VAR=$PWD/var/regcore .venv/bin/python bench/registry_throughput.py --load 1500000 \\
        [--seconds 60] [--workers 2] [--batch 50] [--searches 2000] [--pgbench-seconds 30]

1. ``--load N``: create the database if needed, migrate, COPY N residents (bench/registry_load.py). Without
   it the registry already in the database is used.
2. 異動 through ``services.apply_many`` (the service layer: decide, history row, outbox event, audit entry,
   household update) from ``--workers`` processes for ``--seconds``: a mix of 転居 (some between wards), 出生,
   転入, 転出 and 死亡 on random households. ``--batch 1`` measures one transaction per 異動.
3. ``--searches`` calls of ``search()`` with mixed criteria; p50/p99 latency; ``--certificates`` 住民票の写し
   PDFs of random households through the issuance service (p99 target < 300 ms).
4. pgbench TPC-B (scale 10, same client count) on a separate database, as the machine's ceiling.
Prints rows for docs/benchmarks.md. Targets: ≥ 1,000 異動/s, search p99 < 50 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jichitai.settings")
    import django

    django.setup()


def _ensure_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _batch(rng: random.Random, worker: int, counter: list[int], today: dt.date, pool: list[str],
           towns: list[tuple[str, str]], size: int, departed: set[str]) -> list[Any]:
    """``size`` 異動 of random kinds on random households of ``pool``; their members are read in one query, as
    a batch job reads its input (the bench measures the service, not a read per command)."""
    from jichitai.registry.models import Resident

    setais: list[str] = []
    while len(setais) < size:  # a household that has filed a 転出 (14 days ahead) is not picked again
        setai = rng.choice(pool)
        if setai not in departed:
            setais.append(setai)
    members: dict[str, list[tuple[str, str, str]]] = {}
    for atena, setai, relationship, ward in (Resident.objects.filter(setai_number__in=setais, status="active")
                                             .order_by("household_order", "pk")
                                             .values_list("atena_number", "setai_number", "relationship", "ward_code")):
        members.setdefault(setai, []).append((atena, relationship, ward))
    out: list[Any] = []
    for setai in setais:
        made = _commands(rng, worker, counter, today, setai, members.get(setai, []), towns)
        if made and type(made[0]).__name__ == "RecordMoveOut":
            departed.add(setai)
        out.extend(made)
    return out


def _commands(rng: random.Random, worker: int, counter: list[int], today: dt.date, setai: str,
              members: list[tuple[str, str, str]], towns: list[tuple[str, str]]) -> list[Any]:
    """One 異動 of a random kind: a 転入 to a new household, or a change to household ``setai``."""
    from jichitai.common.checkdigit import make_my_number
    from jichitai.registry import domain as D
    from registry_load import SURNAMES, person_name

    kind = rng.choices(["move_within", "birth", "move_in", "move_out", "death"], [45, 20, 15, 10, 10])[0]
    if kind == "move_in":
        counter[0] += 1
        surname = rng.choice(SURNAMES)
        name, kana = person_name(rng, surname, "M")
        town = rng.choice(towns)[0]
        number = make_my_number(50_000_000_000 + worker * 1_000_000_000 + counter[0])
        return [D.RecordMoveIn(moved_on=today, notified_on=today, town_code=town, banchi=f"{rng.randint(1, 30)}番地",
                               previous_address="大阪府大阪市", previous_municipality_code="27100",
                               persons=(D.NewPerson(name, kana, dt.date(1990, 1, 1), "M", "世帯主", my_number=number),))]
    if not members:
        return []
    atenas = tuple(m[0] for m in members)
    if kind == "birth":
        name, kana = person_name(rng, rng.choice(SURNAMES), "F")
        return [D.RecordBirth(moved_on=today, notified_on=today, setai_number=setai,
                              child=D.NewPerson(name, kana, today, "F", "子"))]
    if kind == "move_within":
        ward = members[0][2]
        same_ward = [t for t in towns if t[1] == ward] if rng.random() < 0.9 else towns
        return [D.RecordMoveWithin(moved_on=today, notified_on=today, atena_numbers=atenas,
                                   town_code=rng.choice(same_ward)[0], banchi=f"{rng.randint(1, 40)}番{rng.randint(1, 9)}号")]
    if kind == "move_out":
        return [D.RecordMoveOut(moved_on=today + dt.timedelta(days=14), notified_on=today, atena_numbers=atenas,
                                destination_address="東京都千代田区", destination_municipality_code="13101")]
    others = [m[0] for m in members if m[1] != "世帯主"]
    return [D.RecordDeath(moved_on=today, atena_number=rng.choice(others) if others else atenas[0])]


def _worker(idx: int, seconds: float, batch: int, pool: list[str], towns: list[tuple[str, str]],
            queue: Any) -> None:
    _django()
    from django.utils import timezone

    from jichitai.registry.services import SystemActor, apply_many

    rng = random.Random(1000 + idx)
    actor = SystemActor(f"bench-{idx}")
    today = timezone.localdate()
    # 個人番号 of 転入 distinct from earlier runs on the same database (each second moves the base by 10,000)
    counter = [int(time.time()) % 100_000 * 10_000]
    applied = refused = 0
    departed: set[str] = set()
    start = time.perf_counter()
    deadline = start + seconds
    try:
        while time.perf_counter() < deadline:
            commands = _batch(rng, idx, counter, today, pool, towns, batch, departed)
            done = apply_many(commands, actor=actor, terminal=f"bench{idx}", stop_on_error=False)
            applied += len(done)
            refused += len(commands) - len(done)
    finally:  # the parent waits for one answer per worker, even from one that failed
        queue.put((applied, refused, time.perf_counter() - start))


def _households(n: int) -> list[str]:
    """``n`` random households with members (a random sample, whatever the registry's size)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT setai_number FROM registry_household WHERE member_count > 0 ORDER BY random() LIMIT %s",
                    [n])
        pool = [r[0] for r in cur.fetchall()]
    if not pool:
        sys.exit("no household with members in the registry")
    return pool


def throughput(seconds: float, workers: int, batch: int) -> dict[str, float]:
    from django.db import connections

    from jichitai.registry.models import Household, OutboxEvent, ResidentHistory, Town

    pool = _households(20_000)
    towns = list(Town.objects.values_list("code", "ward_code"))
    before = (ResidentHistory.objects.count(), OutboxEvent.objects.count())
    del Household
    connections.close_all()
    queue: Any = mp.get_context("fork").Queue()
    procs = [mp.get_context("fork").Process(target=_worker, args=(i, seconds, batch, pool[i::workers], towns, queue))
             for i in range(workers)]
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    applied = sum(r[0] for r in results)
    refused = sum(r[1] for r in results)
    elapsed = max(r[2] for r in results)
    after = (ResidentHistory.objects.count(), OutboxEvent.objects.count())
    return {"applied": applied, "refused": refused, "seconds": elapsed, "per_second": applied / elapsed,
            "history_rows": after[0] - before[0], "outbox_events": after[1] - before[1]}


def searches(n: int) -> dict[str, float]:
    from django.db import connection

    from jichitai.registry.search import search
    from registry_load import FEMALE, MALE, SURNAMES

    rng = random.Random(5)
    with connection.cursor() as cur:
        cur.execute("SELECT atena_number, birth_date, kana, town_code, banchi FROM registry_resident "
                    "TABLESAMPLE SYSTEM (0.5) LIMIT 5000")
        sample = cur.fetchall()
    from jichitai.common.checkdigit import make_my_number

    timings: dict[str, list[float]] = {}
    for i in range(n):
        kind = ["kana_birth", "kana", "name", "atena", "address", "my_number"][i % 6]
        row = rng.choice(sample)
        if kind == "kana_birth":
            criteria: dict[str, Any] = {"kana": row[2], "birth_date": row[1]}
        elif kind == "kana":
            criteria = {"kana": f"{rng.choice(SURNAMES)[1]} {rng.choice(MALE + FEMALE)[1]}"}
        elif kind == "name":
            criteria = {"name": f"{rng.choice(SURNAMES)[0]}{rng.choice(MALE + FEMALE)[0]}"}
        elif kind == "atena":
            criteria = {"atena_number": row[0]}
        elif kind == "address":
            criteria = {"town_code": row[3], "banchi": row[4]}
        else:
            criteria = {"my_number": make_my_number(10_000_000_000 + rng.randint(1, 1_000_000))}
        t = time.perf_counter()
        search(**criteria)
        timings.setdefault(kind, []).append((time.perf_counter() - t) * 1000)
    every = sorted(x for xs in timings.values() for x in xs)
    out = {"n": len(every), "p50_ms": statistics.median(every), "p99_ms": every[int(len(every) * 0.99) - 1]}
    for kind, xs in timings.items():
        xs.sort()
        out[f"p99_{kind}_ms"] = xs[int(len(xs) * 0.99) - 1]
    return out


def certificates(n: int) -> dict[str, float]:
    """住民票の写し (世帯連記式, whole household) for ``n`` random households through the issuance service: snapshot,
    suppression checks, 発行番号, PDF (Typst), 交付履歴 and audit entry. p50/p99 per certificate."""

    from jichitai.registry.certificates.services import issue
    from jichitai.registry.certificates.snapshot import CertificateFormat, CertificateRequest
    from jichitai.registry.models import Resident
    from jichitai.registry.services import SystemActor

    pool = _households(n * 2)
    actor = SystemActor("bench-certificates")
    rng = random.Random(9)
    timings, pages = [], 0
    issue(actor=actor, setai_number=pool[0], request=CertificateRequest(format=CertificateFormat.SETAI_RENKI,
          members=tuple(Resident.objects.filter(setai_number=pool[0], status="active")
                        .values_list("atena_number", flat=True))), requester_kind="self")  # fonts loaded once
    for setai in rng.sample(pool, min(n, len(pool))):
        members = tuple(Resident.objects.filter(setai_number=setai, status="active")
                        .values_list("atena_number", flat=True))
        if not members:
            continue
        t = time.perf_counter()
        issued = issue(actor=actor, setai_number=setai, requester_kind="self", purpose="bench",
                       request=CertificateRequest(format=CertificateFormat.SETAI_RENKI, members=members))
        timings.append((time.perf_counter() - t) * 1000)
        pages += issued.pages
    timings.sort()
    return {"n": len(timings), "pages": pages, "p50_ms": statistics.median(timings),
            "p99_ms": timings[int(len(timings) * 0.99) - 1], "max_ms": timings[-1]}


def pgbench(url: str, seconds: int, clients: int) -> float:
    base = url.rsplit("/", 1)[0]
    target = f"{base}/jichitai_regcore_pgbench"
    _ensure_database(target)
    subprocess.run(["pgbench", "-i", "-q", "-s", "10", target], check=True, capture_output=True)
    out = subprocess.run(["pgbench", "-c", str(clients), "-j", str(min(clients, 2)), "-T", str(seconds), "-M",
                          "prepared", target], check=True, capture_output=True, text=True).stdout
    match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", out)
    return float(match.group(1)) if match else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--load", type=int, default=0)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch", type=int, default=50)
    ap.add_argument("--searches", type=int, default=2000)
    ap.add_argument("--pgbench-seconds", type=int, default=30)
    ap.add_argument("--certificates", type=int, default=300)
    ap.add_argument("--skip", default="", help="comma list of: throughput,search,certificates,pgbench")
    args = ap.parse_args()
    url = os.environ["DATABASE_URL"]
    _ensure_database(url)
    _django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    skip = set(args.skip.split(","))
    if args.load:
        from jichitai.registry.models import Resident
        from registry_load import load

        if Resident.objects.exists():
            sys.exit("the database already holds residents: use a fresh database for --load")
        print("load", load(args.load), flush=True)
    from jichitai.registry.models import Resident

    size = Resident.objects.filter(status="active").count()
    print(f"active residents: {size}", flush=True)
    if "search" not in skip:
        print("search", searches(args.searches), flush=True)
    if "certificates" not in skip:
        print("certificates (住民票の写し PDF)", certificates(args.certificates), flush=True)
    if "throughput" not in skip:
        print(f"throughput (workers={args.workers}, batch={args.batch})",
              throughput(args.seconds, args.workers, args.batch), flush=True)
    if "pgbench" not in skip:
        print(f"pgbench TPC-B tps (scale 10, clients {args.workers})",
              pgbench(url, args.pgbench_seconds, args.workers), flush=True)


if __name__ == "__main__":
    main()
