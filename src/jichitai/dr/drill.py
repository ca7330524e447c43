"""The drill: a disaster under load, with the numbers a city promises its residents measured.

1. build two fresh regions (tokyo primary, osaka standby) on free ports, migrate the schema on tokyo;
2. take "last night's" base backup;
3. start the load (`jichitai dr load`, several counter threads through ``registry.services.apply``);
4. replicate a lake table to osaka while the load runs;
5. SIGKILL tokyo's postmaster; a health probe notices; `failover` promotes osaka, fences tokyo and
   rewrites the connection target; the load reconnects by itself and carries on;
6. check on osaka: every acknowledged 異動 exactly once, 履歴番号 without gaps, outbox delivered, audit chain;
   RPO = acknowledged 異動 lost, RTO = seconds from the kill to the first 異動 acknowledged by osaka;
7. fail back: pg_rewind tokyo into osaka's standby; check it has every row;
8. hand the city its data from the surviving region alone: the full standard CSV of residents written from
   osaka, timed (the national 非機能要件: within 72 hours of a disaster);
9. point-in-time restore of the nightly backup (pgBackRest, from osaka's repository) to a moment during the
   load; the same checks up to it.

Everything runs in a throw-away DR root; clusters are stopped and the root removed even when a step fails.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
from pyiceberg.exceptions import NoSuchTableError
from pyiceberg.schema import Schema
from pyiceberg.types import LongType, NestedField, StringType

from jichitai.dr import backup, lake, regions, replication
from jichitai.dr import postgres as pg
from jichitai.dr.errors import DrError
from jichitai.dr.load import read_journal
from jichitai.dr.regions import Mode, Region, Topology

Progress = Callable[[str, str], None]


def _silent(_phase: str, _detail: str) -> None:
    return None


@dataclass
class DrillOptions:
    mode: Mode = "sync"
    threads: int = 4
    warmup: float = 10.0  # seconds of load before the disaster
    after: float = 10.0  # seconds of load on the new primary
    failback: bool = True
    pitr: bool = True
    handover: bool = True
    lake: bool = True
    keep: bool = False
    root: Path | None = None
    seed: int = 1


@dataclass
class DrillReport:
    run_id: str
    mode: str
    threads: int
    root: str
    ports: dict[str, int]
    started_at: str
    acknowledged: int = 0
    indoubt: int = 0
    refused: int = 0
    throughput_before: float = 0.0  # acknowledged 異動/s before the kill
    lag_bytes_max: int = 0  # standby replay lag sampled during the load (the async loss bound)
    lag_bytes_last: int = 0
    killed_at: float = 0.0
    detected_s: float = 0.0
    failover_s: float = 0.0
    rto_s: float | None = None
    rpo_writes: int | None = None
    failover_check: dict[str, Any] = field(default_factory=dict)
    lake: dict[str, Any] = field(default_factory=dict)
    failback: dict[str, Any] = field(default_factory=dict)
    handover: dict[str, Any] = field(default_factory=dict)
    pitr: dict[str, Any] = field(default_factory=dict)
    steps: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        if self.error or not self.failover_check.get("ok_except_loss"):
            return False
        if self.mode == "sync" and self.rpo_writes != 0:
            return False
        if self.lake and not self.lake.get("same"):
            return False
        if self.failback and not self.failback.get("ok"):
            return False
        if self.handover and not self.handover.get("ok"):
            return False
        return not (self.pitr and not self.pitr.get("ok"))

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def jichitai(
    args: list[str], *, url: str, extra_env: dict[str, str] | None = None, timeout: float = 600, capture: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run a `jichitai` management command in a child process against the database at ``url``."""
    env = {**os.environ, "DATABASE_URL": url, **(extra_env or {})}
    env.setdefault("JICHITAI_MODE", "test")
    return subprocess.run(
        [sys.executable, "-m", "jichitai.cli", *args],
        env=env,
        text=True,
        timeout=timeout,
        capture_output=capture,
        check=False,
    )


def _json_out(proc: subprocess.CompletedProcess[str], what: str) -> dict[str, Any]:
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise DrError(
            f"{what} が結果を返しません (exit {proc.returncode}): {proc.stderr.strip()[-1500:]}", code="dr_child_failed"
        )
    return dict(json.loads(lines[-1]))


def _wait_for_first_ack(load: Load, journal: Path, timeout: float = 180.0) -> None:
    limit = time.monotonic() + timeout
    while not (journal.exists() and b'"ack"' in journal.read_bytes()):
        if load.proc.poll() is not None:
            raise DrError(f"load stopped early: {load.proc.stderr.read() if load.proc.stderr else ''}"[-1500:],
                          code="dr_load_died")
        if time.monotonic() > limit:
            raise DrError(f"the load acknowledged no 異動 within {timeout:.0f} s", code="dr_load_idle")
        time.sleep(0.1)


