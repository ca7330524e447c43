"""Running the automated review over stored declarations and recording every decision.

Accepted declarations go to the assessment (:mod:`jichitai.declarations.assessment_link`); returned ones go back
to the resident with the reasons; the rest wait in the clerk queue, oldest first.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from jichitai.audit import services as audit
from jichitai.dbcopy import copy_rows, map_in_processes, update_rows, with_ids, without_cycle_collector
from jichitai.declarations import assessment_link, baseline, evidence, taxlink
from jichitai.declarations.cityindex import CityIndex
from jichitai.declarations.domain import Decision, Declaration, Finding, Outcome, Severity, review
from jichitai.declarations.domain.facts import EngineRefusal
from jichitai.declarations.models import Declaration as Stored
from jichitai.declarations.models import ReviewDecision, Status
from jichitai.declarations.sealing import unseal

log = logging.getLogger(__name__)

STATUS_OF = {Outcome.ACCEPTED: Status.AUTO_ACCEPTED, Outcome.RETURNED: Status.RETURNED, Outcome.CLERK: Status.CLERK}


def codes_field(decision: Decision) -> str:
    """The codes of the findings that stopped the decision (notes left out), as the queue filters them."""
    codes = sorted({f.code for f in decision.findings if f.severity is not Severity.NOTE})
    return f" {' '.join(codes)} " if codes else ""


@dataclass
class Reviewed:
    stored: Stored
    decision: Decision
    case: dict[str, Any]  # the case as filed (the hand-over to the assessment reuses it)
    failed: bool = False  # the review itself failed on this declaration (sent to a clerk, counted apart)


@dataclass
class Prepared:
    """What the engine said of one declaration before its review: its refusal, and the tax from the reports
    alone when the declaration could be unnecessary (rule NE01)."""

    refusal: EngineRefusal | None = None
    tax_without: int | None = None


REVIEW_FAILED = "AR90"


def failure_decision(what: str, exc: BaseException) -> Decision:
    """A declaration the review could not finish (unreadable record, a fault in the hand-over): to a clerk,
    with what failed — never accepted, never blocking the others of its batch."""
    message = getattr(exc, "message", "") or type(exc).__name__
    return Decision(Outcome.CLERK, (Finding(
        code=REVIEW_FAILED, severity=Severity.CLERK,
        resident_message="申告の自動審査を完了できなかったため、職員が内容を確認します。",
        clerk_message=f"自動審査を完了できない（{what}）: {message}。申告の内容を直接確認してください。",
        basis="地方税法第317条の2第1項（申告の受付と審査）",
        detail={"stage": what, "error": type(exc).__name__},
    ),))


def relative_indexes(stored: Stored, d: Declaration) -> dict[str, str]:
    """Each relative's 個人番号 → blind index, read from the sealed record (no re-hashing)."""
    case = stored.data.get("case") or {}
    sealed = ([case["spouse"]] if case.get("spouse") else []) + list(case.get("dependents") or [])
    out = {}
    for rel, s in zip(d.relatives, sealed, strict=False):
        if s.get("my_number_index"):
            out[rel.my_number] = s["my_number_index"]
    return out


def _domain(stored: Stored) -> Declaration:
    return Declaration.from_record(unseal(stored.data), fiscal_year=stored.fiscal_year)


def decide_one(index: CityIndex, stored: Stored, d: Declaration | None = None,
               prepared: Prepared | None = None) -> Decision:
    d = d or _domain(stored)
    if prepared is None:
        prepared = _prepare(index, [stored], [d])[0]
    earlier = sum(1 for f in index.filed.get(stored.owner_index, [])
                  if f.ref not in (stored.receipt_number, stored.source_ref, str(stored.pk)))
    if not stored.atena_number and index.people.get(stored.owner_index):
        stored.atena_number = index.people[stored.owner_index].atena_number
    facts = index.facts(d, stored.owner_index, relative_indexes(stored, d), computed=stored.computed,
                        earlier=earlier, refusal=prepared.refusal, tax_without=prepared.tax_without)
    return review(d, facts)


def _prepare(index: CityIndex, group: list[Stored], domains: list[Declaration]) -> list[Prepared]:
    """The engine over a group at once: the tax of each declaration not yet computed (its refusal kept), and
    the tax from the reports alone of those that could be unnecessary."""
    out = [Prepared() for _ in group]
    todo = [n for n, s in enumerate(group) if s.computed is None]
    for n, answer in zip(todo, taxlink.compute_many_checked([domains[n].case for n in todo]), strict=True):
        if isinstance(answer, EngineRefusal):
            out[n].refusal = answer
        else:
            group[n].computed = answer
    maybe = [n for n, (s, d) in enumerate(zip(group, domains, strict=True))
             if s.computed is not None and baseline.could_be_unnecessary(index, d, s.owner_index)]
    for n, tax in zip(maybe, baseline.taxes_without([(domains[n], group[n].owner_index) for n in maybe]),
                      strict=True):
        out[n].tax_without = tax
    return out


