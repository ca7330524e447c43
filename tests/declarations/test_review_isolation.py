"""A bulk review isolates each declaration: a record it cannot read, a case the engine refuses, a hand-over
the assessment refuses — each becomes that declaration's finding, the others of the same chunk are decided,
recorded and handed over as if it were not there, and the failure is counted and audited (issue 20 item 2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.declarations import assessment_link, filing, reviewing
from jichitai.declarations.models import AssessmentFeed, Declaration, ReviewDecision, Status
from tests.declarations.conftest import record_for

pytestmark = pytest.mark.django_db


def _codes(d: Declaration) -> set[str]:
    (decision,) = ReviewDecision.objects.filter(declaration=d, by="system")
    return {f["code"] for f in decision.findings}


def test_one_failure_never_blocks_or_rolls_back_the_others(resident: Any, salary_report: Any,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    people = [resident(name=f"灘 {n}", kana=f"ナダ {n}") for n in ("一", "二", "三", "四", "五")]
    for p in people:
        salary_report(p["my_number"], 4_000_000)
    baby = resident(name="灘 赤子", kana="ナダ アカコ", birth=dt.date(2026, 1, 3))
    newborn = {"my_number": baby["my_number"], "name": "灘 赤子", "birth_date": "2026-01-03",
               "total_income": 0, "relation": "child", "cohabiting": True}
    records = [record_for(people[0], ref="T-clean"),
               record_for(people[1], ref="T-newborn", dependents=[newborn]),
               record_for(people[2], ref="T-unreadable"),
               record_for(people[3], ref="T-handover"),
               record_for(people[4], ref="T-clean2")]
    filing.import_records(records, fiscal_year=2026, actor="system:test")
    stored = {d.source_ref: d for d in Declaration.objects.all()}
    bad = stored["T-unreadable"]
    bad.data = {**bad.data, "pattern": "nonsense"}
    bad.save(update_fields=["data"])

    service = assessment_link._assessment_service()
    refused = people[3]["atena_number"]

    class Refusing:  # the real assessment service, refusing one person (as a fault in the 賦課 would)
        Declared = service.Declared

        @staticmethod
        def apply_declarations(items: list[Any]) -> list[str]:
            if any(i.atena_number == refused for i in items):
                raise RuntimeError("賦課の保存に失敗")
            return service.apply_declarations(items)

    monkeypatch.setattr(assessment_link, "_assessment_service", lambda: Refusing)
    totals = reviewing.review_submitted(2026, chunk=100)  # all five in one chunk

    for d in stored.values():
        d.refresh_from_db()
    assert stored["T-clean"].status == stored["T-clean2"].status == Status.AUTO_ACCEPTED
    assert stored["T-newborn"].status == Status.RETURNED
    assert {"FA09", "AR03"} <= _codes(stored["T-newborn"])
    assert stored["T-unreadable"].status == Status.CLERK and "AR90" in _codes(stored["T-unreadable"])
    assert stored["T-handover"].status == Status.CLERK and "AR90" in _codes(stored["T-handover"])
    fed = set(AssessmentFeed.objects.values_list("declaration_id", flat=True))
    assert fed == {stored["T-clean"].pk, stored["T-clean2"].pk}
    assert totals == {"auto_accepted": 2, "returned": 1, "clerk": 2, "failed": 2}
    entry = AuditEntry.objects.get(action="declarations.review", resource="batch:5")
    assert entry.outcome == "failed"
    assert set(entry.detail["failed_refs"]) == {stored["T-unreadable"].receipt_number, stored["T-handover"].receipt_number}


def test_the_review_of_one_declaration_the_engine_refuses_is_a_finding_not_an_error(resident: Any,
                                                                                    salary_report: Any) -> None:
    """The portal's path: the engine refuses the case (a dependant born in the new year) → the resident gets
    the declaration back with the reason in words, nothing is handed to the assessment."""
    p = resident()
    salary_report(p["my_number"], 4_000_000)
    baby = resident(name="神戸 赤子", kana="コウベ アカコ", birth=dt.date(2026, 1, 3))
    child = {"my_number": baby["my_number"], "name": "神戸 赤子", "birth_date": "2026-01-03",
             "total_income": 0, "relation": "child", "cohabiting": True}
    filing.import_records([record_for(p, ref="T-one", dependents=[child])], fiscal_year=2026, actor="system:test")
    (result,) = reviewing.review_declarations(Declaration.objects.all())
    assert result.decision.outcome.value == "returned"
    ar03 = next(f for f in result.decision.findings if f.code == "AR03")
    assert "扶養親族「神戸 赤子」さんの生年月日" in ar03.resident_message
    assert "dependents" not in ar03.resident_message + ar03.clerk_message
    assert not AssessmentFeed.objects.exists()
    assert dt.date(2026, 1, 3).isoformat() not in ar03.resident_message  # said in 和暦 by FA09, not ISO here
