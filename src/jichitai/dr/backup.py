"""Backups and point-in-time restore, with pgBackRest (the tool made for it; configuration in pgbackrest.py).

`jichitai dr backup` takes a full, differential or incremental backup of the current primary into the other
region's repository and runs ``pgbackrest verify`` on that repository; expiry follows ``retention_full``. Every
completed WAL segment reaches both repositories through ``archive_command``. A restore asks pgBackRest to
write the chosen backup into a fresh data directory, with a time target, and opens the result read-write on
its own port, never touching the regions.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from dataclasses import dataclass
from typing import Any, Literal

from jichitai.dr import pgbackrest as br
from jichitai.dr import postgres as pg
from jichitai.dr import regions
from jichitai.dr.errors import DrError
from jichitai.dr.regions import Region, Topology

Kind = Literal["full", "diff", "incr"]
KINDS: tuple[Kind, ...] = ("full", "diff", "incr")


@dataclass(frozen=True)
class BaseBackup:
    label: str  # pgBackRest's backup set, e.g. 20261207-063512F or …F_20261207-064001I
    kind: str  # full, diff, incr
    repo: int  # the repository (1 = first region's, 2 = second's)
    stored_in: str  # region whose repository holds it
    started_at: str  # ISO, UTC
    finished_at: str  # ISO, UTC: the backup is consistent from here; restore targets must be later
    start_lsn: str
    stop_lsn: str
    bytes: int  # size of the database it holds
    stored_bytes: int  # what it added to the repository (compressed; an incremental holds only changes)


def run(topology: Topology, args: list[str], *, timeout: float = 1800) -> str:
    """One pgBackRest command as the postgres OS user; its failure raises DrError with pgBackRest's text."""
    return pg.run([*br.base_args(topology), *args], timeout=timeout).stdout


def configure(topology: Topology) -> None:
    """Write pgBackRest's configuration and its directories (before any cluster archives WAL)."""
    home = br.home(topology)
    for d in (home / "lock", home / "log", home / "spool", *(br.repo_path(r) for r in topology.regions)):
        d.mkdir(parents=True, exist_ok=True)
    br.config_path(topology).write_text(br.config(topology), encoding="utf-8")
    pg.chown_to_postgres(home)
    for r in topology.regions:
        pg.chown_to_postgres(r.backup_dir)


def create_stanza(topology: Topology, primary: Region) -> None:
    """Register the cluster with both repositories (once, on the new primary)."""
    run(topology, [*br.cluster_args(primary), "stanza-create"], timeout=300)


def take(topology: Topology, kind: Kind = "full") -> BaseBackup:
    """A backup of the current primary into the other region's repository, then ``pgbackrest verify`` of it.
    A differential or incremental backup falls back to a full one when the repository holds none yet."""
    if kind not in KINDS:
        raise DrError(f"バックアップの種類は {', '.join(KINDS)} のいずれかです: {kind!r}", code="dr_bad_backup_kind")
    state = regions.read_state(topology)
    source = topology.region(state.primary)
    store = topology.other(source.name)
    repo = br.repo_index(topology, store)
    run(topology, [*br.cluster_args(source), f"--repo={repo}", f"--type={kind}", "backup"], timeout=7200)
    run(topology, [f"--repo={repo}", "verify"], timeout=7200)
    mine = [b for b in catalogue(topology) if b.repo == repo]
    if not mine:
        raise DrError("バックアップがリポジトリに見つかりません", code="dr_backup_missing", repo=repo)
    return mine[-1]


def catalogue(topology: Topology) -> list[BaseBackup]:
    """Every backup in either region's repository, oldest first (``pgbackrest info``)."""
    if not br.config_path(topology).exists():
        return []
    out = run(topology, ["--output=json", "info"], timeout=300)
    found = []
    for stanza in json.loads(out or "[]"):
        for b in stanza.get("backup", []):
            repo = int(b["database"]["repo-key"])
            found.append(
                BaseBackup(
                    label=b["label"],
                    kind=b["type"],
                    repo=repo,
                    stored_in=topology.regions[repo - 1].name,
                    started_at=_iso(b["timestamp"]["start"]),
                    finished_at=_iso(b["timestamp"]["stop"]),
                    start_lsn=b.get("lsn", {}).get("start", ""),
                    stop_lsn=b.get("lsn", {}).get("stop", ""),
                    bytes=int(b["info"]["size"]),
                    stored_bytes=int(b["info"]["repository"]["delta"]),
                )
            )
    return sorted(found, key=lambda b: (b.finished_at, b.repo))