def review_declarations(declarations: Iterable[Stored]) -> list[Reviewed]:
    """Review a few submitted declarations (the portal's one) on evidence read for them, and record the
    decisions in one transaction."""
    items = list(declarations)
    out: list[Reviewed] = []
    by_year: dict[int, list[Stored]] = {}
    for s in items:
        by_year.setdefault(s.fiscal_year, []).append(s)
    for year, group in by_year.items():
        index = evidence.build(year, group)
        out.extend(_decide_all(index, group))
    if out:
        _record(out)
    return out


def review_submitted(fiscal_year: int, chunk: int = 5_000, timings: dict[str, float] | None = None,
                     workers: int = 1) -> dict[str, int]:
    """The automated review over every submitted declaration of ``fiscal_year``, oldest first.

    Set-based: the year's evidence is read once (:func:`evidence.for_year`) before anything is written; then
    ``chunk`` declarations at a time are read, their taxes and their relatives' incomes computed in one engine
    call each, decided, and recorded in one transaction (one UPDATE of the declarations, one COPY of the
    decisions, one hand-over to the assessment, one audit entry). A filer's later declarations go in the chunk
    of the first (:func:`owner_chunks`), so with ``workers`` > 1 (see :func:`jichitai.dbcopy.bulk_workers`) the chunks are
    decided and recorded by that many processes side by side, each reading the same evidence, and a person's
    declarations still reach the assessment in the order filed: the decisions do not depend on ``workers``.
    Returns the count per outcome; ``timings`` receives the seconds spent reading the evidence and reviewing
    the chunks (``review``), and the CPU-side split of the latter summed over the chunks: deciding (with the
    tax computed) and recording (with the hand-over to the assessment). Runs :func:`without_cycle_collector`."""
    with without_cycle_collector():
        return _review_submitted(fiscal_year, chunk, {} if timings is None else timings, workers)


def owner_chunks(declarations: Iterable[tuple[int, str]], size: int) -> list[list[int]]:
    """Ids of ``(id, filer's index)`` pairs, in their order, in chunks of about ``size``: a filer's later
    declarations join the chunk of the first (so a chunk may run over ``size`` by those)."""
    chunks: list[list[int]] = []
    home: dict[str, int] = {}
    for pk, owner in declarations:
        n = home.get(owner) if owner else None
        if n is None:
            if not chunks or len(chunks[-1]) >= size:
                chunks.append([])
            n = len(chunks) - 1
            if owner:
                home[owner] = n
        chunks[n].append(pk)
    return chunks


_INDEX: CityIndex | None = None  # the evidence the review's processes read (set before they fork)


def _review_submitted(fiscal_year: int, chunk: int, timings: dict[str, float], workers: int) -> dict[str, int]:
    global _INDEX
    clock = time.perf_counter
    t0 = clock()
    pairs = list(Stored.objects.filter(fiscal_year=fiscal_year, status=Status.SUBMITTED)
                 .order_by("submitted_at", "id").values_list("id", "owner_index"))
    total: dict[str, int] = {}
    if not pairs:
        return total
    _INDEX = evidence.for_year(fiscal_year)
    t1 = clock()
    timings["evidence"] = t1 - t0
    timings["decide"] = timings["record"] = 0.0
    try:
        done = list(map_in_processes(_review_chunk, owner_chunks(pairs, chunk), workers))
    finally:
        _INDEX = None
    for counts, decide_s, record_s in done:
        timings["decide"] += decide_s
        timings["record"] += record_s
        for outcome, n in counts.items():
            total[outcome] = total.get(outcome, 0) + n
    timings["review"] = clock() - t1
    return total


def _review_chunk(ids: list[int]) -> tuple[dict[str, int], float, float]:
    """Decide and record one chunk (in this process or a forked worker's): the count per outcome and the
    seconds deciding and recording."""
    assert _INDEX is not None
    clock = time.perf_counter
    t1 = clock()
    results = _decide_all(_INDEX, read_batch(ids), bulk=True)
    t2 = clock()
    _record(results)
    return outcome_counts(results), t2 - t1, clock() - t2


# what the review reads and writes of a declaration (the rest is not loaded: Django reads a deferred field
# on first use, one query, so nothing breaks if a later change uses more)
BATCH_FIELDS = ("id", "fiscal_year", "status", "owner_index", "atena_number", "data", "computed",
                "receipt_number", "source_ref", "version", "decided_at", "review_codes")


