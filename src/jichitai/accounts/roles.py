"""The roles (役割) a member of staff can hold. Pure data: the codes are stable, the labels are Japanese."""

from __future__ import annotations

COUNTER_CLERK = "counter"
SUPERVISOR = "supervisor"
TAX_REVIEWER = "tax_reviewer"
ANALYST = "analyst"
SYSADMIN = "sysadmin"
AUDITOR = "auditor"

ROLES: dict[str, str] = {
    COUNTER_CLERK: "窓口",
    SUPERVISOR: "決裁",
    TAX_REVIEWER: "税務審査",
    ANALYST: "分析",
    SYSADMIN: "システム管理者",
    AUDITOR: "監査",
}

ALL_STAFF = frozenset(ROLES)
