"""The connection-target file: which region's database the application writes to.

``<DR root>/database.env`` holds one line ``DATABASE_URL=postgres://…`` for the current primary, plus the
region name and failover epoch as comments. The application services read it as their environment
(systemd ``EnvironmentFile=``, or ``set -a; . database.env`` in a shell) and the drill's load workers re-read
it after every lost connection. In production the same switch is the DNS name the application uses (a
Route 53 failover record or the Aurora global database writer endpoint), changed by the same command.
"""

from __future__ import annotations

import os
from pathlib import Path

from jichitai.dr.regions import Region, Topology, _atomic_write


def write(topology: Topology, region: Region, epoch: int) -> Path:
    text = (
        f"# jichitai dr: current primary region = {region.name} ({region.label}), epoch {epoch}\n"
        f"DATABASE_URL={region.url(topology.database)}\n"
        f"JICHITAI_DR_REGION={region.name}\n"
    )
    _atomic_write(topology.target_path, text)
    return topology.target_path


def read(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return values
    for line in lines:
        if line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip()
    return values


def database_url(path: Path | None = None) -> str:
    """The DATABASE_URL the application should use now: the target file's if present, else the environment."""
    target = path or (Path(os.environ["JICHITAI_DR_TARGET"]) if os.environ.get("JICHITAI_DR_TARGET") else None)
    if target is not None:
        url = read(target).get("DATABASE_URL")
        if url:
            return url
    return os.environ.get("DATABASE_URL", "")
