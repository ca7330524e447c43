"""住宅借入金等特別控除 in the portal (issue 20 item 4): the 所得税's figures entered, the 住民税 credit computed by
the engine's rule (地方税法附則第5条の4の2), the evidence required by the review (DE11)."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.declarations import filing
from jichitai.declarations.domain import review
from jichitai.declarations.models import Declaration, Status
from tests.declarations.domain.factories import declaration, facts
from tests.declarations.test_attachment_reading import _attach, _client_with_draft, _submit, _typst_pdf

HOUSING = {"housing_available": "200000", "housing_used": "50000", "housing_taxable": "3000000",
           "housing_moved_in": "令和2年5月1日", "housing_kind": "住"}


@pytest.mark.django_db
def test_the_credit_is_what_the_income_tax_left_within_five_percent_and_97500(resident: Any,
                                                                             salary_report: Any) -> None:
    """Independent: 可能額 200,000円 − 所得税で控除 50,000円 = 150,000円 left; the cap is 課税総所得金額等
    3,000,000円 × 5% = 150,000円, at most 97,500円 (附則第5条の4の2, a home moved into in 令和2年, 区分「住」):
    97,500円. With the 源泉徴収票 attached the declaration is accepted."""
    c, d, t = _client_with_draft(resident, salary_report, **HOUSING)
    record = filing.record_of(Declaration.objects.get(pk=d.pk))
    assert record["case"]["housing_loan_credit"] == 97_500
    assert record["housing_loan"]["moved_in_on"] == "2020-05-01"
    page = c.get(f"/declarations/portal/{d.pk}/edit/").content.decode()
    assert "住宅借入金等特別控除可能額" in page and 'value="200000"' in page
    pdf = _typst_pdf("給与所得の源泉徴収票\n\n住宅借入金等特別控除可能額 200,000円\n\n住宅借入金等特別控除の額 50,000円")
    bare = _attach(c, d, t, "withholding_slip", "gensen.pdf", pdf, "application/pdf")
    assert bare.status_code == 400 and "「住宅借入金等特別控除可能額」を入力してください" in bare.content.decode()
    assert _attach(c, d, t, "withholding_slip", "gensen.pdf", pdf, "application/pdf", statement_available="200,000",
                   statement_used="50,000").status_code == 302
    d = _submit(c, d, t)
    assert d.status == Status.AUTO_ACCEPTED, d.decisions.get().findings
    confirm_steps = " ".join(s["rule"] for s in d.computed["steps"])
    assert "住宅借入金等特別税額控除" in confirm_steps


@pytest.mark.django_db
def test_a_home_the_law_leaves_out_is_said_on_the_form(resident: Any, salary_report: Any) -> None:
    """Independent: homes moved into in 平成19・20年 are outside the 住民税 credit (附則第5条の4の2: 平成11〜18年,
    平成21年〜令和7年): the form says so and nothing is saved as a credit."""
    c, d, t = _client_with_draft(resident, salary_report, **{**HOUSING, "housing_moved_in": "平成19年6月1日"})
    record = filing.record_of(Declaration.objects.get(pk=d.pk))
    assert not record["case"].get("housing_loan_credit")
    edit = f"/declarations/portal/{d.pk}/edit/"
    form = {"csrfmiddlewaretoken": t, "others": "1", "salary": "4200000", "pension": "0", "business": "0",
            "misc_other": "0", "social_insurance": "600000", "save": "1", **HOUSING,
            "housing_moved_in": "平成19年6月1日"}
    page = c.post(edit, form).content.decode()
    assert "2007年の入居は住民税の控除の対象外です" in page


def test_de11_the_credit_needs_the_statement_of_its_figures() -> None:
    """Independent: the 住民税 credit is what the 所得税's 可能額 leaves (附則第5条の4の2), so the document that
    shows it must be attached; the 源泉徴収票 or the 計算明細書 will do."""
    bare = declaration(housing_loan_credit=97_500)
    f = next(x for x in review(bare, facts()).findings if x.code == "DE11")
    assert "97,500円" in f.resident_message and f.severity.value == "return"
    slip = declaration(housing_loan_credit=97_500, attachments=[{"kind": "withholding_slip", "filename": "g.pdf"}])
    assert "DE11" not in {x.code for x in review(slip, facts()).findings}
