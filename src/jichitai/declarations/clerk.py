"""The clerk's side: the queue (oldest first), the evidence beside a declaration, and the actions — accept,
correct (with a supervisor's approval), return with a comment. Every action is audited and timed (minutes
entered by the clerk) for the metrics."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone

from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.common.errors import PermissionRefused
from jichitai.declarations import assessment_link, corrections, evidence, taxlink
from jichitai.declarations.domain import RULESET_VERSION, DeclarationError, Pattern
from jichitai.declarations.domain import Declaration as Domain
from jichitai.declarations.domain.documents import read as read_document
from jichitai.declarations.domain.documents import statement_summary
from jichitai.declarations.domain.model import ATTACHMENT_KINDS, PATTERN_LABELS
from jichitai.declarations.domain.rulebook import ordered_rules
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


def queue_length() -> tuple[int, float]:
    """For monitoring: declarations waiting for a clerk and seconds since the oldest was submitted."""
    waiting = queue()
    oldest = waiting.values_list("submitted_at", flat=True).first()
    return waiting.count(), (timezone.now() - oldest).total_seconds() if oldest else 0.0


PAGE_SIZE = 50


@dataclass
class QueuePage:
    """One page of the clerk's queue, oldest first, with the filters applied and what they can be."""

    rows: list[dict[str, Any]]
    page: Page[Declaration]
    total: int  # everything waiting for a clerk
    rule: str
    min_days: int | None
    max_days: int | None
    rules: list[tuple[str, str, int]] = field(default_factory=list)  # (code, title, waiting with it)


def queue_page(*, rule: str = "", min_days: int | None = None, max_days: int | None = None, page: Any = 1,
               per_page: int = PAGE_SIZE, now: dt.datetime | None = None) -> QueuePage:
    """The queue filtered by the rule that stopped the declaration (``rule``: its code) and by the days it has
    waited since it reached the city (``min_days`` ≤ 経過日数 ≤ ``max_days``), a page at a time."""
    now = now or timezone.now()
    rule = rule.strip().upper()
    known = {r.code: r.title for r in ordered_rules()}
    if rule and rule not in known:
        raise DeclarationError(f"審査ルール「{rule}」はありません。", code="unknown_rule", rule=rule)
    for value in (min_days, max_days):
        if value is not None and not 0 <= value <= 3660:
            raise DeclarationError("経過日数は0〜3660日で指定してください。", code="bad_days")
    waiting = queue()
    all_codes = list(waiting.values_list("review_codes", flat=True))
    counts: Counter[str] = Counter(code for codes in all_codes for code in codes.split())
    qs = waiting
    if rule:
        qs = qs.filter(review_codes__contains=f" {rule} ")
    if min_days is not None:  # waited at least min_days whole days: reached the city min_days × 24 h ago or before
        qs = qs.filter(submitted_at__lte=now - dt.timedelta(days=min_days))
    if max_days is not None:  # fewer than max_days + 1 whole days
        qs = qs.filter(submitted_at__gt=now - dt.timedelta(days=max_days + 1))
    shown = Paginator(qs.only("id", "receipt_number", "name", "pattern", "channel", "status", "submitted_at",
                              "review_codes"), per_page).get_page(page)
    rows = [{"d": d, "age": age_days(d, now), "codes": d.review_codes.split(),
             "pattern": PATTERN_LABELS[Pattern(d.pattern)]} for d in shown]
    return QueuePage(rows=rows, page=shown, total=len(all_codes), rule=rule, min_days=min_days,
                     max_days=max_days,
                     rules=[(code, known.get(code, code), n) for code, n in sorted(counts.items())])


WITHHELD = "（照会抑止・支援措置の対象のため表示しません）"


