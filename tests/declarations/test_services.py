"""Filing, review, clerk actions on PostgreSQL (pytest-django)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.common.errors import NotFound, PermissionRefused
from jichitai.declarations import clerk, filing
from jichitai.declarations.attachments import AttachmentRefused
from jichitai.declarations.models import AssessmentFeed, ClerkAction, Declaration, ReviewDecision, Status
from tests.declarations.conftest import record_for
from tests.declarations.domain.factories import notice_xml

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def file_and_submit(person: dict[str, Any], key: str = "k1", **over: Any) -> Declaration:
    rec = record_for(person, **over)
    files = rec.get("attachments", [])
    rec["attachments"] = [{"kind": a["kind"], "filename": a["filename"]} for a in files]
    d = filing.save_draft(person["actor"], rec, fiscal_year=2026)
    for a in files:
        filing.add_attachment(person["actor"], d, kind=a["kind"], filename=a["filename"],
                              content=a.get("content", PDF), receipt=a.get("receipt"), statement=a.get("statement"))
    return filing.submit(person["actor"], d, idempotency_key=key)


def test_clean_salary_declaration_is_accepted_and_handed_to_the_assessment(resident, salary_report):
    me = resident()
    salary_report(me["my_number"], 4_000_000)
    d = file_and_submit(me, medical={"paid": 300_000, "reimbursed": 0}, pattern="other",
                        attachments=[{"kind": "medical_detail", "filename": "iryohi.xml",
                                      "content": notice_xml(me["name"], 300_000).encode()}])
    assert d.status == Status.AUTO_ACCEPTED, d.decisions.get().findings
    assert d.receipt_number and d.receipt_number.startswith("R08-")
    decision = ReviewDecision.objects.get(declaration=d)
    assert decision.ruleset_version and decision.by == "system"
    assert AssessmentFeed.objects.filter(declaration=d, kind="initial").exists()


def test_double_submission_creates_one_declaration(resident, salary_report):
    me = resident()
    salary_report(me["my_number"], 4_000_000)
    d = filing.save_draft(me["actor"], record_for(me), fiscal_year=2026)
    first = filing.submit(me["actor"], d, idempotency_key="same-key")
    second = filing.submit(me["actor"], d, idempotency_key="same-key")
    assert first.pk == second.pk
    assert Declaration.objects.exclude(status=Status.DRAFT).count() == 1
    assert ReviewDecision.objects.filter(declaration=first).count() == 1


def test_another_residents_receipt_number_is_refused_and_audited(resident, salary_report):
    me, other = resident(), resident(name="須磨 太郎", kana="スマ タロウ")
    salary_report(me["my_number"], 4_000_000)
    d = file_and_submit(me)
    with pytest.raises(NotFound):
        filing.own(other["actor"], "declarations.view_own", receipt_number=d.receipt_number)
    assert AuditEntry.objects.filter(action="declarations.view_own", outcome="refused").exists()
    assert filing.own(me["actor"], "declarations.view_own", receipt_number=d.receipt_number).pk == d.pk


def test_draft_for_someone_elses_my_number_is_refused(resident):
    me, other = resident(), resident()
    with pytest.raises(PermissionRefused):
        filing.save_draft(me["actor"], record_for(other), fiscal_year=2026)


def test_oversized_and_non_pdf_attachments_are_refused(resident):
    me = resident()
    d = filing.save_draft(me["actor"], record_for(me), fiscal_year=2026)
    with pytest.raises(AttachmentRefused, match="大きすぎます"):
        filing.add_attachment(me["actor"], d, kind="medical_detail", filename="big.pdf",
                              content=PDF + b"0" * (6 * 1024 * 1024))
    with pytest.raises(AttachmentRefused, match="PDFまたは写真"):
        filing.add_attachment(me["actor"], d, kind="medical_detail", filename="meisai.pdf", content=b"MZ\x90\x00exe")
    assert d.attachment_files.count() == 0


def test_twice_claimed_dependant_goes_to_the_clerk_and_is_resolved(resident, salary_report, make_staff):
    mother = resident(name="長田 母", kana="ナガタ ハハ", setai="S1")
    father = resident(name="長田 父", kana="ナガタ チチ", setai="S1")
    child = resident(name="長田 子", kana="ナガタ コ", birth=dt.date(2010, 6, 1), setai="S1")
    salary_report(mother["my_number"], 3_000_000)
    salary_report(father["my_number"], 5_000_000, dependants=(child["my_number"],))
    dep = {"my_number": child["my_number"], "name": child["name"], "birth_date": "2010-06-01", "total_income": 0,
           "relation": "child", "cohabiting": True}
    d = file_and_submit(mother, salary=3_000_000, dependents=[dep])
    assert d.status == Status.CLERK
    assert "FA06" in {f["code"] for f in d.decisions.get().findings}
    assert list(clerk.queue()) == [d]

    reviewer = make_staff(roles=["tax_reviewer"])
    view = clerk.evidence_for(reviewer, d)
    assert view["relatives"][0]["other_claims"]
    corrected = record_for(mother, salary=3_000_000, dependents=[], my_number=mother["my_number"])
    clerk.act(reviewer, d.pk, "correct", comment="父の年末調整で扶養済みのため扶養親族から除外", minutes=12,
              corrected=corrected)
    d.refresh_from_db()
    assert d.status == Status.PENDING_APPROVAL
    with pytest.raises(PermissionRefused):
        clerk.act(reviewer, d.pk, "approve", minutes=1)
    supervisor = make_staff(roles=["supervisor"], department="shiminzei")
    clerk.act(supervisor, d.pk, "approve", minutes=2)
    d.refresh_from_db()
    assert d.status == Status.CLERK_CORRECTED and d.version == 2
    assert AssessmentFeed.objects.filter(declaration=d, kind="correction", version=2).exists()
    assert ClerkAction.objects.filter(declaration=d).count() == 2
    assert AuditEntry.objects.filter(action__in=["declarations.review", "declarations.approve"],
                                     actor__startswith="staff:").count() >= 2
    assert not clerk.queue().exists()


def test_clerk_return_needs_a_comment(resident, make_staff):
    me = resident()
    d = file_and_submit(me, name="別の 名前")
    assert d.status == Status.CLERK
    reviewer = make_staff(roles=["tax_reviewer"])
    with pytest.raises(Exception, match="コメント"):
        clerk.act(reviewer, d.pk, "return", minutes=3)
    clerk.act(reviewer, d.pk, "return", comment="氏名をご確認ください", minutes=3)
    d.refresh_from_db()
    assert d.status == Status.RETURNED and d.is_editable
