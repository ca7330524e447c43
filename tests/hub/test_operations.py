"""Running the hub as a service (issue 23 item 5): the worker's heartbeat and the page's alerts, redelivery of a
batch, release and rejection of a quarantined file — each through ``allowed(actor, "hub.operate", …)``, with
a reason, audited — and the DR status page."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from jichitai.audit.models import AuditEntry
from jichitai.common.errors import PermissionRefused
from jichitai.hub import files, heartbeat, landing, monitor, operations, push
from jichitai.hub.errors import HubError
from jichitai.hub.models import Subscription, WorkerHeartbeat

pytestmark = pytest.mark.django_db

KAIGO_MIXED = ("宛名番号,要介護度,認定開始日,認定終了日\n100000001,要介護2,2026-04-01,2027-03-31\n"
               "100000002,要介護9,2026-04-01,\n100000003,要支援1,2026-05-01,\n")


# --- the heartbeat and the alerts ------------------------------------------------------------------------

def test_the_page_says_when_the_relay_never_ran_stopped_or_hangs(make_staff: Any) -> None:
    """consistency: the worker's states as the page words them (never, running, late past the step's
    deadline, stopped cleanly)."""
    assert heartbeat.state().status == "never"
    assert any("動いた記録がありません" in a for a in monitor.alerts([]))
    worker = heartbeat.Worker(interval=5)
    worker.start()
    assert heartbeat.state().status == "running" and not any("中継処理" in a for a in monitor.alerts([]))
    worker.phase("分析基盤への蓄積")
    beat = WorkerHeartbeat.objects.get()
    assert beat.expected_by - beat.beat_at == heartbeat.ALLOWANCE["分析基盤への蓄積"]
    later = beat.expected_by + dt.timedelta(seconds=1)
    assert heartbeat.state(now=later).status == "late"
    assert any("応答が" in a and "分析基盤への蓄積の途中" in a for a in monitor.alerts([], now=later))
    worker.stop()
    assert heartbeat.state().status == "stopped"
    assert any("停止しました" in a for a in monitor.alerts([]))


def test_hub_run_once_beats_and_says_it_stopped(lake: Any) -> None:
    """consistency: ``jichitai hub run --once`` writes the heartbeat with its cycle's report, then stops."""
    call_command("hub", "run", "--once", "--no-refresh")
    beat = WorkerHeartbeat.objects.get()
    assert beat.cycles == 1 and beat.stopped_at is not None and set(beat.last_report) >= {"relayed", "landed"}


def test_the_page_shows_the_relay_behind_and_a_late_feed_in_words(login_as: Any, make_system: Any,
                                                                  make_event: Any) -> None:
    """independent: 住民記録標準仕様書 j1190 — 差分 linkage at most every 10 minutes; a subscriber 3 hours
    behind is late, said in hours, with the system's name and no internal code in the table."""
    system, _ = make_system(code="kaigo-x", feeds={"atena-delta": None})
    system.name = "介護保険システム（テスト）"
    system.save()
    e = make_event()
    from jichitai.hub.models import FeedEvent

    FeedEvent.objects.filter(pk=e.pk).update(relayed_at=timezone.now() - dt.timedelta(hours=3, minutes=5))
    Subscription.objects.create(system=system, feed=system.grants.get().feed, acked_cursor=e.pk - 1,
                                last_delivery_at=timezone.now() - dt.timedelta(minutes=3))
    heartbeat.Worker(interval=5).start()
    body = login_as("sysadmin").get("/hub/").content.decode()
    assert "介護保険システム（テスト）の「宛名連携（異動差分）」が3時間5分遅れています" in body
    assert "3分前" in body and ">1件<" in body.replace("</td>", "<").replace("<td>", ">")
    table = body[body.index("連携システムとフィード"):body.index("隔離ファイル</h2>")]
    assert "kaigo-x" not in table.split("<details>")[0]  # the code is not shown beside the name


# --- redelivery -------------------------------------------------------------------------------------------

@pytest.fixture
def receiver() -> Iterator[dict[str, Any]]:
    """A subscriber's push endpoint on 127.0.0.1 that records each batch it receives."""
    got: list[dict[str, Any]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            got.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return None

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_port}/hook", "got": got}
    server.shutdown()


def test_an_operator_redelivers_a_batch_to_a_push_subscriber(login_as: Any, make_system: Any, make_event: Any,
                                                              receiver: dict[str, Any]) -> None:
    """consistency: the chosen batch is sent again from its first event; audited with the reason; an auditor
    (who may look) may not do it."""
    system, _ = make_system(feeds={"atena-delta": None})
    events = [make_event(atena=f"50000000{i}") for i in range(3)]
    sub = Subscription.objects.create(system=system, feed=system.grants.get().feed, push_url=receiver["url"],
                                      push_secret="s")
    assert push.deliver_due() == 1 and len(receiver["got"]) == 1
    sub.refresh_from_db()
    assert sub.acked_cursor == events[-1].pk
    batch = operations.recent_batches(sub)[0]
    staff = login_as("sysadmin")
    r = staff.post(f"/hub/subscriptions/{sub.pk}/redeliver", {"batch": batch.seq, "reason": "受信側の障害復旧"})
    assert r.status_code == 302
    sub.refresh_from_db()
    assert sub.acked_cursor == events[0].pk - 1
    assert push.deliver_due() == 1
    assert [e["cursor"] for e in receiver["got"][1]["events"]] == [e.pk for e in events]
    entry = AuditEntry.objects.filter(action="hub.operate").latest("seq")
    assert entry.detail["operation"] == "redeliver" and entry.detail["reason"] == "受信側の障害復旧"
    auditor = login_as("auditor")
    assert auditor.post(f"/hub/subscriptions/{sub.pk}/redeliver", {"batch": batch.seq, "reason": "x"}).status_code == 403