def evidence_for(staff: Any, d: Declaration) -> dict[str, Any]:
    """What the clerk sees beside the declaration: registry, reports, previous year, the findings. Addresses go
    through the Shield: the filer's under 照会抑止 (:data:`suppression.STAFF`), a relative's under 照会抑止 or
    支援措置 (:data:`suppression.OTHERS`: this is someone else's case), on this page and in the findings."""
    from jichitai.registry import suppression

    record = unseal(d.data)
    dom = Domain.from_record(record, fiscal_year=d.fiscal_year)
    index = evidence.build(d.fiscal_year, [d])
    person = index.people.get(d.owner_index)
    relatives = []
    from jichitai.declarations.reviewing import relative_indexes

    known_relatives: dict[str, str] = {}  # declared My Number → 宛名番号
    for rel in dom.relatives:
        idx = relative_indexes(d, dom).get(rel.my_number, "")
        known = index.people.get(idx)
        if known is not None:
            known_relatives[rel.my_number] = known.atena_number
        income, source = index.known_income(idx, known.birth_date if known else None) if known else (None, "")
        others = list(index.other_claims(idx, d.owner_index))
        relatives.append({"declared": rel, "role": "配偶者" if rel.role == "spouse" else "扶養親族",
                          "registry": known, "known_income": income, "income_source": source,
                          "other_claims": others})
    guard = suppression.shield()
    filer = person.atena_number if person else ""
    places = {r["atena_number"]: r for r in suppression.records_of([filer, *known_relatives.values()])}
    via, resource = "declarations.case", d.audit_resource
    own = suppression.screen_addresses(staff, [places[filer]] if filer in places else [],
                                       audience=suppression.STAFF, action="declarations.queue", via=via, guard=guard)
    theirs = suppression.screen_addresses(staff, [places[a] for a in known_relatives.values() if a in places],
                                          audience=suppression.OTHERS, action="declarations.queue", via=via,
                                          guard=guard)
    hidden = frozenset({""} if own else set()) | {n for n, a in known_relatives.items() if a in theirs}
    previous = (Declaration.objects.filter(owner_index=d.owner_index, fiscal_year=d.fiscal_year - 1)
                .exclude(status=Status.DRAFT).order_by("-version").first())
    audit.record(staff, "declarations.queue", resource, "ok", step="view")
    addr = record.get("address") or {}
    pending = d.clerk_actions.filter(kind="correct", approvals__isnull=True).order_by("-id").first() \
        if d.status == Status.PENDING_APPROVAL else None
    return {
        "record": record, "domain": dom, "person": person,
        "address": WITHHELD if own else place(addr.get("town_code", ""), addr.get("banchi", ""),
                                              addr.get("katagaki", "")),
        "jan1": WITHHELD if own else place(person.address_jan1.town_code, person.address_jan1.banchi)
        if person and person.address_jan1 else "市内に住所なし",
        "now": WITHHELD if own else place(person.address_now.town_code, person.address_now.banchi)
        if person and person.address_now else elsewhere(person.atena_number if person else ""),
        "declared_attachments": [ATTACHMENT_KINDS.get(a.get("kind", ""), "その他") for a in record.get("attachments") or []],
        # what the review read of each attachment (the 医療費通知 XML, the receipts entered, the OCR and its
        # confidence), as the rules DE09/DE10 used it
        "readings": [(ATTACHMENT_KINDS.get(a.kind, "その他"), read_document(a.kind, a.document, dom.income_year))
                     for a in dom.attachments if a.kind in ("medical_detail", "donation_receipt")],
        # a statement's amounts as entered, and whether its file's reading shows them (IN07, DE12)
        "statements": [(ATTACHMENT_KINDS.get(a.kind, "その他"), statement_summary(a.document))
                       for a in dom.attachments if a.document.get("statement")],
        "history": [decision_view(x, hidden) for x in d.decisions.all()],
        "tax_before": (d.computed or {}).get("total"),
        "tax_after": _tax_of(pending.corrected_data, d.fiscal_year) if pending and pending.corrected_data else None,
        # what the correction changes, address included, as this member of staff may see it (corrections.py)
        "correction": corrections.for_approver(staff, d, pending, via="declarations.case") if pending else None,
        "salary": index.salary.get(d.owner_index), "pension": index.pension.get(d.owner_index),
        "relatives": relatives, "previous": previous,
        "decisions": list(d.decisions.all()), "actions": list(d.clerk_actions.select_related("staff")),
    }


def elsewhere(atena_number: str) -> str:
    """Where a filer who is no longer a resident lives now: their 住登外者 (共通機能標準仕様書 §2.3), whose address
    the tax notices use (tax.addressee), or a dash when the city knows none."""
    from jichitai.jutogai.services import for_former_resident

    person = for_former_resident(atena_number) if atena_number else None
    return f"市外: {person.address}（住登外者宛名番号 {person.number}）" if person else "—"


