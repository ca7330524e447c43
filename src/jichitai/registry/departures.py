"""転出予定日の到来 (j50): the daily run that makes the 除票 of every 転出 whose 転出予定日 has come.

A 転出届 with a future 転出予定日 leaves the person a resident marked 転出予定 (an active record with
``removed_on``, see :attr:`jichitai.registry.domain.person.Person.departure_pending`). Run
``jichitai departures`` every day after midnight (docs/operations.md): each household's 転出予定者 of one
転出予定日 become 除票 through one :class:`~jichitai.registry.domain.commands.CompleteMoveOut`, recorded by
:func:`jichitai.registry.services.apply_many` (history row, outbox event, audit entry). A refused one — a
世帯主 whose household has since grown to two or more staying members (j490) — is skipped, audited, and listed
with its reason for the counter; the person stays a resident until it is resolved and the next run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from jichitai.registry import approval, services
from jichitai.registry.domain import CompleteMoveOut, RegistryError
from jichitai.registry.domain.person import ACTIVE
from jichitai.registry.models import Resident

BATCH = 500  # commands per transaction


@dataclass
class Outcome:
    """What a run did: the 除票 made, and the 転出 it could not make effective with the reason."""

    applied: list[services.Applied] = field(default_factory=list)
    refused: list[tuple[CompleteMoveOut, str]] = field(default_factory=list)

    @property
    def removed(self) -> list[str]:
        """宛名番号 of the people who became 除票."""
        return [e.after.atena_number for a in self.applied for e in a.change.entries if not e.after.is_active]


def due() -> list[CompleteMoveOut]:
    """One command per household and 転出予定日 for every 転出予定者 whose day is today or past, oldest first."""
    rows = (Resident.objects.filter(status=ACTIVE, removed_on__isnull=False, removed_on__lte=timezone.localdate())
            .order_by("removed_on", "setai_number", "household_order", "pk")
            .values_list("removed_on", "setai_number", "atena_number"))
    groups: dict[tuple[Any, str], list[str]] = {}
    for on, setai, atena in rows:
        groups.setdefault((on, setai), []).append(atena)
    return [CompleteMoveOut(moved_on=on, atena_numbers=tuple(atenas)) for (on, _setai), atenas in groups.items()]


def make_effective(*, actor: Any = None) -> Outcome:
    """Record every due 転出予定日 (idempotent: a second run the same day finds nothing due)."""
    actor = actor or services.SystemActor("departures")
    commands = due()
    outcome = Outcome()
    for start in range(0, len(commands), BATCH):
        outcome.applied += services.apply_many(commands[start:start + BATCH], actor=actor, terminal="departures",
                                               stop_on_error=False)
    done = {a for applied in outcome.applied for a in applied.atena_numbers}
    for command in commands:
        if set(command.atena_numbers) <= done:
            continue
        try:  # the refusal was audited by apply_many; decide it again (dry run) for the reason to list
            approval.preview(command)
            reason = "同時に行われた異動により処理されませんでした。次回の実行で再処理します。"
        except RegistryError as exc:
            reason = exc.message
        outcome.refused.append((command, reason))
    return outcome
