"""Running the automated review over stored declarations and recording every decision.

Accepted declarations go to the assessment (:mod:`jichitai.declarations.assessment_link`); returned ones go back
to the resident with the reasons; the rest wait in the clerk queue, oldest first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from jichitai.audit import services as audit
from jichitai.declarations import assessment_link, evidence, taxlink
from jichitai.declarations.cityindex import CityIndex
from jichitai.declarations.domain import Decision, Declaration, Outcome, review
from jichitai.declarations.models import Declaration as Stored
from jichitai.declarations.models import ReviewDecision, Status
from jichitai.declarations.sealing import unseal

STATUS_OF = {Outcome.ACCEPTED: Status.AUTO_ACCEPTED, Outcome.RETURNED: Status.RETURNED, Outcome.CLERK: Status.CLERK}


@dataclass
class Reviewed:
    stored: Stored
    decision: Decision


def relative_indexes(stored: Stored, d: Declaration) -> dict[str, str]:
    """Each relative's 個人番号 → blind index, read from the sealed record (no re-hashing)."""
    case = stored.data.get("case") or {}
    sealed = ([case["spouse"]] if case.get("spouse") else []) + list(case.get("dependents") or [])
    out = {}
    for rel, s in zip(d.relatives, sealed, strict=False):
        if s.get("my_number_index"):
            out[rel.my_number] = s["my_number_index"]
    return out


def decide_one(index: CityIndex, stored: Stored) -> Decision:
    record = unseal(stored.data)
    d = Declaration.from_record(record, fiscal_year=stored.fiscal_year)
    if stored.computed is None:
        stored.computed, _ = taxlink.compute(d.case)
    earlier = sum(1 for f in index.filed.get(stored.owner_index, [])
                  if f.ref not in (stored.receipt_number, stored.source_ref, str(stored.pk)))
    if not stored.atena_number and index.people.get(stored.owner_index):
        stored.atena_number = index.people[stored.owner_index].atena_number
    facts = index.facts(d, stored.owner_index, relative_indexes(stored, d), computed=stored.computed,
                        earlier=earlier)
    return review(d, facts)


def review_declarations(declarations: Iterable[Stored], *, bulk: bool = False) -> list[Reviewed]:
    """Review submitted declarations (all of one 年度) and record the decisions in one transaction."""
    items = list(declarations)
    if not items:
        return []
    out: list[Reviewed] = []
    by_year: dict[int, list[Stored]] = {}
    for s in items:
        by_year.setdefault(s.fiscal_year, []).append(s)
    for year, group in by_year.items():
        index = evidence.build(year, group, bulk=bulk)
        if bulk:
            _prime(index, group)
        out.extend(Reviewed(s, decide_one(index, s)) for s in group)
    _record(out)
    return out


def review_submitted(fiscal_year: int, chunk: int = 20_000) -> dict[str, int]:
    """The automated review over every submitted declaration of ``fiscal_year``, oldest first, ``chunk`` at a
    time (each chunk one transaction, its evidence read in bulk). Returns the count per outcome."""
    ids = list(Stored.objects.filter(fiscal_year=fiscal_year, status=Status.SUBMITTED).order_by("id")
               .values_list("id", flat=True))
    total: dict[str, int] = {}
    for i in range(0, len(ids), chunk):
        batch = list(Stored.objects.filter(id__in=ids[i:i + chunk]).order_by("id"))
        for r in review_declarations(batch, bulk=len(batch) > 200):
            total[r.decision.outcome.value] = total.get(r.decision.outcome.value, 0) + 1
    return total


def _prime(index: CityIndex, group: list[Stored]) -> None:
    """Bulk: every tax and every relative's income in one vectorised engine call each."""
    todo = [s for s in group if s.computed is None]
    cases = [Declaration.from_record(unseal(s.data), fiscal_year=s.fiscal_year).case for s in todo]
    for s, answer in zip(todo, taxlink.compute_many(cases), strict=True):
        s.computed = answer
    relatives = [i for s in group for i, _ in evidence.indexes_of(s.data)[1]]
    index.prime_incomes(relatives, taxlink.total_incomes)


@transaction.atomic
def _record(results: list[Reviewed]) -> None:
    now = timezone.now()
    decisions = []
    for r in results:
        s = r.stored
        s.status = STATUS_OF[r.decision.outcome]
        s.decided_at = now if r.decision.outcome is not Outcome.CLERK else None
        decisions.append(ReviewDecision(declaration=s, outcome=r.decision.outcome.value,
                                        ruleset_version=r.decision.ruleset_version,
                                        findings=[f.as_dict() for f in r.decision.findings], by="system"))
    Stored.objects.bulk_update([r.stored for r in results], ["status", "decided_at", "computed", "atena_number"], batch_size=2000)
    ReviewDecision.objects.bulk_create(decisions, batch_size=2000)
    accepted = [r.stored for r in results if r.decision.outcome is Outcome.ACCEPTED]
    assessment_link.hand_over(accepted, kind="initial")
    if len(results) == 1:
        s = results[0].stored
        audit.record("system:review", "declarations.review", f"declaration:{s.receipt_number}",
                     outcome="ok", decision=results[0].decision.outcome.value,
                     ruleset=results[0].decision.ruleset_version)
    else:
        counts: dict[str, int] = {}
        for r in results:
            counts[r.decision.outcome.value] = counts.get(r.decision.outcome.value, 0) + 1
        audit.record("system:review", "declarations.review", f"batch:{len(results)}", outcome="ok", **counts)
