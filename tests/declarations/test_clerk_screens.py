"""The clerk's screens in words (issue 20 item 6): town names not 町字コード, 続柄 and document kinds in words,
who decided in words (not ``system → clerk``), amounts with separators, no dependant's 個人番号 in any finding,
the approver sees the tax before and after a correction, and a message after each action."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from jichitai.declarations.models import Declaration, Status
from jichitai.registry.models import Town
from tests.declarations.test_services import file_and_submit
from tests.staff_login import log_in_verified

pytestmark = pytest.mark.django_db


def test_the_case_page_speaks_in_words_and_the_approver_sees_both_taxes(resident: Any, salary_report: Any,
                                                                       make_staff: Any) -> None:
    Town.objects.get_or_create(code="281100010", defaults={"ward_code": "28110", "ward_name": "中央区",
                                                           "name": "加納町", "kana": "カノウチョウ"})
    mother = resident(name="長田 母", kana="ナガタ ハハ", setai="S1")
    father = resident(name="長田 父", kana="ナガタ チチ", setai="S1", relationship="夫", sex="M")
    child = resident(name="長田 子", kana="ナガタ コ", birth=dt.date(2008, 6, 1), setai="S1", relationship="子")
    salary_report(mother["my_number"], 3_000_000)
    salary_report(father["my_number"], 5_000_000, dependants=(child["my_number"],))
    dep = {"my_number": child["my_number"], "name": child["name"], "birth_date": "2008-06-01", "total_income": 0,
           "relation": "child", "cohabiting": True}
    d = file_and_submit(mother, salary=3_000_000, dependents=[dep], pattern="other",
                        medical={"paid": 250_000, "reimbursed": 0},
                        attachments=[{"kind": "medical_detail", "filename": "meisai.pdf"}])
    assert d.status == Status.CLERK

    reviewer = Client()
    log_in_verified(reviewer, make_staff(roles=["tax_reviewer"]))
    page = reviewer.get(f"/declarations/queue/{d.pk}/").content.decode()
    assert "中央区 加納町 1-2-3" in page and "281100010" not in page
    assert "医療費控除の明細書" in page and "medical_detail" not in page
    # what the review read of the attachment (a PDF with no amount in it): shown, and the reason in words
    assert "添付書類の読み取り結果" in page and "画像・PDFの読み取り" in page and "ファイルを開けませんでした" in page
    assert "自動審査: 職員確認へ" in page and "system" not in page and "→" not in page
    assert "扶養親族" in page and "dependent" not in page
    assert "3,000,000円" in page
    # dates as a Japanese form writes them (和暦), never ISO: births, deaths and the record of what was done
    assert "平成20年6月1日生" in page and not re.search(r"\b(19|20)\d\d-\d\d-\d\d\b", page)
    assert re.search(r"令和\d+年\d+月\d+日 \d\d:\d\d 自動審査", page)
    findings = " ".join(f["clerk_message"] + f["resident_message"] for f in d.decisions.get().findings)
    assert child["my_number"] not in findings and child["my_number"] not in page

    fix = {"kind": "correct", "comment": "父の年末調整で扶養済み", "minutes": "10", "keep": []}
    r = reviewer.post(f"/declarations/queue/{d.pk}/", fix, follow=True)
    assert f"{d.receipt_number}: 訂正を決裁に回しました。" in r.content.decode()
    d.refresh_from_db()
    assert d.status == Status.PENDING_APPROVAL

    approver = Client()
    log_in_verified(approver, make_staff(roles=["supervisor"], department="shiminzei"))
    page = approver.get(f"/declarations/queue/{d.pk}/").content.decode()
    before, after = re.search(r"訂正前の年税額</th><td class=\"num\">([\d,]+)円", page), \
        re.search(r"訂正後の年税額</th><td class=\"num\">([\d,]+)円", page)
    assert before and after
    assert int(after.group(1).replace(",", "")) > int(before.group(1).replace(",", ""))  # the dependant removed
    r = approver.post(f"/declarations/queue/{d.pk}/", {"kind": "approve", "minutes": "2"}, follow=True)
    assert "訂正を承認し、課税に反映しました。" in r.content.decode()
    assert Declaration.objects.get(pk=d.pk).status == Status.CLERK_CORRECTED


def test_the_metrics_page_shows_percentages_and_pattern_names(login_as: Any) -> None:
    from django.utils import timezone

    for n, status in enumerate((Status.AUTO_ACCEPTED, Status.AUTO_ACCEPTED, Status.AUTO_ACCEPTED, Status.CLERK_ACCEPTED)):
        Declaration.objects.create(receipt_number=f"R08-M{n:06d}", fiscal_year=2026, channel="online",
                                   pattern="salary_only", status=status, owner_index=f"m{n}", my_number_encrypted="x",
                                   name=f"実績 {n}", data={}, submitted_at=timezone.now())
    page = login_as("tax_reviewer").get("/declarations/metrics/").content.decode()
    assert "75.0%" in page and "給与所得のみ" in page and "salary_only" not in page


def test_the_case_page_shows_a_statements_amounts_and_whether_its_file_shows_them(resident: Any, salary_report: Any,
                                                                                 make_staff: Any) -> None:
    """Consistency: a 源泉徴収票 whose amounts were entered (可能額 200,000円, 所得税で控除 50,000円) but whose PDF
    shows neither: DE12 sends it to a clerk, whose page lists the amounts entered and what the reading lacks."""
    from jichitai.declarations import filing
    from tests.declarations.conftest import record_for
    from tests.declarations.test_attachment_reading import _typst_pdf

    me = resident()
    salary_report(me["my_number"], 4_000_000)
    rec = record_for(me)
    rec["case"]["housing_loan_credit"] = 97_500
    d = filing.save_draft(me["actor"], rec, fiscal_year=2026)
    filing.add_attachment(me["actor"], d, kind="withholding_slip", filename="gensen.pdf",
                          content=_typst_pdf("給与所得の源泉徴収票\n\n支払金額 4,000,000円"),
                          statement={"available": 200_000, "used": 50_000})
    d = filing.submit(me["actor"], d, idempotency_key="k-housing")
    assert d.status == Status.CLERK
    reviewer = Client()
    log_in_verified(reviewer, make_staff(roles=["tax_reviewer"]))
    page = reviewer.get(f"/declarations/queue/{d.pk}/").content.decode()
    assert "報告書・明細書の金額" in page and "住宅借入金等特別控除可能額 200,000円" in page
    assert "が書類から読み取れません" in page and "available" not in page
