"""The invariants a drill checks on the database it ends on (the promoted standby, or a restored copy).

- every acknowledged 異動 is present exactly once (its marker's history rows: one change id, one row per
  person it touched); with ``until`` (a point-in-time restore) only those acknowledged before it, and none
  started after it;
- an in-doubt 異動 (connection lost before the answer) is present once or not at all, never twice;
- history numbers (履歴番号) run 1…n without gaps for every 宛名番号, and the current row carries n;
- every history row has its outbox event, and every outbox event was delivered to the hub's feed (the hub's
  own relay is run first, as after any restart);
- the audit chain verifies (``jichitai.audit.services.verify``) and every acknowledged 異動 has its entry.

Runs inside a Django process whose ``DATABASE_URL`` is the database under test (`jichitai dr verify`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.models import Count, Max, Min

from jichitai.dr.load import read_journal


@dataclass
class CheckReport:
    acknowledged: int = 0
    acknowledged_checked: int = 0
    lost: list[str] = field(default_factory=list)  # acknowledged, missing: the RPO in writes
    duplicated: list[str] = field(default_factory=list)  # recorded more than once
    partial: list[str] = field(default_factory=list)  # fewer/more rows than persons
    indoubt: int = 0
    indoubt_committed: int = 0
    after_target_present: list[str] = field(default_factory=list)  # PITR: started after the target, present
    history_rows: int = 0
    persons: int = 0
    history_gaps: list[str] = field(default_factory=list)
    current_mismatch: list[str] = field(default_factory=list)
    outbox_events: int = 0
    outbox_missing: int = 0
    relay: str = ""
    undelivered: int = 0
    audit_entries: int = 0
    audit_ok: bool = False
    audit_problems: list[str] = field(default_factory=list)
    audit_missing_changes: int = 0

    @property
    def ok(self) -> bool:
        return (
            not (
                self.lost
                or self.duplicated
                or self.partial
                or self.after_target_present
                or self.history_gaps
                or self.current_mismatch
                or self.outbox_missing
                or self.undelivered
                or self.audit_missing_changes
            )
            and self.audit_ok
        )

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("lost", "duplicated", "partial", "after_target_present", "history_gaps", "current_mismatch"):
            data[f"{key}_count"] = len(data[key])
            data[key] = data[key][:20]
        data["ok"] = self.ok
        return data


def verify(journal: Path, *, run_id: str, until: float | None = None) -> CheckReport:
    from jichitai.audit import services as audit
    from jichitai.audit.models import AuditEntry
    from jichitai.registry.models import OutboxEvent, Resident, ResidentHistory

    report = CheckReport()
    ops = read_journal(journal)
    rows: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for note, change_id, atena in ResidentHistory.objects.filter(
        change_note__startswith=f"drill:{run_id}:"
    ).values_list("change_note", "change_id", "atena_number"):
        rows[note].append((str(change_id), atena))
    acked_changes = []
    for op in ops:
        present = rows.get(op["note"], [])
        change_ids = {c for c, _ in present}
        if until is not None and op["start"] > until:
            if present:
                report.after_target_present.append(op["note"])
            continue
        if op["status"] == "ack":
            report.acknowledged += 1
            if until is not None and op["end"] > until:
                continue  # acknowledged around the target time: either answer is right
            report.acknowledged_checked += 1
            acked_changes.append(op["change_id"])
            if not present:
                report.lost.append(op["note"])
            elif len(change_ids) > 1:
                report.duplicated.append(op["note"])
            elif change_ids != {op["change_id"]} or len(present) != op["persons"]:
                report.partial.append(op["note"])
        elif op["status"] == "indoubt":
            report.indoubt += 1
            if len(change_ids) > 1:
                report.duplicated.append(op["note"])
            elif present:
                report.indoubt_committed += 1
                if len(present) != op["persons"]:
                    report.partial.append(op["note"])

    # 履歴番号: 1…n for every person, and the current row at n
    report.history_rows = ResidentHistory.objects.count()
    stats = ResidentHistory.objects.values("atena_number").annotate(
        n=Count("id"), lo=Min("history_no"), hi=Max("history_no")
    )
    latest = {}
    for s in stats:
        report.persons += 1
        latest[s["atena_number"]] = s["hi"]
        if s["lo"] != 1 or s["hi"] != s["n"]:
            report.history_gaps.append(f"{s['atena_number']}: {s['n']} rows, 履歴番号 {s['lo']}…{s['hi']}")
    for atena, history_no in Resident.objects.values_list("atena_number", "history_no"):
        if latest.get(atena) != history_no:
            report.current_mismatch.append(f"{atena}: current {history_no}, history {latest.get(atena)}")

    # outbox: one event per history row (same change, same person)
    report.outbox_events = OutboxEvent.objects.count()
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT count(*) FROM {ResidentHistory._meta.db_table} h WHERE NOT EXISTS ("  # noqa: S608
            f"SELECT 1 FROM {OutboxEvent._meta.db_table} o "
            "WHERE o.change_id = h.change_id AND o.atena_number = h.atena_number)"
        )
        row = cur.fetchone()
        report.outbox_missing = int(row[0]) if row else 0
    report.relay, report.undelivered = _delivery(OutboxEvent)

    # audit chain
    result = audit.verify()
    report.audit_entries, report.audit_ok = result.entries, result.ok
    report.audit_problems = [p.message for p in result.problems[:10]]
    audited = set(
        AuditEntry.objects.filter(
            action="registry.change", resource__in=[f"change:{c}" for c in acked_changes]
        ).values_list("resource", flat=True)
    )
    report.audit_missing_changes = len({f"change:{c}" for c in acked_changes} - audited)
    return report


def _delivery(outbox: Any) -> tuple[str, int]:
    """Run the hub's relay (when the hub is installed) and count outbox events not in its feed."""
    try:
        from jichitai.hub import feeds
        from jichitai.hub.models import FeedEvent
    except ImportError:
        return "hub relay not installed: outbox rows checked only", 0
    relayed = feeds.relay_all()
    delivered = set(FeedEvent.objects.values_list("event_id", flat=True))
    missing = sum(1 for e in outbox.objects.values_list("event_id", flat=True) if e not in delivered)
    return f"hub relay: {relayed} relayed now", missing
