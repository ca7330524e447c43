"""Streaming replication between the regions: build the pair, report its health, fail over, fail back.

Synchronous by default: the primary lists the standby in ``synchronous_standby_names`` and commits with
``synchronous_commit = remote_apply``, so a 異動 is acknowledged only once the standby has applied it (and a
query there sees it). Asynchronous mode commits locally; what a failover may lose is bounded by the lag
that `jichitai dr status` shows and `jichitai dr failover` checks against ``max_async_lag_bytes``.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg

from jichitai.dr import backup, regions, target
from jichitai.dr import postgres as pg
from jichitai.dr.errors import DrError
from jichitai.dr.regions import Region, State, Topology

Step = Callable[[str], None]


def _quiet(_msg: str) -> None:
    return None


def build(topology: Topology, *, step: Step = _quiet) -> State:
    """Create both clusters: initdb the primary (tokyo), base-backup it into the standby (osaka),
    start both."""
    primary, standby = topology.regions
    topology.save()
    pg.prepare(topology)
    backup.configure(topology)
    step(f"{primary.label}: initdb")
    pg.initdb(primary)
    pg.configure(topology, primary, primary=True, sync_partner=None)  # no sync partner until the standby exists
    pg.start(primary)
    pg.bootstrap_roles(primary, topology.database)
    step(f"{primary.label}: pgBackRest stanza in both regions' repositories")
    backup.create_stanza(topology, primary)
    step(f"{standby.label}: pg_basebackup from {primary.label}")
    pg.basebackup(primary, standby.data_dir)
    pg.configure(topology, standby, primary=False, sync_partner=None)
    pg.start(standby)
    pg.wait_ready(standby)
    step(f"{primary.label}: synchronous_standby_names" if topology.mode == "sync" else "asynchronous replication")
    pg.configure(topology, primary, primary=True, sync_partner=standby.name)
    pg.reload(primary)
    wait_streaming(primary, standby.name)
    state = State(
        primary=primary.name,
        standby=standby.name,
        epoch=0,
        history=[{"at": _now(), "event": "built", "primary": primary.name, "mode": topology.mode}],
    )
    regions.write_state(topology, state)
    target.write(topology, primary, 0)
    return state


def wait_streaming(primary: Region, standby_name: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = pg.query(primary, "SELECT state FROM pg_stat_replication WHERE application_name = %s", [standby_name])
        if rows and rows[0][0] == "streaming":
            return
        time.sleep(0.2)
    raise DrError(f"{standby_name} がストリーミングを開始しません", code="dr_timeout")


def set_mode(topology: Topology, mode: regions.Mode) -> Topology:
    """Switch between sync and async on the running primary (a reload; no restart)."""
    new = regions.with_mode(topology, mode)
    new.save()
    state = regions.read_state(new)
    primary = new.region(state.primary)
    pg.configure(new, primary, primary=True, sync_partner=state.standby)
    pg.reload(primary)
    # a reload is asynchronous: wait until the setting is visible to new sessions
    want = "remote_apply" if mode == "sync" and state.standby else "on"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if pg.query(primary, "SHOW synchronous_commit")[0][0] == want:
            break
        time.sleep(0.05)
    return new


# --- status ----------------------------------------------------------------------------------------------


@dataclass
class RegionStatus:
    name: str
    label: str
    port: int
    role: str  # primary, standby, fenced, down
    reachable: bool
    in_recovery: bool | None = None
    lsn: str | None = None  # current WAL LSN (primary) or last replayed LSN (standby)
    replay_at: str | None = None  # commit time of the last replayed transaction (standby)
    lag_bytes: int | None = None  # primary's current LSN minus the standby's replayed LSN
    lag_seconds: float | None = None
    sync_state: str | None = None
    wal_receiver: str | None = None
    lake_snapshots: dict[str, Any] = field(default_factory=dict)
    problem: str = ""


@dataclass
class Status:
    mode: str
    primary: str
    standby: str | None
    epoch: int
    fenced: list[str]
    regions: list[RegionStatus]
    target_url: str

    @property
    def healthy(self) -> bool:
        return all(r.reachable and not r.problem for r in self.regions if r.role in ("primary", "standby"))


def status(topology: Topology) -> Status:
    state = regions.read_state(topology)
    out: list[RegionStatus] = []
    primary_lsn = None
    replication: dict[str, tuple[Any, ...]] = {}
    for region in topology.regions:
        role = (
            "primary"
            if region.name == state.primary
            else ("fenced" if region.name in state.fenced else "standby" if region.name == state.standby else "down")
        )
        rs = RegionStatus(region.name, region.label, region.port, role, reachable=pg.ping(region))
        if rs.reachable:
            try:
                _fill(region, rs, replication)
            except psycopg.Error as exc:
                rs.problem = str(exc).strip()
            if region.name == state.primary:
                primary_lsn = rs.lsn
                if rs.in_recovery:
                    rs.problem = "primary と記録されていますが recovery 中です"
            elif region.name == state.standby and rs.in_recovery is False:
                rs.problem = "standby と記録されていますが書き込み可能です (二重プライマリの危険)"
        elif role in ("primary", "standby"):
            rs.problem = "応答なし"
        out.append(rs)
    for rs in out:
        if rs.name == state.standby and rs.name in replication:
            _sent, _flush, _replay, replay_lag, sync_state = replication[rs.name]
            rs.sync_state = sync_state
            rs.lag_seconds = replay_lag.total_seconds() if replay_lag is not None else 0.0
        if rs.name == state.standby and primary_lsn and rs.lsn:
            primary_region = topology.region(state.primary)
            rs.lag_bytes = int(pg.query(primary_region, "SELECT pg_wal_lsn_diff(%s, %s)", [primary_lsn, rs.lsn])[0][0])
    return Status(
        mode=topology.mode,
        primary=state.primary,
        standby=state.standby,
        epoch=state.epoch,
        fenced=list(state.fenced),
        regions=out,
        target_url=target.read(topology.target_path).get("DATABASE_URL", ""),
    )


def _fill(region: Region, rs: RegionStatus, replication: dict[str, tuple[Any, ...]]) -> None:
    with pg.connect(region, timeout=2) as conn:
        rs.in_recovery = bool(conn.execute("SELECT pg_is_in_recovery()").fetchone()[0])  # type: ignore[index]
        if rs.in_recovery:
            lsn, at = conn.execute("SELECT pg_last_wal_replay_lsn(), pg_last_xact_replay_timestamp()").fetchone()  # type: ignore[misc]
            rs.lsn = str(lsn) if lsn else None
            rs.replay_at = at.isoformat() if at else None
            row = conn.execute("SELECT status FROM pg_stat_wal_receiver").fetchone()
            rs.wal_receiver = row[0] if row else "not connected"
        else:
            rs.lsn = str(conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0])  # type: ignore[index]
            for name, *rest in conn.execute(
                "SELECT application_name, sent_lsn, flush_lsn, replay_lsn, replay_lag, sync_state "
                "FROM pg_stat_replication"
            ).fetchall():
                replication[name] = tuple(rest)


# --- failover --------------------------------------------------------------------------------------------


@dataclass
class FailoverResult:
    old_primary: str
    new_primary: str
    epoch: int
    fenced: bool
    fence_method: str
    seconds: float
    target_path: str
    lag_bytes_at_failover: int | None


def failover(topology: Topology, *, force: bool = False, step: Step = _quiet) -> FailoverResult:
    """Promote the standby, fence the old primary, switch the connection target.

    Refuses when the standby is not in recovery, or (asynchronous mode) when its last known lag exceeds
    ``max_async_lag_bytes`` while the old primary is still reachable, unless ``force``.
    """
    started = time.monotonic()
    state = regions.read_state(topology)
    if state.standby is None:
        raise DrError(
            "待機系がありません。先に `jichitai dr failback` で待機系を再構築してください",
            code="dr_no_standby",
        )
    old, new = topology.region(state.primary), topology.region(state.standby)
    if not pg.ping(new):
        raise DrError(f"待機系 {new.label} が応答しません。フェイルオーバーできません", code="dr_standby_down")
    if not pg.query(new, "SELECT pg_is_in_recovery()")[0][0]:
        raise DrError(
            f"{new.label} は既に書き込み可能です (二重プライマリの危険)。状態を確認してください",
            code="dr_standby_writable",
        )
    lag = None
    if pg.ping(old):
        try:
            lsn = pg.query(old, "SELECT pg_current_wal_lsn()")[0][0]
            replay = pg.query(new, "SELECT pg_last_wal_replay_lsn()")[0][0]
            lag = int(pg.query(old, "SELECT pg_wal_lsn_diff(%s, %s)", [lsn, replay])[0][0])
        except psycopg.Error:
            lag = None
        if lag is not None and lag > topology.max_async_lag_bytes and not force:
            raise DrError(
                f"待機系の遅延が {lag} バイトで上限 {topology.max_async_lag_bytes} を超えています。"
                "--force で続行すると未複製の異動が失われます",
                code="dr_lag_too_large",
                lag_bytes=lag,
            )
    step(f"fence {old.label}")
    fence_method = fence(topology, old)
    step(f"promote {new.label}")
    # no sync partner until failback, so writes never wait for the lost region
    pg.configure(topology, new, primary=True, sync_partner=None, signal=False)
    pg.promote(new)
    pg.reload(new)
    pg.wait_ready(new, writable=True)
    state.epoch += 1
    state.history.append(
        {
            "at": _now(),
            "event": "failover",
            "from": old.name,
            "to": new.name,
            "epoch": state.epoch,
            "fence": fence_method,
        }
    )
    state.primary, state.standby = new.name, None
    if old.name not in state.fenced:
        state.fenced.append(old.name)
    regions.write_state(topology, state)
    step("switch connection target")
    path = target.write(topology, new, state.epoch)
    return FailoverResult(
        old.name,
        new.name,
        state.epoch,
        True,
        fence_method,
        round(time.monotonic() - started, 3),
        str(path),
        lag,
    )


def fence(topology: Topology, region: Region) -> str:
    """Make sure ``region`` cannot accept writes: stop it if it is still up, and leave it so that a restart
    comes up read-only (standby.signal, no upstream) and refuses every login but the superuser's."""
    methods = []
    if pg.running_pid(region) is not None:
        pg.stop(region, "fast", timeout=15)
        if pg.running_pid(region) is not None:
            pg.kill_all(region)
        methods.append("stopped")
    else:
        pg.wait_gone(region)  # orphaned backends of a killed postmaster
        methods.append("was down")
    if (region.data_dir / "PG_VERSION").exists():
        pg.configure(topology, region, primary=False, sync_partner=None)
        conf = region.data_dir / pg.CONF_NAME
        conf.write_text(conf.read_text(encoding="utf-8") + "primary_conninfo = ''\n", encoding="utf-8")
        (region.data_dir / "pg_hba.conf").write_text(pg.FENCED_HBA, encoding="utf-8")
        pg.chown_to_postgres(region.data_dir)
        methods.append("standby.signal+hba reject")
    return ", ".join(methods)


