"""The clerk's queue of held reports: a second 給与支払報告書 / 公的年金等支払報告書 from the same payer for the same
person and year that says neither 訂正 nor 取消, or a 訂正・取消 with nothing to correct
(:func:`jichitai.tax.report_intake.store_rows` holds them instead of summing them). The clerk compares it with
the report in force and adopts it (it replaces that one, as a 訂正 or 取消 would) or rejects it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from jichitai.audit import services as audit
from jichitai.tax.errors import TaxError
from jichitai.tax.models import ReceivedReport

# the items shown side by side, in the order of the form (attribute, label)
COMPARED = (("salary_paid", "支払金額"), ("pension_paid", "支払金額"), ("salary_income", "給与所得控除後の金額"),
            ("deductions_total", "所得控除の額の合計額"), ("withholding_tax", "源泉徴収税額"),
            ("social_insurance", "社会保険料等の金額"), ("housing_loan_credit_available", "住宅借入金等特別控除可能額"),
            ("left_on", "退職年月日"))
DECISIONS = {"adopt": "採用（先の報告と差し替え）", "reject": "不採用（先の報告のまま）"}


class ReviewError(TaxError):
    code = "report_review"


@dataclass
class HeldReport:
    id: int
    kind: str
    income_year: int
    payer_name: str
    name: str
    submission: str
    reason: str
    received_at: Any
    rows: list[tuple[str, Any, Any]]  # (label, in force, held)


def _value(data: dict[str, Any] | None, attr: str) -> Any:
    return None if data is None else data.get(attr)


def held_reports(limit: int = 200) -> list[HeldReport]:
    """The held reports, oldest first, each beside the report in force for the same payer, person and year."""
    out = []
    for r in ReceivedReport.objects.filter(status="held").order_by("received_at", "id")[:limit]:
        current = ReceivedReport.in_force().filter(kind=r.kind, income_year=r.income_year, payer_number=r.payer_number,
                                                   recipient_index=r.recipient_index).first()
        before = current.data if current else None
        rows = [(label, _value(before, attr), r.data.get(attr)) for attr, label in COMPARED
                if attr in r.data or (before and attr in before)]
        out.append(HeldReport(r.pk, r.get_kind_display(), r.income_year, r.payer_name, str(r.data.get("name", "")),
                              r.get_submission_display(), r.hold_reason, r.received_at, rows))
    return out


def decide(actor: Any, report_id: int, decision: str) -> ReceivedReport:
    """Adopt or reject one held report. Adopting puts it in force in place of the payer's report for that person
    and year (withdrawing that one when the held report is a 取消); the decision is audited."""
    if decision not in DECISIONS:
        raise ReviewError("採用または不採用を選んでください。", field="decision")
    with transaction.atomic():
        r = ReceivedReport.objects.select_for_update().filter(pk=report_id, status="held").first()
        if r is None:
            raise ReviewError("確認待ちの報告が見つかりません（既に確認済みの可能性があります）。", field="report")
        current = (ReceivedReport.in_force().select_for_update()
                   .filter(kind=r.kind, income_year=r.income_year, payer_number=r.payer_number,
                           recipient_index=r.recipient_index).first())
        who = getattr(actor, "username", str(actor))
        r.decided_by, r.decided_at = who, timezone.now()
        if decision == "reject":
            r.status = "rejected"
        elif r.submission == "cancellation":
            r.status = "cancellation" if current else "rejected"
        else:
            r.status = "in_force"
        if current is not None and decision == "adopt":
            current.status = "withdrawn" if r.submission == "cancellation" else "superseded"
            current.save(update_fields=["status"])
        r.save(update_fields=["status", "decided_by", "decided_at"])
        if current is not None and decision == "adopt":
            current.superseded_by = r
            current.save(update_fields=["superseded_by"])
        audit.record(actor, "tax.reports.review", f"tax.report:{r.pk}", "ok", decision=decision,
                     replaced=current.pk if current and decision == "adopt" else None)
    return r
