"""File intake: row-by-row validation, whole-file quarantine with a report naming line and item, landing."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.hub import landing
from jichitai.hub.models import ExchangedFile

pytestmark = pytest.mark.django_db

KAIGO_OK = "宛名番号,要介護度,認定開始日,認定終了日\n100000001,要介護2,2026-04-01,2027-03-31\n100000002,要支援1,2026-05-01,\n"
KAIGO_BAD = ("宛名番号,要介護度,認定開始日,認定終了日\n100000001,要介護2,2026-04-01,2027-03-31\n"
             "ABC,要介護9,2026-13-01,\n100000003,要介護1,2026-04-01,2025-01-01\n")


def _send(client: Any, key: str, feed: str, body: bytes, name: str = "f.csv") -> Any:
    return client.post(f"/api/hub/files/{feed}?filename={name}", data=body, content_type="text/csv",
                       headers={"X-Hub-Key": key})


def test_good_file_accepted_in_cp932_and_landed(client: Any, make_system: Any, lake: Any) -> None:
    _, key = make_system(feeds={"kaigo-nintei": None})
    r = _send(client, key, "kaigo-nintei", KAIGO_OK.encode("cp932"))
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "accepted" and body["rows"] == 2 and body["problems"] == []
    f = ExchangedFile.objects.get(pk=body["file_id"])
    assert f.encoding == "cp932" and f.log_seq == body["receipt"]["seq"]
    assert landing.land_files() == 1 and landing.land_files() == 0
    std = lake.load_table("standard.kaigo_nintei").scan().to_arrow()
    assert sorted(std["level"].to_pylist()) == ["要介護2", "要支援1"]
    assert landing.replay("standard.kaigo_nintei") == 2
    landing.refresh_lounge()
    ltc = lake.load_table("lounge.ltc_certification").scan().to_arrow()
    assert ltc.num_rows == 2 and "100000001" not in ltc["pid"].to_pylist()


def test_bad_file_quarantined_whole_with_each_line_and_item(client: Any, make_system: Any, login_as: Any) -> None:
    _, key = make_system(feeds={"kaigo-nintei": None})
    body = _send(client, key, "kaigo-nintei", KAIGO_BAD.encode()).json()
    assert body["status"] == "quarantined" and body["rows"] == 1
    named = {(p["line"], p["item"]) for p in body["problems"]}
    assert named == {(3, "宛名番号"), (3, "要介護度"), (3, "認定開始日"), (4, "認定終了日")}
    assert landing.land_files() == 0  # nothing of a quarantined file is used
    assert AuditEntry.objects.filter(action="hub.file.send", outcome="refused").exists()
    staff = login_as("sysadmin")
    report = staff.get(f"/hub/quarantine/{body['file_id']}/report.csv")
    assert report.status_code == 200 and "要介護度" in report.content.decode("utf-8-sig")
    page = staff.get("/hub/")
    assert page.status_code == 200 and "隔離ファイル" in page.content.decode()


def test_redelivered_file_is_taken_once(client: Any, make_system: Any) -> None:
    _, key = make_system(feeds={"kaigo-nintei": None})
    first = _send(client, key, "kaigo-nintei", KAIGO_OK.encode()).json()
    second = _send(client, key, "kaigo-nintei", KAIGO_OK.encode()).json()
    assert second["duplicate"] and second["file_id"] == first["file_id"]
    assert ExchangedFile.objects.filter(direction="in").count() == 1


def test_ungranted_layout_refused(client: Any, make_system: Any) -> None:
    _, key = make_system(feeds={"kaigo-nintei": None})
    r = _send(client, key, "kokuho-shikaku", KAIGO_OK.encode())
    assert r.status_code == 403 and "file_id" not in r.json()
    assert ExchangedFile.objects.count() == 0


def test_monitor_page_needs_the_permission(login_as: Any) -> None:
    assert login_as("counter").get("/hub/").status_code == 403


def test_subscriber_crashing_mid_batch_ends_with_each_event_once(make_system: Any, make_event: Any) -> None:
    """The subscriber stores half a batch, crashes before saving its cursor, restarts from its cursor."""
    from jichitai.hub import feeds

    system, _ = make_system(feeds={"atena-delta": None})
    for i in range(7):
        make_event(atena=f"40000000{i}")
    store: dict[str, dict[str, Any]] = {}
    cursor = 0
    crashed = False
    while True:
        batch = feeds.pull(system, "atena-delta", cursor, 3)
        if not batch.events:
            break
        for n, e in enumerate(batch.events):
            if not crashed and cursor > 0 and n == 1:
                crashed = True
                break  # crash: one event stored, cursor not saved
            store[e["event_id"]] = e  # idempotent by event id
        else:
            cursor = batch.next_cursor
    assert crashed and len(store) == 7