# --- failback --------------------------------------------------------------------------------------------


@dataclass
class FailbackResult:
    rebuilt: str
    primary: str
    method: str
    seconds: float
    detail: str = ""


def failback(topology: Topology, *, step: Step = _quiet) -> FailbackResult:
    """Rebuild the fenced old primary as the standby of the current primary (pg_rewind; a fresh base backup
    if rewinding is impossible), then restore synchronous replication."""
    started = time.monotonic()
    state = regions.read_state(topology)
    primary = topology.region(state.primary)
    old = topology.other(primary.name)
    if state.standby == old.name and pg.ping(old):
        raise DrError(f"{old.label} は既に待機系です", code="dr_already_standby")
    if not pg.ping(primary):
        raise DrError(f"現在のプライマリ {primary.label} が応答しません", code="dr_primary_down")
    pg.stop(old, "fast", timeout=15)
    pg.kill_all(old)
    method = "pg_rewind"
    detail = ""
    step(f"pg_rewind {old.label} from {primary.label}")
    try:
        if not (old.data_dir / "PG_VERSION").exists():
            raise DrError("データディレクトリがありません", code="dr_no_data")
        (old.data_dir / "pg_hba.conf").write_text(pg.HBA, encoding="utf-8")
        detail = pg.rewind(old, primary)
    except DrError as exc:
        method = "pg_basebackup"
        detail = f"pg_rewind impossible ({exc.message}); fresh base backup"
        step(f"pg_basebackup {old.label} from {primary.label}")
        shutil.rmtree(old.data_dir, ignore_errors=True)
        pg.basebackup(primary, old.data_dir)
    pg.configure(topology, old, primary=False, sync_partner=None)
    (old.data_dir / "backup_label.old").unlink(missing_ok=True)
    pg.start(old)
    pg.wait_ready(old)
    step(f"{primary.label}: synchronous_standby_names = {old.name}" if topology.mode == "sync" else "async standby")
    pg.configure(topology, primary, primary=True, sync_partner=old.name)
    pg.reload(primary)
    wait_streaming(primary, old.name)
    state.standby = old.name
    state.fenced = [f for f in state.fenced if f != old.name]
    state.history.append({"at": _now(), "event": "failback", "rebuilt": old.name, "method": method})
    regions.write_state(topology, state)
    return FailbackResult(old.name, primary.name, method, round(time.monotonic() - started, 3), detail)


def teardown(topology: Topology, *, remove: bool = True) -> None:
    """Stop every cluster of the topology (immediately) and, with ``remove``, delete the DR root."""
    for region in topology.regions:
        pg.kill_all(region)
    for extra in sorted((topology.root / "restores").glob("*/pgdata")) if (topology.root / "restores").exists() else []:
        pg.kill_all(Region("restore", "復元", "127.0.0.1", 0, extra, extra, extra, ""))
    if remove:
        shutil.rmtree(topology.root, ignore_errors=True)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
