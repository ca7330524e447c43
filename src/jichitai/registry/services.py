"""住民記録 services: the one place a 異動 is decided, written, published and audited.

``apply(command, actor=…)`` runs in one database transaction: lock the households and residents concerned,
refuse a resident another member of staff is entering a 異動 for (editlock, 標準仕様書 10.3), decide with the
pure domain, append a history row per person (j200), update the current rows and households,
write one outbox event per person for the hub (same transaction: nothing committed is missed, nothing
uncommitted is published) and one audit entry. A refusal raises :class:`RegistryError` and changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import OperationalError, transaction

from jichitai.audit import services as audit
from jichitai.registry import editlock, rowwriter, submissions, suppression
from jichitai.registry.domain import Change, Command, RegistryError, decide
from jichitai.registry.domain.reception import Reception
from jichitai.registry.history import household_as_of, residents_as_of
from jichitai.registry.models import OutboxEvent, Town
from jichitai.registry.rowwriter import ConcurrentChange
from jichitai.registry.search import search
from jichitai.registry.workset import WorkingSet

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


_RETRYABLE = (OperationalError,)  # deadlock detected, serialization failure, ConcurrentChange: retried whole


def apply(command: Command, *, actor: Any, terminal: str = "", approval: Any = None, once: str = "",
          reception: Reception | None = None, override_duplicate: bool = False) -> Applied:
    """Decide and record one 異動. 職権 changes need ``approval`` (a PendingChange being approved, j530); in a
    batch the approval covers its 職権 changes and is recorded on those. ``once``: the confirmation's key,
    claimed in the same transaction (:mod:`jichitai.registry.submissions`): a second use records nothing.
    ``reception``: 届出人, 本人確認 and 手数料 (:mod:`jichitai.registry.domain.reception`), kept on every history
    row the 異動 writes and in its audit entry. ``override_duplicate``: the clerk confirmed that a 転入 matching a
    current resident's 基本4情報 is another person (audited with the residents it matched)."""
    return apply_many([command], actor=actor, terminal=terminal, approval=approval, once=once,
                      reception=reception, override_duplicate=override_duplicate)[0]


def apply_many(commands: Iterable[Command], *, actor: Any, terminal: str = "", approval: Any = None,
               stop_on_error: bool = True,
               serials: Sequence[Mapping[str, Sequence[int]]] | None = None, once: str = "",
               reception: Reception | None = None, override_duplicate: bool = False) -> list[Applied]:
    """Record several 異動 in one transaction, in order (each sees the ones before it). With
    ``stop_on_error=False`` a refused command is skipped (and audited) instead of refusing the batch.
    A refusal that refuses the batch is audited after the rollback.

    The batch is read and locked ahead (:class:`~jichitai.registry.workset.WorkingSet`), decided command by
    command over what the commands before it decided, and written in a few statements
    (:mod:`~jichitai.registry.rowwriter`): a batch costs about as many round trips to the database as one 異動.
    ``serials``, one mapping a command, are the 宛名番号/世帯番号 serials the caller reserved for each command's new
    people and households (``numbering.reserve``): numbers that do not depend on how commands are batched.
    Every person a command enters (転入, 職権記載) is compared by 基本4情報 with the current residents and with
    the people entered earlier in the batch (:class:`~jichitai.registry.submissions.DuplicateCheck`): a match
    refuses the command unless ``override_duplicate`` (then audited)."""
    commands = list(commands)
    for attempt in range(5):
        try:
            with transaction.atomic():
                claimed = submissions.claim(once, commands[0], actor) if once else None
                results = _apply_all(commands, actor, terminal, approval, stop_on_error, serials, reception,
                                     override_duplicate)
                if results:
                    first = results[0]
                    submissions.settle(claimed, change_id=first.change_id, reason=first.reason,
                                       reason_label=first.change.reason.label, atena_numbers=first.atena_numbers,
                                       setai_numbers=first.setai_numbers)
                return results
        except RegistryError as exc:
            command = getattr(exc, "command", commands[0] if commands else None)
            # carried on the error too: when a 決裁 calls this inside its own transaction, its rollback would
            # take the entry with it (audit.atomic writes it again afterwards)
            audit.carry(exc, _refusal_event(actor, command, exc))
            raise
        except _RETRYABLE:
            if attempt == 4:
                raise
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")