class Load:
    """The load process: started against the primary, stopped by a file, its totals read from stdout."""

    def __init__(self, topology: Topology, run_id: str, journal: Path, threads: int, seed: int) -> None:
        self.stop_file = topology.root / f"stop-{run_id}"
        self.stop_file.unlink(missing_ok=True)
        primary = topology.region(regions.read_state(topology).primary)
        env = {
            **os.environ,
            "DATABASE_URL": primary.url(topology.database),
            "JICHITAI_DR_TARGET": str(topology.target_path),
        }
        env.setdefault("JICHITAI_MODE", "test")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jichitai.cli",
                "dr",
                "load",
                "--journal",
                str(journal),
                "--threads",
                str(threads),
                "--seconds",
                "3600",
                "--run-id",
                run_id,
                "--stop-file",
                str(self.stop_file),
                "--target",
                str(topology.target_path),
                "--seed",
                str(seed),
            ],
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def stop(self, timeout: float = 120) -> dict[str, Any]:
        self.stop_file.touch()
        out, err = self.proc.communicate(timeout=timeout)
        return _json_out(subprocess.CompletedProcess(self.proc.args, self.proc.returncode, out, err), "load")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate(timeout=30)


def verify(topology: Topology, url: str, journal: Path, run_id: str, until: float | None = None) -> dict[str, Any]:
    args = ["dr", "verify", "--journal", str(journal), "--run-id", run_id]
    if until is not None:
        args += ["--until", repr(until)]
    return _json_out(jichitai(args, url=url, timeout=600), "verify")


def _acks_between(ops: list[dict[str, Any]], a: float, b: float) -> int:
    return sum(1 for op in ops if op["status"] == "ack" and a <= op["end"] <= b)


def _lag(primary: Region) -> int | None:
    try:
        rows = pg.query(
            primary,
            "SELECT coalesce(max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)), 0) FROM pg_stat_replication",
        )
        return int(rows[0][0])
    except Exception:
        return None


# --- lake ------------------------------------------------------------------------------------------------

LAKE_TABLE = "drill.movements_by_ward"


def lake_snapshot(primary: Region, database: str) -> dict[str, Any]:
    """Append the outbox's counts per 異動事由 and ward as one snapshot of a small Iceberg table in the
    primary region's lake (no personal data), so there is something to replicate."""
    rows = pg.query(
        primary,
        "SELECT kind, coalesce(payload->>'ward_code', ''), count(*) "
        "FROM registry_outboxevent GROUP BY 1, 2 ORDER BY 1, 2",
        database=database,
    )
    cat = lake.open_region_catalog(primary)
    cat.create_namespace_if_not_exists("drill")
    schema = Schema(
        NestedField(1, "kind", StringType(), required=False),
        NestedField(2, "ward_code", StringType(), required=False),
        NestedField(3, "events", LongType(), required=False),
        NestedField(4, "taken_at", StringType(), required=False),
    )
    try:
        table = cat.load_table(LAKE_TABLE)
    except NoSuchTableError:
        table = cat.create_table(LAKE_TABLE, schema=schema)
    now = dt.datetime.now(dt.UTC).isoformat()
    arrow_schema = pa.schema(
        [("kind", pa.string()), ("ward_code", pa.string()), ("events", pa.int64()), ("taken_at", pa.string())]
    )
    table.append(
        pa.table(
            {
                "kind": [r[0] for r in rows],
                "ward_code": [r[1] for r in rows],
                "events": [int(r[2]) for r in rows],
                "taken_at": [now] * len(rows),
            },
            schema=arrow_schema,
        )
    )
    return {"rows": len(rows)}


# --- the drill -------------------------------------------------------------------------------------------


