"""支援措置 (3.4, j440) as the responsible staff run it: applications to set, extend or end a measure, each
carried out only on a supervisor's 決裁 (a supervisor other than the drafter, as :mod:`.approval`); the
measures whose 終了日 has passed, which stay in force and are alerted daily until someone extends or ends them
(j410: 「抑止の終了日を経過しても、抑止は自動的に終了しないこと」); and the list of attempts on protected
people, from the audit log.

Periods (j440): a measure runs one year — 開始年月日 令和2年4月1日 gives 終了年月日 令和3年3月31日 — and may be
corrected; it can be extended from one month before its 終了日, for one year counted from the day after it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.audit.models import AuditEntry
from jichitai.common.errors import PermissionRefused
from jichitai.common.wareki import to_wareki
from jichitai.registry import lifts, suppression
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.models import Resident, SupportRequest, Suppression, TemporaryLift

PROPOSE = "registry.suppression.propose"
DECIDE = "registry.suppression.manage"
VIEW = "registry.suppression.view"
PROTECTING = ("support", "view")  # the kinds whose people the attempts list follows


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (earlier if negative), the month's last day when it has no such day."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return min(day.replace(year=year, month=month, day=1) + dt.timedelta(days=day.day - 1),
               following - dt.timedelta(days=1))


def period_end(starts_on: dt.date) -> dt.date:
    """終了年月日 of a one-year measure starting on ``starts_on`` (j440: 4月1日 → 翌年3月31日): the day before the
    day a year later, or that month's last day when it has no such day (民法第143条第2項: 2月29日 → 翌年2月28日)."""
    try:
        return starts_on.replace(year=starts_on.year + 1) - dt.timedelta(days=1)
    except ValueError:  # 2月29日
        return dt.date(starts_on.year + 1, 2, 28)


def extension_opens(ends_on: dt.date) -> dt.date:
    """The first day an extension may be processed: one month before the 終了日 (j440)."""
    return _add_months(ends_on, -1)


def period_notice(row: Suppression, today: dt.date | None = None) -> str:
    """What the person's page says about a measure's period: past its 終了日 it is still in force (j410); within
    a month of it the period is about to end (j440: 「１か月以内に支援措置の期間が終了する旨のアラート」)."""
    today = today or timezone.localdate()
    if row.lifted_at is not None or row.ends_on is None:
        return ""
    if row.ends_on < today:
        return "終了日を過ぎていますが、抑止は継続しています（標準仕様書 3.1）。延長又は終了の申請が必要です。"
    if row.kind == "support" and today >= extension_opens(row.ends_on):
        return "1か月以内に支援措置の期間が終了します（標準仕様書 3.4）。延長は申請により行えます。"
    return ""


def _ensure(actor: Any, action: str, resource: str) -> None:
    if not allowed(actor, action):
        audit.record(actor, action, resource, "refused")
        raise PermissionRefused()


def _open_request(suppression_id: int | None, atena_number: str) -> None:
    if SupportRequest.objects.filter(state="pending").filter(
            Q(suppression_id=suppression_id) if suppression_id else Q(atena_number=atena_number, action="set")).exists():
        raise RegistryError("この方の支援措置には決裁待ちの申請があります。決裁の後に申請してください。",
                            code="request_pending")