def _apply_all(commands: list[Command], actor: Any, terminal: str, approval: Any,
               stop_on_error: bool, serials: Sequence[Mapping[str, Sequence[int]]] | None = None,
               reception: Reception | None = None, override_duplicate: bool = False) -> list[Applied]:
    # whose counter check the 異動抑止 is read for: the 決裁者 records a 職権異動 (j530 本登録), else the clerk
    workset = WorkingSet(clerk=approval.decided_by if approval is not None else actor)
    workset.prefetch(commands)
    guard = suppression.shield(workset.today)
    duplicates = submissions.DuplicateCheck(commands, actor, guard)
    others_locks, holds_locks = editlock.others_locks(actor)  # 排他制御 (10.3): one read for the batch
    results: list[Applied] = []
    events: list[audit.Event] = []
    for i, command in enumerate(commands):
        workset.reserved_for_next(serials[i] if serials else None)
        try:
            change = decide(command, workset)
            if change.requires_approval and approval is None:
                raise RegistryError(f"{change.reason.label}は職権による異動のため、決裁を経て記録します（標準仕様書 4.0.8）。"
                                    "起案して決裁者の承認を受けてください。", code="approval_required")
            atenas = [e.after.atena_number for e in change.entries]
            editlock.ensure_free(others_locks, atenas)
            suppression.check_change(workset.suppression_flags(atenas))
            supported = suppression.supported_in_change(
                change, workset.flags, lambda setai: workset.members_of.get(setai, ()), guard)
            matched, withheld = duplicates.check(command, override=override_duplicate)
        except RegistryError as exc:
            if stop_on_error:
                exc.command = command  # type: ignore[attr-defined]
                raise
            events.append(_refusal_event(actor, command, exc))
            continue
        pending = workset.commit(change, frozenset(_subjects(change)), frozenset(supported))
        applied = Applied(str(pending.change_id), change)
        results.append(applied)
        duplicates.entered_by(change)
        events += withheld
        if matched:
            events.append(submissions.override_event(actor, matched, f"change:{applied.change_id}"))
        events.append(audit.Event(actor, "registry.change", f"change:{applied.change_id}", "ok", {
            "reason": change.reason.value, "command": command.command_type,
            "atena_numbers": applied.atena_numbers, "moved_on": change.moved_on.isoformat(),
            "terminal": terminal, **({"reception": reception.as_dict()} if reception else {}),
            **({"approved_by": audit.actor_label(approval.decided_by)}
                                     if approval is not None and change.requires_approval else {}),
        }, tuple(applied.atena_numbers)))
    rowwriter.write(workset, actor, terminal, reception)
    if holds_locks and results:  # the 異動 is recorded: the residents are free for the next clerk
        editlock.release(actor, {a for r in results for a in r.atena_numbers})
    audit.record_many(events)
    return results


def named_in(command: Command | None) -> tuple[str, ...]:
    """The 宛名番号 a command names (``atena_number``, ``atena_numbers``, a returning person's): the people its
    refusal is indexed under, so that 「この住民に触れたもの」 (10.2) finds a refused 異動 too."""
    people = [getattr(command, "atena_number", ""), *getattr(command, "atena_numbers", ()),
              *(getattr(p, "atena_number", "") for p in getattr(command, "persons", ()) or ())]
    return tuple(dict.fromkeys(str(a) for a in people if a))


def _refusal_event(actor: Any, command: Command | None, exc: RegistryError) -> audit.Event:
    return audit.Event(actor, "registry.change", command.command_type if command else "", "refused",
                       {"code": exc.code, "message": exc.message, "fields": _jsonable(exc.fields)}, named_in(command))


def _jsonable(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: (v if isinstance(v, (str, int, float, bool, type(None), list, dict)) else str(v))
            for k, v in fields.items()}


def _subjects(change: Change) -> set[str]:
    """異動者 (j460): whose address, status or household the change is about (others only had 続柄 reset)."""
    out = set()
    for e in change.entries:
        b, a = e.before, e.after
        if b is None or (b.status, b.setai_number, b.town_code, b.banchi, b.katagaki) != (
                a.status, a.setai_number, a.town_code, a.banchi, a.katagaki) or b.relationship == a.relationship:
            out.add(a.atena_number)
    return out or {e.after.atena_number for e in change.entries}


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
