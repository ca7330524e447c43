"""pgBackRest's configuration and command lines for the two regions (the tool itself runs in backup.py).

Each region's ``backup_dir`` is one pgBackRest repository: repo1 is the first region's (東京), repo2 the
second's (大阪). ``archive-push`` writes every completed WAL segment into both repositories, so whichever
region survives holds the whole archive; a backup is written into the repository of the region that is not
the primary, so losing the primary's region never takes last night's backup with it. The configuration file
holds only the repositories: every command names its cluster on the command line (``--pg1-path`` …), so one
file serves whichever region is primary now, and a restore can target a fresh directory.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from jichitai.dr.regions import SUPERUSER, Region, Topology

BIN = os.environ.get("JICHITAI_PGBACKREST", "/usr/bin/pgbackrest")
STANZA = "jichitai"


def home(topology: Topology) -> Path:
    """pgBackRest's own directory under the DR root: configuration, lock files, logs."""
    return topology.root / "pgbackrest"


def config_path(topology: Topology) -> Path:
    return home(topology) / "pgbackrest.conf"


def repo_path(region: Region) -> Path:
    return region.backup_dir / "pgbackrest"


def repo_index(topology: Topology, region: Region) -> int:
    """The repository number (1, 2) of ``region``'s repository."""
    return 1 + [r.name for r in topology.regions].index(region.name)


def config(topology: Topology) -> str:
    names = ", ".join(f"repo{i} = {r.label}" for i, r in enumerate(topology.regions, 1))
    lines = [f"# written by jichitai dr: one repository per region ({names})", "[global]"]
    for i, region in enumerate(topology.regions, 1):
        lines += [
            f"repo{i}-path={repo_path(region)}",
            f"repo{i}-retention-full={topology.retention_full}",
        ]
    lines += [
        f"lock-path={home(topology) / 'lock'}",
        f"log-path={home(topology) / 'log'}",
        f"spool-path={home(topology) / 'spool'}",
        "log-level-console=warn",
        "log-level-stderr=error",
        "log-level-file=info",
        "compress-type=lz4",
        "start-fast=y",
        "archive-timeout=120",
        "process-max=2",
    ]
    return "\n".join(lines) + "\n"


def base_args(topology: Topology) -> list[str]:
    return [BIN, f"--config={config_path(topology)}", f"--stanza={STANZA}"]


def cluster_args(region: Region, data_dir: Path | None = None) -> list[str]:
    """The options that name one cluster as pg1 (``data_dir`` overrides the region's, for a restore)."""
    return [
        f"--pg1-path={data_dir or region.data_dir}",
        f"--pg1-port={region.port}",
        f"--pg1-socket-path={region.socket_dir}",
        f"--pg1-user={SUPERUSER}",
    ]


def archive_command(topology: Topology, region: Region) -> str:
    """``archive_command`` of ``region``'s cluster (``%p`` is relative to its data directory)."""
    return shlex.join([*base_args(topology), f"--pg1-path={region.data_dir}", "archive-push"]) + " %p"


def restore_command(topology: Topology, region: Region, data_dir: Path | None = None) -> str:
    """``restore_command``: the segment from the first repository that has it."""
    return shlex.join([*base_args(topology), f"--pg1-path={data_dir or region.data_dir}", "archive-get"]) + ' %f "%p"'
