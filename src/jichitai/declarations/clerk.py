"""The clerk's side: the queue (oldest first), the evidence beside a declaration, and the actions — accept,
correct (with a supervisor's approval), return with a comment. Every action is audited and timed (minutes
entered by the clerk) for the metrics."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.common.errors import PermissionRefused
from jichitai.declarations import assessment_link, evidence, taxlink
from jichitai.declarations.domain import RULESET_VERSION, DeclarationError
from jichitai.declarations.domain import Declaration as Domain
from jichitai.declarations.models import (
    OPEN_FOR_CLERK,
    ClaimedRelative,
    ClerkAction,
    Declaration,
    ReviewDecision,
    Status,
)
from jichitai.declarations.sealing import seal, unseal


def queue() -> QuerySet[Declaration]:
    return Declaration.objects.filter(status__in=OPEN_FOR_CLERK).order_by("submitted_at", "id")


def evidence_for(staff: Any, d: Declaration) -> dict[str, Any]:
    """What the clerk sees beside the declaration: registry, reports, previous year, the findings."""
    record = unseal(d.data)
    dom = Domain.from_record(record, fiscal_year=d.fiscal_year)
    index = evidence.build(d.fiscal_year, [d])
    person = index.people.get(d.owner_index)
    relatives = []
    from jichitai.declarations.reviewing import relative_indexes

    for rel in dom.relatives:
        idx = relative_indexes(d, dom).get(rel.my_number, "")
        known = index.people.get(idx)
        income, source = index.known_income(idx, known.birth_date if known else None) if known else (None, "")
        others = [c for owner, c in index.claims.get(idx, []) if owner != d.owner_index]
        relatives.append({"declared": rel, "registry": known, "known_income": income, "income_source": source,
                          "other_claims": others})
    previous = (Declaration.objects.filter(owner_index=d.owner_index, fiscal_year=d.fiscal_year - 1)
                .exclude(status=Status.DRAFT).order_by("-version").first())
    audit.record(staff, "declarations.queue", f"declaration:{d.receipt_number}", "ok", step="view")
    return {
        "record": record, "domain": dom, "person": person,
        "salary": index.salary.get(d.owner_index), "pension": index.pension.get(d.owner_index),
        "relatives": relatives, "previous": previous,
        "decisions": list(d.decisions.all()), "actions": list(d.clerk_actions.select_related("staff")),
    }


def _decide(d: Declaration, staff: Any, outcome: str, comment: str) -> None:
    ReviewDecision.objects.create(declaration=d, outcome=outcome, ruleset_version=RULESET_VERSION,
                                  findings=[{"code": "CLERK", "severity": "note", "resident_message": comment,
                                             "clerk_message": comment, "basis": "", "subject": "", "detail": {}}],
                                  by=f"staff:{staff.username}")


def _minutes(value: Any) -> int:
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        raise DeclarationError("所要時間は分単位の整数で入力してください。", code="bad_minutes") from None
    if not 0 <= minutes <= 600:
        raise DeclarationError("所要時間は0〜600分で入力してください。", code="bad_minutes")
    return minutes


@transaction.atomic
def act(staff: Any, declaration_id: int, kind: str, *, comment: str = "", minutes: Any = 0,
        corrected: dict[str, Any] | None = None) -> Declaration:
    """accept / return / correct (→ 決裁待ち) by a tax reviewer; approve / reject a correction by a supervisor."""
    action = "declarations.approve" if kind in ("approve", "reject") else "declarations.review"
    d = Declaration.objects.select_for_update().get(pk=declaration_id)
    if not allowed(staff, action, d):
        audit.record(staff, action, f"declaration:{d.receipt_number}", "refused", kind=kind)
        raise PermissionRefused()
    spent = _minutes(minutes)
    comment = comment.strip()
    if kind in ("return", "correct", "reject") and not comment:
        raise DeclarationError("理由（コメント）を入力してください。", code="comment_required")
    now = timezone.now()
    if kind in ("accept", "return", "correct") and d.status != Status.CLERK:
        raise DeclarationError("この申告は職員確認中ではありません。", code="not_in_queue")
    if kind in ("approve", "reject") and d.status != Status.PENDING_APPROVAL:
        raise DeclarationError("決裁待ちの訂正はありません。", code="no_pending_correction")
    record = None
    if kind == "accept":
        d.status, d.decided_at = Status.CLERK_ACCEPTED, now
        _decide(d, staff, "clerk_accepted", comment or "職員が確認して受理しました。")
        assessment_link.hand_over([d], kind="initial")
    elif kind == "return":
        d.status, d.decided_at = Status.RETURNED, now
        _decide(d, staff, "returned", comment)
    elif kind == "correct":
        if not corrected:
            raise DeclarationError("訂正後の内容がありません。", code="no_correction")
        Domain.from_record(corrected, fiscal_year=d.fiscal_year)  # refuses an impossible correction
        record = seal(corrected)
        d.status = Status.PENDING_APPROVAL
    else:
        pending = d.clerk_actions.filter(kind="correct", approvals__isnull=True).order_by("-id").first()
        if pending is None:
            raise DeclarationError("決裁待ちの訂正はありません。", code="no_pending_correction")
        if pending.staff_id == staff.pk:
            audit.record(staff, action, f"declaration:{d.receipt_number}", "refused", reason="self_approval")
            raise PermissionRefused("自分が行った訂正は決裁できません。")
        if kind == "reject":
            d.status = Status.CLERK
        else:
            d.data = pending.corrected_data or d.data
            d.version += 1
            case = Domain.from_record(unseal(d.data), fiscal_year=d.fiscal_year).case
            d.computed, _ = taxlink.compute(case)
            d.status, d.decided_at = Status.CLERK_CORRECTED, now
            _decide(d, staff, "clerk_corrected", pending.comment)
            ClaimedRelative.objects.filter(declaration=d).delete()
            from jichitai.declarations.filing import _claims

            ClaimedRelative.objects.bulk_create(_claims(d))
        ClerkAction.objects.create(declaration=d, staff=staff, kind=kind, comment=comment, minutes=spent,
                                   approval_of=pending)
    if kind in ("accept", "return", "correct"):
        ClerkAction.objects.create(declaration=d, staff=staff, kind=kind, comment=comment, minutes=spent,
                                   corrected_data=record)
    d.save()
    if kind == "approve":
        assessment_link.hand_over([d], kind="correction")
    audit.record(staff, action, f"declaration:{d.receipt_number}", "ok", kind=kind, minutes=spent,
                 status=d.status)
    return d


def age_days(d: Declaration, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    return (now - d.submitted_at).days if d.submitted_at else 0
