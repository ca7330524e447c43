"""Handing declarations to the assessment (賦課).

Each accepted declaration, and each clerk's correction as a new version, becomes an :class:`AssessmentFeed`
row holding the tax case and the computed result. When the tax context offers an assessment service
(``jichitai.tax.assessment.services.apply_declarations``) the feeds are applied at once, in one bulk
computation — a new assessment version (更正) when one exists — otherwise they stay ``pending`` for the bulk
assessment to pick up.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.utils import timezone

from jichitai.dbcopy import copy_rows, update_rows, with_ids
from jichitai.declarations import taxlink
from jichitai.declarations.domain import Declaration as Domain
from jichitai.declarations.models import AssessmentFeed, Declaration
from jichitai.declarations.sealing import unseal


def _assessment_service() -> Any:
    try:
        return import_module("jichitai.tax.assessment.services")
    except ImportError:
        return None


def hand_over(declarations: list[Declaration], *, kind: str,
              cases: list[dict[str, Any]] | None = None) -> int:
    """One feed per declaration and version, applied at once when the assessment service exists: the feeds
    written in one COPY (already applied, with the reference of the version they produced), a feed that exists
    already for that version left as it is (applied again only if it was still pending). ``cases``: the
    declarations' cases as filed, when the caller has them (else read from the sealed records). Returns the
    number of feeds written."""
    if not declarations:
        return 0
    if cases is None:
        cases = [Domain.from_record(unseal(s.data), fiscal_year=s.fiscal_year).case for s in declarations]
    existing = {(d, v): (pk, status) for pk, d, v, status in with_ids(
        AssessmentFeed.objects.all(), "declaration_id", [s.pk for s in declarations])
        .values_list("id", "declaration_id", "version", "status")}
    fresh = [(s, taxlink.engine_case(c)) for s, c in zip(declarations, cases, strict=True)
             if (s.pk, s.version) not in existing]
    waiting = [pk for pk, status in existing.values() if status == "pending"]
    again = list(AssessmentFeed.objects.filter(id__in=waiting).select_related("declaration").order_by("id"))
    service = _assessment_service()
    refs: list[str | None] = [None] * (len(fresh) + len(again))
    if service is not None:
        todo = [(s, s.version, case) for s, case in fresh] + [(f.declaration, f.version, f.case) for f in again]
        refs = [str(r or "") for r in service.apply_declarations([service.Declared(
            s.atena_number, s.fiscal_year, case, f"declaration:{s.receipt_number}:v{version}")
            for s, version, case in todo])]  # in bulk, one engine run
    now = timezone.now()
    copy_rows(AssessmentFeed, [{
        "declaration_id": s.pk, "version": s.version, "kind": kind, "case": case, "computed": s.computed,
        "status": "pending" if ref is None else "applied", "applied_ref": ref or "", "created_at": now,
    } for (s, case), ref in zip(fresh, refs, strict=False)], batch_size=2000)
    if service is not None and again:
        update_rows(AssessmentFeed, [{"id": f.pk, "status": "applied", "applied_ref": ref or ""}
                                     for f, ref in zip(again, refs[len(fresh):], strict=True)])
    return len(fresh)
