"""The roles (役割) a member of staff can hold. Pure data: the codes are stable, the labels are Japanese."""

from __future__ import annotations

COUNTER_CLERK = "counter"
SUPERVISOR = "supervisor"
TAX_REVIEWER = "tax_reviewer"
ANALYST = "analyst"
SYSADMIN = "sysadmin"
AUDITOR = "auditor"
# person-level (pseudonymised) lounge tables for an approved research project: not part of the analyst role;
# granted per person by a role change (approved by a second administrator) and every use is audited
RESEARCHER = "researcher"

ROLES: dict[str, str] = {
    COUNTER_CLERK: "窓口",
    SUPERVISOR: "決裁",
    TAX_REVIEWER: "税務審査",
    ANALYST: "分析",
    SYSADMIN: "システム管理者",
    AUDITOR: "監査",
    RESEARCHER: "個票分析（承認制）",
}

ALL_STAFF = frozenset(ROLES)
