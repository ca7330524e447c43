"""住登外者宛名基本情報照会 at scale: p99 of the 4-fact search (exact and partial, 住登外者 and residents) with
200,000 住登外者 beside a registry of residents (target p99 < 50 ms, issue 23).

    DATABASE_URL=postgres://jichitai@127.0.0.1:5432/jichitai_atena_bench JICHITAI_MODE=test \\
    JICHITAI_VAR=$PWD/var/atenabench .venv/bin/python bench/jutogai_search.py --residents 1500000 \\
        --jutogai 200000 --searches 2400

1. ``--residents N``: an empty database gets N residents by bench/registry_load.py (COPY); skipped when it holds
   residents already (re-runs measure again on the same data).
2. ``--jutogai N``: N 住登外者 by COPY (names from the same pools as the residents, so a name search has realistic
   hit counts; addresses in 47 prefectures), with their history row 1, and the keys the service builds
   (``registry.store.name_keys``, ``jutogai.facts.address_key``); skipped when that many are there.
3. ``--searches N``: N searches through ``jutogai.search.candidates`` (what both APIs and the pages call), in
   six kinds taking turns — exact 4 facts of a 住登外者, exact name+birth of a resident (the duplicate check of
   付番), partial kana + birth, partial surname, partial 名 alone + sex + birth, partial address + name — then N/4
   through ``jutogai.services.search`` (the same with its audit entry). Prints p50/p99 overall and per kind.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))

PREFECTURES = ["北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県", "埼玉県",
               "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県",
               "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県",
               "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県",
               "宮崎県", "鹿児島県", "沖縄県"]
CITIES = ["中央区", "北区", "南区", "東区", "西区", "本町", "新町", "緑区", "港区", "若葉区"]


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jichitai.settings")
    import django

    django.setup()


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def load_jutogai(n: int, seed: int = 23) -> float:
    from django.db import connection
    from django.utils import timezone

    from jichitai.common.checkdigit import with_modulus11
    from jichitai.dbcopy import copy_rows
    from jichitai.jutogai import numbering
    from jichitai.jutogai.facts import address_key
    from jichitai.jutogai.models import Jutogaisha, JutogaishaHistory
    from jichitai.registry.store import name_keys
    from registry_load import FEMALE, MALE, SURNAMES

    started = time.perf_counter()
    rng = random.Random(seed)
    have = Jutogaisha.objects.count()
    now, today = timezone.now(), dt.date.today()
    people: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    for i in range(have + 1, n + 1):
        sex = rng.choice("MF")
        surname = rng.choice(SURNAMES)
        given = rng.choice(MALE if sex == "M" else FEMALE)
        name, kana = f"{surname[0]} {given[0]}", f"{surname[1]} {given[1]}"
        birth = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 75))
        address = (f"{rng.choice(PREFECTURES)}{rng.choice(CITIES)}{rng.choice(CITIES)[:-1]}町"
                   f"{rng.randint(1, 9)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}")
        number = with_modulus11(numbering.FIRST_SERIAL + i, numbering.WIDTH)
        values = {"number": number, "name": name, "kana": kana, "birth_date": birth, "sex": sex,
                  "postcode": f"{rng.randint(100, 999)}{rng.randint(0, 9999):04d}", "address": address,
                  "municipality_code": "", "former_atena_number": "", "status": "active", "merged_into": ""}
        people.append({**values, "source": "bench", "history_no": 1, **name_keys(name, kana),
                       "address_key": address_key(address), "created_at": now, "updated_at": now})
        history.append({**values, "history_no": 1, "reason": "migrated", "changed_on": today, "entered_by": "bench",
                        "note": "", "recorded_at": now})
        if len(people) >= 20_000:
            copy_rows(Jutogaisha, people)
            copy_rows(JutogaishaHistory, history)
            people.clear()
            history.clear()
    copy_rows(Jutogaisha, people)
    copy_rows(JutogaishaHistory, history)
    numbering.move_past(numbering.FIRST_SERIAL + n)
    with connection.cursor() as cur:
        cur.execute("ANALYZE jutogai_jutogaisha")
    return time.perf_counter() - started


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[max(int(len(xs) * p) - 1, 0)]


def searches(n: int, audited: int) -> dict[str, Any]:
    from django.db import connection

    from jichitai.jutogai import services
    from jichitai.jutogai.facts import Facts
    from jichitai.jutogai.search import candidates
    from registry_load import FEMALE, MALE, SURNAMES

    rng = random.Random(5)
    with connection.cursor() as cur:
        cur.execute("SELECT name, kana, birth_date, sex, address FROM jutogai_jutogaisha TABLESAMPLE SYSTEM (2) LIMIT 5000")
        jtg = cur.fetchall()
        cur.execute("SELECT name, kana, birth_date, sex FROM registry_resident TABLESAMPLE SYSTEM (0.5) LIMIT 5000")
        res = cur.fetchall()
    kinds = ["exact4", "resident_dup", "kana_birth", "surname", "given_sex_birth", "address_name"]

    def facts_for(kind: str) -> tuple[Facts, str]:
        name, kana, birth, sex, address = rng.choice(jtg)
        if kind == "exact4":
            return Facts(name, kana, birth, sex, address), "exact"
        if kind == "resident_dup":
            r = rng.choice(res)
            return Facts(name=r[0], birth_date=r[2], sex=r[3]), "exact"
        if kind == "kana_birth":
            return Facts(kana=kana, birth_date=birth), "partial"
        if kind == "surname":
            return Facts(name=rng.choice(SURNAMES)[0]), "partial"
        if kind == "given_sex_birth":
            return Facts(name=rng.choice(MALE + FEMALE)[0], sex=sex, birth_date=birth), "partial"
        return Facts(name=name.split()[0], address=address[:6]), "partial"

    timings: dict[str, list[float]] = {k: [] for k in kinds}
    found: dict[str, int] = dict.fromkeys(kinds, 0)
    for i in range(n):
        kind = kinds[i % len(kinds)]
        facts, mode = facts_for(kind)
        t = time.perf_counter()
        rows = candidates(facts, mode)  # type: ignore[arg-type]
        timings[kind].append((time.perf_counter() - t) * 1000)
        found[kind] += len(rows)
    every = [x for xs in timings.values() for x in xs]
    out: dict[str, Any] = {"n": len(every), "p50_ms": round(statistics.median(every), 2),
                           "p99_ms": round(_pct(every, 0.99), 2), "max_ms": round(max(every), 2)}
    for kind, xs in timings.items():
        out[f"p99_{kind}_ms"] = round(_pct(xs, 0.99), 2)
        out[f"mean_hits_{kind}"] = round(found[kind] / max(len(xs), 1), 1)
    with_audit: list[float] = []
    for i in range(audited):
        facts, mode = facts_for(kinds[i % len(kinds)])
        t = time.perf_counter()
        services.search("system:bench", facts, mode)  # type: ignore[arg-type]
        with_audit.append((time.perf_counter() - t) * 1000)
    if with_audit:
        out["audited_n"] = len(with_audit)
        out["audited_p50_ms"] = round(statistics.median(with_audit), 2)
        out["audited_p99_ms"] = round(_pct(with_audit, 0.99), 2)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--residents", type=int, default=0)
    ap.add_argument("--jutogai", type=int, default=200_000)
    ap.add_argument("--searches", type=int, default=2400)
    args = ap.parse_args()
    url = os.environ["DATABASE_URL"]
    _ensure_database(url)
    _django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from jichitai.jutogai.models import Jutogaisha
    from jichitai.registry.models import Resident

    if args.residents and not Resident.objects.exists():
        from registry_load import load

        print("residents", load(args.residents), flush=True)
    if Jutogaisha.objects.count() < args.jutogai:
        print(f"jutogai loaded in {load_jutogai(args.jutogai):.1f} s", flush=True)
    print(f"residents: {Resident.objects.count():,}  jutogai: {Jutogaisha.objects.count():,}", flush=True)
    print(f"load average before: {os.getloadavg()}", flush=True)
    print("search", searches(args.searches, args.searches // 4), flush=True)
    print(f"load average after: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
