"""The hub's operator pages on a hub that has been running a while (issue 6: "Operators see in the UI each
system's feeds, lag, last delivery, failures, quarantined files, and lake freshness"): 100,000 feed events,
100,000 message-log entries and 5,000 exchanged files, of which 120 quarantined.

No timing is asserted (shared machine): each page must answer, page what it lists, and never read one of the
big tables whole — every query on them is an aggregate or carries a LIMIT.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]  # generate_series, md5()::uuid

EVENTS = 100_000
FILES = 5_000
QUARANTINED = 120
BIG_TABLES = ("hub_feedevent", "hub_messagelogentry", "hub_exchangedfile")


@pytest.fixture
def busy_hub(make_system: Any) -> dict[str, Any]:
    from django.db.models import Min

    from jichitai.hub.models import FeedEvent, Subscription

    a, _ = make_system(feeds={"atena-delta": None, "kaigo-nintei": None})
    b, _ = make_system(feeds={"atena-full": None})
    with connection.cursor() as cur:
        cur.execute("""
            INSERT INTO hub_feedevent (source_id, event_id, kind, atena_number, setai_number, occurred_on,
                                       created_at, relayed_at, payload, is_latest)
            SELECT 5000000 + g, md5(g::text)::uuid, 'move_within', lpad(g::text, 9, '0'), '', DATE '2026-04-01',
                   now() - interval '1 hour', now() - interval '1 hour', '{}'::jsonb, true
            FROM generate_series(1, %s) g""", [EVENTS])
        cur.execute("""
            INSERT INTO hub_messagelogentry (seq, at, direction, kind, sender, receiver, reference, payload_sha256,
                                             payload_bytes, count, prev_hash, hash, key_id, signature)
            SELECT 9000000 + g, now(), 'out', 'feed_pull', 'hub', %s, 'atena-delta:' || g, md5(g::text), 10, 1,
                   md5((g - 1)::text), md5(g::text), 'k', 's'
            FROM generate_series(1, %s) g""", [a.code, EVENTS])
        cur.execute("""
            INSERT INTO hub_exchangedfile (direction, system_id, layout, mode, filename, sha256, size, encoding,
                                           rows, status, problems, stored_path, at, log_seq)
            SELECT CASE WHEN g <= %s THEN 'in' ELSE 'out' END, %s,
                   CASE WHEN g <= %s THEN 'kaigo-nintei' ELSE 'atena-extract' END, 'full',
                   'f' || lpad(g::text, 5, '0') || '.csv', md5(g::text), 100, 'utf-8', 1,
                   CASE WHEN g <= %s THEN 'quarantined' ELSE 'provided' END,
                   CASE WHEN g <= %s THEN '[{"line": 2, "item": "宛名番号", "message": "x"}]'::jsonb
                        ELSE '[]'::jsonb END,
                   '', now() - (g || ' seconds')::interval, NULL
            FROM generate_series(1, %s) g""", [QUARANTINED, a.pk, QUARANTINED, QUARANTINED, QUARANTINED, FILES])
    # ids are not reset between tests: the subscriber has acknowledged the first 10 of these events
    first = FeedEvent.objects.filter(source_id__gt=5_000_000).aggregate(m=Min("id"))["m"]
    Subscription.objects.create(system=a, feed=a.grants.get(feed__code="atena-delta").feed,
                                acked_cursor=first + 9)
    return {"a": a, "b": b}


def _unbounded(queries: list[dict[str, Any]]) -> list[str]:
    """Queries that touch a big table without a LIMIT and without aggregating it."""
    out = []
    for q in queries:
        sql = q["sql"]
        if not any(f'"{t}"' in sql for t in BIG_TABLES):
            continue
        if re.search(r"\bLIMIT\b", sql) or re.search(r"\b(COUNT|MAX|MIN)\(", sql):
            continue
        out.append(sql)
    return out


def test_the_overview_pages_the_quarantined_files_and_reads_no_table_whole(login_as: Any,
                                                                           busy_hub: dict[str, Any]) -> None:
    staff = login_as("sysadmin")
    with CaptureQueriesContext(connection) as ctx:
        first = staff.get("/hub/")
    assert first.status_code == 200
    body = first.content.decode()
    assert f"全 {QUARANTINED} 件（1 / 3 ページ）" in body
    # newest first: f00001 was received last; 50 to a page
    assert "f00001.csv" in body and "f00050.csv" in body and "f00051.csv" not in body
    # the lag of the subscriber that acknowledged 10 of 100,000 events
    assert f"{EVENTS - 10:,}件" in body
    assert _unbounded(ctx.captured_queries) == []
    assert len(ctx.captured_queries) < 40  # no query per file or per event

    last = staff.get("/hub/?quarantine_page=3").content.decode()
    assert "f00120.csv" in last and "f00101.csv" in last and "f00100.csv" not in last
    assert "f00120.csv" in staff.get("/hub/?quarantine_page=999").content.decode()  # past the end: the last page
    assert staff.get("/hub/?quarantine_page=x").status_code == 200


def test_the_status_api_says_the_same_paged(login_as: Any, busy_hub: dict[str, Any]) -> None:
    staff = login_as("sysadmin")
    data = staff.get("/api/hub/status").json()
    assert data["head_cursor"] > 0 and len(data["quarantined"]) == 50
    assert data["quarantine_page"] == {"number": 1, "pages": 3, "count": QUARANTINED, "per_page": 50}
    a = next(s for s in data["systems"] if s["code"] == busy_hub["a"].code)
    assert a["quarantined"] == QUARANTINED


@pytest.mark.parametrize("model", ["messagelogentry", "exchangedfile", "subscription"])
def test_the_admin_lists_page_the_big_tables(login_as: Any, busy_hub: dict[str, Any], model: str) -> None:
    staff = login_as("sysadmin")
    with CaptureQueriesContext(connection) as ctx:
        r = staff.get(f"/admin/hub/{model}/")
    assert r.status_code == 200
    assert _unbounded(ctx.captured_queries) == [], model