def propose(actor: Any, action: str, *, reason: str, atena_number: str = "", suppression_id: int | None = None,
            starts_on: dt.date | None = None, ends_on: dt.date | None = None,
            today: dt.date | None = None) -> SupportRequest:
    """起案 of an application (``set``, ``extend`` or ``lift``), checked now and again on 決裁."""
    today = today or timezone.localdate()
    resource = f"resident:{atena_number}" if atena_number else f"suppression:{suppression_id}"
    _ensure(actor, PROPOSE, resource)
    if action not in SupportRequest.ACTIONS:
        raise RegistryError("申請の種類は開始・延長・終了のいずれかです。", code="invalid_action", field="action")
    if not reason.strip():
        raise RegistryError("理由を入力してください。", code="reason_required", field="reason")
    row = None
    if action == "set":
        if not Resident.objects.filter(pk=atena_number).exists():
            raise RegistryError(f"宛名番号 {atena_number} の住民は登録されていません。", code="unknown_person",
                                field="atena_number")
        starts_on = starts_on or today
        ends_on = ends_on or period_end(starts_on)
        if ends_on < starts_on:
            raise RegistryError("終了日が開始日より前です。", code="invalid_period", field="ends_on")
    else:
        row = Suppression.objects.filter(pk=suppression_id or 0, kind="support").first()
        if row is None:
            raise RegistryError("指定された支援措置はありません。", code="unknown_suppression", field="suppression_id")
        if row.lifted_at is not None:
            raise RegistryError("この支援措置は既に終了しています。", code="already_lifted")
        atena_number, starts_on = row.atena_number, row.starts_on
        if action == "extend":
            base = row.ends_on or period_end(row.starts_on)
            if today < extension_opens(base):
                raise RegistryError(f"延長は期間終了日の1か月前（{to_wareki(extension_opens(base))}）から行えます（標準仕様書 3.4）。",
                                    code="too_early", field="ends_on")
            ends_on = ends_on or period_end(base + dt.timedelta(days=1))
            if ends_on <= base:
                raise RegistryError("延長後の終了日は現在の終了日より後にしてください。", code="invalid_period", field="ends_on")
    _open_request(row.pk if row else None, atena_number)
    req = SupportRequest.objects.create(action=action, atena_number=atena_number, suppression=row,
                                        reason=reason.strip()[:300], starts_on=starts_on, ends_on=ends_on,
                                        requested_by=actor)
    audit.record(actor, PROPOSE, f"resident:{atena_number}", "pending", request_id=req.pk, request=action)
    return req


def _locked(request_id: int) -> SupportRequest:
    req = SupportRequest.objects.select_for_update().filter(pk=request_id or 0).first()
    if req is None:
        raise RegistryError("指定された申請はありません。", code="unknown_request")
    if req.state != "pending":
        raise RegistryError(f"この申請は既に{SupportRequest.STATES[req.state]}です。", code="already_decided")
    return req


def approve(actor: Any, request_id: int, note: str = "") -> SupportRequest:
    """決裁: carry out the application. The drafter cannot approve their own (audited refusal)."""
    _ensure(actor, DECIDE, f"support_request:{request_id}")
    with transaction.atomic():
        req = _locked(request_id)
        if req.requested_by_id == getattr(actor, "pk", None):
            self_approval = RegistryError("起案者本人は決裁できません。", code="self_approval")
        else:
            self_approval = None
            if req.action == "set":
                row = suppression.set_suppression(actor, req.atena_number, req.kind, req.reason, req.starts_on or
                                                  timezone.localdate(), req.ends_on, approved=True)
                req.suppression = row
            elif req.action == "extend":
                assert req.suppression is not None
                old = req.suppression.ends_on
                Suppression.objects.filter(pk=req.suppression.pk).update(ends_on=req.ends_on, alerted_on=None)
                audit.record(actor, DECIDE, f"resident:{req.atena_number}", "ok", extended=req.suppression_id,
                             ends_on_before=str(old or ""), ends_on=str(req.ends_on))
            else:
                suppression.lift(actor, req.suppression_id or 0, approved=True)
            req.state, req.decided_by, req.decided_at = "approved", actor, timezone.now()
            req.decision_note = note[:300]
            req.save(update_fields=["state", "decided_by", "decided_at", "decision_note", "suppression"])
            audit.record(actor, DECIDE, f"support_request:{req.pk}", "ok", request=req.action,
                         atena_number=req.atena_number)
    if self_approval is not None:  # audited outside the transaction that raised, so the refusal stays
        audit.record(actor, DECIDE, f"support_request:{request_id}", "refused", code="self_approval")
        raise self_approval
    return req