def read_batch(ids: list[int]) -> list[Stored]:
    """These declarations, in the order of ``ids``: one query, the ids as one text parameter on PostgreSQL
    (``dbcopy.with_ids``: Django's ``IN (%s, …)`` list of thousands of placeholders costs psycopg more than the
    rows)."""
    order = {pk: n for n, pk in enumerate(ids)}
    return sorted(with_ids(Stored.objects.only(*BATCH_FIELDS), "id", ids), key=lambda s: order[s.pk])


def _decide_all(index: CityIndex, group: list[Stored], *, bulk: bool = False) -> list[Reviewed]:
    """Each declaration decided on its own: one that cannot be read or reviewed goes to a clerk with the
    reason (:func:`failure_decision`) and the others are decided as if it were not there."""
    readable: list[tuple[Stored, Declaration]] = []
    out: dict[int, Reviewed] = {}
    for s in group:
        try:
            readable.append((s, _domain(s)))
        except Exception as exc:  # any fault of one record is that record's finding
            out[id(s)] = Reviewed(s, failure_decision("申告の読み取り", exc), {}, failed=True)
    stored = [s for s, _ in readable]
    domains = [d for _, d in readable]
    if bulk:
        index.prime_incomes([i for s in stored for i, _ in evidence.indexes_of(s.data)[1]], taxlink.total_incomes)
    prepared = _prepare(index, stored, domains)
    for s, d, p in zip(stored, domains, prepared, strict=True):
        try:
            out[id(s)] = Reviewed(s, decide_one(index, s, d, p), d.case)
        except Exception as exc:  # the rules failed on this one: its finding
            out[id(s)] = Reviewed(s, failure_decision("審査規則の適用", exc), d.case, failed=True)
    return [out[id(s)] for s in group]


def _hand_over_each(accepted: list[Reviewed]) -> None:
    """The accepted declarations handed to the assessment together, in a savepoint; if that fails, one by one,
    each in its own savepoint: one the assessment refuses goes to a clerk (:func:`failure_decision`) and the
    others are handed over all the same."""
    if not accepted:
        return
    try:
        with transaction.atomic():
            assessment_link.hand_over([r.stored for r in accepted], kind="initial", cases=[r.case for r in accepted])
        return
    except Exception:
        log.warning("賦課への一括引継ぎに失敗: 1件ずつ引き継ぐ", exc_info=True)
    for r in accepted:
        try:
            with transaction.atomic():
                assessment_link.hand_over([r.stored], kind="initial", cases=[r.case])
        except Exception as exc:  # that declaration's finding, the others go on
            r.decision = failure_decision("賦課への引継ぎ", exc)
            r.failed = True


@transaction.atomic
def _record(results: list[Reviewed]) -> None:
    """The decisions of one batch: the accepted ones handed to the assessment (each isolated when one fails),
    the declarations' new state in one UPDATE, the decisions in one COPY, one audit entry."""
    _hand_over_each([r for r in results if r.decision.outcome is Outcome.ACCEPTED])
    now = timezone.now()
    rows = []
    for r in results:
        s = r.stored
        s.status = STATUS_OF[r.decision.outcome]
        s.decided_at = now if r.decision.outcome is not Outcome.CLERK else None
        s.review_codes = codes_field(r.decision)
        rows.append({"id": s.pk, "status": s.status, "decided_at": s.decided_at, "computed": s.computed,
                     "atena_number": s.atena_number, "review_codes": s.review_codes, "updated_at": now})
    update_rows(Stored, rows)
    copy_rows(ReviewDecision, [{
        "declaration_id": r.stored.pk, "outcome": r.decision.outcome.value,
        "ruleset_version": r.decision.ruleset_version, "findings": [f.as_dict() for f in r.decision.findings],
        "by": "system", "decided_at": now} for r in results], batch_size=2000)
    failed = [r.stored.receipt_number or r.stored.source_ref or str(r.stored.pk) for r in results if r.failed]
    if len(results) == 1:
        s = results[0].stored
        audit.record("system:review", "declarations.review", s.audit_resource,
                     outcome="failed" if failed else "ok", decision=results[0].decision.outcome.value,
                     ruleset=results[0].decision.ruleset_version)
    else:
        counts = outcome_counts(results)
        audit.record("system:review", "declarations.review", f"batch:{len(results)}",
                     outcome="failed" if failed else "ok", failed_refs=failed[:100], **counts)


def outcome_counts(results: list[Reviewed]) -> dict[str, int]:
    """The count per outcome, and ``failed``: the declarations the review could not finish (in the clerk's
    count too)."""
    counts: dict[str, int] = {}
    for r in results:
        counts[r.decision.outcome.value] = counts.get(r.decision.outcome.value, 0) + 1
    failed = sum(1 for r in results if r.failed)
    if failed:
        counts["failed"] = failed
    return counts
