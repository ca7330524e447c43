"""配当 in the portal (issue 20 item 4): 総合課税の配当所得, 申告分離課税の上場株式等の配当等 and the 配当割額, taxed by
the engine and checked by the review (IN06)."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.declarations import filing, taxlink
from jichitai.declarations.models import Status
from tests.declarations.test_attachment_reading import _attach, _client_with_draft, _submit, _typst_pdf

pytestmark = pytest.mark.django_db

DIVIDENDS = {"dividend": "80000", "listed_dividend": "200000", "withheld_dividend": "10000"}


def test_dividends_are_filed_taxed_and_accepted_with_the_statement(resident: Any, salary_report: Any) -> None:
    """Consistency: the three figures land in the case (income.dividend, separate_income.listed_dividend,
    local_tax_withheld.dividend); the tax is the engine's on that case and differs from the tax without them; with
    the 特定口座年間取引報告書 attached the declaration is accepted automatically."""
    c, d, t = _client_with_draft(resident, salary_report, **DIVIDENDS)
    edit = c.get(f"/declarations/portal/{d.pk}/edit/").content.decode()
    assert "上場株式等の配当等（申告分離課税）" in edit and 'value="200000"' in edit
    case = filing.record_of(d.__class__.objects.get(pk=d.pk))["case"]
    assert case["income"]["dividend"] == 80_000
    assert case["separate_income"]["listed_dividend"] == 200_000 and case["local_tax_withheld"]["dividend"] == 10_000
    with_div, _ = taxlink.compute(case)
    without, _ = taxlink.compute({**case, "income": {**case["income"], "dividend": 0},
                                  "separate_income": {}, "local_tax_withheld": {}})
    assert with_div and without and with_div["total"] != without["total"]
    pdf = _typst_pdf("特定口座年間取引報告書\n\n配当等の額 200,000円\n\n配当割額 10,000円")
    assert _attach(c, d, t, "dividend_statement", "tokutei.pdf", pdf, "application/pdf", statement_dividend="200,000",
                   statement_withheld="10000").status_code == 302
    d = _submit(c, d, t)
    assert d.status == Status.AUTO_ACCEPTED, d.decisions.get().findings
    assert d.computed["total"] == with_div["total"]


def test_withheld_dividend_tax_without_the_statement_goes_back(resident: Any, salary_report: Any) -> None:
    """Independent: 配当割額控除 needs the statement that shows the 配当割額 (地方税法第37条の4・第314条の9)."""
    c, d, t = _client_with_draft(resident, salary_report, **DIVIDENDS)
    d = _submit(c, d, t)
    assert d.status == Status.RETURNED
    assert any(f["code"] == "IN06" for f in d.decisions.get().findings)


def test_a_statement_is_asked_for_its_amounts_and_compared_with_its_file(resident: Any, salary_report: Any) -> None:
    """Consistency: the upload refuses a 報告書 without its amounts, naming the item in Japanese, and an amount
    that is no number; a statement whose entered 配当割額 covers the claim but whose file shows another goes to a
    clerk (IN07: claim ↔ entry ↔ reading), its text naming the item and the file."""
    c, d, t = _client_with_draft(resident, salary_report, **DIVIDENDS)
    pdf = _typst_pdf("特定口座年間取引報告書\n\n配当等の額 200,000円\n\n配当割額 6,000円")
    bare = _attach(c, d, t, "dividend_statement", "tokutei.pdf", pdf, "application/pdf")
    assert bare.status_code == 400
    page = bare.content.decode()
    assert "「配当等の額」を入力してください" in page and "「配当割額（住民税）」を入力してください" in page
    words = _attach(c, d, t, "dividend_statement", "tokutei.pdf", pdf, "application/pdf", statement_dividend="二十万",
                    statement_withheld="10000")
    assert words.status_code == 400 and "配当等の額は金額（円）を数字で入力してください" in words.content.decode()
    assert _attach(c, d, t, "dividend_statement", "tokutei.pdf", pdf, "application/pdf", statement_dividend="200,000",
                   statement_withheld="10,000").status_code == 302
    d = _submit(c, d, t)
    assert d.status == Status.CLERK
    (f,) = [x for x in d.decisions.get().findings if x["code"] == "IN07"]
    assert "配当割額（住民税） 10,000円" in f["resident_message"] and "tokutei.pdf" in f["clerk_message"]


def test_the_confirm_page_names_the_missing_statement(resident: Any, salary_report: Any) -> None:
    """Consistency: a 配当割額 claimed without the 報告書 is named on the confirm page before submitting."""
    c, d, _ = _client_with_draft(resident, salary_report, **DIVIDENDS)
    page = c.get(f"/declarations/portal/{d.pk}/confirm/").content.decode()
    assert "添付が必要な書類がありません: 特定口座年間取引報告書・配当の支払通知書" in page
