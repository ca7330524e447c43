"""The counter's pages one at a time, as one clerk's browser asks for them (issue 22 item 6): the search (フリガナ
+ 生年月日, 氏名, 宛名番号), the resident page, the household page, the 転居 and 転入 forms and their confirmation
pages — through Django's test client (the whole middleware stack, the session of a clerk logged in with both
factors, every view audited), on the registry in DATABASE_URL. Nothing is recorded: the confirmations are rendered,
not committed. Prints p50/p95/p99 a page and a row for docs/benchmarks.md. Target: p95 < 300 ms at 1.5 M.

    DATABASE_URL=postgres://jichitai@127.0.0.1:5432/jichitai_counterpages_bench JICHITAI_MODE=test \\
    JICHITAI_VAR=$PWD/var/counterbench .venv/bin/python bench/counter_pages.py --rounds 300
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from typing import Any

RECEIVED = {"r-notifier_kind": "self", "r-identity_documents": "my_number_card", "r-fee": "0"}


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jichitai.settings")
    import django

    django.setup()


def _client() -> Any:
    """A counter clerk's session, bound to a confirmed TOTP device as a real two-step login leaves it."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jichitai.accounts.models import Department, Role, Staff

    dept, _ = Department.objects.get_or_create(code="shimin", defaults={"name": "市民課"})
    role, _ = Role.objects.get_or_create(code="counter", defaults={"name": "窓口"})
    staff = Staff.objects.filter(username="bench-pages").first()
    if staff is None:
        staff = Staff.objects.create_user("bench-pages", "correct-horse-battery", full_name="窓口 計測",
                                          department=dept)
        staff.roles.set([role])
    device, _ = TOTPDevice.objects.get_or_create(user=staff, name="jichitai", defaults={"confirmed": True})
    client = Client()
    client.force_login(staff, backend="jichitai.accounts.backends.LockoutBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _households(n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` random households with their 世帯主 (フリガナ, 氏名, 生年月日, 宛名番号)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT greatest(reltuples, 1) FROM pg_class WHERE relname = 'registry_resident'")
        percent = min(100.0, 100.0 * n * 10 / float(cur.fetchone()[0]))  # about 5 heads a sampled household
        cur.execute("""
            SELECT r.setai_number, r.atena_number, r.name, r.kana, r.birth_date FROM registry_resident r
            TABLESAMPLE SYSTEM (%s) REPEATABLE (%s) WHERE r.status = 'active' AND r.relationship = '世帯主'
            ORDER BY random() LIMIT %s""", [percent, seed, n])
        return [{"setai": s, "atena": a, "name": nm, "kana": k, "born": b} for s, a, nm, k, b in cur.fetchall()]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=300, help="households visited (each: every page once)")
    ap.add_argument("--seed", type=int, default=22)
    args = ap.parse_args()
    _django()
    from jichitai.registry.models import Resident, Town

    client = _client()
    rng = random.Random(args.seed)
    towns = list(Town.objects.values_list("code", flat=True))
    homes = _households(args.rounds, args.seed)
    residents = Resident.objects.count()
    times: dict[str, list[float]] = {}

    def timed(page: str, method: str, url: str, data: dict[str, Any] | None = None, expect: str = "") -> None:
        start = time.perf_counter()
        response = client.get(url, data) if method == "GET" else client.post(url, data)
        took = (time.perf_counter() - start) * 1000
        body = response.content.decode()
        if response.status_code != 200 or (expect and expect not in body):
            raise SystemExit(f"{page}: {response.status_code} for {url} (expected {expect!r})")
        if warm:
            times.setdefault(page, []).append(took)

    warm = False
    for i, h in enumerate([homes[0], *homes]):  # the first round warms the process up (templates, caches): not timed
        warm = i > 0
        kind = i % 3
        query = ({"kana": h["kana"], "birth_date": h["born"].strftime("%Y%m%d")} if kind == 0 else
                 {"name": h["name"]} if kind == 1 else {"atena_number": h["atena"].lstrip("0")})
        timed("search", "GET", "/registry/", query, "該当")
        # a surname alone: thousands of matches at a city's size, the count and the first 50 shown
        timed("search (surname only)", "GET", "/registry/", {"name": h["name"].split()[0]}, "該当")
        timed("resident", "GET", f"/registry/residents/{h['atena']}/", expect=h["atena"])
        timed("household", "GET", f"/registry/households/{h['setai']}/", expect=h["setai"])
        timed("move-within form", "GET", "/registry/changes/move-within/", {"setai": h["setai"]}, "転居の入力")
        members = list(Resident.objects.filter(setai_number=h["setai"], status="active")
                       .values_list("atena_number", flat=True))
        timed("move-within confirm", "POST", "/registry/changes/move-within/", {
            "step": "confirm", **RECEIVED, "setai": h["setai"], "moved_on": "令和8年12月1日",
            "town_code": rng.choice(towns), "banchi": f"{rng.randint(1, 40)}番地", "atena_numbers": members},
            "まだ記録されていません")
        timed("move-in form", "GET", "/registry/changes/move-in/", expect="転入の入力")
        timed("move-in confirm", "POST", "/registry/changes/move-in/", {
            "step": "confirm", **RECEIVED, "moved_on": "令和8年12月1日", "previous_address": "大阪府大阪市北区梅田1丁目",
            "previous_municipality_code": "27127", "town_code": rng.choice(towns), "banchi": "3番地",
            "p1-name": f"計測 {i}郎", "p1-kana": "ケイソク イチロウ", "p1-birth_date": "平成2年4月5日", "p1-sex": "M",
            "p1-relationship": "世帯主", "p1-resident_kind": "japanese"}, "まだ記録されていません")
        timed("town picker", "GET", "/registry/towns/", {"q": rng.choice(["ちゅうおう", "650", "町", "きた", "すま"])})
    load = os.getloadavg()
    print(f"{residents:,} residents, {len(homes)} households (+1 warm-up), load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    worst = 0.0
    for page, values in times.items():
        values.sort()
        q = statistics.quantiles(values, n=100)
        worst = max(worst, q[94])
        print(f"{page:22s} n={len(values):4d} p50 {q[49]:7.1f} ms  p95 {q[94]:7.1f} ms  p99 {q[98]:7.1f} ms  "
              f"max {values[-1]:7.1f} ms")
    print(f"worst p95 {worst:.1f} ms: {'✓' if worst < 300 else '✗'} (< 300 ms)")


if __name__ == "__main__":
    main()
