"""The tax without the declaration: what the assessment computes from the reports alone.

The 申告不要 note (rule NE01) may tell a resident their declaration was unnecessary only when it changed nothing:
the tax computed from their 給与支払報告書 (年末調整済み) or 公的年金等支払報告書 — built exactly as the bulk
assessment builds it (:func:`jichitai.tax.assessment.inputs.case_from_reports`) — equals the tax of the
declaration. Computed only for the declarations that could be unnecessary (salary with a 年末調整 report, or
pension with a pension report, no other income): the rest need no baseline.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jichitai.declarations import taxlink
from jichitai.declarations.cityindex import CityIndex
from jichitai.declarations.domain import Declaration, Pattern
from jichitai.declarations.evidence import chunks


def could_be_unnecessary(index: CityIndex, d: Declaration, owner: str) -> bool:
    """Salary only with a 年末調整 report and no pension report, or pension only with a pension report and no
    salary report; no other income."""
    if not owner or d.income["business"] or d.income["misc_other"]:
        return False
    sal, pen = index.salary.get(owner), index.pension.get(owner)
    if d.pattern is Pattern.SALARY_ONLY:
        return sal is not None and sal.year_end_adjusted and pen is None
    if d.pattern is Pattern.PENSION_ONLY:
        return pen is not None and sal is None
    return False


def taxes_without(items: Sequence[tuple[Declaration, str]]) -> list[int | None]:
    """For each (declaration, owner's blind index): the total tax from the owner's reports of the income year
    alone, or None (no report, or a report the engine cannot compute)."""
    from jichitai.tax.assessment.inputs import case_from_reports
    from jichitai.tax.models import ReceivedReport

    if not items:
        return []
    rows: dict[str, dict[str, list[dict[str, Any]]]] = {}
    years = {d.income_year for d, _ in items}
    owners = sorted({o for _, o in items if o})
    for part in chunks(owners):
        for kind, index, data in (ReceivedReport.in_force().filter(income_year__in=years, recipient_index__in=part)
                                  .order_by("id").values_list("kind", "recipient_index", "data")):
            rows.setdefault(index, {"salary_report": [], "pension_report": []})[kind].append(data)
    cases: list[dict[str, Any] | None] = []
    for d, owner in items:
        found = rows.get(owner)
        birth = (d.case.get("taxpayer") or {}).get("birth_date") or (d.birth_date and d.birth_date.isoformat())
        if not found or not birth:
            cases.append(None)
            continue
        sex = str((d.case.get("taxpayer") or {}).get("sex") or "")
        case, _ = case_from_reports(d.fiscal_year, str(birth), sex, found["salary_report"], found["pension_report"])
        cases.append(case)
    answers = iter(taxlink.compute_many([c for c in cases if c is not None]))
    out: list[int | None] = []
    for c in cases:
        a = next(answers) if c is not None else None
        out.append(None if a is None else int(a["total"]))
    return out
