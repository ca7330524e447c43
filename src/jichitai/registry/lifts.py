"""抑止の一時解除 (標準仕様書 3.1 / j410): 「抑止が終了していない者について、抑止の一時解除ができること…一時解除後、
一定時間経過後に自動で抑止状態に戻ること。抑止状態に戻るまでの時間を設定できること。抑止・解除、又は一時解除できる
権限は個別に設定できること」.

A permitted member of staff (``registry.suppression.lift_temporarily``, its own action beside the setting and
ending of ``registry.suppression.manage``) sets one suppression aside for one purpose, with its reason, for one
named member of staff (the clerk who does that business), for the city's time
(``JICHITAI_SUPPRESSION_LIFT_MINUTES``). While it runs that clerk's counter checks do what the suppression
stopped (照会, 交付, 異動: :func:`jichitai.registry.suppression.shield` with ``clerk=``), each such opening
audited; every other member of staff still sees the suppression. At ``ends_at`` it is in force again because
every check compares the time. Nothing of it is written where another system reads (the outbox, the hub, the
lake): j410 「一時解除については…庁内各システムへのデータ連携は不要とすること」.

The lifter cannot name themselves (``registry.suppression.lift_for_self``, granted to no role: see
:mod:`jichitai.registry.policy` for why), and the clerk must hold the right of the business the suppression
stops (:data:`BUSINESS`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jichitai.accounts.models import Staff
from jichitai.accounts.policy import ACTIONS, allowed
from jichitai.audit import services as audit
from jichitai.common.errors import PermissionRefused
from jichitai.registry import suppression
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.models import Suppression, TemporaryLift

LIFT = "registry.suppression.lift_temporarily"
FOR_SELF = "registry.suppression.lift_for_self"
# the business each kind of suppression stops at the counter: the clerk named must hold its right
BUSINESS = {"view": "registry.view", "issuance": "registry.certificate.issue",
            "support": "registry.certificate.issue", "change": "registry.change"}


def minutes() -> int:
    """The city's time until a lift ends (validated at start, :mod:`jichitai.config`)."""
    return int(settings.CONFIG.suppression_lift_minutes)


def staff_words(staff: Any) -> str:
    """A member of staff as a person reads them: 「窓口 花子（市民課）」 (氏名 and 所属課, never a bare 職員番号)."""
    dept = getattr(staff, "department", None)
    return f"{staff.full_name}（{dept.name}）" if dept is not None else str(staff.full_name)


def _clerk_detail(staff: Any) -> dict[str, str]:
    """The clerk in an audit entry: their actor label (as the log names actors) and in words."""
    if staff is None:
        return {}
    return {"clerk": f"staff:{staff.username}", "clerk_name": staff_words(staff)}


def clerks(actor: Any) -> list[tuple[str, str]]:
    """(職員番号, words) of the staff ``actor`` may name as the clerk of a lift: active, holding one of the
    counter's rights, not ``actor`` themselves unless the policy grants it; two of the same name and 課 are told
    apart by their 職員番号."""
    codes = {r for action in set(BUSINESS.values()) for r in ACTIONS[action].roles}
    found = [s for s in Staff.objects.filter(is_active=True, roles__code__in=codes).distinct()
             .select_related("department").order_by("department__name", "full_name", "username")
             if any(allowed(s, a) for a in set(BUSINESS.values()))
             and (s.pk != getattr(actor, "pk", None) or allowed(actor, FOR_SELF))]
    words = [staff_words(s) for s in found]
    return [(s.username, w if words.count(w) == 1 else f"{w} 職員番号 {s.username}") for s, w in zip(found, words, strict=True)]


