"""Running the automated review over stored declarations and recording every decision.

Accepted declarations go to the assessment (:mod:`jichitai.declarations.assessment_link`); returned ones go back
to the resident with the reasons; the rest wait in the clerk queue, oldest first.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from jichitai.audit import services as audit
from jichitai.dbcopy import copy_rows, map_in_processes, update_rows, with_ids
from jichitai.declarations import assessment_link, evidence, taxlink
from jichitai.declarations.cityindex import CityIndex
from jichitai.declarations.domain import Decision, Declaration, Outcome, Severity, review
from jichitai.declarations.models import Declaration as Stored
from jichitai.declarations.models import ReviewDecision, Status
from jichitai.declarations.sealing import unseal

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


def decide_one(index: CityIndex, stored: Stored, d: Declaration | None = None) -> Decision:
    d = d or _domain(stored)
    if stored.computed is None:
        stored.computed, _ = taxlink.compute(d.case)
    earlier = sum(1 for f in index.filed.get(stored.owner_index, [])
                  if f.ref not in (stored.receipt_number, stored.source_ref, str(stored.pk)))
    if not stored.atena_number and index.people.get(stored.owner_index):
        stored.atena_number = index.people[stored.owner_index].atena_number
    facts = index.facts(d, stored.owner_index, relative_indexes(stored, d), computed=stored.computed,
                        earlier=earlier)
    return review(d, facts)


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


@contextlib.contextmanager
def without_cycle_collector() -> Iterator[None]:
    """Python's cycle collector paused (reference counting still frees everything else), then restored.

    A bulk review holds a million objects (the year's evidence, a chunk of decoded declarations) and makes as
    many more; each full collection walks them all, and the collector ran several while a 3,485-declaration
    review allocated: about a fifth of its CPU, for nothing to collect (the review makes no garbage cycles of
    size: the same peak memory with the collector paused)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


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
    counts: dict[str, int] = {}
    for r in results:
        counts[r.decision.outcome.value] = counts.get(r.decision.outcome.value, 0) + 1
    return counts, t2 - t1, clock() - t2


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
    domains = [_domain(s) for s in group]
    if bulk:
        _prime(index, group, domains)
    return [Reviewed(s, decide_one(index, s, d), d.case) for s, d in zip(group, domains, strict=True)]


def _prime(index: CityIndex, group: list[Stored], domains: list[Declaration]) -> None:
    """Bulk: every tax and every relative's income in one vectorised engine call each."""
    todo = [(s, d) for s, d in zip(group, domains, strict=True) if s.computed is None]
    for (s, _), answer in zip(todo, taxlink.compute_many([d.case for _, d in todo]), strict=True):
        s.computed = answer
    relatives = [i for s in group for i, _ in evidence.indexes_of(s.data)[1]]
    index.prime_incomes(relatives, taxlink.total_incomes)


@transaction.atomic
def _record(results: list[Reviewed]) -> None:
    """The decisions of one batch: the declarations' new state in one UPDATE, the decisions in one COPY, the
    accepted ones handed to the assessment together, one audit entry."""
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
    accepted = [r for r in results if r.decision.outcome is Outcome.ACCEPTED]
    assessment_link.hand_over([r.stored for r in accepted], kind="initial", cases=[r.case for r in accepted])
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
