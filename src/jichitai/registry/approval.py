"""審査・決裁 (4.0.8, j530): a 職権 異動 is drafted (起案) by one member of staff and recorded only when a
supervisor other than the drafter approves it. The draft is checked when drafted and again when approved.

Who acts at which step, for the 異動抑止 (3.1, j410) and its 一時解除 that names one clerk: the 起案 is the 異動入力 (the
drafter's counter check, :func:`preview`); the 決裁 is what writes the 住民票 (j530: 「決裁により本登録とする」,
本登録 = 「法上、住民票（原票）に記載されている状態」), so at the 決裁 the suppression is read as the 決裁者's counter
sees it — a lift naming the drafter (or anyone else) does not cover the 決裁者, who needs one naming them."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.common.errors import PermissionRefused
from jichitai.registry import lifts, services, submissions, suppression
from jichitai.registry.domain import Change, Command, RegistryError, decide
from jichitai.registry.domain.codec import from_dict, to_dict
from jichitai.registry.domain.reception import Reception
from jichitai.registry.models import PendingChange
from jichitai.registry.workset import WorkingSet


class _DryRun(Exception):
    pass


def preview(command: Command, actor: Any = None) -> Change:
    """Decide the command without keeping anything (the transaction is rolled back): the counter's 入力確認
    (j540) and the check before 起案. With ``actor``, a 異動抑止 refuses it as the record would."""
    try:
        with transaction.atomic():
            workset = WorkingSet()
            workset.prefetch([command])
            change = decide(command, workset)
            if actor is not None:
                suppression.ensure_change_allowed(actor, [e.after.atena_number for e in change.entries])
            raise _DryRun
    except _DryRun:
        pass
    return change


def propose(command: Command, *, actor: Any, terminal: str = "", once: str = "",
            reception: Reception | None = None, override_duplicate: bool = False) -> PendingChange:
    """起案: check the 異動 and queue it for 決裁. Raises :class:`RegistryError` when it would be refused.
    ``once``: the confirmation's key; a second use queues nothing (:mod:`jichitai.registry.submissions`)."""
    if not allowed(actor, "registry.change"):
        audit.record(actor, "registry.change", command.command_type, "refused", subjects=services.named_in(command))
        raise PermissionRefused()
    try:
        change = preview(command, actor)
    except RegistryError as exc:
        audit.record(actor, "registry.change", command.command_type, "refused", code=exc.code, message=exc.message,
                     subjects=services.named_in(command))
        raise
    atenas = [e.after.atena_number for e in change.entries if e.before is not None]
    try:
        with transaction.atomic():
            claimed = submissions.claim(once, command, actor) if once else None
            pending = PendingChange.objects.create(
                command_type=command.command_type, command=to_dict(command), reason=change.reason.value,
                summary=f"{change.reason.label} {' '.join(atenas)}".strip()[:300], requested_by=actor,
                terminal=terminal, reception=reception.as_dict() if reception else {},
                override_duplicate=override_duplicate,
            )
            submissions.settle(claimed, pending_id=pending.pk, state=pending.state, reason=pending.reason,
                               summary=pending.summary)
    except RegistryError as exc:
        audit.record(actor, "registry.change", command.command_type, "refused", code=exc.code, message=exc.message,
                     subjects=services.named_in(command))
        raise
    audit.record(actor, "registry.change", f"pending:{pending.pk}", "pending", reason=change.reason.value,
                 subjects=[e.after.atena_number for e in change.entries])
    return pending


def _locked(pending_id: int) -> PendingChange:
    pending = PendingChange.objects.select_for_update().filter(pk=pending_id).first()
    if pending is None:
        raise RegistryError("指定された決裁案件はありません。", code="unknown_pending")
    if pending.state != "pending":
        raise RegistryError(f"この案件は既に{PendingChange.STATES[pending.state]}です。", code="already_decided")
    return pending


def _ensure_approver(actor: Any, pending_id: int) -> None:
    if not allowed(actor, "registry.approve"):
        audit.record(actor, "registry.approve", f"pending:{pending_id}", "refused")
        raise PermissionRefused("決裁の権限がありません。")


