"""The counter's flow around a 異動 (service functions for the views; no request objects here).

- :func:`jichitai.registry.approval.preview` decides the command against the current records and rolls back (入力確認, j540): the clerk
  sees every person's state before and after, or the standard's refusal, before anything is written.
- :func:`submit` records a 届出 at once; a 職権 change is drafted (起案) through
  :func:`jichitai.registry.approval.propose` and recorded when a supervisor approves it (審査・決裁, j530).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jichitai.registry import approval
from jichitai.registry.domain import Command
from jichitai.registry.models import PendingChange
from jichitai.registry.services import Applied, apply


@dataclass(frozen=True)
class Submitted:
    applied: Applied | None = None
    pending: PendingChange | None = None


def submit(command: Command, *, actor: Any, terminal: str = "") -> Submitted:
    """Record a 届出 now, or draft a 職権 change for 決裁."""
    change = approval.preview(command)
    if change.requires_approval:
        return Submitted(pending=approval.propose(command, actor=actor, terminal=terminal))
    return Submitted(applied=apply(command, actor=actor, terminal=terminal))


def decided_changes(limit: int = 50) -> list[PendingChange]:
    return list(PendingChange.objects.exclude(state="pending").select_related("requested_by", "decided_by")
                .order_by("-decided_at", "-pk")[:limit])
