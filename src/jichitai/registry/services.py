"""住民記録 services: the one place a 異動 is decided, written, published and audited.

``apply(command, actor=…)`` runs in one database transaction: lock the households and residents concerned,
decide with the pure domain, append a history row per person (j200), update the current rows and households,
write one outbox event per person for the hub (same transaction: nothing committed is missed, nothing
uncommitted is published) and one audit entry. A refusal raises :class:`RegistryError` and changes nothing.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from jichitai.audit import services as audit
from jichitai.registry import suppression
from jichitai.registry.domain import Change, Command, RegistryError, decide
from jichitai.registry.domain.decide import Entry
from jichitai.registry.domain.person import ACTIVE
from jichitai.registry.history import household_as_of, residents_as_of
from jichitai.registry.models import Household, OutboxEvent, Resident, ResidentHistory, Town
from jichitai.registry.search import search
from jichitai.registry.store import DbLedger, row_values, search_values

__all__ = [
    "Applied", "SystemActor", "apply", "apply_many", "household_as_of", "load_towns", "residents_as_of",
    "search",
]


@dataclass(frozen=True)
class SystemActor:
    """A program acting on the registry (the synthetic city, a migration, a benchmark): audited by name."""

    name: str
    is_active: bool = True
    is_authenticated: bool = True

    def audit_label(self) -> str:
        return f"system:{self.name}"

    def role_codes(self) -> frozenset[str]:
        return frozenset()


@dataclass(frozen=True)
class Applied:
    """A recorded 異動: its id (for 取消し), the decided change and the 宛名番号/世帯番号 it touched."""

    change_id: str
    change: Change

    @property
    def atena_numbers(self) -> list[str]:
        return [e.after.atena_number for e in self.change.entries]

    @property
    def setai_numbers(self) -> list[str]:
        return list(dict.fromkeys(e.after.setai_number for e in self.change.entries))

    @property
    def reason(self) -> str:
        return self.change.reason.value


class ConcurrentChange(OperationalError):
    """A current row changed under us although it was locked (optimistic version check): retry."""


_RETRYABLE = (OperationalError,)  # deadlock detected, serialization failure, ConcurrentChange: retried whole


def apply(command: Command, *, actor: Any, terminal: str = "", approval: Any = None) -> Applied:
    """Decide and record one 異動. 職権 changes need ``approval`` (a PendingChange being approved, j530)."""
    return apply_many([command], actor=actor, terminal=terminal, approval=approval)[0]


def apply_many(commands: Iterable[Command], *, actor: Any, terminal: str = "", approval: Any = None,
               stop_on_error: bool = True) -> list[Applied]:
    """Record several 異動 in one transaction, in order (each sees the ones before it). With
    ``stop_on_error=False`` a refused command is skipped (and audited) instead of rolling back the batch.
    A refusal that rolls the transaction back is audited after the rollback."""
    commands = list(commands)
    for attempt in range(5):
        try:
            with transaction.atomic():
                return _apply_all(commands, actor, terminal, approval, stop_on_error)
        except RegistryError as exc:
            command = getattr(exc, "command", commands[0] if commands else None)
            audit.record_many([_refusal_event(actor, command, exc)])
            raise
        except _RETRYABLE:
            if attempt == 4:
                raise
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")


def _apply_all(commands: list[Command], actor: Any, terminal: str, approval: Any,
               stop_on_error: bool) -> list[Applied]:
    results: list[Applied] = []
    events: list[audit.Event] = []
    towns: dict[str, Any] = {}  # the address dictionary, read once per batch
    for command in commands:
        try:
            with transaction.atomic(savepoint=not stop_on_error):
                applied = _apply_one(command, actor, terminal, approval, towns)
        except RegistryError as exc:
            if stop_on_error:
                exc.command = command  # type: ignore[attr-defined]
                raise
            events.append(_refusal_event(actor, command, exc))
            continue
        results.append(applied)
        change = applied.change
        events.append(audit.Event(actor, "registry.change", f"change:{applied.change_id}", "ok", {
            "reason": change.reason.value, "command": command.command_type,
            "atena_numbers": applied.atena_numbers, "moved_on": change.moved_on.isoformat(),
            "terminal": terminal, **({"approved_by": audit.actor_label(approval.decided_by)} if approval else {}),
        }))
    audit.record_many(events)
    return results


def _refusal_event(actor: Any, command: Command | None, exc: RegistryError) -> audit.Event:
    return audit.Event(actor, "registry.change", command.command_type if command else "", "refused",
                       {"code": exc.code, "message": exc.message, "fields": _jsonable(exc.fields)})


def _jsonable(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: (v if isinstance(v, (str, int, float, bool, type(None), list, dict)) else str(v))
            for k, v in fields.items()}


def _apply_one(command: Command, actor: Any, terminal: str, approval: Any,
               towns: dict[str, Any] | None = None) -> Applied:
    ledger = DbLedger(towns=towns)
    change = decide(command, ledger)
    if change.requires_approval and approval is None:
        raise RegistryError(f"{change.reason.label}は職権による異動のため、決裁を経て記録します（標準仕様書 4.0.8）。"
                            "起案して決裁者の承認を受けてください。", code="approval_required")
    supported = suppression.ensure_change_allowed(actor, [e.after.atena_number for e in change.entries])
    change_id = uuid.uuid4()
    _write(change, change_id, ledger, actor, terminal, supported)
    return Applied(str(change_id), change)


def _write(change: Change, change_id: uuid.UUID, ledger: DbLedger, actor: Any, terminal: str,
           supported: set[str]) -> None:
    today = ledger.today
    entered_by = audit.actor_label(actor)
    subjects = _subjects(change)
    histories, outbox = [], []
    for entry in change.entries:
        person = entry.after
        row = ledger.rows.get(person.atena_number)
        values = row_values(person, row)
        history_no = (row.history_no + 1) if row is not None else 1
        histories.append(ResidentHistory(
            **values, history_no=history_no, change_id=change_id, reason=change.reason.value,
            moved_on=change.moved_on, processed_on=today, change_notified_on=change.notified_on,
            entered_by=entered_by[:100], terminal=terminal[:100], is_subject=person.atena_number in subjects,
            cancels_change_id=uuid.UUID(change.cancels) if change.cancels else None, change_note=change.note,
        ))
        current = {**values, **search_values(person), "history_no": history_no, "last_change_id": change_id}
        if row is None:
            Resident.objects.create(atena_number=person.atena_number, **{
                k: v for k, v in current.items() if k != "atena_number"})
        else:
            try:
                updated = Resident.objects.filter(pk=person.atena_number, version=row.version).update(
                    **current, version=row.version + 1, updated_at=timezone.now())
            except IntegrityError as exc:
                raise RegistryError("この個人番号は既に別の住民に記載されています。", code="duplicate_my_number") from exc
            if updated != 1:
                raise ConcurrentChange(f"resident {person.atena_number} changed concurrently")
        outbox.append(OutboxEvent(
            change_id=change_id, kind=change.reason.value, atena_number=person.atena_number,
            setai_number=person.setai_number, occurred_on=change.moved_on,
            payload=_payload(change, entry, person.atena_number in subjects, person.atena_number in supported),
        ))
    ResidentHistory.objects.bulk_create(histories)
    OutboxEvent.objects.bulk_create(outbox)
    _update_households(change.households, today)


def _subjects(change: Change) -> set[str]:
    """異動者 (j460): whose address, status or household the change is about (others only had 続柄 reset)."""
    out = set()
    for e in change.entries:
        b, a = e.before, e.after
        if b is None or (b.status, b.setai_number, b.town_code, b.banchi, b.katagaki) != (
                a.status, a.setai_number, a.town_code, a.banchi, a.katagaki) or b.relationship == a.relationship:
            out.add(a.atena_number)
    return out or {e.after.atena_number for e in change.entries}


def _payload(change: Change, entry: Entry, subject: bool, supported: bool) -> dict[str, Any]:
    """The outbox payload: the snapshot after the change (no 個人番号), the place before, and the move class."""
    snapshot = entry.after.as_dict()
    snapshot.pop("my_number", None)
    before = entry.before
    return {
        **snapshot,
        "reason": change.reason.value,
        "reason_label": change.reason.label,
        "reason_group": change.reason.group.value,
        "is_subject": subject,
        "previous": None if before is None else {
            "setai_number": before.setai_number, "ward_code": before.ward_code, "town_code": before.town_code,
            "status": before.status,
        },
        "origin_class": entry.origin_class or None,
        "destination_class": entry.destination_class or None,
        "ward_change": bool(before and before.ward_code and before.ward_code != entry.after.ward_code
                            and entry.after.is_active),
        "support_measure": supported,
        "cancels": change.cancels or None,
    }


def _update_households(setai_numbers: Iterable[str], today: Any) -> None:
    for setai in setai_numbers:
        members = list(Resident.objects.filter(setai_number=setai, status=ACTIVE)
                       .values("atena_number", "relationship", "ward_code", "town_code", "banchi", "katagaki"))
        head = next((m for m in members if m["relationship"] == "世帯主"), members[0] if members else None)
        values: dict[str, Any] = {"member_count": len(members)}
        if head is not None:
            values.update(head_atena_number=head["atena_number"], ward_code=head["ward_code"],
                          town_code=head["town_code"], banchi=head["banchi"], katagaki=head["katagaki"])
        updated = Household.objects.filter(pk=setai).update(**values, version=F("version") + 1,
                                                             updated_at=timezone.now())
        if not updated:
            values.setdefault("ward_code", "")
            Household.objects.create(setai_number=setai, created_on=today, version=1, **values)


def load_towns(rows: Iterable[dict[str, Any]]) -> int:
    """Load the 住所辞書 (j250): rows with code, ward_code, ward_name, name, kana, postcode, school_district.
    Existing codes are updated. Returns the number of rows."""
    from jichitai.registry.store import own_codes

    towns = [Town(**{k: r.get(k, "") or "" for k in ("code", "ward_code", "ward_name", "name", "kana", "postcode",
                                                       "school_district")}) for r in rows]
    for t in towns:
        if not t.code or not t.ward_code:
            raise RegistryError("住所辞書の行に町字コードまたは行政区コードがありません。", code="invalid_town")
    with transaction.atomic():
        Town.objects.bulk_create(towns, batch_size=1000, update_conflicts=True, unique_fields=["code"],
                                 update_fields=["ward_code", "ward_name", "name", "kana", "postcode",
                                                "school_district"])
    own_codes.cache_clear()
    return len(towns)


def outbox_since(after_id: int = 0, limit: int = 1000) -> Iterator[OutboxEvent]:
    """Outbox events with ``id > after_id`` in order (the hub's cursor read)."""
    yield from OutboxEvent.objects.filter(id__gt=after_id).order_by("id")[:limit]


__all__ += ["ConcurrentChange", "outbox_since"]