def run(options: DrillOptions, progress: Progress = _silent) -> DrillReport:
    run_id = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S") + f"{os.getpid() % 1000:03d}"
    root = options.root or (regions.DEFAULT_BASE / f"drill-{run_id}")
    topology = regions.local(root, options.mode)
    report = DrillReport(
        run_id,
        options.mode,
        options.threads,
        str(root),
        {r.name: r.port for r in topology.regions},
        dt.datetime.now(dt.UTC).isoformat(),
    )
    load: Load | None = None
    t0 = time.monotonic()

    def step(phase: str, detail: str = "") -> None:
        report.steps.append({"t": round(time.monotonic() - t0, 2), "phase": phase, "detail": detail})
        progress(phase, detail)

    try:
        step("regions", f"tokyo:{topology.regions[0].port} osaka:{topology.regions[1].port} ({options.mode})")
        replication.build(topology)
        tokyo, osaka = topology.regions
        step("migrate", "schema on tokyo (replicated to osaka)")
        proc = jichitai(["migrate", "--noinput"], url=tokyo.url(topology.database), timeout=900)
        if proc.returncode != 0:
            raise DrError(f"migrate failed: {proc.stderr.strip()[-1500:]}", code="dr_migrate")
        step("backup", "last night's full backup (pgBackRest) into osaka's repository")
        nightly = backup.take(topology)
        journal = root / f"journal-{run_id}.jsonl"
        step("load", f"{options.threads} counter threads through registry.services.apply")
        load = Load(topology, run_id, journal, options.threads, options.seed)
        load_started = time.time()
        # The warm-up counts from the first acknowledged 異動 (the load process needs a while to start on a
        # busy machine), so the point-in-time target below always has acknowledged writes before it.
        _wait_for_first_ack(load, journal)
        lags: list[int] = []
        pitr_target: float | None = None
        lake_before: dict[str, Any] = {}
        deadline = time.monotonic() + options.warmup
        while time.monotonic() < deadline:
            if load.proc.poll() is not None:
                raise DrError(
                    f"load stopped early: {load.proc.stderr.read() if load.proc.stderr else ''}"[-1500:],
                    code="dr_load_died",
                )
            sample = _lag(tokyo)
            if sample is not None:
                lags.append(sample)
            if pitr_target is None and time.monotonic() > deadline - options.warmup / 2:
                pitr_target = time.time()
                step("pitr-mark", f"restore target {dt.datetime.fromtimestamp(pitr_target, dt.UTC).isoformat()}")
                if options.lake:
                    lake_snapshot(tokyo, topology.database)
                    lake_snapshot(tokyo, topology.database)
                    copied = lake.replicate(tokyo, osaka)
                    lake_before = lake.snapshots(tokyo)
                    step("lake", f"{len(copied.tables)} table(s) replicated to osaka, catalogue backed up")
            time.sleep(0.25)
        report.lag_bytes_max = max(lags, default=0)
        report.lag_bytes_last = lags[-1] if lags else 0

        step("disaster", "SIGKILL tokyo postmaster")
        report.killed_at = time.time()
        pg.kill_postmaster(tokyo)
        while pg.ping(tokyo):
            time.sleep(0.1)
        detected = time.time()
        report.detected_s = round(detected - report.killed_at, 3)
        step("failover", "promote osaka, fence tokyo, switch connection target")
        result = replication.failover(topology, force=True)
        report.failover_s = result.seconds
        time.sleep(options.after)
        step("load-stop", "")
        summary = load.stop()
        load = None
        ops = read_journal(journal)
        report.acknowledged = sum(1 for op in ops if op["status"] == "ack")
        report.indoubt = sum(1 for op in ops if op["status"] == "indoubt")
        report.refused = sum(1 for op in ops if op["status"] == "refused")
        before = report.killed_at - load_started
        report.throughput_before = round(_acks_between(ops, load_started, report.killed_at) / before, 1)
        after_kill = [op["end"] for op in ops if op["status"] == "ack" and op["start"] > report.killed_at]
        report.rto_s = round(min(after_kill) - report.killed_at, 3) if after_kill else None
        step("check", "invariants on osaka (new primary)")
        check = verify(topology, osaka.url(topology.database), journal, run_id)
        check["load"] = summary
        check["ok_except_loss"] = _ok_except_loss(check)
        report.failover_check = check
        report.rpo_writes = int(check["lost_count"])

        if options.lake:
            after = lake.snapshots(osaka)
            report.lake = {
                "tables": list(lake_before),
                "same": bool(lake_before) and after == lake_before,
                "snapshots": {k: len(v["snapshots"]) for k, v in after.items()},
            }
            step("lake-check", "osaka reads the same snapshots" if report.lake["same"] else "lake differs")

        if options.handover:
            step("handover", "full standard CSV of residents from osaka alone")
            report.handover = handover(topology, osaka, root / "osaka" / "handover")
            step("handover-done", f"{report.handover['rows']} rows in {report.handover['seconds']} s")

        if options.failback:
            step("failback", "pg_rewind tokyo as osaka's standby")
            fb = replication.failback(topology)
            counts = []
            for region in (osaka, tokyo):
                counts.append(
                    pg.query(
                        region,
                        "SELECT count(*), coalesce(max(id), 0) FROM registry_outboxevent",
                        database=topology.database,
                    )[0]
                )
            report.failback = {
                "method": fb.method,
                "seconds": fb.seconds,
                "primary_rows": list(counts[0]),
                "standby_rows": list(counts[1]),
                "ok": counts[0] == counts[1],
            }

        if options.pitr and pitr_target is not None:
            step("pitr", "restore last night's backup (pgBackRest) to the marked time")
            backup.flush_archive(topology)
            restored = backup.restore(topology, dt.datetime.fromtimestamp(pitr_target, dt.UTC))
            try:
                check = verify(topology, restored.url(topology.database), journal, run_id, until=pitr_target)
            finally:
                backup.discard(restored)
            check["ok_except_loss"] = _ok_except_loss(check)
            report.pitr = {
                "backup": nightly.label,
                "target": pitr_target,
                "restore_s": restored.seconds,
                "acknowledged_before_target": check["acknowledged_checked"],
                "ok": check["ok"],
                "check": check,
            }
        step("done", "drill passed" if report.ok else "drill FAILED")
    except Exception as exc:  # the report says what failed; the caller decides the exit code
        report.error = f"{type(exc).__name__}: {getattr(exc, 'message', exc)}"
        step("error", report.error)
    finally:
        if load is not None:
            load.kill()
        if not options.keep:
            replication.teardown(topology, remove=True)
    return report


