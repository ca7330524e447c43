"""The drill's checker finds what it is there to find: a lost, a doubled and a gapped 異動."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from jichitai.dr import checks
from jichitai.dr.load import Worker, drill_towns

pytestmark = pytest.mark.postgres


class _Journal:
    def __init__(self) -> None:
        self.lines: list[dict[str, Any]] = []

    def write(self, **record: Any) -> None:
        self.lines.append(record)


def _record(tmp_path: Path, n: int) -> tuple[Path, list[dict[str, Any]], Worker]:
    """Apply ``n`` drill operations through the registry service and journal them as the load does."""
    from jichitai.registry import services

    services.load_towns(drill_towns())
    journal = _Journal()
    worker = Worker("t1", 0, journal, None, seed=7)  # type: ignore[arg-type]
    actor = services.SystemActor("dr-test")
    for _ in range(n):
        op, cmd, persons = worker.command()
        t0 = time.time()
        applied = services.apply(cmd, actor=actor)
        journal.write(w=0, seq=worker.seq, note=cmd.note, op=op, persons=persons, start=t0, status="ack",
                      end=time.time(), change_id=applied.change_id, atena=applied.atena_numbers)
        if op == "move_in":
            worker.households.append(applied.atena_numbers)
    path = tmp_path / "journal.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in journal.lines), encoding="utf-8")
    return path, journal.lines, worker


def test_a_clean_history_passes(db: Any, tmp_path: Path) -> None:
    path, lines, _ = _record(tmp_path, 12)
    report = checks.verify(path, run_id="t1")
    assert report.ok, report.as_dict()
    assert report.acknowledged == 12 and not report.lost
    assert {op["op"] for op in lines} == {"move_in", "move_within"}
    assert report.audit_ok and report.outbox_events >= 12 and report.undelivered == 0


def test_an_acknowledged_but_missing_change_is_lost(db: Any, tmp_path: Path) -> None:
    path, lines, _ = _record(tmp_path, 3)
    ghost = {**lines[0], "note": "drill:t1:0:999", "seq": 999}
    path.write_text(path.read_text() + json.dumps(ghost) + "\n", encoding="utf-8")
    report = checks.verify(path, run_id="t1")
    assert report.lost == ["drill:t1:0:999"]
    assert not report.ok


def test_a_change_recorded_twice_is_duplicated(db: Any, tmp_path: Path) -> None:
    from jichitai.registry import services

    path, lines, worker = _record(tmp_path, 2)
    worker.households.clear()  # the next command is a 転入
    _op, cmd, _persons = worker.command()
    services.apply(cmd, actor=services.SystemActor("dr-test"))
    # a retry after a lost answer: the 4-fact check refuses a blind one now (住基法第8条; tests/registry/
    # test_double_registration.py), so the duplicate the check must find is one pushed through the warning
    services.apply(cmd, actor=services.SystemActor("dr-test"), override_duplicate=True)
    path.write_text(path.read_text() + json.dumps({**lines[0], "note": cmd.note, "status": "indoubt"}) + "\n",
                    encoding="utf-8")
    report = checks.verify(path, run_id="t1")
    assert report.duplicated == [cmd.note]


def test_a_history_gap_and_a_missing_outbox_event_are_found(db: Any, tmp_path: Path) -> None:
    from jichitai.registry.models import OutboxEvent, ResidentHistory

    path, lines, _ = _record(tmp_path, 6)
    moved = next(op for op in lines if op["op"] == "move_within")
    atena = moved["atena"][0]
    # bypass the append-only guard the way a broken restore would: a raw copy with a skipped number
    row = ResidentHistory.objects.filter(atena_number=atena).order_by("-history_no").first()
    assert row is not None
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                    [ResidentHistory._meta.db_table])
        triggers = cur.fetchone()[0]
        if triggers:
            cur.execute(f"ALTER TABLE {ResidentHistory._meta.db_table} DISABLE TRIGGER USER")
        cur.execute(f"UPDATE {ResidentHistory._meta.db_table} SET history_no = history_no + 5 WHERE id = %s",
                    [row.pk])
        if triggers:
            cur.execute(f"ALTER TABLE {ResidentHistory._meta.db_table} ENABLE TRIGGER USER")
    OutboxEvent.objects.filter(change_id=moved["change_id"]).delete()
    report = checks.verify(path, run_id="t1")
    assert any(g.startswith(atena) for g in report.history_gaps)
    assert report.outbox_missing >= 1
    assert not report.ok
