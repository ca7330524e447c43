"""Handing declarations to the assessment (賦課).

Each accepted declaration, and each clerk's correction as a new version, becomes an :class:`AssessmentFeed`
row holding the tax case and the computed result. When the tax context offers an assessment service
(``jichitai.tax.assessment.services.apply_declaration``) the feed is applied at once — a new assessment
version (更正) when one exists — otherwise it stays ``pending`` for the bulk assessment to pick up.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from jichitai.declarations import taxlink
from jichitai.declarations.domain import Declaration as Domain
from jichitai.declarations.models import AssessmentFeed, Declaration
from jichitai.declarations.sealing import unseal


def _assessment_service() -> Any:
    try:
        return import_module("jichitai.tax.assessment.services")
    except ImportError:
        return None


def hand_over(declarations: list[Declaration], *, kind: str) -> list[AssessmentFeed]:
    feeds = []
    for s in declarations:
        case = taxlink.engine_case(Domain.from_record(unseal(s.data), fiscal_year=s.fiscal_year).case)
        feeds.append(AssessmentFeed(declaration=s, version=s.version, kind=kind, case=case, computed=s.computed))
    created = AssessmentFeed.objects.bulk_create(feeds, batch_size=2000, ignore_conflicts=True)
    service = _assessment_service()
    if service is not None:
        pending = list(AssessmentFeed.objects.filter(declaration__in=declarations, status="pending")
                       .select_related("declaration").order_by("id"))
        refs = service.apply_declarations([service.Declared(
            f.declaration.atena_number, f.declaration.fiscal_year, f.case,
            f"declaration:{f.declaration.receipt_number}:v{f.version}") for f in pending])  # in bulk, one engine run
        for feed, ref in zip(pending, refs, strict=True):
            feed.status, feed.applied_ref = "applied", str(ref or "")
        AssessmentFeed.objects.bulk_update(pending, ["status", "applied_ref"], batch_size=2000)
    return created
