"""抑止の一時解除 (標準仕様書 3.1 / j410): 「抑止が終了していない者について、抑止の一時解除ができること…一時解除後、
一定時間経過後に自動で抑止状態に戻ること。抑止状態に戻るまでの時間を設定できること。抑止・解除、又は一時解除できる
権限は個別に設定できること」.

A permitted member of staff (``registry.suppression.lift_temporarily``, its own action beside the setting and
ending of ``registry.suppression.manage``) sets one suppression aside for one purpose, with its reason, for the
city's time (``JICHITAI_SUPPRESSION_LIFT_MINUTES``). While it runs the registry's counter does what that
suppression stopped (照会, 交付, 異動: :func:`jichitai.registry.suppression.shield` with ``counter=True``), each
such opening audited; at ``ends_at`` the suppression is in force again because every check compares the time.
Nothing of it is written where another system reads (the outbox, the hub, the lake): j410 「一時解除については…
庁内各システムへのデータ連携は不要とすること」.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.common.errors import PermissionRefused
from jichitai.registry import suppression
from jichitai.registry.domain.errors import RegistryError
from jichitai.registry.models import Suppression, TemporaryLift

LIFT = "registry.suppression.lift_temporarily"


def minutes() -> int:
    """The city's time until a lift ends (validated at start, :mod:`jichitai.config`)."""
    return int(settings.CONFIG.suppression_lift_minutes)


def lift_temporarily(actor: Any, suppression_id: int, reason: str, *, now: dt.datetime | None = None) -> TemporaryLift:
    """一時解除 of one suppression in force until now + the city's time. Refused (in Japanese, audited) without the
    right, without a reason, for a suppression that is not in force or is already set aside."""
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
                                            ends_at=now + dt.timedelta(minutes=minutes()), lifted_by=actor)
        audit.record(actor, LIFT, resource, "ok", suppression_id=locked.pk, kind=locked.kind,
                     reason=lift.reason, until=lift.ends_at.isoformat(), minutes=minutes())
    return lift


def running_by_suppression(now: dt.datetime | None = None) -> dict[int, TemporaryLift]:
    """suppression id → its running lift (the overview marks them and says until when)."""
    return {t.suppression_id: t for t in suppression.running_lifts(now).select_related("lifted_by")}


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
    audit.record(actor, LIFT, resource, "ok", suppression_id=suppression_id, ended=True, until=now.isoformat())
    return running
