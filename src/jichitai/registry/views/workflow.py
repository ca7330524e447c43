"""The counter's flow around a 異動 (service functions for the views; no request objects here).

- :func:`jichitai.registry.approval.preview` decides the command against the current records and rolls back (入力確認, j540): the clerk
  sees every person's state before and after, or the standard's refusal, before anything is written.
- :func:`submit` records a 届出 at once; a 職権 change is drafted (起案) through
  :func:`jichitai.registry.approval.propose` and recorded when a supervisor approves it (審査・決裁, j530).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jichitai.registry import approval, editlock, submissions
from jichitai.registry.domain import Command
from jichitai.registry.domain.reception import Reception
from jichitai.registry.models import PendingChange
from jichitai.registry.services import Applied, apply


@dataclass(frozen=True)
class Submitted:
    applied: Applied | None = None
    pending: PendingChange | None = None


def submit(command: Command, *, actor: Any, terminal: str = "", once: str = "",
           override_duplicate: bool = False, reception: Reception | None = None,
           requires_approval: bool | None = None) -> Submitted:
    """Record a 届出 now, or draft a 職権 change for 決裁; once per confirmation key ``once``. A 転入 matching a
    current resident's 基本4情報 is refused unless ``override_duplicate`` (then audited).

    ``requires_approval=False``: the confirmation's preview found a 届出 (carried in its signed token), so the
    command is not decided a second time only to route it; the record itself still refuses a 職権 change made
    without 決裁 (services.apply_many), should the records have changed since."""
    if requires_approval is not False:
        change = approval.preview(command)
        if change.requires_approval:
            pending = propose_change(command, actor=actor, terminal=terminal, once=once,
                                     override_duplicate=override_duplicate, reception=reception)
            # drafted: the clerk's input is done, the 決裁者 must be able to record it (排他制御 10.3)
            editlock.release(actor, [e.after.atena_number for e in change.entries])
            return Submitted(pending=pending)
    return Submitted(applied=record_change(command, actor=actor, terminal=terminal, once=once,
                                           override_duplicate=override_duplicate, reception=reception))


def record_change(command: Command, *, actor: Any, terminal: str = "", once: str = "",
                  override_duplicate: bool = False, reception: Reception | None = None) -> Applied:
    """Record a 届出: refused when ``once`` was used, or for a 基本4情報 match without ``override_duplicate``."""
    submissions.ensure_unused(once, command)
    return apply(command, actor=actor, terminal=terminal, once=once, reception=reception,
                 override_duplicate=override_duplicate)


def propose_change(command: Command, *, actor: Any, terminal: str = "", once: str = "",
                   override_duplicate: bool = False, reception: Reception | None = None) -> PendingChange:
    """起案 of a 職権 change, with the same guards as :func:`record_change`."""
    submissions.ensure_unused(once, command)
    matches = submissions.ensure_not_duplicate(command, actor=actor, override=override_duplicate)
    pending = approval.propose(command, actor=actor, terminal=terminal, once=once, reception=reception,
                               override_duplicate=bool(matches))
    submissions.audit_override(actor, matches, f"pending:{pending.pk}")
    return pending


def decided_changes(limit: int = 50) -> list[PendingChange]:
    return list(PendingChange.objects.exclude(state="pending").select_related("requested_by", "decided_by")
                .order_by("-decided_at", "-pk")[:limit])