def lift_temporarily(actor: Any, suppression_id: int, reason: str, *, clerk: str,
                     now: dt.datetime | None = None) -> TemporaryLift:
    """一時解除 of one suppression in force, for the member of staff ``clerk`` (職員番号) only, until now + the
    city's time. Refused (in Japanese, audited) without the right, without a reason, for oneself (unless the
    policy grants :data:`FOR_SELF`), for a clerk without the right of the business the suppression stops, for a
    suppression that is not in force or is already set aside."""
    row = Suppression.objects.filter(pk=suppression_id or 0).first()
    resource = f"resident:{row.atena_number}" if row else f"suppression:{suppression_id}"
    if not allowed(actor, LIFT):
        audit.record(actor, LIFT, resource, "refused", suppression_id=suppression_id)
        raise PermissionRefused("抑止の一時解除の権限がありません（標準仕様書 3.1: 一時解除の権限は個別に設定します）。")
    if row is None:
        raise RegistryError("指定された抑止設定はありません。", code="unknown_suppression", field="suppression_id")
    reason = reason.strip()
    if not reason:
        raise RegistryError("一時解除の目的・理由を入力してください。", code="reason_required", field="reason")
    staff = Staff.objects.filter(username=clerk or "", is_active=True).select_related("department").first()
    if staff is None:
        raise RegistryError("一時解除の間に事務を行う担当職員を選んでください。", code="clerk_required", field="clerk")
    words = staff_words(staff)
    if staff.pk == getattr(actor, "pk", None) and not allowed(actor, FOR_SELF):
        audit.record(actor, LIFT, resource, "refused", suppression_id=row.pk, code="own_lift",
                     **_clerk_detail(staff))
        raise PermissionRefused("自分を担当職員とする一時解除はできません。窓口で事務を行う別の職員を選んでください"
                                "（一時解除の権限と事務の権限は別に設定します：標準仕様書 3.1）。")
    if not allowed(staff, BUSINESS[row.kind]):
        raise RegistryError(f"{words}には{ACTIONS[BUSINESS[row.kind]].label}の権限がないため、担当職員にできません。",
                            code="clerk_without_right", field="clerk")
    now = now or timezone.now()
    with transaction.atomic():
        locked = Suppression.objects.select_for_update().get(pk=row.pk)  # two lifts at once: one waits, then sees
        if locked.lifted_at is not None or locked.starts_on > timezone.localdate(now):
            raise RegistryError("この抑止は設定されていないため、一時解除できません。", code="not_in_force")
        running = suppression.running_lifts(now).filter(suppression=locked).first()
        if running is not None:
            raise RegistryError(f"この抑止は既に一時解除中です（{running.until_label}まで）。",
                                code="already_lifted_temporarily")
        lift = TemporaryLift.objects.create(suppression=locked, reason=reason[:300], starts_at=now,
                                            ends_at=now + dt.timedelta(minutes=minutes()), lifted_by=actor,
                                            clerk=staff)
        audit.record(actor, LIFT, resource, "ok", suppression_id=locked.pk, kind=locked.kind,
                     reason=lift.reason, until=lift.ends_at.isoformat(), minutes=minutes(), **_clerk_detail(staff))
    return lift


def naming_others(atena_numbers: list[str], kind: str, clerk: Any,
                  now: dt.datetime | None = None) -> list[TemporaryLift]:
    """The 一時解除 running now of a ``kind`` suppression in force on these people that name someone other than
    ``clerk``: for ``clerk`` the suppression is in force (a 職権異動's 決裁 is refused on them, see
    :func:`jichitai.registry.approval.approve`)."""
    return list(suppression.running_lifts(now).filter(
        suppression__in=suppression.in_force(timezone.localdate(now)).filter(kind=kind, atena_number__in=atena_numbers))
        .exclude(clerk_id=getattr(clerk, "pk", None)).select_related("suppression", "clerk__department")
        .order_by("suppression__atena_number", "pk"))


def running_by_suppression(now: dt.datetime | None = None) -> dict[int, TemporaryLift]:
    """suppression id → its running lift (the overview marks them and says until when)."""
    return {t.suppression_id: t for t in suppression.running_lifts(now).select_related("lifted_by", "clerk__department")}


def end_now(actor: Any, suppression_id: int, *, now: dt.datetime | None = None) -> TemporaryLift:
    """End a running lift before its time (the certificate it was for is issued): the suppression is in force
    again at once. Same right as the lift; audited."""
    row = Suppression.objects.filter(pk=suppression_id or 0).first()
    resource = f"resident:{row.atena_number}" if row else f"suppression:{suppression_id}"
    if not allowed(actor, LIFT):
        audit.record(actor, LIFT, resource, "refused", suppression_id=suppression_id, ended=True)
        raise PermissionRefused("抑止の一時解除の権限がありません（標準仕様書 3.1: 一時解除の権限は個別に設定します）。")
    now = now or timezone.now()
    running = suppression.running_lifts(now).filter(suppression_id=suppression_id or 0).first()
    if running is None:
        raise RegistryError("この抑止は一時解除中ではありません。", code="not_lifted_temporarily")
    TemporaryLift.objects.filter(pk=running.pk).update(ends_at=now)
    running.ends_at = now
    audit.record(actor, LIFT, resource, "ok", suppression_id=suppression_id, ended=True, until=now.isoformat(),
                 **_clerk_detail(running.clerk))
    return running
