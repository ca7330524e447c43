"""Writing a batch of decided 異動 in a few statements, in the caller's transaction.

For the changes a :class:`~jichitai.registry.workset.WorkingSet` holds: one history row per person and change
(j200), the current rows (new people inserted, the others updated once, to the state the batch leaves them
in, each checked against the version it was read at), one outbox event per person and change for the hub, and
each household's head, address and member count. On PostgreSQL the history and outbox rows go by ``COPY`` and
the current rows and households by one statement each; on the embedded SQLite by the ORM.
"""

from __future__ import annotations

import datetime as dt
import uuid
from types import SimpleNamespace
from typing import Any

from django.db import IntegrityError, OperationalError, connection
from django.db.models import F
from django.utils import timezone

from jichitai.audit import services as audit
from jichitai.common.ids import uuid7
from jichitai.dbcopy import copy_rows, execute_bound, json_text, update_rows
from jichitai.registry.domain.decide import Change, Entry
from jichitai.registry.domain.person import HEAD, Person
from jichitai.registry.domain.reception import Reception
from jichitai.registry.models import Household, OutboxEvent, Resident, ResidentHistory
from jichitai.registry.outbox import snapshot
from jichitai.registry.store import row_values, search_values
from jichitai.registry.workset import WorkingSet


class ConcurrentChange(OperationalError):
    """A current row changed under us although it was locked (optimistic version check): retry."""


def write(workset: WorkingSet, actor: Any, terminal: str, reception: Reception | None = None) -> None:
    if not workset.pending:
        return
    received = {"notifier_kind": reception.notifier_kind, "notifier_name": reception.notifier_name[:200],
                "identity_documents": ",".join(reception.identity_documents)[:300], "fee": reception.fee} \
        if reception else {}
    today, now = workset.today, timezone.now()
    entered_by, terminal = audit.actor_label(actor)[:100], terminal[:100]
    cipher: dict[str, Any] = {}  # 宛名番号 → its last snapshot's number, keys and ciphertext, for the next one
    histories, outbox, current = [], [], {}
    for pending in workset.pending:
        change: Change = pending.change
        cancels = uuid.UUID(change.cancels) if change.cancels else None
        for entry, history_no in zip(change.entries, pending.history_nos, strict=True):
            person = entry.after
            atena = person.atena_number
            previous = cipher.get(atena, workset.rows.get(atena))
            values = row_values(person, previous)
            keys = search_values(person, previous)
            cipher[atena] = SimpleNamespace(my_number=person.my_number, name=person.name, kana=person.kana,
                                            **keys, my_number_index=values["my_number_index"],
                                            my_number_encrypted=values["my_number_encrypted"])
            histories.append({
                **values, "history_no": history_no, "change_id": pending.change_id, "reason": change.reason.value,
                "moved_on": change.moved_on, "processed_on": today, "change_notified_on": change.notified_on,
                "entered_by": entered_by, "terminal": terminal, "is_subject": atena in pending.subjects,
                "cancels_change_id": cancels, "change_note": change.note, "recorded_at": now, **received,
            })
            current[atena] = {**values, **keys, "history_no": history_no,
                              "last_change_id": pending.change_id, "updated_at": now}
            outbox.append({
                "event_id": uuid7(), "change_id": pending.change_id, "kind": change.reason.value,
                "atena_number": atena, "setai_number": person.setai_number, "occurred_on": change.moved_on,
                "created_at": now,
                "payload": payload(change, entry, atena in pending.subjects, atena in pending.supported,
                                   workset.mailing_code(atena)),
            })
    copy_rows(ResidentHistory, histories)
    _write_current(workset, current)
    copy_rows(OutboxEvent, outbox)
    _write_households(workset, today, now)


def _write_current(workset: WorkingSet, current: dict[str, dict[str, Any]]) -> None:
    new = [{"atena_number": a, **v, "version": 0} for a, v in current.items() if a not in workset.rows]
    changed = [{"atena_number": a, **v, "version": workset.rows[a].version + 1}
               for a, v in current.items() if a in workset.rows]
    try:
        copy_rows(Resident, new)
        updated = update_rows(Resident, changed, versioned="version")
    except IntegrityError as exc:
        # the batch checked every 個人番号 it records; a clash here is a concurrent batch's: decide again
        raise ConcurrentChange(f"a number was recorded concurrently: {exc}") from exc
    if updated != len(changed):
        raise ConcurrentChange(f"{len(changed) - updated} residents changed concurrently")


def _write_households(workset: WorkingSet, today: dt.date, now: dt.datetime) -> None:
    """Each touched household's head, address and member count, from its members as the batch leaves them."""
    rows = []
    for setai, members in workset.households():
        # the address from any member (one address a household); no 世帯主 is written as none (j100 世帯主未設定)
        head: Person | None = next((m for m in members if m.relationship == HEAD), None)
        row: dict[str, Any] = {"setai_number": setai, "member_count": len(members)}
        if members:
            where = head or members[0]
            row.update(head_atena_number=head.atena_number if head else "", ward_code=where.ward_code,
                       town_code=where.town_code, banchi=where.banchi, katagaki=where.katagaki)
        rows.append(row)
    if connection.vendor != "postgresql":
        for row in rows:
            setai = row.pop("setai_number")
            if not Household.objects.filter(pk=setai).update(**row, version=F("version") + 1, updated_at=now):
                row.setdefault("ward_code", "")
                Household.objects.create(setai_number=setai, created_on=today, version=1, **row)
        return
    blank = {"head_atena_number": "", "ward_code": "", "town_code": "", "banchi": "", "katagaki": "",
             "created_on": today.isoformat(), "updated_at": now.isoformat(), "version": 1}
    cols = ", ".join(f'"{c}"' for c in ["setai_number", "member_count", *blank])
    for with_head in (True, False):  # a household left empty keeps its last head and address
        part = [{**blank, **r} for r in rows if ("head_atena_number" in r) == with_head]
        if not part:
            continue
        fields = ["member_count", "updated_at", *(("head_atena_number", "ward_code", "town_code", "banchi",
                                                    "katagaki") if with_head else ())]
        updates = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in fields)
        execute_bound(
            f"INSERT INTO registry_household ({cols}) "  # noqa: S608 (column names from the model)
            f"SELECT {cols} FROM json_populate_recordset(NULL::registry_household, %s::json) "
            f"ON CONFLICT (setai_number) DO UPDATE SET {updates}, version = registry_household.version + 1",
            [json_text(part)])


def payload(change: Change, entry: Entry, subject: bool, supported: bool, mailing_code: str = "") -> dict[str, Any]:
    """The outbox payload: the snapshot after the change (no 個人番号, with the 郵便物送付コード in force), the place
    before, and the move class."""
    before = entry.before
    return {
        **snapshot(entry.after, mailing_code),
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
        # j100: 「世帯主未設定の状態で他システムへ連携ができること」 — the 世帯番号 this 異動 leaves (or finds) without a
        # 世帯主, on every event of it: the members who stay are not re-sent, their records did not change
        "head_unset": list(change.head_unset),
    }
