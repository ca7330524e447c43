"""The typed description of the two regions (東京 primary, 大阪 standby) and where their state lives.

One file, ``topology.yaml`` under the DR root, describes both regions. On this machine each region is a
PostgreSQL 15 cluster on its own port and data directory plus a lake directory; in production the same
fields describe managed services (see docs/operations.md, "本番環境との対応"):

=================  ==========================================  ==========================================
field              on one machine (tests, demo, drills)          in production (Government Cloud, AWS)
=================  ==========================================  ==========================================
host, port         127.0.0.1, a free port                        the RDS/Aurora writer or replica endpoint
data_dir           PGDATA owned by the ``postgres`` user          (managed by RDS; not used)
backup_dir         this region's pgBackRest repository: the      S3 bucket in the region (pgBackRest's repo
                   backups taken of the other region's primary   type s3) / AWS Backup vault
                   and the WAL archive of both
lake_path          Iceberg warehouse directory                  s3://<bucket-in-region>/lake
lake_catalog_url   SQL catalogue (SQLite file per region)       PostgreSQL catalogue in the region / Glue
=================  ==========================================  ==========================================

The mutable part (which region is primary now, which one is fenced, the failover epoch) is ``state.json``
beside it, written atomically by every command that changes roles.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import yaml

from jichitai.dr.errors import DrError

Mode = Literal["sync", "async"]
MODES: tuple[Mode, ...] = ("sync", "async")
DEFAULT_BASE = Path("/var/tmp/jichitai-dr")  # noqa: S108 - must be writable by the postgres OS user
DATABASE = "jichitai_dr"
APP_USER = "jichitai"
SUPERUSER = "postgres"
REPLICATION_USER = "replicator"


@dataclass(frozen=True)
class Region:
    """One region: where its database listens, where its files are, where its lake lives."""

    name: str  # "tokyo", "osaka": also the replication application_name
    label: str  # 東京, 大阪
    host: str
    port: int
    data_dir: Path
    backup_dir: Path
    lake_path: Path
    lake_catalog_url: str

    def url(self, database: str = DATABASE, user: str = APP_USER) -> str:
        return f"postgres://{user}@{self.host}:{self.port}/{database}"

    def conninfo(self, database: str = "postgres", user: str = SUPERUSER) -> str:
        return f"host={self.host} port={self.port} dbname={database} user={user} connect_timeout=3"

    @property
    def socket_dir(self) -> Path:
        return self.data_dir.parent / "run"


@dataclass(frozen=True)
class Topology:
    """Both regions, the replication mode and the DR root directory."""

    root: Path
    regions: tuple[Region, ...]
    mode: Mode = "sync"
    database: str = DATABASE
    max_async_lag_bytes: int = 1024 * 1024  # the bound `dr failover` refuses to exceed in async mode
    retention_full: int = 2  # full backups pgBackRest keeps per repository (older ones and their WAL expire)

    def region(self, name: str) -> Region:
        for r in self.regions:
            if r.name == name:
                return r
        raise DrError(f"地域 {name!r} は構成にありません", code="dr_unknown_region", region=name)

    def other(self, name: str) -> Region:
        return next(r for r in self.regions if r.name != name)

    @property
    def path(self) -> Path:
        return self.root / "topology.yaml"

    @property
    def state_path(self) -> Path:
        return self.root / "state.json"

    @property
    def target_path(self) -> Path:
        """The connection-target file the application reads: ``DATABASE_URL=…`` of the current primary."""
        return self.root / "database.env"

    def save(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        data = {
            "mode": self.mode,
            "database": self.database,
            "max_async_lag_bytes": self.max_async_lag_bytes,
            "retention_full": self.retention_full,
            "regions": [{k: str(v) if isinstance(v, Path) else v for k, v in asdict(r).items()} for r in self.regions],
        }
        _atomic_write(self.path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


@dataclass
class State:
    """Who is primary now. ``epoch`` counts failovers; ``fenced`` names regions that must not take writes."""

    primary: str
    standby: str | None
    epoch: int = 0
    fenced: list[str] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)


def load(root: Path) -> Topology:
    path = root / "topology.yaml"
    if not path.is_file():
        raise DrError(
            f"DR構成がありません: {path}。`jichitai dr init` で作成してください",
            code="dr_not_initialised",
            path=str(path),
        )
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    regions = tuple(
        Region(
            name=r["name"],
            label=r["label"],
            host=r["host"],
            port=int(r["port"]),
            data_dir=Path(r["data_dir"]),
            backup_dir=Path(r["backup_dir"]),
            lake_path=Path(r["lake_path"]),
            lake_catalog_url=r["lake_catalog_url"],
        )
        for r in data["regions"]
    )
    mode = data.get("mode", "sync")
    if mode not in MODES:
        raise DrError(f"mode は sync か async です: {mode!r}", code="dr_bad_mode")
    if len(regions) != 2:
        raise DrError("DR構成には地域が二つ必要です", code="dr_bad_topology")
    return Topology(
        root=root,
        regions=regions,
        mode=mode,
        database=data.get("database", DATABASE),
        max_async_lag_bytes=int(data.get("max_async_lag_bytes", 1024 * 1024)),
        retention_full=int(data.get("retention_full", 2)),
    )


def default_root(var_dir: Path) -> Path:
    """The DR root for a JICHITAI_VAR: ``JICHITAI_DR_ROOT`` or /var/tmp/jichitai-dr/<hash of var dir>."""
    explicit = os.environ.get("JICHITAI_DR_ROOT")
    if explicit:
        return Path(explicit)
    return DEFAULT_BASE / hashlib.sha256(str(var_dir).encode()).hexdigest()[:10]


def free_port() -> int:
    """A TCP port nothing listens on now (the kernel picks it; the cluster binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def local(root: Path, mode: Mode = "sync", ports: tuple[int, int] | None = None) -> Topology:
    """Two regions on this machine under ``root``: tokyo (primary) and osaka (standby), on free ports."""
    if mode not in MODES:
        raise DrError(f"mode は sync か async です: {mode!r}", code="dr_bad_mode")
    chosen = ports or (free_port(), free_port())
    regions = []
    for (name, label), port in zip((("tokyo", "東京"), ("osaka", "大阪")), chosen, strict=True):
        base = root / name
        regions.append(
            Region(
                name=name,
                label=label,
                host="127.0.0.1",
                port=port,
                data_dir=base / "pgdata",
                backup_dir=base / "backups",
                lake_path=base / "lake",
                lake_catalog_url=f"sqlite:///{base / 'lake' / 'catalog.sqlite3'}",
            )
        )
    return Topology(root=root, regions=tuple(regions), mode=mode)


def with_mode(topology: Topology, mode: Mode) -> Topology:
    return replace(topology, mode=mode)


def read_state(topology: Topology) -> State:
    if not topology.state_path.is_file():
        return State(primary=topology.regions[0].name, standby=topology.regions[1].name)
    data = json.loads(topology.state_path.read_text(encoding="utf-8"))
    return State(**data)


def write_state(topology: Topology, state: State) -> None:
    _atomic_write(topology.state_path, json.dumps(asdict(state), ensure_ascii=False, indent=2))


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    tmp.replace(path)