def place(town_code: str, banchi: str, katagaki: str = "") -> str:
    """An address in words: 「中央区 加納町 1-2-3」 (the 町字 from the registry's town list, never its code)."""
    from jichitai.registry.models import Town

    town = Town.objects.filter(code=town_code).first()
    name = f"{town.ward_name} {town.name}" if town else "（町字不明）"
    return " ".join(x for x in (name, banchi, katagaki) if x)


OUTCOME_LABELS = {"auto_accepted": "自動受理", "returned": "差戻し", "clerk": "職員確認へ",
                  "clerk_accepted": "職員が受理", "clerk_corrected": "職員が訂正して受理"}


def decision_view(x: ReviewDecision, hidden: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A decision as the clerk reads it: who (自動審査 or the staff member), the outcome and each finding with
    its rule's title, in words. ``hidden``: whose addresses the Shield withholds ("" the filer, else a relative's
    My Number): their findings' address items are not shown (a finding stored before the measure included)."""
    from jichitai.declarations.domain import RULES

    who = "自動審査" if x.by == "system" else f"職員（{x.by.removeprefix('staff:')}）"
    return {
        "decided_at": x.decided_at, "who": who, "outcome": OUTCOME_LABELS.get(x.outcome, "その他"),
        "ruleset_version": x.ruleset_version,
        "findings": [{**f, "clerk_message": _shielded_message(f, hidden),
                      "title": RULES[f["code"]].title if f.get("code") in RULES else "職員のコメント"
                      if f.get("code") == "CLERK" else "自動審査",
                      "severity_label": {"note": "参考", "return": "差戻し", "clerk": "職員確認"}.get(
                          f.get("severity", ""), "")} for f in x.findings],
    }


def _shielded_message(f: dict[str, Any], hidden: frozenset[str]) -> str:
    """A finding's clerk text without the addresses of a person the Shield covers. A finding that does not say
    which of its items are addresses (stored by an older rule set), or whose rule is unknown, is not shown."""
    from jichitai.declarations.domain import RULES

    message = str(f.get("clerk_message", ""))
    if not hidden or not ("" in hidden or f.get("subject") in hidden) or f.get("code") == "CLERK":
        return message
    rule = RULES.get(f.get("code", ""))
    if rule is None or "addresses" not in f:
        return f"{WITHHELD}（指摘の詳細）"
    if not f["addresses"]:
        return message
    return rule.clerk_message_without(dict(f.get("detail") or {}), f["addresses"], WITHHELD)


def _tax_of(sealed: dict[str, Any], fiscal_year: int) -> int | None:
    """The total tax of a (corrected) record, for the approver to see before and after."""
    case = Domain.from_record(unseal(sealed), fiscal_year=fiscal_year).case
    result, _ = taxlink.compute(case)
    return None if result is None else int(result["total"])


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


@audit.atomic()  # a refusal raised with audit.refused keeps its entry although the transaction rolls back
def act(staff: Any, declaration_id: int, kind: str, *, comment: str = "", minutes: Any = 0,
        corrected: dict[str, Any] | None = None) -> Declaration:
    """accept / return / correct (→ 決裁待ち) by a tax reviewer; approve / reject a correction by a supervisor."""
    action = "declarations.approve" if kind in ("approve", "reject") else "declarations.review"
    d = Declaration.objects.select_for_update().get(pk=declaration_id)
    if not allowed(staff, action, d):
        audit.record(staff, action, d.audit_resource, "refused", kind=kind)
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
            raise audit.refused(PermissionRefused("自分が行った訂正は決裁できません。"), staff, action,
                                d.audit_resource, reason="self_approval")
        if kind == "approve":
            corrections.ensure_seen(staff, d, pending)  # no 決裁 of an address the 決裁者 could not see
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
    audit.record(staff, action, d.audit_resource, "ok", kind=kind, minutes=spent,
                 status=d.status)
    return d


def age_days(d: Declaration, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    return (now - d.submitted_at).days if d.submitted_at else 0