def handover(topology: Topology, survivor: Region, folder: Path) -> dict[str, Any]:
    """The full standard CSV of residents (標準データ, 全件) written from ``survivor``'s database alone, timed:
    what the city receives to carry on its business after losing the other region. Addresses under 支援措置
    are included (the city's own data; the export is audited as such) and the file is readable by its owner
    only."""
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / "juki-zenken.csv"
    started = time.monotonic()
    proc = jichitai(
        ["registry", "export", "--kind", "full", "--include-protected", "--operator", "dr-handover", "-o", str(out)],
        url=survivor.url(topology.database),
        timeout=3600,
    )
    seconds = round(time.monotonic() - started, 3)
    if proc.returncode != 0:
        raise DrError(f"標準データの出力に失敗しました: {proc.stderr.strip()[-1500:]}", code="dr_handover")
    out.chmod(0o600)
    residents = int(pg.query(survivor, "SELECT count(*) FROM registry_resident", database=topology.database)[0][0])
    with out.open(encoding="utf-8", newline="") as fh:
        rows = sum(1 for _ in csv.reader(fh)) - 1  # the header
    return {
        "file": str(out),
        "bytes": out.stat().st_size,
        "rows": rows,
        "residents": residents,
        "seconds": seconds,
        "within_72h": seconds < 72 * 3600,
        "ok": rows == residents,
    }


def _ok_except_loss(check: dict[str, Any]) -> bool:
    keys = (
        "duplicated_count",
        "partial_count",
        "after_target_present_count",
        "history_gaps_count",
        "current_mismatch_count",
        "outbox_missing",
        "undelivered",
        "audit_missing_changes",
    )
    return bool(check.get("audit_ok")) and all(not check.get(k) for k in keys)


def throughput(options: DrillOptions, seconds: float, progress: Progress = _silent) -> dict[str, Any]:
    """The cost of synchronous replication: the same load for ``seconds`` in sync, then async, on one pair."""
    run_id = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S") + "b"
    root = options.root or (regions.DEFAULT_BASE / f"bench-{run_id}")
    topology = regions.local(root, "sync")
    out: dict[str, Any] = {"threads": options.threads, "seconds": seconds}
    try:
        progress("regions", "build")
        replication.build(topology)
        tokyo = topology.regions[0]
        proc = jichitai(["migrate", "--noinput"], url=tokyo.url(topology.database), timeout=900)
        if proc.returncode != 0:
            raise DrError(f"migrate failed: {proc.stderr[-1500:]}", code="dr_migrate")
        for i, mode in enumerate(("sync", "async", "sync", "async")):
            topology = replication.set_mode(topology, mode)  # type: ignore[arg-type]
            progress("load", f"{mode} round {i // 2 + 1}")
            journal = root / f"journal-{mode}-{i}.jsonl"
            load = Load(topology, f"{run_id}{i}", journal, options.threads, options.seed + i)
            lags = []
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                sample = _lag(tokyo)
                if sample is not None:
                    lags.append(sample)
                time.sleep(0.25)
            summary = load.stop()
            out.setdefault(mode, []).append({**summary, "lag_bytes_max": max(lags, default=0)})
        for mode in ("sync", "async"):
            rounds = out[mode]
            out[f"{mode}_per_second"] = round(sum(r["acks"] for r in rounds) / sum(r["seconds"] for r in rounds), 1)
        out["sync_cost_pct"] = round(100 * (1 - out["sync_per_second"] / out["async_per_second"]), 1)
    finally:
        replication.teardown(topology, remove=not options.keep)
    return out
