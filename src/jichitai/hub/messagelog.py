"""The message log (連携記録): every delivery and every file in or out, hash-chained and signed.

Like X-Road's message log, each record holds the hash of the payload (not the payload), sender, receiver and
time; records are chained (SHA-256 over the previous hash and the record, :mod:`jichitai.audit.chain`) and each
is signed with the platform's Ed25519 key, which makes the record itself the receiver's receipt. The log is
written inside the delivery's transaction and before anything is handed over: if it cannot be written or
signed, :class:`MessageLogUnavailable` is raised and nothing is delivered (fail closed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization
from django.db import DatabaseError, transaction
from django.utils import timezone

from jichitai.audit import chain
from jichitai.audit import services as audit_services
from jichitai.audit.models import ChainHead
from jichitai.hub.errors import MessageLogUnavailable
from jichitai.hub.models import MessageLogEntry

CHAIN = "hub-message-log"
HUB = "hub"

# The kinds of record the hub writes (a push is logged as the pull it delivers), for the admin's filter.
KINDS: dict[str, str] = {
    "feed_pull": "フィード提供", "file_in": "ファイル受信", "file_in_duplicate": "ファイル受信（重複）",
    "file_quarantined": "ファイル隔離", "file_out": "ファイル提供", "file_released": "隔離の解除",
}


def signing_key() -> chain.SigningKey:
    """The platform's Ed25519 key (the audit key file, outside the database)."""
    return audit_services.signing_key()


def payload_hash(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def _fields(e: MessageLogEntry) -> dict[str, Any]:
    return {
        "seq": e.seq, "at": e.at.astimezone(dt.UTC).isoformat(), "direction": e.direction, "kind": e.kind,
        "sender": e.sender, "receiver": e.receiver, "reference": e.reference,
        "payload_sha256": e.payload_sha256, "payload_bytes": e.payload_bytes, "count": e.count,
        "first_cursor": e.first_cursor, "last_cursor": e.last_cursor,
    }


def receipt(e: MessageLogEntry) -> dict[str, Any]:
    """What the receiver keeps: the record, its chain hashes, the signature and the key id."""
    return {**_fields(e), "prev_hash": e.prev_hash, "hash": e.hash, "key_id": e.key_id, "signature": e.signature}


def _signed_message(fields: dict[str, Any], entry_hash: str) -> bytes:
    return chain.canonical({**fields, "hash": entry_hash})


def public_key_pem() -> str:
    return signing_key().public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def verify_receipt(rec: dict[str, Any], public_pem: str, payload: bytes | None = None) -> bool:
    """Check a receipt with the hub's public key alone (and the payload, when given)."""
    public = serialization.load_pem_public_key(public_pem.encode())
    fields = {k: rec[k] for k in ("seq", "at", "direction", "kind", "sender", "receiver", "reference",
                                  "payload_sha256", "payload_bytes", "count", "first_cursor", "last_cursor")}
    if chain.chained_hash(rec["prev_hash"], fields) != rec["hash"]:
        return False
    if payload is not None and payload_hash(payload) != rec["payload_sha256"]:
        return False
    return chain.verify_signature(public, _signed_message(fields, rec["hash"]), rec["signature"])  # type: ignore[arg-type]


def _locked_head() -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(name=CHAIN).first()
    if head is None:
        ChainHead.objects.get_or_create(name=CHAIN, defaults={"seq": 0, "hash": chain.GENESIS})
        head = ChainHead.objects.select_for_update().get(name=CHAIN)
    return head


def append(*, kind: str, direction: str, sender: str, receiver: str, reference: str, payload: bytes,
           count: int = 0, first_cursor: int | None = None, last_cursor: int | None = None,
           digest: tuple[str, int] | None = None) -> MessageLogEntry:
    """Append and sign one record in the caller's transaction. Raises :class:`MessageLogUnavailable`.
    ``digest`` (sha256 hex, size) stands for a payload too large to hold in memory (hashed while streamed)."""
    try:
        key = signing_key()
        with transaction.atomic():
            head = _locked_head()
            entry = MessageLogEntry(
                seq=head.seq + 1, at=timezone.now(), direction=direction, kind=kind, sender=sender,
                receiver=receiver, reference=reference[:200],
                payload_sha256=digest[0] if digest else payload_hash(payload),
                payload_bytes=digest[1] if digest else len(payload), count=count, first_cursor=first_cursor, last_cursor=last_cursor,
                prev_hash=head.hash, key_id=key.key_id,
            )
            fields = _fields(entry)
            entry.hash = chain.chained_hash(head.hash, fields)
            entry.signature = key.sign(_signed_message(fields, entry.hash))
            entry.save(force_insert=True)
            head.seq, head.hash = entry.seq, entry.hash
            head.save(update_fields=["seq", "hash"])
    except MessageLogUnavailable:
        raise
    except (DatabaseError, OSError, ValueError) as exc:
        raise MessageLogUnavailable(reason=type(exc).__name__) from exc
    return entry


@dataclass
class LogReport:
    entries: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify() -> LogReport:
    """Walk the whole log: every hash, every link, every signature, and the head."""
    report = LogReport()
    public = signing_key().public
    running, expected = chain.GENESIS, 1
    for e in MessageLogEntry.objects.order_by("seq").iterator(chunk_size=2000):
        report.entries += 1
        fields = _fields(e)
        if e.seq != expected:
            report.problems.append(f"記録 {expected}–{e.seq - 1} が欠落しています")
            expected = e.seq
        if chain.chained_hash(e.prev_hash, fields) != e.hash:
            report.problems.append(f"記録 {e.seq} は改変されています")
        elif e.prev_hash != running:
            report.problems.append(f"記録 {e.seq} は直前の記録に連鎖していません")
        elif not chain.verify_signature(public, _signed_message(fields, e.hash), e.signature):
            report.problems.append(f"記録 {e.seq} の署名が一致しません")
        running = e.hash
        expected += 1
    head = ChainHead.objects.filter(name=CHAIN).first()
    if head is not None and (head.seq != expected - 1 or head.hash != running):
        report.problems.append(f"記録の末尾（{head.seq}）と一致しません（末尾の記録が削除されています）")
    return report
