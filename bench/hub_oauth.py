"""What OAuth adds to a PULL, measured against the API-key path in the same run (issue 23: token issuance and
introspection add < 5 ms p99 to a PULL).

One subscriber granted ``atena-delta`` pulls the same batch (``limit`` events after cursor 0) through the Django
test client (full middleware, auth, grant filtering, message-log signing, audit) in rounds; each round runs the
four paths in a rotated order, so load drifts hit them alike:

- ``key``: the PULL with the API key (the transition's path);
- ``token``: the PULL with a Bearer token obtained beforehand (checked in-process as the introspection
  endpoint checks it); the normal case, a token serves many PULLs for its 300 s;
- ``issue``: a token request (client credentials, client_secret_jwt signed by Authlib's client code); the
  token it got is revoked afterwards, untimed (a system holds at most 20 live tokens);
- ``introspect``: the introspection call a providing system makes (client_secret_basic).

``issue + introspect + token`` is the worst case: a new token and an introspection for every PULL. Prints, for
each path, the wall-time p50/p99, the paired difference to the key PULL of the same round (p50/p99), and two
figures a loaded machine does not move: the SQL statements per call and this process's CPU time per call
(``time.process_time``; the database's own CPU is not in it). Then the row for docs/benchmarks.md.

    DATABASE_URL=postgres://jichitai@127.0.0.1:5432/jichitai_oauth JICHITAI_MODE=test JICHITAI_VAR=var/bench \\
        .venv/bin/python bench/hub_oauth.py [--samples 2000] [--events 100] [--limit 100]
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import os
import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

from benchdb import bench_database

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=2000)
    ap.add_argument("--events", type=int, default=100)
    ap.add_argument("--limit", type=int, default=100)
    args = ap.parse_args()
    with bench_database():
        from authlib.oauth2.rfc7523 import client_secret_jwt_sign
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from joserfc.jwk import OctKey

        from jichitai.hub import feeds, oauth
        from jichitai.hub.catalogue import grant, install_defaults
        from jichitai.hub.models import AccessToken, System
        from jichitai.registry.models import OutboxEvent

        install_defaults()
        system = System.objects.get(code="kojin_juminzei")
        key = system.issue_api_key()
        secret = oauth.issue_client_secret(system)
        system.save()
        grant(system, "atena-delta", None, purpose="bench")
        provider = System.objects.get(code="juki")  # introspects tokens that carry its scopes
        provider_secret = oauth.issue_client_secret(provider)
        provider.save()
        OutboxEvent.objects.bulk_create([
            OutboxEvent(change_id=uuid.uuid4(), kind="move_in_domestic", atena_number=f"{100000000 + i}",
                        setai_number=f"{200000000 + i}", occurred_on=dt.date(2026, 4, 1), payload={
                            "atena_number": f"{100000000 + i}", "status": "active", "name": "神戸 太郎",
                            "kana": "コウベ タロウ", "birth_date": "1960-01-01", "sex": "M",
                            "town_code": "281100001", "banchi": "1番地", "support_measure": False})
            for i in range(args.events)])
        feeds.relay_all()
        client = Client()
        key_key = OctKey.import_key(secret)
        basic = "Basic " + base64.b64encode(f"juki:{provider_secret}".encode()).decode()
        pull_url = f"/api/hub/feeds/atena-delta?after=0&limit={args.limit}"

        def issue() -> str:
            assertion = client_secret_jwt_sign(key_key, system.code, "http://testserver" + oauth.TOKEN_PATH)
            r = client.post(oauth.TOKEN_PATH, {
                "grant_type": "client_credentials", "scope": "juki:atena-delta:read",
                "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": assertion.decode() if isinstance(assertion, bytes) else assertion})
            assert r.status_code == 200, r.content
            return str(r.json()["access_token"])

        held = {"token": issue(), "at": time.monotonic()}

        def pull_key() -> None:
            r = client.get(pull_url, headers={"X-Hub-Key": key})
            assert r.status_code == 200, r.content

        def pull_token() -> None:
            if time.monotonic() - held["at"] > 240:  # before the 300 s lifetime ends, as a client would
                held["token"], held["at"] = issue(), time.monotonic()
            r = client.get(pull_url, headers={"Authorization": f"Bearer {held['token']}"})
            assert r.status_code == 200, r.content

        def introspect() -> None:
            r = client.post("/api/hub/oauth/introspect", {"token": held["token"]}, headers={"Authorization": basic})
            assert r.status_code == 200 and r.json()["active"] is True, r.content

        def settle(name: str) -> None:
            """Untimed, after each call: the tokens the ``issue`` path got are revoked, as a client at the cap of
            live tokens per system (``HUB_TOKEN_LIMIT``, 20) does; their rows stay, as until the hourly purge."""
            if name == "issue":
                AccessToken.objects.filter(system=system, revoked_at__isnull=True).exclude(
                    token_sha256=oauth.token_hash(held["token"])).update(revoked_at=dt.datetime.now(dt.UTC))

        paths: dict[str, Callable[[], Any]] = {"key": pull_key, "token": pull_token, "issue": issue,
                                               "introspect": introspect}
        names = list(paths)
        for name in names * 20:  # warm up (connections, caches, first imports)
            paths[name]()
            settle(name)
        times: dict[str, list[float]] = {n: [] for n in names}
        cpu: dict[str, list[float]] = {n: [] for n in names}
        load_before = os.getloadavg()
        started = time.perf_counter()
        for i in range(args.samples):
            for name in names[i % 4:] + names[:i % 4]:
                c, t = time.process_time(), time.perf_counter()
                paths[name]()
                times[name].append((time.perf_counter() - t) * 1000)
                cpu[name].append((time.process_time() - c) * 1000)
                settle(name)
        wall = time.perf_counter() - started
        queries = {}
        for name in names:
            with CaptureQueriesContext(connection) as captured:
                paths[name]()
            queries[name] = len(captured)
            settle(name)
        load_after = os.getloadavg()
        worst = [a + b + c for a, b, c in zip(times["issue"], times["introspect"], times["token"], strict=True)]
        for name in names:
            diff = [x - k for x, k in zip(times[name], times["key"], strict=True)]
            print(f"{name:>10}: p50 {statistics.median(times[name]):7.2f} ms  p99 {pct(times[name], 0.99):7.2f} ms  "
                  f"vs key same round p50 {statistics.median(diff):+7.2f} p99 {pct(diff, 0.99):+7.2f}  "
                  f"CPU p50 {statistics.median(cpu[name]):6.2f} ms p99 {pct(cpu[name], 0.99):6.2f}  "
                  f"{queries[name]} queries  ({len(times[name])} samples)")
        print(f"{'worst':>10}: p50 {statistics.median(worst):7.2f} ms  p99 {pct(worst, 0.99):7.2f} ms "
              "(issue + introspect + token PULL, same round)")
        key99, tok99 = pct(times["key"], 0.99), pct(times["token"], 0.99)
        cpu_extra = [a - k for a, k in zip(cpu["token"], cpu["key"], strict=True)]
        print(f"token PULL vs key PULL: {queries['token'] - queries['key']:+d} queries, CPU p50 "
              f"{statistics.median(cpu_extra):+.2f} ms p99 {pct(cpu_extra, 0.99):+.2f} ms")
        print(f"wall {wall:.1f} s; load average {load_before[0]:.1f} → {load_after[0]:.1f}")
        print(f"| hub: OAuth vs API key on a PULL of {args.limit} events (test client, same run, rotated order, "
              f"{args.samples:,} rounds) | PULL p99: key {key99:.2f} ms, token {tok99:.2f} ms (+{tok99 - key99:.2f}); "
              f"issuance p99 {pct(times['issue'], 0.99):.2f} ms, introspection p99 "
              f"{pct(times['introspect'], 0.99):.2f} ms; issue+introspect+PULL p99 {pct(worst, 0.99):.2f} ms "
              f"(+{pct(worst, 0.99) - key99:.2f}) | < 5 ms p99 | `.venv/bin/python bench/hub_oauth.py` | "
              f"{dt.date.today()} | load avg {load_before[0]:.1f}–{load_after[0]:.1f} |")


if __name__ == "__main__":
    main()
