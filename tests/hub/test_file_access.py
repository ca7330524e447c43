"""Who may read which file at ``GET /api/hub/files/{id}`` (issue 6, "Bad input and faults": a feed or item not
granted is refused, audited, nothing leaked in the error).

The file exchange holds two kinds of record: incoming uploads (a system sent them) and outgoing 宛名 extracts
(全件/差分 produced for one subscriber). Each is meant for exactly one system; any other system — even one
granted the same feed — gets the answer an unknown id gets.
"""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.hub import messagelog
from jichitai.hub.models import ExchangedFile

pytestmark = pytest.mark.django_db

KAIGO_OK = "宛名番号,要介護度,認定開始日,認定終了日\n100000001,要介護2,2026-04-01,2027-03-31\n"


def _get(client: Any, key: str, file_id: int) -> Any:
    return client.get(f"/api/hub/files/{file_id}", headers={"X-Hub-Key": key})


def _extract(client: Any, key: str, mode: str = "full", after: int = 0) -> Any:
    return client.get(f"/api/hub/extracts/atena?mode={mode}&after={after}", headers={"X-Hub-Key": key})


def _body(response: Any) -> bytes:
    """The streamed answer read to its end (the extract is never held whole by the hub)."""
    return b"".join(response.streaming_content)


@pytest.fixture
def two_subscribers(make_system: Any, make_event: Any) -> dict[str, Any]:
    """Two systems granted the same extract (A without 個人番号), A also sends 介護 files; three persons."""
    for i in range(3):
        make_event(atena=f"30000000{i}", name=f"神戸 太郎{i}")
    a, key_a = make_system(feeds={"atena-extract": ["basic", "name"], "kaigo-nintei": None})
    b, key_b = make_system(feeds={"atena-extract": ["basic"], "kaigo-nintei": None})
    return {"a": a, "key_a": key_a, "b": b, "key_b": key_b}


def test_the_receiver_reads_its_own_extract_and_no_other_system_does(client: Any, two_subscribers: Any) -> None:
    s = two_subscribers
    r = _extract(client, s["key_a"])
    assert r.status_code == 200
    file_id = int(r["X-Hub-File-Id"])
    content = _body(r)
    assert "神戸 太郎0" in content.decode() and int(r["Content-Length"]) == len(content)

    mine = _get(client, s["key_a"], file_id)
    assert mine.status_code == 200, mine.content
    body = mine.json()
    assert (body["direction"], body["layout"], body["mode"], body["status"], body["rows"]) == (
        "out", "atena-extract", "full", "provided", 3)
    assert body["receipt"]["receiver"] == s["a"].code
    assert messagelog.verify_receipt(body["receipt"], messagelog.public_key_pem(), content)

    other = _get(client, s["key_b"], file_id)
    assert other.status_code == 403
    assert AuditEntry.objects.filter(action="hub.file.fetch", resource=f"hub.file:{file_id}", outcome="refused",
                                     actor=f"system:{s['b'].code}").exists()


def test_a_delta_extract_is_recorded_for_its_subscriber(client: Any, two_subscribers: Any, make_event: Any) -> None:
    s = two_subscribers
    first = _extract(client, s["key_b"], "full")
    cursor = int(_body(first).decode().strip().splitlines()[-1].rsplit(",", 1)[1])
    make_event(atena="300000009")
    delta = _extract(client, s["key_b"], "delta", cursor)
    body = _get(client, s["key_b"], int(delta["X-Hub-File-Id"])).json()
    assert (body["direction"], body["mode"], body["rows"]) == ("out", "delta", 1)
    assert _get(client, s["key_a"], int(delta["X-Hub-File-Id"])).status_code == 403


def test_an_upload_is_readable_by_its_sender_only(client: Any, two_subscribers: Any) -> None:
    s = two_subscribers
    sent = client.post("/api/hub/files/kaigo-nintei?filename=k.csv", data=KAIGO_OK.encode(),
                       content_type="text/csv", headers={"X-Hub-Key": s["key_a"]}).json()
    assert sent["direction"] == "in"
    mine = _get(client, s["key_a"], sent["file_id"])
    assert mine.status_code == 200 and mine.json()["direction"] == "in" and mine.json()["rows"] == 1
    # B is granted the same layout, yet A's upload is not meant for B
    assert _get(client, s["key_b"], sent["file_id"]).status_code == 403


def test_a_foreign_file_and_an_unknown_id_get_the_same_answer(client: Any, two_subscribers: Any) -> None:
    """Nothing in the refusal tells B that A's file exists, nor anything about it."""
    s = two_subscribers
    file_id = int(_extract(client, s["key_a"])["X-Hub-File-Id"])
    missing = (ExchangedFile.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    foreign, unknown = _get(client, s["key_b"], file_id), _get(client, s["key_b"], missing)
    assert foreign.status_code == unknown.status_code == 403
    assert foreign.content == unknown.content
    # the whole answer: no id, no layout, no owner, no direction
    assert foreign.json() == {"code": "file_refused", "message": "このファイルを参照する権限がありません。",
                              "fields": {}}
    refused = AuditEntry.objects.filter(action="hub.file.fetch", outcome="refused", actor=f"system:{s['b'].code}")
    assert set(refused.values_list("resource", flat=True)) == {f"hub.file:{file_id}", f"hub.file:{missing}"}


def test_a_granted_read_is_audited(client: Any, two_subscribers: Any) -> None:
    s = two_subscribers
    file_id = int(_extract(client, s["key_a"])["X-Hub-File-Id"])
    _get(client, s["key_a"], file_id)
    assert AuditEntry.objects.filter(action="hub.file.fetch", resource=f"hub.file:{file_id}", outcome="ok",
                                     actor=f"system:{s['a'].code}").exists()


def test_a_deactivated_receiver_is_refused_before_any_file_lookup(client: Any, two_subscribers: Any) -> None:
    s = two_subscribers
    file_id = int(_extract(client, s["key_a"])["X-Hub-File-Id"])
    s["a"].active = False
    s["a"].save(update_fields=["active"])
    r = _get(client, s["key_a"], file_id)
    assert r.status_code == 401 and "file" not in r.content.decode()


def test_permits_is_the_rule_allowed_applies(two_subscribers: Any, client: Any) -> None:
    """The file's rule is asked through the one permission check, not a filter of its own."""
    from jichitai.accounts.policy import allowed

    s = two_subscribers
    f = ExchangedFile.objects.get(pk=int(_extract(client, s["key_a"])["X-Hub-File-Id"]))
    assert allowed(s["a"], "hub.file.fetch", f)
    assert not allowed(s["b"], "hub.file.fetch", f)
