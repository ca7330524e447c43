"""Appending to the audit trail, sealing its head, verifying it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jichitai.audit import chain
from jichitai.audit.models import AuditEntry, AuditSubject, ChainHead, Seal
from jichitai.dbcopy import copy_rows

E = TypeVar("E", bound=BaseException)
CHAIN = "audit"
_COLUMNS = ("seq", "at", "actor", "action", "resource", "outcome", "detail", "prev_hash", "hash")
SEAL_EVERY = 1000  # entries between automatic seals; `jichitai audit seal` seals on demand (cron)


def actor_label(actor: Any) -> str:
    """A stable text for who acted: ``staff:U0001``, ``system:juki``, ``resident:…``, ``anonymous``."""
    if isinstance(actor, str):
        return actor
    if actor is None or not getattr(actor, "is_authenticated", True):
        return "anonymous"
    label = getattr(actor, "audit_label", None)
    if label:
        return str(label() if callable(label) else label)
    username = getattr(actor, "username", None)
    if username:
        return f"staff:{username}"
    return str(actor)


def _fields(entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "at": entry.at.astimezone(dt.UTC).isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "resource": entry.resource,
        "outcome": entry.outcome,
        "detail": entry.detail,
    }


@lru_cache(maxsize=1)
def signing_key() -> chain.SigningKey:
    cfg = settings.CONFIG
    return chain.load_or_create_key(cfg.audit_key_file, create=not cfg.is_production)


@dataclass(frozen=True)
class Event:
    actor: Any
    action: str
    resource: str = ""
    outcome: str = "ok"
    detail: dict[str, Any] = field(default_factory=dict)
    subjects: tuple[str, ...] = ()  # the people (宛名番号) the action concerned, beyond a ``resident:X`` resource


RESIDENT = "resident:"


def record(actor: Any, action: str, resource: str = "", outcome: str = "ok", **detail: Any) -> AuditEntry:
    """Append one entry, in the caller's transaction when there is one. Outcomes: ok, refused, failed.
    ``subjects=[宛名番号…]``: the residents concerned, so that the auditor finds the entry under each of them."""
    subjects = tuple(str(s) for s in detail.pop("subjects", ()) or ())
    return record_many([Event(actor, action, resource, outcome, detail, subjects)])[-1]


def subjects_of(ev: Event) -> list[str]:
    named = [str(s) for s in ev.subjects if s]
    if ev.resource.startswith(RESIDENT):
        named.append(ev.resource[len(RESIDENT):])
    return list(dict.fromkeys(named))


def refused(error: E, actor: Any, action: str, resource: str = "", **detail: Any) -> E:
    """Audit a refusal and return ``error`` for the caller to raise. ``subjects=[宛名番号…]`` as for :func:`record`.

    A refusal raised inside a transaction rolls that transaction back, and with it an entry written inside it.
    So the entry is written now *and* carried on the error: :func:`atomic`, the error mappers (web pages, API)
    and :func:`keep_refusals` write it again, outside the transaction, if the rollback took it away.
    """
    subjects = tuple(str(s) for s in detail.pop("subjects", ()) or ())  # indexed, as :func:`record` does
    return carry(error, Event(actor, action, resource, "refused", {"code": getattr(error, "code", ""), **detail},
                              subjects))


def carry(error: E, event: Event) -> E:
    """Write ``event`` now and carry it on ``error`` (see :func:`refused`)."""
    entry = record_many([event])[-1]
    carried = list(getattr(error, "audit_refusals", []))
    carried.append((event, entry.seq, entry.hash))
    error.audit_refusals = carried  # type: ignore[attr-defined]
    return error


def _in_transaction() -> bool:
    """Inside a transaction of our own (the test framework's outer blocks do not count: they never commit)."""
    connection = transaction.get_connection()
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def keep_refusals(error: BaseException) -> None:
    """Once outside every transaction: rewrite the refusals carried by ``error`` that a rollback removed."""
    carried = getattr(error, "audit_refusals", None)
    if not carried or _in_transaction():
        return
    error.audit_refusals = []  # type: ignore[attr-defined]
    lost = [event for event, seq, digest in carried if not AuditEntry.objects.filter(seq=seq, hash=digest).exists()]
    if lost:
        record_many([Event(e.actor, e.action, e.resource, e.outcome, {**e.detail, "rolled_back": True}, e.subjects)
                     for e in lost])


@contextmanager
def atomic() -> Iterator[None]:
    """``transaction.atomic()`` whose refusals (raised with :func:`refused`) outlive its rollback."""
    try:
        with transaction.atomic():
            yield
    except BaseException as exc:
        keep_refusals(exc)
        raise


def record_many(events: Iterable[Event]) -> list[AuditEntry]:
    """Append entries in order under one lock of the chain head; nothing to append takes no lock."""
    events = list(events)
    if not events:  # e.g. a check that hid no one: the chain head (one row every writer locks) is left alone
        return []
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        now = timezone.now()
        entries = []
        subject_rows: list[dict[str, Any]] = []
        for ev in events:
            detail = {**ev.detail, "subjects": list(dict.fromkeys(map(str, ev.subjects)))} if ev.subjects \
                else ev.detail
            entry = AuditEntry(
                seq=head.seq + 1,
                at=now,
                actor=actor_label(ev.actor),
                action=ev.action,
                resource=str(ev.resource)[:300],
                outcome=ev.outcome,
                detail=detail,
                prev_hash=head.hash,
            )
            subject_rows.extend({"seq": entry.seq, "subject": s[:40]} for s in subjects_of(ev))
            entry.hash = chain.chained_hash(head.hash, _fields(entry))
            head.seq, head.hash = entry.seq, entry.hash
            entries.append(entry)
        copy_rows(AuditEntry, [{f: getattr(e, f) for f in _COLUMNS} for e in entries])
        copy_rows(AuditSubject, subject_rows)
        head.save(update_fields=["seq", "hash"])
        if entries and (entries[0].seq - 1) // SEAL_EVERY != entries[-1].seq // SEAL_EVERY:
            _seal(head.seq, head.hash)
    return entries


def _locked_head() -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(name=CHAIN).first()
    if head is None:
        ChainHead.objects.get_or_create(name=CHAIN, defaults={"seq": 0, "hash": chain.GENESIS})
        head = ChainHead.objects.select_for_update().get(name=CHAIN)
    return head


def _seal(seq: int, head_hash: str) -> Seal:
    key = signing_key()
    at = timezone.now()
    message = chain.seal_message(CHAIN, seq, head_hash, at.astimezone(dt.UTC).isoformat())
    return Seal.objects.create(
        chain=CHAIN, seq=seq, head_hash=head_hash, at=at, key_id=key.key_id, signature=key.sign(message)
    )


def seal() -> Seal | None:
    """Sign the current chain head (run at intervals by cron or `jichitai audit seal`)."""
    with transaction.atomic():
        head = _locked_head()
        if head.seq == 0:
            return None
        last = Seal.objects.filter(chain=CHAIN).order_by("-seq").first()
        if last is not None and last.seq == head.seq:
            return last
        return _seal(head.seq, head.hash)


@dataclass(frozen=True)
class ChainStatus:
    """For monitoring: how far the chain goes and how long its newest entries have gone unsealed."""

    head_seq: int
    sealed_seq: int
    unsealed_age_seconds: float  # the oldest entry after the last seal (0 when the head is sealed)
    last_seal_age_seconds: float | None


def chain_status(now: dt.datetime | None = None) -> ChainStatus:
    now = now or timezone.now()
    head = ChainHead.objects.filter(name=CHAIN).values_list("seq", flat=True).first() or 0
    last = Seal.objects.filter(chain=CHAIN).order_by("-seq").values_list("seq", "at").first()
    sealed = last[0] if last else 0
    oldest = AuditEntry.objects.filter(seq=sealed + 1).values_list("at", flat=True).first() if head > sealed else None
    return ChainStatus(head, sealed, (now - oldest).total_seconds() if oldest else 0.0,
                       (now - last[1]).total_seconds() if last else None)


@dataclass
class Problem:
    seq: int
    kind: str  # edited, removed, reordered, head, seal
    message: str


@dataclass
class VerifyReport:
    entries: int = 0
    seals: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first(self) -> Problem | None:
        return self.problems[0] if self.problems else None


def _entries() -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("seq").iterator(chunk_size=5000)


def verify() -> VerifyReport:
    """Walk the chain from the start. Names every entry that was edited, removed or reordered, a head that
    does not match, and any seal whose signature or hash does not hold."""
    report = VerifyReport()
    running = chain.GENESIS
    expected_seq = 1
    hashes_at: dict[int, str] = {}
    seal_seqs = set(Seal.objects.filter(chain=CHAIN).values_list("seq", flat=True))
    for entry in _entries():
        report.entries += 1
        if entry.seq != expected_seq:
            if entry.seq > expected_seq:
                report.problems.append(Problem(
                    expected_seq, "removed",
                    f"entries {expected_seq}–{entry.seq - 1} are missing (removed)",
                ))
            expected_seq = entry.seq
        recomputed = chain.chained_hash(entry.prev_hash, _fields(entry))
        if recomputed != entry.hash:
            report.problems.append(Problem(entry.seq, "edited", f"entry {entry.seq} was edited: its hash does not match its content"))
        elif entry.prev_hash != running:
            report.problems.append(Problem(
                entry.seq, "reordered",
                f"entry {entry.seq} does not follow its predecessor (an entry before it was removed, replaced or reordered)",
            ))
        running = entry.hash
        if entry.seq in seal_seqs:
            hashes_at[entry.seq] = running
        expected_seq += 1
    head = ChainHead.objects.filter(name=CHAIN).first()
    if head is not None and (head.seq != expected_seq - 1 or head.hash != running):
        report.problems.append(Problem(
            expected_seq, "head",
            f"the chain head says {head.seq} entries but the table ends at {expected_seq - 1} (entries removed at the end)",
        ))
    public = signing_key().public
    for s in Seal.objects.filter(chain=CHAIN).order_by("seq"):
        report.seals += 1
        message = chain.seal_message(CHAIN, s.seq, s.head_hash, s.at.astimezone(dt.UTC).isoformat())
        if not chain.verify_signature(public, message, s.signature):
            report.problems.append(Problem(s.seq, "seal", f"the seal at entry {s.seq} has an invalid signature"))
        elif hashes_at.get(s.seq) != s.head_hash:
            report.problems.append(Problem(
                s.seq, "seal", f"the entries up to {s.seq} no longer match the head signed at {s.at.isoformat()}",
            ))
    report.problems.sort(key=lambda p: p.seq)
    return report
