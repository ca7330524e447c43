"""Base backups and point-in-time restore.

Every completed WAL segment of the primary is copied to the OTHER region's ``archive_dir`` by
``archive_command`` (see :mod:`jichitai.dr.postgres`), and `jichitai dr backup` writes a base backup from the
primary into the other region's ``backup_dir`` and checks it with ``pg_verifybackup``. A restore copies the
newest base backup that started before the requested time into a fresh data directory, replays the archive
up to ``recovery_target_time`` and opens the result read-write on its own port, never touching the regions.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from dataclasses import asdict, dataclass

from jichitai.dr import postgres as pg
from jichitai.dr import regions
from jichitai.dr.errors import DrError
from jichitai.dr.regions import Region, Topology


@dataclass(frozen=True)
class BaseBackup:
    label: str
    path: str
    source: str  # region the backup was taken from
    stored_in: str  # region whose backup_dir holds it
    started_at: str  # ISO, UTC: the backup is usable for targets after this
    finished_at: str
    start_lsn: str
    bytes: int
    verified: bool


def take(topology: Topology) -> BaseBackup:
    """pg_basebackup of the current primary into the other region, then pg_verifybackup."""
    state = regions.read_state(topology)
    source = topology.region(state.primary)
    store = topology.other(source.name)
    started = dt.datetime.now(dt.UTC)
    label = started.strftime("%Y%m%dT%H%M%S%fZ")
    dest = store.backup_dir / label
    pg.basebackup(source, dest / "data")
    finished = dt.datetime.now(dt.UTC)
    pg.run(["pg_verifybackup", "-q", str(dest / "data")], timeout=600)
    start_lsn = ""
    for line in (dest / "data" / "backup_label").read_text().splitlines():
        if line.startswith("START WAL LOCATION:"):
            start_lsn = line.split(":", 1)[1].split()[0]
    size = sum(f.stat().st_size for f in (dest / "data").rglob("*") if f.is_file())
    info = BaseBackup(
        label,
        str(dest / "data"),
        source.name,
        store.name,
        started.isoformat(),
        finished.isoformat(),
        start_lsn,
        size,
        True,
    )
    (dest / "backup.json").write_text(json.dumps(asdict(info), indent=2), encoding="utf-8")
    pg.chown_to_postgres(dest)
    return info


def catalogue(topology: Topology) -> list[BaseBackup]:
    """Every base backup in either region, oldest first."""
    found = []
    for region in topology.regions:
        for meta in sorted(region.backup_dir.glob("*/backup.json")):
            found.append(BaseBackup(**json.loads(meta.read_text(encoding="utf-8"))))
    return sorted(found, key=lambda b: b.started_at)


def flush_archive(topology: Topology, timeout: float = 60) -> str:
    """Close the current WAL segment on the primary and wait until the archive holds it, so that a restore
    can reach every commit made before now. Returns the archived segment's name."""
    state = regions.read_state(topology)
    primary = topology.region(state.primary)
    with pg.connect(primary) as conn:
        row = conn.execute("SELECT pg_walfile_name(pg_switch_wal())").fetchone()
    assert row is not None
    segment = str(row[0])
    dest = topology.other(primary.name).archive_dir / segment
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if dest.exists():
            return segment
        time.sleep(0.1)
    raise DrError(f"WALセグメント {segment} がアーカイブされません", code="dr_archive_stuck", segment=segment)


@dataclass(frozen=True)
class Restored:
    region: Region
    backup: BaseBackup
    target_time: str | None
    seconds: float

    def url(self, database: str) -> str:
        return self.region.url(database)


def restore(topology: Topology, to: dt.datetime | None = None, *, port: int | None = None) -> Restored:
    """Restore the newest base backup that started before ``to`` and replay WAL up to ``to`` (or to the end of
    the archive). The result runs on its own port under ``<root>/restores/<stamp>``."""
    started = time.monotonic()
    candidates = [b for b in catalogue(topology) if to is None or dt.datetime.fromisoformat(b.started_at) < to]
    if not candidates:
        raise DrError(
            "指定時刻より前のベースバックアップがありません", code="dr_no_backup", to=to.isoformat() if to else None
        )
    backup = candidates[-1]
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    base = topology.root / "restores" / stamp
    region = Region(
        name=f"restore-{stamp}",
        label=f"復元 {stamp}",
        host="127.0.0.1",
        port=port or regions.free_port(),
        data_dir=base / "pgdata",
        archive_dir=base / "unused-archive",
        backup_dir=base / "unused-backups",
        lake_path=base / "lake",
        lake_catalog_url="",
    )
    (base / "run").mkdir(parents=True, exist_ok=True)
    shutil.copytree(backup.path, region.data_dir)
    (region.data_dir / "backup_manifest").unlink(missing_ok=True)
    restore_from = " || ".join(f"cp {r.archive_dir}/%f %p 2>/dev/null" for r in topology.regions)
    settings = {
        "listen_addresses": "'127.0.0.1'",
        "port": str(region.port),
        "unix_socket_directories": f"'{region.socket_dir}'",
        "archive_mode": "off",
        "synchronous_standby_names": "''",
        "primary_conninfo": "''",
        "restore_command": f"'{restore_from}'",
        "recovery_target_timeline": "'latest'",
        "recovery_target_action": "'promote'",
        "cluster_name": "'jichitai-restore'",
    }
    if to is not None:
        settings["recovery_target_time"] = f"'{to.astimezone(dt.UTC).isoformat()}'"
        settings["recovery_target_inclusive"] = "on"
    (region.data_dir / pg.CONF_NAME).write_text(
        "# point-in-time restore written by jichitai dr restore\n"
        + "".join(f"{k} = {v}\n" for k, v in settings.items()),
        encoding="utf-8",
    )
    (region.data_dir / "postgresql.auto.conf").write_text("", encoding="utf-8")
    (region.data_dir / "standby.signal").unlink(missing_ok=True)
    (region.data_dir / "recovery.signal").write_text("", encoding="utf-8")
    pg.chown_to_postgres(base)
    (region.data_dir).chmod(0o700)
    pg.start(region, timeout=300)
    pg.wait_ready(region, timeout=300, writable=True)
    return Restored(region, backup, to.isoformat() if to else None, round(time.monotonic() - started, 3))


def discard(restored: Restored) -> None:
    """Stop a restored cluster and delete its directory."""
    pg.kill_all(restored.region)
    shutil.rmtree(restored.region.data_dir.parent, ignore_errors=True)
