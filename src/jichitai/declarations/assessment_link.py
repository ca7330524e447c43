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
        return import_module("jichitai.tax.assessment.services").apply_declaration
    except (ImportError, AttributeError):
        return None


def hand_over(declarations: list[Declaration], *, kind: str) -> list[AssessmentFeed]:
    feeds = []
    for s in declarations:
        case = taxlink.engine_case(Domain.from_record(unseal(s.data), fiscal_year=s.fiscal_year).case)
        feeds.append(AssessmentFeed(declaration=s, version=s.version, kind=kind, case=case, computed=s.computed))
    created = AssessmentFeed.objects.bulk_create(feeds, batch_size=2000, ignore_conflicts=True)
    apply = _assessment_service()
    if apply is not None:
        for feed in AssessmentFeed.objects.filter(declaration__in=declarations, status="pending"):
            ref = apply(atena_number=feed.declaration.atena_number, fiscal_year=feed.declaration.fiscal_year,
                        case=feed.case, source=f"declaration:{feed.declaration.receipt_number}:v{feed.version}")
            feed.status, feed.applied_ref = "applied", str(ref or "")
            feed.save(update_fields=["status", "applied_ref"])
    return created