def reject(actor: Any, request_id: int, note: str) -> SupportRequest:
    _ensure(actor, DECIDE, f"support_request:{request_id}")
    if not note.strip():
        raise RegistryError("却下の理由を入力してください。", code="note_required", field="note")
    with transaction.atomic():
        req = _locked(request_id)
        req.state, req.decided_by, req.decided_at, req.decision_note = "rejected", actor, timezone.now(), note[:300]
        req.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        audit.record(actor, DECIDE, f"support_request:{req.pk}", "rejected", note=note[:300])
    return req


# ---- what the responsible staff see ---------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    """The 支援措置 page: what needs action first."""

    overdue: list[Suppression]       # 終了日 passed, still in force, neither extended nor ended (j410)
    ending_soon: list[Suppression]   # 終了日 within a month: extension possible (j440)
    waiting: list[SupportRequest]
    in_force: list[Suppression]
    names: dict[str, str]
    lifted: dict[int, TemporaryLift]  # suppression id → its running 一時解除 (j410)


def _in_force(on: dt.date) -> Any:
    return suppression.in_force(on).select_related("set_by")


def overdue(on: dt.date | None = None) -> list[Suppression]:
    on = on or timezone.localdate()
    return list(_in_force(on).filter(ends_on__lt=on).order_by("ends_on", "pk"))


def overview(actor: Any, on: dt.date | None = None) -> Overview:
    _ensure(actor, VIEW, "suppressions")
    on = on or timezone.localdate()
    soon = [s for s in _in_force(on).filter(kind="support", ends_on__gte=on).order_by("ends_on", "pk")
            if s.ends_on is not None and on >= extension_opens(s.ends_on)]
    waiting = list(SupportRequest.objects.filter(state="pending").select_related("requested_by", "suppression")
                   .order_by("requested_at", "pk"))
    rows = list(_in_force(on).order_by("atena_number", "kind"))
    people = {s.atena_number for s in rows} | {r.atena_number for r in waiting}
    names = dict(Resident.objects.filter(pk__in=people).values_list("atena_number", "name"))
    audit.record(actor, VIEW, "suppressions", "ok", overdue=len(overdue(on)), waiting=len(waiting))
    return Overview(overdue(on), soon, waiting, rows, names, lifts.running_by_suppression())


def alert_overdue(on: dt.date | None = None) -> list[Suppression]:
    """The daily job: each measure past its 終了日 and still in force raises an alert for the responsible staff
    (an audit entry they see on the page and in the attempts list, and the job's report), every day until it is
    extended or ended. It never lifts anything (j410)."""
    on = on or timezone.localdate()
    due = [s for s in overdue(on) if s.alerted_on != on]
    if due:
        audit.record_many([audit.Event("system:registry-daily", "registry.suppression.overdue",
                                       f"resident:{s.atena_number}", "alert",
                                       {"suppression_id": s.pk, "kind": s.kind, "ends_on": s.ends_on.isoformat()
                                        if s.ends_on else ""}) for s in due])
        Suppression.objects.filter(pk__in=[s.pk for s in due]).update(alerted_on=on)
    return due


def attempts(actor: Any, limit: int = 200) -> list[AuditEntry]:
    """Every touch of a protected person, newest first: refusals and withheld addresses on anyone a measure
    covers, and every read of the people under 支援措置 or 照会抑止 now (3.4: for the 支援措置責任者), with each
    一時解除 (j410) and each attempt at one."""
    _ensure(actor, VIEW, "suppression-attempts")
    protected = set(Suppression.objects.filter(lifted_at__isnull=True, kind__in=PROTECTING)
                    .values_list("atena_number", flat=True))
    touched = (Q(detail__code=suppression.CODE) | Q(resource__in=[f"resident:{a}" for a in protected])
               | Q(action=lifts.LIFT))
    rows = list(AuditEntry.objects.filter(touched)
                .exclude(Q(action__startswith="registry.suppression") & ~Q(action=lifts.LIFT))
                .order_by("-seq")[:limit])
    audit.record(actor, VIEW, "suppression-attempts", "ok", shown=len(rows))
    return rows
