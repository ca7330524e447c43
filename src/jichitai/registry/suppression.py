"""抑止設定 (j410) and 支援措置 (j440), enforced by the services.

- ``change`` (異動抑止): every 異動 touching the person is refused.
- ``view`` (照会抑止): the record is not shown.
- ``issuance`` (発行抑止): no certificate is issued.
- ``support`` (支援措置, DV/stalking/abuse): no certificate to a third party; the outbox marks the person so the
  hub withholds the address from systems without the right to it.
Every refused attempt is audited with code ``suppressed``; :func:`attempts` lists them for the supervisor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.audit.models import AuditEntry
from jichitai.common.errors import PermissionRefused
from jichitai.dbcopy import any_of
from jichitai.registry import store
from jichitai.registry.domain.errors import RegistryError, SuppressedError
from jichitai.registry.models import Resident, Suppression

THIRD_PARTY = "third_party"


def active(atena_numbers: Iterable[str], on: dt.date | None = None) -> dict[str, set[str]]:
    """宛名番号 → the kinds of suppression in force on ``on`` (today by default)."""
    on = on or timezone.localdate()
    if store.use_raw_sql():
        where, params = any_of("atena_number", atena_numbers)
        with connection.cursor() as cur:  # the table and columns are the model's; values are parameters
            cur.execute(f"SELECT atena_number, kind FROM {Suppression._meta.db_table} WHERE {where} "  # noqa: S608
                        "AND lifted_at IS NULL AND starts_on <= %s AND (ends_on IS NULL OR ends_on >= %s)",
                        [*params, on, on])
            rows: Iterable[tuple[str, str]] = cur.fetchall()
    else:
        rows = Suppression.objects.filter(
            atena_number__in=list(atena_numbers), lifted_at__isnull=True, starts_on__lte=on,
        ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on)).values_list("atena_number", "kind")
    out: dict[str, set[str]] = {}
    for atena, kind in rows:
        out.setdefault(atena, set()).add(kind)
    return out


def ensure_change_allowed(actor: Any, atena_numbers: list[str]) -> set[str]:
    """Raised inside the 異動's transaction; the service audits the refusal after the rollback. Returns who among
    them is under 支援措置 (one read serves both questions)."""
    return check_change(active(atena_numbers))


def check_change(flags: dict[str, set[str]]) -> set[str]:
    """The 異動抑止 check on suppressions already read (宛名番号 → kinds in force): raises for a person whose
    changes are stopped, returns who is under 支援措置."""
    for atena, kinds in flags.items():
        if "change" in kinds:
            raise SuppressedError(f"宛名番号 {atena} の住民には異動抑止が設定されているため、異動を記録できません（標準仕様書 3.1）。",
                                  atena_number=atena)
    return {a for a, kinds in flags.items() if "support" in kinds}


def ensure_view_allowed(actor: Any, atena_number: str) -> None:
    kinds = active([atena_number]).get(atena_number, set())
    if "view" in kinds:
        audit.record(actor, "registry.view", f"resident:{atena_number}", "refused", code="suppressed")
        raise SuppressedError(f"宛名番号 {atena_number} の住民には照会抑止が設定されています（標準仕様書 3.1）。",
                              atena_number=atena_number)


def ensure_issuance_allowed(actor: Any, atena_numbers: Iterable[str], requester_kind: str) -> None:
    """Before a certificate: 発行抑止 stops all issuance; 支援措置 stops issuance to a third party (j440)."""
    for atena, kinds in active(atena_numbers).items():
        reason = ""
        if "issuance" in kinds:
            reason = "発行抑止が設定されているため、証明書を交付できません（標準仕様書 3.1）。"
        elif "support" in kinds and requester_kind == THIRD_PARTY:
            reason = "支援措置の対象者のため、第三者からの請求には交付できません（標準仕様書 3.4）。"
        if reason:
            audit.record(actor, "registry.certificate.issue", f"resident:{atena}", "refused", code="suppressed",
                         requester_kind=requester_kind)
            raise SuppressedError(f"宛名番号 {atena} の住民は{reason}", atena_number=atena)


def set_suppression(actor: Any, atena_number: str, kind: str, reason: str, starts_on: dt.date,
                    ends_on: dt.date | None = None) -> Suppression:
    if not allowed(actor, "registry.suppression.manage"):
        audit.record(actor, "registry.suppression.manage", f"resident:{atena_number}", "refused")
        raise PermissionRefused()
    if kind not in Suppression.KINDS:
        raise RegistryError(f"抑止区分「{kind}」はありません。", code="invalid_kind", field="kind")
    if not reason.strip():
        raise RegistryError("抑止の理由を入力してください。", code="reason_required", field="reason")
    if not Resident.objects.filter(pk=atena_number).exists():
        raise RegistryError(f"宛名番号 {atena_number} の住民は登録されていません。", code="unknown_person")
    if ends_on is not None and ends_on < starts_on:
        raise RegistryError("抑止の終了日が開始日より前です。", code="invalid_period", field="ends_on")
    row = Suppression.objects.create(atena_number=atena_number, kind=kind, reason=reason, starts_on=starts_on,
                                     ends_on=ends_on, set_by=actor if getattr(actor, "pk", None) else None)
    audit.record(actor, "registry.suppression.manage", f"resident:{atena_number}", "ok", kind=kind,
                 suppression_id=row.pk)
    return row


def lift(actor: Any, suppression_id: int) -> Suppression:
    if not allowed(actor, "registry.suppression.manage"):
        audit.record(actor, "registry.suppression.manage", f"suppression:{suppression_id}", "refused")
        raise PermissionRefused()
    row = Suppression.objects.get(pk=suppression_id)
    if row.lifted_at is not None:
        raise RegistryError("この抑止設定は既に解除されています。", code="already_lifted")
    row.lifted_at = timezone.now()
    row.lifted_by = actor if getattr(actor, "pk", None) else None
    row.save(update_fields=["lifted_at", "lifted_by"])
    audit.record(actor, "registry.suppression.manage", f"resident:{row.atena_number}", "ok", lifted=row.pk)
    return row


def attempts(limit: int = 200) -> list[AuditEntry]:
    """Refused attempts on suppressed records, newest first: the supervisor's list (j440)."""
    return list(AuditEntry.objects.filter(outcome="refused", action__startswith="registry.",
                                          detail__code="suppressed").order_by("-seq")[:limit])
