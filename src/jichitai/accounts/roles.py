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
# 支援措置責任者: a supervisor the city names to handle the records of people under 照会抑止 (DV等支援措置). The only
# staff who may open, and so approve, a 職権 draft touching such a person; each opening is audited.
SUPPORT_OFFICER = "support_officer"

ROLES: dict[str, str] = {
    COUNTER_CLERK: "窓口",
    SUPERVISOR: "決裁",
    TAX_REVIEWER: "税務審査",
    ANALYST: "分析",
    SYSADMIN: "システム管理者",
    AUDITOR: "監査",
    RESEARCHER: "個票分析（承認制）",
    SUPPORT_OFFICER: "支援措置責任者",
}

ALL_STAFF = frozenset(ROLES)

# Roles that do the city's business (they see or change residents' records and taxes), as against running or
# auditing the system. A system administrator never holds one (separation of duties, 標準仕様書 10.3): an
# administrator who could grant themselves 窓口 or 決裁 could read or change any record unseen by the business.
BUSINESS = frozenset({COUNTER_CLERK, SUPERVISOR, TAX_REVIEWER, ANALYST, RESEARCHER, SUPPORT_OFFICER})

# 所管業務: the work a department (課) owns. An action bound to a duty (policy.define(duty=…)) is allowed only to
# staff whose department owns that duty: 住民記録の決裁 to 市民課, 申告訂正（更正）の決裁 to 市民税課.
REGISTRY_DUTY = "registry"
TAX_DUTY = "tax"
DUTIES: dict[str, str] = {
    REGISTRY_DUTY: "住民記録（市民課）",
    TAX_DUTY: "個人住民税（市民税課）",
}


def incompatible(codes: frozenset[str] | set[str]) -> str:
    """Why a set of roles may not be held together, or "" when it may."""
    if SYSADMIN in codes and codes & BUSINESS:
        return "システム管理者は業務の役割（" + "・".join(ROLES[c] for c in sorted(codes & BUSINESS)) + "）を兼ねられません。"
    if SYSADMIN in codes and AUDITOR in codes:
        return "システム管理者は監査の役割を兼ねられません。"
    return ""
