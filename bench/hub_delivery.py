"""Deliver N registry events (default 100,000) to three subscribers: relay from the registry outbox, then each
subscriber PULLs ``/api/hub/feeds/atena-delta`` with its API key and cursor until it has everything (Django test
client: the full middleware, auth, grant filtering, message-log signing and JSON path, in one process), on a
throw-away PostgreSQL database.

    DATABASE_URL=postgres://jichitai@127.0.0.1:5432/jichitai_hub JICHITAI_MODE=test JICHITAI_VAR=var/hub \\
        .venv/bin/python bench/hub_delivery.py [--events 100000] [--batch 5000]

Target: < 30 s for 100,000 events to three subscribers. Prints one row for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
import uuid

from benchdb import bench_database


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--batch", type=int, default=5000)
    args = ap.parse_args()
    with bench_database():
        from django.test import Client

        from jichitai.hub import feeds
        from jichitai.hub.catalogue import grant, install_defaults
        from jichitai.hub.models import System
        from jichitai.registry.models import OutboxEvent

        install_defaults()
        keys = []
        for code, my_number in (("kojin_juminzei", False), ("kokuho", False), ("senkyo", False)):
            system = System.objects.get(code=code)
            system.may_use_my_number = my_number
            keys.append(system.issue_api_key())
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
        got = []
        for key in keys:
            cursor, events = 0, 0
            while True:
                body = client.get(f"/api/hub/feeds/atena-delta?after={cursor}&limit={args.batch}",
                                  headers={"X-Hub-Key": key}).json()
                events += len(body["events"])
                cursor = body["next_cursor"]
                if not body["has_more"]:
                    break
            got.append(events)
        total = time.perf_counter() - started
        assert relayed == args.events and got == [args.events] * 3, (relayed, got)
        print(f"relay {relayed} events: {relay_s:.1f} s; 3 subscribers × {args.events} events pulled in "
              f"batches of {args.batch}: {total - relay_s:.1f} s; total {total:.1f} s")
        print(f"| hub: deliver {args.events:,} registry events to 3 subscribers (relay + PULL, signed log) | "
              f"{total:.1f} s | < 30 s | `.venv/bin/python bench/hub_delivery.py` | {dt.date.today()} | "
              "2 cores, 24 GiB, python-svc |")


if __name__ == "__main__":
    main()
