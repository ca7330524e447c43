"""The hub worker's heartbeat: ``jichitai hub run`` says what it is doing and by when it will speak again.

Every step of a cycle writes the step's name and a deadline (``expected_by``) sized for that step: a few
intervals when idle, longer for a landing or a mart refresh. The hub page reads one row: past the deadline the
relay is stopped or hung (or the worker cannot reach the database), and the page says so; a clean stop (SIGTERM
from systemd or ``make demo``'s end) is recorded as such.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from jichitai.hub.models import WorkerHeartbeat

WORKER = "hub-worker"
# the longest each step may take before the page calls the worker hung
ALLOWANCE = {
    "中継": dt.timedelta(minutes=5),
    "プッシュ配信": dt.timedelta(minutes=10),
    "ファイル連携の受け取り": dt.timedelta(minutes=15),
    "分析基盤への蓄積": dt.timedelta(minutes=30),
    "ラウンジの集計更新": dt.timedelta(minutes=30),
}
IDLE_GRACE = dt.timedelta(seconds=30)


class Worker:
    """The heartbeat of one worker process."""

    def __init__(self, interval: float, name: str = WORKER) -> None:
        self.name, self.interval = name, interval
        self.started = timezone.now()
        self.cycles = 0

    def _write(self, phase: str, allowance: dt.timedelta, **fields: Any) -> None:
        now = timezone.now()
        WorkerHeartbeat.objects.update_or_create(name=self.name, defaults={
            "host": socket.gethostname()[:200], "pid": os.getpid(), "started_at": self.started, "beat_at": now,
            "expected_by": now + allowance, "phase": phase, "cycles": self.cycles, "stopped_at": None, **fields})

    def idle_allowance(self) -> dt.timedelta:
        return dt.timedelta(seconds=3 * self.interval) + IDLE_GRACE

    def start(self) -> None:
        self._write("起動", self.idle_allowance(), last_error="")

    def phase(self, name: str) -> None:
        self._write(name, ALLOWANCE.get(name, self.idle_allowance()))

    def idle(self, report: dict[str, Any]) -> None:
        self.cycles += 1
        self._write("待機", self.idle_allowance(), last_report=report, last_error="")

    def failed(self, error: str) -> None:
        self.cycles += 1
        self._write("エラー後の待機", self.idle_allowance(), last_error=error[-2000:])

    def stop(self) -> None:
        WorkerHeartbeat.objects.filter(name=self.name, pid=os.getpid()).update(
            stopped_at=timezone.now(), phase="停止")


@dataclass(frozen=True)
class State:
    """What the page says of the worker: ``status`` is running, late (hung or unreachable), stopped or never."""

    status: str
    beat: WorkerHeartbeat | None

    @property
    def alert(self) -> bool:
        return self.status != "running"


def state(name: str = WORKER, now: dt.datetime | None = None) -> State:
    now = now or timezone.now()
    beat = WorkerHeartbeat.objects.filter(name=name).first()
    if beat is None:
        return State("never", None)
    if beat.stopped_at is not None:
        return State("stopped", beat)
    return State("running" if now <= beat.expected_by else "late", beat)