def _ensure_seen(actor: Any, pending: PendingChange, change: Change) -> None:
    """No blind 決裁: a draft touching a person under 照会抑止 (theirs, their household's, their place's) is shown
    to staff by 宛名番号 only, so only the 支援措置責任者, who may open it (``registry.approve_protected``), approves
    it. Refused in Japanese and audited otherwise; the opening itself is audited (``suppression.screen_change``)."""
    hidden = suppression.screen_change(actor, change, via="approval.decide")
    if hidden:
        raise audit.refused(RegistryError(
            "この案件は照会抑止の対象者（宛名番号 " + "、".join(hidden) + "）にかかるため、内容を確認できる"
            "支援措置責任者が決裁してください（標準仕様書 3.1）。", code="protected_draft"),
            actor, "registry.approve", f"pending:{pending.pk}", subjects=hidden)


def _ensure_lift_covers(actor: Any, pending: PendingChange, change: Change) -> None:
    """A 異動抑止 set aside by a 一時解除 naming someone else (the drafter, typically) stays in force for the
    決裁者, who records the 異動 (see the module docstring): refused in Japanese, saying whom the lift names and
    whom it must name, audited on the people. Without any lift the record's own check refuses it below."""
    others = lifts.naming_others([e.after.atena_number for e in change.entries], "change", actor)
    if others:
        names = "、".join(dict.fromkeys(
            f"宛名番号 {t.suppression.atena_number} の異動抑止は"
            f"{lifts.staff_words(t.clerk) if t.clerk is not None else '担当職員の記録のない職員'}" for t in others))
        raise audit.refused(RegistryError(
            f"{names}を担当職員として一時解除されています。職権異動は決裁により住民票に記載されるため、決裁する職員"
            f"（{lifts.staff_words(actor)}）を担当職員とする一時解除がなければ決裁できません（標準仕様書 3.1・4.0.8）。",
            code="lift_names_another_clerk"),
            actor, "registry.approve", f"pending:{pending.pk}",
            subjects=sorted({t.suppression.atena_number for t in others}),
            clerks=sorted({f"staff:{t.clerk.username}" for t in others if t.clerk is not None}))


def approve(pending_id: int, *, actor: Any, note: str = "") -> services.Applied:
    """決裁: record the 異動 as drafted (入力者 = the drafter, approver in the audit entry), only by someone who
    could see it (``_ensure_seen``) and, under a 異動抑止, only during a 一時解除 naming the 決裁者
    (``_ensure_lift_covers``; the record's check reads the suppression as the 決裁者's counter sees it)."""
    _ensure_approver(actor, pending_id)
    with audit.atomic():  # a refusal below is audited even though this transaction rolls back
        pending = _locked(pending_id)
        if pending.requested_by_id == getattr(actor, "pk", None):
            raise audit.refused(RegistryError("起案者本人は決裁できません（標準仕様書 4.0.8）。", code="self_approval"),
                                actor, "registry.approve", f"pending:{pending_id}")
        try:
            change = preview(from_dict(pending.command))
        except RegistryError:
            change = None  # refused again, with its own reason, when applied below
        if change is not None:
            _ensure_seen(actor, pending, change)
            _ensure_lift_covers(actor, pending, change)
        pending.decided_by = actor
        applied = services.apply(from_dict(pending.command), actor=pending.requested_by, terminal=pending.terminal,
                                 approval=pending, reception=Reception.of(pending.reception),
                                 override_duplicate=pending.override_duplicate)
        pending.state, pending.decided_at, pending.decision_note = "approved", timezone.now(), note[:300]
        pending.change_id = applied.change_id
        pending.save(update_fields=["state", "decided_by", "decided_at", "decision_note", "change_id"])
        audit.record(actor, "registry.approve", f"pending:{pending_id}", "ok", change_id=applied.change_id,
                     subjects=applied.atena_numbers)
    return applied


def reject(pending_id: int, *, actor: Any, note: str) -> PendingChange:
    _ensure_approver(actor, pending_id)
    if not note.strip():
        raise RegistryError("却下の理由を入力してください。", code="note_required", field="note")
    with transaction.atomic():
        pending = _locked(pending_id)
        pending.state, pending.decided_by, pending.decided_at = "rejected", actor, timezone.now()
        pending.decision_note = note[:300]
        pending.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        audit.record(actor, "registry.approve", f"pending:{pending_id}", "rejected", note=note[:300])
    return pending


def waiting() -> list[PendingChange]:
    """決裁待ち, oldest first."""
    return list(PendingChange.objects.filter(state="pending").select_related("requested_by")
                .order_by("requested_at", "pk"))
