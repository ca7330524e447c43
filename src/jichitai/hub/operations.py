"""What an operator may do from the hub page: redeliver a batch to a push subscriber, release or reject a
quarantined file. Each asks ``allowed(actor, "hub.operate", resource)``, needs a reason, and is audited with it.

- **再送 (redeliver)**: a push subscription's position is set back to just before the chosen batch; the worker
  sends from there again on its next turn (the subscriber stores each ``event_id`` once, so the events after
  the batch that it already has do no harm). A PULL subscriber decides its own position (``after=``): for it
  the page shows the cursor to ask from instead.
- **解除 (release)**: the operator decides that the rows of a quarantined file that passed validation are to be
  used; the lines with problems stay listed and are left out. The file is handed over (tax reports, review
  records) and landed like an accepted file, and the message log records the release.
- **却下 (reject)**: the file is refused for good; the sender sees ``rejected`` at ``GET /files/{id}`` and must
  send a corrected file.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.common.errors import PermissionRefused
from jichitai.hub import files, messagelog
from jichitai.hub.errors import HubError
from jichitai.hub.models import ExchangedFile, MessageLogEntry, Subscription

ACTION = "hub.operate"
MAX_REASON = 500


def _reason(text: str) -> str:
    reason = " ".join((text or "").split())
    if len(reason) < 2:
        raise HubError("理由を入力してください（監査記録に残ります）。", code="reason_required", field="reason")
    if len(reason) > MAX_REASON:
        raise HubError(f"理由は{MAX_REASON}文字以内で入力してください。", code="reason_too_long", field="reason")
    return reason


def _check(actor: Any, resource: Any, label: str) -> None:
    if not allowed(actor, ACTION, resource):
        audit.record(actor, ACTION, label, "refused")
        raise PermissionRefused()


def recent_batches(sub: Subscription, limit: int = 5) -> list[MessageLogEntry]:
    """The last batches delivered to ``sub``'s system on its feed (newest first), from the message log."""
    return list(MessageLogEntry.objects.filter(kind="feed_pull", receiver=sub.system.code,
                                               reference__startswith=f"{sub.feed.code}:", count__gt=0)
                .order_by("-seq")[:limit])


def redeliver(actor: Any, subscription_id: int, log_seq: int, reason: str) -> Subscription:
    """Send the batch logged as ``log_seq`` (and what follows it) to the push subscriber again."""
    reason = _reason(reason)
    sub = Subscription.objects.select_related("system", "feed").filter(pk=subscription_id).first()
    label = f"hub.subscription:{subscription_id}"
    _check(actor, sub, label)
    if sub is None:
        raise HubError("指定された購読はありません。", code="not_found", field="subscription")
    entry = MessageLogEntry.objects.filter(seq=log_seq, kind="feed_pull", receiver=sub.system.code,
                                           reference__startswith=f"{sub.feed.code}:").first()
    if entry is None or entry.first_cursor is None:
        raise HubError("このシステムに配信したバッチではありません。", code="not_found", field="batch")
    if not sub.push_url:
        raise HubError(f"{sub.system.name}はPULL型で取得するシステムです。再送はできません。システム側で after={entry.first_cursor - 1} "
                       "を指定して取り直してください。", code="pull_subscriber", field="batch")
    with transaction.atomic():
        Subscription.objects.filter(pk=sub.pk).update(acked_cursor=entry.first_cursor - 1, failures=0,
                                                      last_error="", next_push_at=None)
        audit.record(actor, ACTION, label, operation="redeliver", log_seq=entry.seq, from_cursor=entry.first_cursor - 1,
                     previous_cursor=sub.acked_cursor, reason=reason)
    sub.refresh_from_db()
    return sub


def _quarantined(actor: Any, file_id: int) -> ExchangedFile:
    f = ExchangedFile.objects.select_related("system").filter(pk=file_id).first()
    label = f"hub.file:{file_id}"
    _check(actor, f, label)
    if f is None or f.status != "quarantined":
        raise HubError("隔離中のファイルではありません（すでに判断済みの可能性があります）。", code="not_quarantined",
                       field="file")
    return f


def release(actor: Any, file_id: int, reason: str) -> ExchangedFile:
    """Use the valid rows of a quarantined file; its problem lines stay listed and are left out."""
    reason = _reason(reason)
    f = _quarantined(actor, file_id)
    rows, problems = files.parse(f.layout, files.stored_bytes(f))
    if not rows:
        raise HubError("このファイルには受け付けられる行がありません。却下して、送信元に訂正を依頼してください。",
                       code="nothing_to_release", field="file")
    with transaction.atomic():
        locked = ExchangedFile.objects.select_for_update().get(pk=f.pk)
        if locked.status != "quarantined":
            raise HubError("隔離中のファイルではありません（すでに判断済みの可能性があります）。", code="not_quarantined",
                           field="file")
        entry = messagelog.append(kind="file_released", direction="in", sender=f.system.code,
                                  receiver=messagelog.HUB, reference=f"{f.layout}:{f.pk}:{f.filename}",
                                  payload=f"{f.sha256}:{len(rows)}".encode(), count=len(rows))
        ExchangedFile.objects.filter(pk=f.pk).update(
            status="accepted", rows=len(rows), problems=problems, decided_at=timezone.now(),
            decided_by=audit.actor_label(actor), decision_reason=reason)
        files.hand_over(f.layout, rows, f.pk)
        audit.record(actor, ACTION, f.audit_label(), operation="release", rows=len(rows),
                     excluded_lines=len({p.get("line") for p in problems}), log_seq=entry.seq, reason=reason)
    f.refresh_from_db()
    return f


def reject(actor: Any, file_id: int, reason: str) -> ExchangedFile:
    """Refuse a quarantined file for good (its sealed copy is kept; nothing of it is used)."""
    reason = _reason(reason)
    f = _quarantined(actor, file_id)
    with transaction.atomic():
        updated = ExchangedFile.objects.filter(pk=f.pk, status="quarantined").update(
            status="rejected", decided_at=timezone.now(), decided_by=audit.actor_label(actor),
            decision_reason=reason)
        if not updated:
            raise HubError("隔離中のファイルではありません（すでに判断済みの可能性があります）。", code="not_quarantined",
                           field="file")
        audit.record(actor, ACTION, f.audit_label(), operation="reject", reason=reason)
    f.refresh_from_db()
    return f
