"""PULL feeds: cursor, order, at-least-once, filtering per grant, refusals (issue 6, "Bad input and faults")."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.hub import feeds, messagelog

pytestmark = pytest.mark.django_db


def _get(client: Any, path: str, key: str | None = None, **headers: str) -> Any:
    if key:
        headers["X-Hub-Key"] = key
    return client.get(path, headers=headers)


@pytest.mark.parametrize("base", ["/hub/feeds/", "/api/hub/feeds/"])
def test_pull_pages_with_cursor_in_order(client: Any, make_system: Any, make_event: Any, base: str) -> None:
    _, key = make_system(feeds={"atena-delta": None})
    made = [make_event(atena=f"10000000{i}") for i in range(5)]
    r = _get(client, f"{base}atena-delta?after=0&limit=2", key)
    assert r.status_code == 200, r.content
    body = r.json()
    assert [e["event_id"] for e in body["events"]] == [str(m.event_id) for m in made[:2]]
    assert body["has_more"] is True
    r2 = _get(client, f"{base}atena-delta?after={body['next_cursor']}&limit=10", key).json()
    assert [e["event_id"] for e in r2["events"]] == [str(m.event_id) for m in made[2:]]
    assert r2["has_more"] is False
    again = _get(client, f"{base}atena-delta?after=0&limit=2", key).json()
    assert [e["event_id"] for e in again["events"]] == [e["event_id"] for e in body["events"]]  # at-least-once


def test_full_feed_has_each_persons_latest_state(client: Any, make_system: Any, make_event: Any) -> None:
    _, key = make_system(feeds={"atena-full": None})
    make_event(atena="200000001", banchi="1")
    make_event(atena="200000002")
    make_event(atena="200000001", kind="move_within", banchi="9")
    events = _get(client, "/hub/feeds/atena-full?after=0", key).json()["events"]
    assert [(e["atena_number"], e["data"]["banchi"]) for e in events] == [("200000002", "1-2-3"), ("200000001", "9")]


def test_items_not_granted_are_not_delivered(client: Any, make_system: Any, make_event: Any) -> None:
    _, key = make_system(feeds={"atena-delta": ["basic", "birth_date"]})
    make_event()
    data = _get(client, "/hub/feeds/atena-delta", key).json()["events"][0]["data"]
    assert set(data) == {"status", "resident_kind", "relationship", "birth_date"}


def test_supported_persons_address_is_withheld_without_the_right(make_system: Any, make_event: Any) -> None:
    ordinary, _ = make_system(feeds={"atena-delta": None})
    entitled, _ = make_system(feeds={"atena-delta": None}, supported=True)
    make_event(atena="300000001", support_measure=True)
    make_event(atena="300000002")
    got = {e["atena_number"]: e["data"] for e in feeds.pull(ordinary, "atena-delta").events}
    assert not {"banchi", "town_code", "ward_code", "katagaki", "postcode"} & set(got["300000001"])
    assert got["300000002"]["banchi"] == "1-2-3"
    assert feeds.pull(entitled, "atena-delta").events[0]["data"]["banchi"] == "1-2-3"


def test_unknown_and_ungranted_feeds_get_the_same_refusal(client: Any, make_system: Any, make_event: Any) -> None:
    _, key = make_system(feeds={"atena-full": None})
    make_event()
    ungranted = _get(client, "/api/hub/feeds/atena-delta", key)
    unknown = _get(client, "/api/hub/feeds/no-such-feed", key)
    assert ungranted.status_code == unknown.status_code == 403
    assert ungranted.json() == unknown.json()
    assert "events" not in ungranted.json() and "神戸" not in ungranted.content.decode()
    assert AuditEntry.objects.filter(action="hub.feed.pull", outcome="refused").count() == 2


@pytest.mark.parametrize("headers", [
    {}, {"X-Hub-Key": "jk_wrongwrongwrongwrong"}, {"Authorization": "Bearer nonsense"},
    {"X-Client-Cert-SHA256": "ab" * 32},  # fingerprint without the proxy's verification
])
def test_wrong_or_missing_credentials_are_refused_and_audited(client: Any, make_system: Any, make_event: Any,
                                                              headers: dict[str, str]) -> None:
    make_system(feeds={"atena-delta": None})
    make_event()
    for base in ("/hub/feeds/", "/api/hub/feeds/"):
        r = client.get(f"{base}atena-delta", headers=headers)
        assert r.status_code == 401
        assert "events" not in r.content.decode() and "100000001" not in r.content.decode()
    # audited: the first of the minute from this address at once, the second counted (accounts.anonymous)
    assert AuditEntry.objects.filter(action="hub.authenticate", outcome="refused").count() == 1


def test_inactive_system_is_refused(client: Any, make_system: Any, make_event: Any) -> None:
    _, key = make_system(feeds={"atena-delta": None}, active=False)
    make_event()
    assert _get(client, "/api/hub/feeds/atena-delta", key).status_code == 401


def test_mutual_tls_fingerprint_authenticates(client: Any, make_system: Any, make_event: Any) -> None:
    system, _ = make_system(feeds={"atena-delta": None})
    system.client_cert_sha256 = "cd" * 32
    system.save()
    make_event()
    r = client.get("/api/hub/feeds/atena-delta", headers={"X-Client-Cert-SHA256": "CD:" * 31 + "CD",
                                                          "X-Client-Cert-Verify": "SUCCESS"})
    assert r.status_code == 200 and len(r.json()["events"]) == 1


def test_receipt_verifies_with_the_public_key_and_payload(client: Any, make_system: Any, make_event: Any) -> None:
    _, key = make_system(feeds={"atena-delta": None})
    make_event()
    body = _get(client, "/api/hub/feeds/atena-delta", key).json()
    pem = _get(client, "/api/hub/log/public-key", key).json()["public_key"]
    payload = feeds.batch_payload(feeds.Batch("atena-delta", 0, body["events"], 0, False, {}))
    assert messagelog.verify_receipt(body["receipt"], pem, payload)
    forged = dict(body["receipt"], receiver="someone-else")
    assert not messagelog.verify_receipt(forged, pem, payload)
    tampered = json.loads(json.dumps(body["events"]))
    tampered[0]["data"]["name"] = "別人"
    assert not messagelog.verify_receipt(body["receipt"], pem, feeds.batch_payload(
        feeds.Batch("atena-delta", 0, tampered, 0, False, {})))
    assert messagelog.verify().ok


def test_fails_closed_when_the_log_cannot_be_sealed(client: Any, make_system: Any, make_event: Any,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from jichitai.hub.models import MessageLogEntry, Subscription

    _, key = make_system(feeds={"atena-delta": None})
    make_event()

    def broken() -> Any:
        raise FileNotFoundError("signing key missing")

    monkeypatch.setattr(messagelog, "signing_key", broken)
    for base in ("/hub/feeds/", "/api/hub/feeds/"):
        r = _get(client, f"{base}atena-delta", key)
        assert r.status_code == 503
        assert "100000001" not in r.content.decode()
    assert MessageLogEntry.objects.count() == 0
    assert not Subscription.objects.filter(delivered_cursor__gt=0).exists()


def test_message_log_detects_an_edited_record(make_system: Any, make_event: Any) -> None:
    from jichitai.hub.models import MessageLogEntry

    system, _ = make_system(feeds={"atena-delta": None})
    make_event()
    feeds.pull(system, "atena-delta")
    feeds.pull(system, "atena-delta")
    assert messagelog.verify().ok
    MessageLogEntry.objects.filter(seq=1).update(receiver="elsewhere")
    report = messagelog.verify()
    assert not report.ok and "記録 1" in report.problems[0]


def test_the_body_carries_the_hashed_bytes_of_the_events(client: Any, make_system: Any, make_event: Any) -> None:
    """The PULL response is built around the events' canonical JSON, so the bytes the receipt's hash covers are
    the ones sent: the receipt verifies on ``{"events": <those bytes>, "feed": …}`` as received."""
    from jichitai.audit import chain

    _, key = make_system(feeds={"atena-delta": None})
    make_event(atena="100000001")
    make_event(atena="100000002")
    raw = _get(client, "/api/hub/feeds/atena-delta", key).content
    body = json.loads(raw)
    sent = raw[raw.index(b'"events": ') + len(b'"events": '):-1]
    assert json.loads(sent) == body["events"] and len(body["events"]) == 2
    payload = b'{"events":' + sent + b',"feed":"atena-delta"}'
    assert payload == chain.canonical({"feed": "atena-delta", "events": body["events"]})
    pem = _get(client, "/api/hub/log/public-key", key).json()["public_key"]
    assert messagelog.verify_receipt(body["receipt"], pem, payload)