def test_redelivery_needs_a_reason_and_a_push_subscriber(make_staff: Any, make_system: Any, make_event: Any) -> None:
    """consistency: a PULL subscriber is told to ask again with after=; no reason, no action."""
    from jichitai.hub import feeds

    admin = make_staff(roles=["sysadmin"])
    system, _ = make_system(feeds={"atena-delta": None})
    e = make_event()
    feeds.pull(system, "atena-delta", 0, 10)
    sub = Subscription.objects.get(system=system)
    seq = operations.recent_batches(sub)[0].seq
    with pytest.raises(HubError, match="理由"):
        operations.redeliver(admin, sub.pk, seq, " ")
    with pytest.raises(HubError, match=f"after={e.pk - 1}"):
        operations.redeliver(admin, sub.pk, seq, "再取得")
    with pytest.raises(PermissionRefused):
        operations.redeliver(make_staff(roles=["counter"]), sub.pk, seq, "再取得")


# --- quarantined files ------------------------------------------------------------------------------------

def test_release_accepts_the_valid_rows_and_lands_them(login_as: Any, make_system: Any, lake: Any) -> None:
    """consistency: 解除 hands over the rows that passed validation, leaves the bad line out (still listed),
    records who decided and why, and the file lands like an accepted one."""
    system, _ = make_system(feeds={"kaigo-nintei": None})
    f = files.receive(system, "kaigo-nintei", "mixed.csv", KAIGO_MIXED.encode()).file
    assert f.status == "quarantined" and landing.land_files() == 0
    staff = login_as("sysadmin")
    page = staff.get("/hub/").content.decode()
    assert "mixed.csv" in page and "解除" in page and "却下" in page
    r = staff.post(f"/hub/quarantine/{f.pk}/release", {"reason": "1行の誤りは送信元に別途訂正を依頼"}, follow=True)
    assert "2行を受け付けました" in r.content.decode(), r.content.decode()[r.content.decode().find("messages"):][:600]
    f.refresh_from_db()
    assert (f.status, f.rows, f.decision_reason) == ("accepted", 2, "1行の誤りは送信元に別途訂正を依頼")
    assert [p["line"] for p in f.problems] == [3]
    assert landing.land_files() == 1
    levels = sorted(lake.load_table("standard.kaigo_nintei").scan().to_arrow()["level"].to_pylist())
    assert levels == ["要介護2", "要支援1"]
    entry = AuditEntry.objects.filter(action="hub.operate", resource=f"hub.file:{f.pk}").get()
    assert entry.detail["operation"] == "release" and entry.detail["excluded_lines"] == 1
    again = staff.post(f"/hub/quarantine/{f.pk}/release", {"reason": "二度目"}, follow=True).content.decode()
    assert "隔離中のファイルではありません" in again


def test_reject_refuses_the_file_for_good_and_the_sender_sees_it(client: Any, login_as: Any,
                                                                 make_system: Any) -> None:
    """consistency: 却下 leaves nothing used; GET /files/{id} tells the sender; a reason is required."""
    system, key = make_system(feeds={"kaigo-nintei": None})
    f = files.receive(system, "kaigo-nintei", "mixed.csv", KAIGO_MIXED.encode()).file
    staff = login_as("sysadmin")
    no_reason = staff.post(f"/hub/quarantine/{f.pk}/reject", {"reason": ""}, follow=True).content.decode()
    assert "理由を入力してください" in no_reason
    staff.post(f"/hub/quarantine/{f.pk}/reject", {"reason": "様式が旧版"})
    f.refresh_from_db()
    assert f.status == "rejected" and landing.land_files() == 0
    status = client.get(f"/api/hub/files/{f.pk}", headers={"X-Hub-Key": key}).json()
    assert status["status"] == "rejected"
    assert "様式が旧版" in staff.get("/hub/").content.decode()


# --- DR ---------------------------------------------------------------------------------------------------

def test_the_dr_page_says_when_dr_is_not_set_up(login_as: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """consistency: read-only; without a DR root it says how to set one up (no error)."""
    monkeypatch.setenv("JICHITAI_DR_ROOT", str(tmp_path / "no-dr"))
    body = login_as("auditor").get("/hub/dr/").content.decode()
    assert "災害対策の構成がありません" in body and "jichitai dr init" in body
    assert login_as("counter").get("/hub/dr/").status_code == 403
