"""The 宛名 extract placed as a file on object storage (issue 23: the outgoing ファイル連携).

共通機能標準仕様書 §2.2 (庁内データ連携, ../shared/reference/standards-2026.md §1): data is handed over by a PULL
REST API or as CSV files placed on object storage. The hub places each granted system's 宛名 extract under
``out/{system}/atena-extract/`` of its file store — the same item filtering, 支援措置 withholding, signed
message-log entry and audit as ``GET /api/hub/extracts/atena`` (one code path, :mod:`jichitai.hub.extracts`) — and
keeps the system's cursor, which moves only once the file is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from jichitai.audit.models import AuditEntry
from jichitai.hub import extracts, filestore, messagelog, monitor
from jichitai.hub.errors import FeedRefused
from jichitai.hub.models import ExchangedFile, MessageLogEntry, Subscription
from tests.hub.objectstore import Bucket

pytestmark = pytest.mark.django_db

ADDRESS_COLUMNS = ("区コード", "町字コード", "番地", "方書", "郵便番号")


def _rows(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode())))


def _folder(root: Path, code: str) -> Path:
    return root / "out" / code / "atena-extract"


def _later(minutes: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=minutes)


def test_a_system_gets_a_full_file_then_deltas_in_its_own_folder(on_folder: Path, make_system: Any,
                                                                  make_event: Any, client: Any) -> None:
    """independent (§2.2: CSV files on object storage; the 全件 then 差分 of 宛名連携): the first file is a 全件,
    the next a 差分 of what came after it. consistency: the placed bytes are what the HTTP path renders with the
    same grant, only the granted items are filled, the receipt beside the file verifies against it with the
    hub's public key, and the system reads the file's record at ``GET /files/{id}``."""
    system, key = make_system(code="kokuho-x", feeds={"atena-extract": ["basic", "name"]})
    first = make_event("100000001")
    make_event("100000002")
    assert extracts.place_due().placed == 1
    sub = Subscription.objects.get(system=system, feed__code="atena-extract")
    last = sub.delivered_cursor
    full = _folder(on_folder, "kokuho-x") / f"atena_full_{last:012d}.csv"
    body = full.read_bytes()
    rendered = io.BytesIO()
    extracts.render(system, rendered, "full")
    assert body == rendered.getvalue()
    rows = _rows(body)
    assert [r["宛名番号"] for r in rows] == ["100000001", "100000002"] and rows[0]["氏名"] == "神戸 花子"
    assert all(r["番地"] == "" and r["生年月日"] == "" for r in rows)  # not granted
    placed = json.loads(full.with_name(full.name + ".receipt.json").read_text())
    assert placed["rows"] == 2 and placed["last_cursor"] == last
    assert messagelog.verify_receipt(placed["receipt"], messagelog.public_key_pem(), body)
    f = ExchangedFile.objects.get(pk=placed["file_id"])
    assert (f.direction, f.mode, f.status, f.stored_path, f.log_seq) == (
        "out", "full", "placed", str(full), placed["receipt"]["seq"])
    assert client.get(f"/api/hub/files/{f.pk}", headers={"X-Hub-Key": key}).json()["status"] == "placed"
    assert AuditEntry.objects.filter(action="hub.file.fetch", detail__file_id=f.pk,
                                     detail__placed=str(full)).exists()

    make_event("100000001", kind="move_within", banchi="9")
    assert extracts.place_due().placed == 0  # the last file is younger than the interval (10 minutes)
    assert extracts.place_due(now=_later(11)).placed == 1
    delta = _folder(on_folder, "kokuho-x") / f"atena_delta_{last:012d}.csv"
    rows = _rows(delta.read_bytes())
    assert [(r["宛名番号"], r["異動事由"]) for r in rows] == [("100000001", "move_within")]
    sub.refresh_from_db()
    assert sub.delivered_cursor == int(rows[0]["カーソル"]) > last > first.pk


def test_the_worker_places_the_delta_at_the_interval_the_city_set(on_folder: Path, make_system: Any,
                                                                   make_event: Any, settings: Any) -> None:
    """independent (住民記録システム標準仕様書 j1190: 準リアルタイム, 「10分以内おき」, the city choosing the timing):
    with ``JICHITAI_HUB_EXTRACT_MINUTES=3`` the worker's turn places the 差分 once the last file is 3 minutes old,
    not before."""
    import dataclasses

    settings.CONFIG = dataclasses.replace(settings.CONFIG, hub_extract_minutes=3)
    make_system(code="kokuho-x", feeds={"atena-extract": None})
    make_event("100000001")
    assert extracts.place_due().placed == 1
    make_event("100000002")
    assert extracts.place_due(now=_later(2)).placed == 0
    assert extracts.place_due(now=_later(4)).placed == 1


def test_a_rerun_with_nothing_new_places_nothing(on_folder: Path, make_system: Any, make_event: Any) -> None:
    """consistency (our decision, docs/hub.md): a 差分 with no event after the cursor is not placed — no empty
    file, no message-log entry, no record; the cursor stays."""
    make_system(code="kokuho-x", feeds={"atena-extract": None})
    make_event()
    extracts.place_due()
    before = (ExchangedFile.objects.count(), MessageLogEntry.objects.count(),
              sorted(p.name for p in _folder(on_folder, "kokuho-x").iterdir()))
    assert extracts.place_due(now=_later(11)).placed == 0
    call_command("hub", "place-extracts")
    assert before == (ExchangedFile.objects.count(), MessageLogEntry.objects.count(),
                      sorted(p.name for p in _folder(on_folder, "kokuho-x").iterdir()))


def test_the_cursor_moves_only_when_the_file_is_written(on_folder: Path, make_system: Any, make_event: Any,
                                                       monkeypatch: pytest.MonkeyPatch, login_as: Any) -> None:
    """consistency: a store that fails in the middle of the file (the disk filled after the first chunks)
    leaves the cursor, the message log and the file records as they were, nothing under the system's folder nor
    in staging/, the reservation released; it audits the failure and tells the operator. A store that took the
    CSV but not its receipt is the same (nothing recorded) and the next placement replaces that CSV under the
    same name, not a second copy."""
    system, _ = make_system(code="kokuho-x", feeds={"atena-extract": None})
    system.name = "国民健康保険システム（テスト）"
    system.save()
    for n in range(5):
        make_event(f"10000000{n}")
    monkeypatch.setattr(extracts, "CHUNK", 2)  # 3 chunks: the write fails at the second
    real_write = filestore._LocalStaged.write
    written: list[int] = []

    def full_disk(self: Any, data: bytes) -> None:
        written.append(len(data))
        if len(written) % 2 == 0:
            raise OSError(28, "No space left on device")
        real_write(self, data)

    monkeypatch.setattr(filestore._LocalStaged, "write", full_disk)
    logged = MessageLogEntry.objects.count()
    assert (extracts.place_due().placed, extracts.place_due().failed) == (0, 1)
    assert len(written) == 4  # each attempt wrote a chunk and failed at the next
    sub = Subscription.objects.get(system=system)
    assert (sub.delivered_cursor, sub.last_delivery_at, sub.failures, sub.placing_token) == (0, None, 2, "")
    assert not ExchangedFile.objects.exists() and MessageLogEntry.objects.count() == logged
    assert not _folder(on_folder, "kokuho-x").exists() and not any((on_folder / "staging").iterdir())
    monkeypatch.setattr(filestore._LocalStaged, "write", real_write)
    real = filestore.LocalStore.put
    assert AuditEntry.objects.filter(action="hub.file.fetch", outcome="failed", actor="system:kokuho-x").count() == 2
    body = login_as("sysadmin").get("/hub/").content.decode()
    assert "国民健康保険システム（テスト）への「宛名連携ファイル（標準CSV）」の配置が2回続けて失敗しています" in body

    def no_receipt(self: Any, kind: str, name: str, data: bytes) -> str:
        if name.endswith(".receipt.json"):
            raise OSError(5, "Input/output error")
        return real(self, kind, name, data)

    monkeypatch.setattr(filestore.LocalStore, "put", no_receipt)
    assert extracts.place_due().failed == 1
    orphan = list(_folder(on_folder, "kokuho-x").glob("*.csv"))
    assert len(orphan) == 1 and not ExchangedFile.objects.exists()
    sub.refresh_from_db()
    assert sub.delivered_cursor == 0

    monkeypatch.setattr(filestore.LocalStore, "put", real)
    assert extracts.place_due().placed == 1
    sub.refresh_from_db()
    f = ExchangedFile.objects.get()
    assert sub.failures == 0 and sub.delivered_cursor > 0 and f.stored_path == str(orphan[0])
    assert sorted(p.name for p in _folder(on_folder, "kokuho-x").iterdir()) == [orphan[0].name,
                                                                                 orphan[0].name + ".receipt.json"]
    assert "配置が" not in "".join(monitor.alerts(monitor.systems_overview()))


def test_a_supported_persons_address_is_withheld_in_the_placed_file(on_folder: Path, make_system: Any,
                                                                    make_event: Any,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """independent: 住民基本台帳事務処理要領 第5-10 (DV等支援措置) and docs/security.md — the 宛名 extract gives a
    system without the right no address item of a supported person, whichever chunk of the streamed file the
    person falls in; the withholding is audited. A system with the right gets it."""
    make_system(code="plain-x", feeds={"atena-extract": None})
    make_system(code="entitled-x", feeds={"atena-extract": None}, supported=True)
    for n in range(7):  # in 4 chunks of 2: the supported people in the first and second, withheld on each chunk
        make_event(f"30000000{n}", support_measure=n in (1, 3))
    monkeypatch.setattr(extracts, "CHUNK", 2)
    assert extracts.place_due().placed == 2
    for code, withheld in (("plain-x", True), ("entitled-x", False)):
        (path,) = _folder(on_folder, code).glob("*.csv")
        rows = {r["宛名番号"]: r for r in _rows(path.read_bytes())}
        assert len(rows) == 7 and rows["300000002"]["番地"] == "1-2-3" and rows["300000006"]["番地"] == "1-2-3"
        for supported in ("300000001", "300000003"):
            assert rows[supported]["氏名"] == "神戸 花子"
            assert all((rows[supported][c] == "") == withheld for c in ADDRESS_COLUMNS), code
    for supported in ("300000001", "300000003"):
        assert AuditEntry.objects.filter(actor="system:plain-x", resource=f"resident:{supported}",
                                         outcome="withheld").exists()
    assert not AuditEntry.objects.filter(actor="system:entitled-x", outcome="withheld").exists()


def test_only_granted_active_systems_get_a_file_and_a_full_on_request(on_folder: Path, make_system: Any,
                                                                     make_event: Any) -> None:
    """consistency: the grant decides (``allowed`` through the feed's grant, a refusal audited); a stopped system
    gets nothing; ``jichitai hub place-extracts --full --system`` places a 全件 at once, whatever the interval."""
    granted, _ = make_system(code="kokuho-x", feeds={"atena-extract": None})
    other, _ = make_system(code="other-x", feeds={"atena-delta": None})
    make_system(code="stopped-x", feeds={"atena-extract": None}, active=False)
    make_event()
    with pytest.raises(FeedRefused):
        extracts.place(other)
    assert AuditEntry.objects.filter(actor="system:other-x", outcome="refused").exists()
    assert extracts.place_due().placed == 1
    assert not (on_folder / "out" / "stopped-x").exists() and not (on_folder / "out" / "other-x").exists()
    make_event("100000009")
    call_command("hub", "place-extracts", "--full", "--system", "kokuho-x")
    assert len(list(_folder(on_folder, "kokuho-x").glob("atena_full_*.csv"))) == 2
    assert ExchangedFile.objects.filter(system=granted, mode="full", status="placed").count() == 2


def test_the_file_is_placed_in_the_bucket_and_the_system_deletes_it(on_s3: Bucket, make_system: Any,
                                                                   make_event: Any) -> None:
    """independent of our layout, from the standard's text: ファイル連携 hands CSV files over on object storage.
    consistency: the objects land under ``out/{system}/atena-extract/`` of the bucket, readable and deletable by
    the system (here with its own S3 client); the next 差分 continues from the hub's cursor."""
    make_system(code="kokuho-x", feeds={"atena-extract": None})
    make_event("100000001")
    assert extracts.place_due().placed == 1
    # moved whole to its key (pyarrow leaves a folder marker behind)
    assert [k for k in on_s3.objects() if "/staging/" in k] == ["jichitai/staging/"]
    objects = {k: v for k, v in on_s3.objects().items() if "/out/" in k}
    (csv_key,) = [k for k in objects if k.endswith(".csv")]
    assert csv_key.startswith("jichitai/out/kokuho-x/atena-extract/atena_full_")
    receipt = json.loads(objects[csv_key + ".receipt.json"])
    assert messagelog.verify_receipt(receipt["receipt"], messagelog.public_key_pem(), objects[csv_key])
    assert ExchangedFile.objects.get().stored_path == f"s3://{on_s3.name}/{csv_key}"
    for key in objects:
        on_s3.delete(key)
    make_event("100000002")
    assert extracts.place_due(now=_later(11)).placed == 1
    (delta,) = [k for k in on_s3.objects() if k.endswith(".csv")]
    assert [r["宛名番号"] for r in _rows(on_s3.objects()[delta])] == ["100000002"]
    assert delta.endswith(f"atena_delta_{receipt['last_cursor']:012d}.csv")


def test_the_hub_page_shows_the_last_placed_file_and_its_age(on_folder: Path, make_system: Any, make_event: Any,
                                                            login_as: Any) -> None:
    """consistency: per system the last placed file by name and its age in words (「2時間前」), and 「まだ配置して
    いません」 for a system that has none yet."""
    system, _ = make_system(code="kokuho-x", feeds={"atena-extract": None})
    system.name = "国民健康保険システム（テスト）"
    system.save()
    make_system(code="kaigo-x", feeds={"atena-extract": None}, active=False)
    make_event()
    extracts.place_due()
    f = ExchangedFile.objects.get()
    ExchangedFile.objects.filter(pk=f.pk).update(at=timezone.now() - dt.timedelta(hours=2, minutes=10))
    body = login_as("sysadmin").get("/hub/").content.decode()
    table = body[body.index("連携システムとフィード"):body.index("隔離ファイル</h2>")]
    row = table[table.index("国民健康保険システム（テスト）"):]
    assert f"最新のファイル：{f.filename}" in row and "2時間前" in row.split("</tr>")[0]
    assert "まだ配置していません" in table


def test_a_placer_that_died_blocks_the_next_only_until_its_reservation_lapses(on_folder: Path, make_system: Any,
                                                                              make_event: Any) -> None:
    """consistency (our design, docs/hub.md): a placement that died in the middle of its file (reserved, half a
    CSV in staging/, nothing recorded) holds its system's placement while its reservation is live — another
    placer is told so and writes nothing (no second placement of the same 差分) — and once it has lapsed the
    next placement takes over, deletes the dead one's staged object and places the file."""
    system, _ = make_system(code="kokuho-x", feeds={"atena-extract": None})
    make_event("100000001")
    sub = extracts._subscription(extracts.granted(system, extracts.FEED, "hub.file.fetch"))
    dead = extracts._reserve(sub)
    assert dead is not None
    staged = filestore.store().stage(dead.token)
    staged.write("宛名番号,half".encode())
    staged.out.close()  # type: ignore[attr-defined]  # the process is gone
    assert [p.name for p in (on_folder / "staging").iterdir()] == [f"{dead.token}.part"]

    report = extracts.place_due()
    assert (report.placed, report.busy, report.failed) == (0, 1, 0)
    out = StringIO()
    call_command("hub", "place-extracts", stdout=out)
    assert "ほかの処理が配置中のため見送り 1件" in out.getvalue()
    assert not ExchangedFile.objects.exists() and not _folder(on_folder, "kokuho-x").exists()

    Subscription.objects.filter(pk=sub.pk).update(placing_until=timezone.now() - dt.timedelta(seconds=1))
    assert extracts.place_due().placed == 1
    assert not any((on_folder / "staging").iterdir())
    f = ExchangedFile.objects.get()
    sub.refresh_from_db()
    assert sub.placing_token == "" and sub.delivered_cursor > 0
    assert [r["宛名番号"] for r in _rows(Path(f.stored_path).read_bytes())] == ["100000001"]


def test_a_placement_that_lost_its_reservation_records_nothing(on_folder: Path, make_system: Any, make_event: Any,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """consistency: a placer that stalled past its reservation while writing (another took over and placed the
    same 差分) stops at its next chunk and records nothing but an audit entry saying so: one file, one
    message-log entry, one cursor move, and the CSV under the name is the one its receipt signs."""
    system, _ = make_system(code="kokuho-x", feeds={"atena-extract": None})
    for n in range(5):
        make_event(f"10000000{n}")
    monkeypatch.setattr(extracts, "CHUNK", 2)
    real_write = filestore._LocalStaged.write
    taken_over: list[Any] = []

    def stall_then_write(self: Any, data: bytes) -> None:
        if not taken_over:  # the first placer's first chunk: it stalls, its reservation lapses, another places
            taken_over.append(None)
            Subscription.objects.filter(system=system).update(placing_until=timezone.now() - dt.timedelta(seconds=1))
            taken_over[0] = extracts.place(system)
        real_write(self, data)

    monkeypatch.setattr(filestore._LocalStaged, "write", stall_then_write)
    logged = MessageLogEntry.objects.count()
    assert extracts.place(system) is None
    other = taken_over[0]
    assert other is not None and ExchangedFile.objects.get() == other.file
    assert MessageLogEntry.objects.count() == logged + 1
    sub = Subscription.objects.get(system=system)
    assert (sub.delivered_cursor, sub.delivered_events, sub.placing_token) == (other.receipt["last_cursor"], 5, "")
    body = Path(other.file.stored_path).read_bytes()
    assert messagelog.verify_receipt(other.receipt, messagelog.public_key_pem(), body) and len(_rows(body)) == 5
    assert not any((on_folder / "staging").iterdir())
    assert AuditEntry.objects.filter(action="hub.file.fetch", outcome="failed", actor="system:kokuho-x",
                                     detail__reason="superseded").count() == 1


def test_a_placement_taken_over_after_its_last_chunk_records_nothing(on_folder: Path, make_system: Any,
                                                                    make_event: Any,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """consistency: the commit checks the reservation again under the row lock — a placer whose reservation was
    taken over after its last chunk was written (no renewal left to notice) discards its staged file and
    records nothing; the CSV under the name is the other placement's, signed by its receipt."""
    system, _ = make_system(code="kokuho-x", feeds={"atena-extract": None})
    make_event("100000001")
    real_render = extracts.render
    other: list[Any] = []

    def render_then_lose(*args: Any, **kwargs: Any) -> Any:
        x = real_render(*args, **kwargs)
        if not other:  # the first placer, done writing: its reservation lapses and another places first
            other.append(None)
            Subscription.objects.filter(system=system).update(placing_until=timezone.now() - dt.timedelta(seconds=1))
            make_event("100000002")  # the other's file differs: the first one's bytes must not end up anywhere
            other[0] = extracts.place(system)
        return x

    monkeypatch.setattr(extracts, "render", render_then_lose)
    assert extracts.place(system) is None
    placed = other[0]
    assert placed is not None and ExchangedFile.objects.get() == placed.file
    body = Path(placed.file.stored_path).read_bytes()
    assert [r["宛名番号"] for r in _rows(body)] == ["100000001", "100000002"]
    assert messagelog.verify_receipt(placed.receipt, messagelog.public_key_pem(), body)
    assert not any((on_folder / "staging").iterdir())
    assert Subscription.objects.get(system=system).placing_token == ""


@pytest.mark.django_db(transaction=True)
def test_no_lock_is_held_while_the_file_is_written(on_folder: Path, make_system: Any, make_event: Any,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """consistency (docs/hub.md, the three steps of a placement): while each chunk of the CSV is written, another
    connection takes the message log's head and the subscription's row at once (``FOR UPDATE NOWAIT``): the
    other deliveries and file receipts go on, and the locks cover only the bookkeeping. Before, the file was
    written after the log entry, under its lock, until the commit."""
    import psycopg
    from django.db import connection

    system, _ = make_system(code="kokuho-x", feeds={"atena-extract": None})
    for n in range(5):
        make_event(f"10000000{n}")
    messagelog.append(kind="feed_pull", direction="out", sender=messagelog.HUB, receiver="kokuho-x",
                      reference="head", payload=b"")  # the head row exists
    sub = extracts._subscription(extracts.granted(system, extracts.FEED, "hub.file.fetch"))
    monkeypatch.setattr(extracts, "CHUNK", 2)
    real_write = filestore._LocalStaged.write
    db = connection.settings_dict
    probes: list[tuple[bool, bool]] = []

    def write_and_probe(self: Any, data: bytes) -> None:
        real_write(self, data)
        with psycopg.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or None,
                             password=db["PASSWORD"] or None) as other:
            taken = []
            for sql, arg in (("SELECT 1 FROM audit_chainhead WHERE name = %s FOR UPDATE NOWAIT", messagelog.CHAIN),
                             ("SELECT 1 FROM hub_subscription WHERE id = %s FOR UPDATE NOWAIT", sub.pk)):
                try:
                    taken.append(other.execute(sql, [arg]).fetchone() == (1,))
                except psycopg.errors.LockNotAvailable:
                    taken.append(False)
                other.rollback()
            probes.append((taken[0], taken[1]))

    monkeypatch.setattr(filestore._LocalStaged, "write", write_and_probe)
    placed = extracts.place(system)
    assert placed is not None and placed.file.rows == 5
    assert probes == [(True, True)] * 3  # three chunks of 2, each written with nothing locked
