"""The disaster drill, shortened, on two real PostgreSQL 15 clusters; and the operator's commands.

Slow (about half a minute each) but part of `make test`. No timed assertions: RTO is reported, not asserted.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import uuid
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command

from jichitai.dr import backup, drill, regions
from jichitai.dr import postgres as pg
from jichitai.dr.errors import DrError

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _processes_under(root: Path) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if str(root) in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(entry.name))
    return found


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as a server binds: only a listener blocks
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.fixture
def root() -> Iterator[Path]:
    path = regions.DEFAULT_BASE / f"test-{uuid.uuid4().hex[:8]}"
    yield path
    # belt and braces: whatever the test did, nothing of it survives
    if (path / "topology.yaml").exists():
        from jichitai.dr import replication

        replication.teardown(regions.load(path), remove=True)
    for pid in _processes_under(path):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 9)


def test_drill_kills_the_primary_under_load_and_loses_nothing(root: Path) -> None:
    report = drill.run(drill.DrillOptions(threads=3, warmup=5.0, after=4.0, root=root))
    assert report.error == "", report.steps
    check = report.failover_check
    assert report.acknowledged > 0
    assert report.rpo_writes == 0  # synchronous: no acknowledged 異動 lost
    assert check["duplicated_count"] == 0 and check["partial_count"] == 0
    assert check["history_gaps_count"] == 0 and check["current_mismatch_count"] == 0
    assert check["outbox_missing"] == 0 and check["undelivered"] == 0
    assert check["audit_ok"]
    assert report.rto_s is not None  # the load got writes accepted by osaka
    assert any(op["phase"] == "failover" for op in report.steps)
    assert report.lake["same"]
    assert report.failback["ok"] and report.failback["method"] == "pg_rewind"
    assert report.pitr["ok"] and report.pitr["acknowledged_before_target"] > 0
    assert report.pitr["check"]["after_target_present_count"] == 0
    assert report.ok
    assert not root.exists() and not _processes_under(root)
    assert all(_port_free(p) for p in report.ports.values())


def test_drill_cleans_up_when_a_step_fails(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_topology: regions.Topology, _kind: str = "full") -> backup.BaseBackup:
        raise DrError("disk full", code="dr_test")

    monkeypatch.setattr(backup, "take", broken)
    report = drill.run(drill.DrillOptions(threads=1, warmup=1.0, after=1.0, root=root))
    assert "disk full" in report.error and not report.ok
    assert not root.exists() and not _processes_under(root)
    assert all(_port_free(p) for p in report.ports.values())


def test_operator_commands_init_status_failover_failback_backup_restore(root: Path) -> None:
    def dr(*args: str) -> str:
        out = StringIO()
        call_command("dr", "--root", str(root), *args, stdout=out)
        return out.getvalue()

    dr("init")
    status = json.loads(dr("status", "--json"))
    assert status["healthy"] and status["primary"] == "tokyo"
    assert {r["name"]: r["role"] for r in status["regions"]} == {"tokyo": "primary", "osaka": "standby"}
    assert next(r for r in status["regions"] if r["name"] == "osaka")["sync_state"] == "sync"
    topology = regions.load(root)
    tokyo, osaka = topology.regions
    # pgBackRest: a full backup, an incremental on top of it, two more fulls; retention keeps two fulls per
    # repository (retention_full = 2) and expires the first full with the incremental that depends on it
    assert "full backup" in dr("backup") and "大阪" in dr("backups")
    assert "incr backup" in dr("backup", "--type", "incr")
    first = backup.catalogue(topology)
    assert [b.kind for b in first] == ["full", "incr"] and {b.stored_in for b in first} == {"osaka"}
    assert first[1].label.startswith(first[0].label)  # the incremental names the full it depends on
    dr("backup")
    dr("backup")
    kept = backup.catalogue(topology)
    assert [b.kind for b in kept] == ["full", "full"] and not {b.label for b in first} & {b.label for b in kept}
    dr("failover")
    status = json.loads(dr("status", "--json"))
    assert status["primary"] == "osaka" and status["fenced"] == ["tokyo"]
    assert status["target_url"] == osaka.url()
    # the fenced region comes back read-only, refusing the application's role
    pg.start(tokyo)
    with pytest.raises(psycopg.OperationalError, match="reject"):
        psycopg.connect(tokyo.conninfo(topology.database, user="jichitai")).close()
    assert pg.query(tokyo, "SELECT pg_is_in_recovery()")[0][0] is True
    pg.stop(tokyo)
    dr("failback")
    status = json.loads(dr("status", "--json"))
    assert status["healthy"] and status["standby"] == "tokyo"
    # osaka is primary now: its backups go into tokyo's repository, and a restore takes the newest
    assert "東京" in dr("backup")
    assert backup.catalogue(topology)[-1].stored_in == "tokyo"
    assert "history rows" in dr("restore")
    dr("down")
    assert not root.exists()
