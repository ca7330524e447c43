"""Deliver N registry events (default 100,000) to three subscribers: relay from the registry outbox, then each
subscriber PULLs ``/api/hub/feeds/atena-delta`` with its API key and cursor until it has everything (Django test
client: the full middleware, auth, grant filtering, message-log signing and JSON path, in one process), on a
throw-away PostgreSQL database. ``--oauth``: each subscriber instead gets an OAuth access token from the token
endpoint (client_secret_jwt, Authlib's client signing) and pulls with it as a Bearer token, asking for a new one
when the hub answers 401 (the token expired).

    DATABASE_URL=postgres://jichitai@127.0.0.1:5432/jichitai_hub JICHITAI_MODE=test JICHITAI_VAR=var/hub \\
        .venv/bin/python bench/hub_delivery.py [--events 100000] [--batch 5000] [--oauth]

Target: < 30 s for 100,000 events to three subscribers. Prints one row for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
import uuid
from typing import Any

from benchdb import bench_database


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--batch", type=int, default=5000)
    ap.add_argument("--oauth", action="store_true", help="pull with OAuth access tokens instead of API keys")
    args = ap.parse_args()
    with bench_database():
        from django.test import Client

        from jichitai.hub import feeds, oauth
        from jichitai.hub.catalogue import grant, install_defaults
        from jichitai.hub.models import System
        from jichitai.registry.models import OutboxEvent

        install_defaults()
        keys, secrets = [], []
        for code, my_number in (("kojin_juminzei", False), ("kokuho", False), ("senkyo", False)):
            system = System.objects.get(code=code)
            system.may_use_my_number = my_number
            keys.append(system.issue_api_key())
            secrets.append((code, oauth.issue_client_secret(system)))
            system.save()
            grant(system, "atena-delta", None, purpose="bench")
        born = dt.date(1960, 1, 1)
        OutboxEvent.objects.bulk_create([
            OutboxEvent(change_id=uuid.uuid4(), kind="move_in_domestic", atena_number=f"{100000000 + i}",
                        setai_number=f"{200000000 + i // 2}", occurred_on=dt.date(2026, 4, 1), payload={
                            "atena_number": f"{100000000 + i}", "setai_number": f"{200000000 + i // 2}",
                            "status": "active", "resident_kind": "japanese", "name": "神戸 太郎",
                            "kana": "コウベ タロウ", "birth_date": (born + dt.timedelta(days=i % 20000)).isoformat(),
                            "sex": "MF"[i % 2], "relationship": "世帯主", "town_code": "281100001",
                            "ward_code": "28110", "banchi": f"{i % 50}番地", "katagaki": "", "postcode": "6500001",
                            "reason": "move_in_domestic", "reason_label": "国内転入", "is_subject": True,
                            "previous": None, "origin_class": "県外", "destination_class": None,
                            "ward_change": False, "support_measure": i % 1000 == 0})
            for i in range(args.events)], batch_size=5000)
        started = time.perf_counter()
        relayed = feeds.relay_all()
        relay_s = time.perf_counter() - started
        client = Client()
        got, tokens = [], 0
        for key, (code, secret) in zip(keys, secrets, strict=True):
            cursor, events = 0, 0
            headers = {"X-Hub-Key": key}
            while True:
                if args.oauth and "Authorization" not in headers:
                    headers = {"Authorization": "Bearer " + token_for(client, code, secret)}
                    tokens += 1
                response = client.get(f"/api/hub/feeds/atena-delta?after={cursor}&limit={args.batch}",
                                      headers=headers)
                if args.oauth and response.status_code == 401:
                    headers = {}
                    continue
                body = response.json()
                events += len(body["events"])
                cursor = body["next_cursor"]
                if not body["has_more"]:
                    break
            got.append(events)
        total = time.perf_counter() - started
        assert relayed == args.events and got == [args.events] * 3, (relayed, got)
        how = f"OAuth Bearer tokens ({tokens} issued)" if args.oauth else "API keys"
        print(f"relay {relayed} events: {relay_s:.1f} s; 3 subscribers × {args.events} events pulled in "
              f"batches of {args.batch} with {how}: {total - relay_s:.1f} s; total {total:.1f} s")
        print(f"| hub: deliver {args.events:,} registry events to 3 subscribers (relay + PULL, signed log, {how}) | "
              f"{total:.1f} s | < 30 s | `.venv/bin/python bench/hub_delivery.py{' --oauth' if args.oauth else ''}` | "
              f"{dt.date.today()} | "
              "2 cores, 24 GiB, python-svc |")


def token_for(client: Any, code: str, secret: str) -> str:
    """An access token by the client credentials grant with client_secret_jwt (Authlib's client signing)."""
    from authlib.oauth2.rfc7523 import client_secret_jwt_sign
    from joserfc.jwk import OctKey

    assertion = client_secret_jwt_sign(OctKey.import_key(secret), code, "http://testserver/api/hub/oauth/token")
    response = client.post("/api/hub/oauth/token", {
        "grant_type": "client_credentials", "scope": "juki:atena-delta:read",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion.decode() if isinstance(assertion, bytes) else assertion})
    assert response.status_code == 200, response.content
    return str(response.json()["access_token"])


if __name__ == "__main__":
    main()