def _iso(epoch: int) -> str:
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC).isoformat()


def flush_archive(topology: Topology, timeout: float = 120) -> dict[str, Any]:
    """Close the current WAL segment on the primary and wait until the repositories hold it
    (``pgbackrest check``), so that a restore can reach every commit made before now."""
    primary = topology.region(regions.read_state(topology).primary)
    started = time.monotonic()
    run(topology, [*br.cluster_args(primary), f"--archive-timeout={int(timeout)}", "check"], timeout=timeout + 60)
    return {"primary": primary.name, "seconds": round(time.monotonic() - started, 3)}


@dataclass(frozen=True)
class Restored:
    region: Region
    backup: BaseBackup
    target_time: str | None
    seconds: float

    def url(self, database: str) -> str:
        return self.region.url(database)


def restore(topology: Topology, to: dt.datetime | None = None, *, port: int | None = None) -> Restored:
    """Restore the newest backup that finished before ``to`` and replay WAL up to ``to`` (or to the end of
    the archive). The result runs on its own port under ``<root>/restores/<stamp>``."""
    started = time.monotonic()
    candidates = [b for b in catalogue(topology) if to is None or dt.datetime.fromisoformat(b.finished_at) < to]
    if not candidates:
        raise DrError(
            "指定時刻より前に完了したバックアップがありません",
            code="dr_no_backup",
            to=to.isoformat() if to else None,
        )
    chosen = candidates[-1]
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    base = topology.root / "restores" / stamp
    region = Region(
        name=f"restore-{stamp}",
        label=f"復元 {stamp}",
        host="127.0.0.1",
        port=port or regions.free_port(),
        data_dir=base / "pgdata",
        backup_dir=base / "unused-backups",
        lake_path=base / "lake",
        lake_catalog_url="",
    )
    (base / "run").mkdir(parents=True, exist_ok=True)
    region.data_dir.mkdir(mode=0o700)
    pg.chown_to_postgres(base)
    target = ["--type=default"]
    if to is not None:
        target = [
            "--type=time",
            f"--target={to.astimezone(dt.UTC).isoformat(sep=' ')}",
            "--target-action=promote",
        ]
    run(
        topology,
        [f"--pg1-path={region.data_dir}", f"--repo={chosen.repo}", f"--set={chosen.label}", *target, "restore"],
        timeout=7200,
    )
    # pgBackRest wrote restore_command and the target into postgresql.auto.conf and left recovery.signal; the
    # region file restored with the backup still describes the old primary: this cluster is nobody's peer
    settings = {
        "listen_addresses": "'127.0.0.1'",
        "port": str(region.port),
        "unix_socket_directories": f"'{region.socket_dir}'",
        "archive_mode": "off",
        "synchronous_standby_names": "''",
        "primary_conninfo": "''",
        "cluster_name": "'jichitai-restore'",
    }
    (region.data_dir / pg.CONF_NAME).write_text(
        "# point-in-time restore written by jichitai dr restore\n"
        + "".join(f"{k} = {v}\n" for k, v in settings.items()),
        encoding="utf-8",
    )
    (region.data_dir / "standby.signal").unlink(missing_ok=True)
    pg.chown_to_postgres(base)
    pg.start(region, timeout=300)
    pg.wait_ready(region, timeout=300, writable=True)
    return Restored(region, chosen, to.isoformat() if to else None, round(time.monotonic() - started, 3))


def discard(restored: Restored) -> None:
    """Stop a restored cluster and delete its directory."""
    pg.kill_all(restored.region)
    shutil.rmtree(restored.region.data_dir.parent, ignore_errors=True)
