"""What ``jichitai dr status`` reports, as data: for the command and for the read-only DR page beside the hub's."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jichitai.dr import lake, regions, replication

ROLE_NAMES = {"primary": "本番（書き込み）", "standby": "待機（同期複製）", "fenced": "切り離し済み", "down": "停止"}


@dataclass
class Report:
    status: replication.Status
    lake: dict[str, dict[str, Any]]

    @property
    def healthy(self) -> bool:
        return self.status.healthy


def configured(root: Path) -> bool:
    return (root / "topology.yaml").is_file()


def report(root: Path) -> Report:
    """Role, health, LSN and lag of each region, and the lake's current snapshot per table in each region.
    Raises :class:`jichitai.dr.errors.DrError` when DR is not set up at ``root``."""
    topology = regions.load(root)
    st = replication.status(topology)
    lake_state: dict[str, dict[str, Any]] = {}
    for region in topology.regions:
        try:
            lake_state[region.name] = dict(lake.current_snapshots(region)) if region.lake_path.exists() else {}
        except Exception as exc:  # one region's lake unreadable: said, the rest still shown
            lake_state[region.name] = {"error": str(exc)}
    return Report(st, lake_state)
