"""Role changes under two administrators (separation of duties, 住民記録システム標準仕様書 10.3 操作権限管理).

One system administrator proposes the roles a member of staff should hold; a second one approves, and only
then do the roles change. Neither may be the member of staff concerned, so an administrator can give
themselves nothing, and a system administrator never holds a business role at all (``roles.incompatible``).
Every step is audited with the roles added and removed, by code and by name.

The same two-administrator rule resets a member of staff's second factor (a lost or stolen phone with no
recovery code left): a 役割の変更 with ``reset_second_factor``, roles unchanged or changed with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from jichitai.accounts import roles as R
from jichitai.accounts.models import Role, RoleChange, Staff
from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.common.errors import JichitaiError, PermissionRefused


class RoleChangeRefused(JichitaiError):
    status = 400


def _labels(codes: Iterable[str]) -> list[str]:
    return [R.ROLES.get(c, c) for c in codes]


def _detail(change: RoleChange) -> dict[str, Any]:
    return {"staff": change.staff.username, "added": change.added, "removed": change.removed,
            "added_names": _labels(change.added), "removed_names": _labels(change.removed),
            "reset_second_factor": change.reset_second_factor}


def _refuse(actor: Any, resource: str, code: str, message: str, **detail: Any) -> RoleChangeRefused:
    return audit.refused(RoleChangeRefused(message, code=code), actor, "accounts.roles", resource, **detail)


def _ensure_admin(actor: Any, resource: str) -> None:
    if not allowed(actor, "admin.manage"):
        audit.record(actor, "accounts.roles", resource, "refused", code="not_admin")
        raise PermissionRefused("役割の変更はシステム管理者だけが行えます。")


def propose(actor: Any, staff: Staff, wanted: Iterable[str] | None, reason: str, *,
            reset_second_factor: bool = False) -> RoleChange:
    """申請: the roles ``staff`` should hold (None: as now), and whether their second factor is reset. Nothing
    changes until another administrator approves."""
    resource = f"staff:{staff.username}"
    _ensure_admin(actor, resource)
    wanted_set = frozenset(staff.role_codes() if wanted is None else wanted)
    unknown = wanted_set - set(R.ROLES)
    if unknown:
        raise _refuse(actor, resource, "unknown_role", f"存在しない役割です: {', '.join(sorted(unknown))}")
    if getattr(actor, "pk", None) == staff.pk:
        raise _refuse(actor, resource, "own_roles", "自分自身の役割は変更できません（別のシステム管理者に依頼してください）。")
    if not reason.strip():
        raise _refuse(actor, resource, "reason_required", "変更の理由を入力してください。")
    conflict = R.incompatible(wanted_set)
    if conflict:
        raise _refuse(actor, resource, "incompatible_roles", conflict, wanted=sorted(wanted_set))
    current = staff.role_codes()
    added, removed = sorted(wanted_set - current), sorted(current - wanted_set)
    if not added and not removed and not reset_second_factor:
        raise _refuse(actor, resource, "no_change", "役割に変更がありません。")
    change = RoleChange.objects.create(staff=staff, added=added, removed=removed, reason=reason.strip()[:300],
                                       requested_by=actor, reset_second_factor=reset_second_factor)
    audit.record(actor, "accounts.roles", resource, "pending", role_change=change.pk, **_detail(change))
    return change


def _locked_pending(actor: Any, change_id: int, resource: str) -> RoleChange:
    change = RoleChange.objects.select_for_update().select_related("staff").filter(pk=change_id).first()
    if change is None or change.state != "pending":
        raise _refuse(actor, resource, "not_pending", "承認待ちの役割変更ではありません。")
    return change


def approve(actor: Any, change_id: int) -> RoleChange:
    """承認 by a second administrator, who is neither the proposer nor the member of staff concerned."""
    resource = f"role_change:{change_id}"
    _ensure_admin(actor, resource)
    with audit.atomic():
        change = _locked_pending(actor, change_id, resource)
        if getattr(actor, "pk", None) == change.requested_by_id:
            raise _refuse(actor, resource, "self_approval", "申請した本人は承認できません（別のシステム管理者の承認が必要です）。")
        if getattr(actor, "pk", None) == change.staff_id:
            raise _refuse(actor, resource, "own_roles", "自分自身の役割の変更は承認できません。")
        staff = change.staff
        result = (staff.role_codes() | set(change.added)) - set(change.removed)
        conflict = R.incompatible(result)
        if conflict:
            raise _refuse(actor, resource, "incompatible_roles", conflict)
        staff.roles.add(*Role.objects.filter(code__in=change.added))
        staff.roles.remove(*Role.objects.filter(code__in=change.removed))
        if change.reset_second_factor:
            from jichitai.accounts import twofactor

            removed = twofactor.reset(staff)
            audit.record(actor, "accounts.second_factor_reset", f"staff:{staff.username}", "ok",
                         role_change=change.pk, requested_by=change.requested_by.username, devices=removed)
        change.state, change.decided_by, change.decided_at = "approved", actor, timezone.now()
        change.save(update_fields=["state", "decided_by", "decided_at"])
        audit.record(actor, "accounts.roles", f"staff:{staff.username}", "ok", role_change=change.pk,
                     requested_by=change.requested_by.username, **_detail(change))
    return change


def reject(actor: Any, change_id: int) -> RoleChange:
    resource = f"role_change:{change_id}"
    _ensure_admin(actor, resource)
    with audit.atomic():
        change = _locked_pending(actor, change_id, resource)
        change.state, change.decided_by, change.decided_at = "rejected", actor, timezone.now()
        change.save(update_fields=["state", "decided_by", "decided_at"])
        audit.record(actor, "accounts.roles", f"staff:{change.staff.username}", "rejected", role_change=change.pk,
                     **_detail(change))
    return change
