"""上場株式等 in the portal against the 特定口座年間取引報告書 and the 付表 (issues 19–20, rule IN08): the 報告書's
譲渡の欄 typed as printed with its file, refused naming the field, compared by the review with the declaration
and the file's reading, and shown to the clerk (租税特別措置法第37条の11・第37条の12の2, 地方税法附則第35条の2)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from jichitai.declarations.models import Status
from tests.declarations.test_attachment_reading import _attach, _client_with_draft, _submit, _typst_pdf
from tests.staff_login import log_in_verified

pytestmark = pytest.mark.django_db

STOCK = {"listed_stock": "600000", "withheld_stock_transfer": "30000"}
# as the 報告書 prints them (full-width, with 円): 3,000,000 − 2,400,000 = 600,000; 5 % → 30,000; 15.315 % → 91,890
TYPED = {"statement_proceeds": "３，０００，０００円", "statement_cost": "2,400,000", "statement_net": "６００，０００",
         "statement_income_tax": "91,890円", "statement_transfer_withheld": "30000"}
PRINTED = ("特定口座年間取引報告書\n\n譲渡の対価の額 3,000,000円\n\n取得費及び譲渡に要した費用の額等 2,400,000円\n\n"
           "差引金額 600,000円\n\n源泉徴収税額 91,890円\n\n株式等譲渡所得割額 30,000円")


def test_a_sale_matching_its_report_is_accepted(resident: Any, salary_report: Any) -> None:
    """Independent: 差引金額 600,000円 = 3,000,000 − 2,400,000 declared as the 上場株式等の譲渡所得等, 30,000円 (5 %)
    credited as the 株式等譲渡所得割額: the edit page asks for the 報告書's 譲渡の欄, the confirm page names the
    報告書 until it is attached, amounts typed as printed (「３，０００，０００円」) are taken, and the declaration
    with the 報告書 (its PDF showing them) is accepted automatically."""
    c, d, t = _client_with_draft(resident, salary_report, **STOCK)
    assert 'id="needed-stock"' in c.get(f"/declarations/portal/{d.pk}/edit/").content.decode()
    assert "特定口座年間取引報告書" in c.get(f"/declarations/portal/{d.pk}/confirm/").content.decode()
    got = _attach(c, d, t, "dividend_statement", "tokutei.pdf", _typst_pdf(PRINTED), "application/pdf", **TYPED)
    assert got.status_code == 302
    attachment = d.attachment_files.get()
    assert attachment.document["statement"] == {"dividend": 0, "withheld": 0, "proceeds": 3_000_000,
                                                 "cost": 2_400_000, "net": 600_000, "income_tax": 91_890,
                                                 "transfer_withheld": 30_000}
    d = _submit(c, d, t)
    assert d.status == Status.AUTO_ACCEPTED, d.decisions.get().findings


@pytest.mark.parametrize(("fields", "field", "words"), [
    ({k: v for k, v in TYPED.items() if k != "statement_transfer_withheld"}, "statement_transfer_withheld",
     "「株式等譲渡所得割額」を入力してください"),
    ({**TYPED, "statement_cost": "二百四十万"}, "statement_cost", "取得費及び譲渡に要した費用の額等は金額（円）を数字で"),
    ({**TYPED, "statement_net": "650,000"}, "statement_net", "600,000円 と合いません"),
])
def test_the_reports_amounts_are_refused_naming_the_field(resident: Any, salary_report: Any, fields: dict[str, str],
                                                          field: str, words: str) -> None:
    """Independent (差引金額 = 譲渡の対価の額 − 取得費及び譲渡に要した費用の額等, as the 報告書 prints it): a missing
    item, a word for a number and a 差引金額 that is not the difference are refused in Japanese naming the item;
    nothing is stored."""
    c, d, t = _client_with_draft(resident, salary_report, **STOCK)
    got = _attach(c, d, t, "dividend_statement", "tokutei.pdf", _typst_pdf(PRINTED), "application/pdf", **fields)
    assert got.status_code == 400 and words in got.content.decode()
    assert not d.attachment_files.exists()


def test_a_gain_above_the_report_and_a_loss_without_the_schedule_go_to_a_clerk(resident: Any, salary_report: Any,
                                                                              make_staff: Any) -> None:
    """Independent: 700,000円 declared against the 報告書's 差引金額 600,000円 (措法第37条の11) is 100,000円 apart;
    a 令和4年 loss brought in without the 付表 (措法第37条の12の2, 地方税法附則第35条の2の6). Both go to a clerk
    with the difference in yen, and the clerk's page shows the 報告書's amounts as typed, in words."""
    c, d, t = _client_with_draft(resident, salary_report, listed_stock="700000", withheld_stock_transfer="30000",
                                 carry_0_year="令和4年", carry_0_amount="200000")
    edit = c.get(f"/declarations/portal/{d.pk}/edit/").content.decode()
    assert 'id="needed-schedule"' in edit and "本年の3年前分・令和4年分" in edit
    assert _attach(c, d, t, "dividend_statement", "tokutei.pdf", _typst_pdf(PRINTED), "application/pdf",
                   **TYPED).status_code == 302
    d = _submit(c, d, t)
    assert d.status == Status.CLERK
    texts = [f["resident_message"] for f in d.decisions.get().findings if f["code"] == "IN08"]
    assert any("100,000円違います" in x for x in texts) and any("付表" in x for x in texts)
    reviewer = Client()
    log_in_verified(reviewer, make_staff(roles=["tax_reviewer"]))
    page = re.sub(r"\s+", "", reviewer.get(f"/declarations/queue/{d.pk}/").content.decode())
    assert "差引金額（譲渡所得等の金額）600,000円" in page and "株式等譲渡所得割額30,000円" in page
    assert "transfer_withheld" not in page


def test_the_schedule_is_typed_by_year_and_compared(resident: Any, salary_report: Any) -> None:
    """Independent: the 付表's 前年から繰り越された損失 (本年の3年前分 = 令和4年分 for the income year 2025) typed
    as printed; a 令和4年 loss of 200,000円 within it is accepted, the 付表 attached and its amounts stored."""
    c, d, t = _client_with_draft(resident, salary_report, **STOCK, carry_0_year="令和4年", carry_0_amount="200000")
    assert _attach(c, d, t, "dividend_statement", "tokutei.pdf", _typst_pdf(PRINTED), "application/pdf",
                   **TYPED).status_code == 302
    fuhyo = _typst_pdf("確定申告書付表\n\n本年の3年前分 200,000円\n\n本年の2年前分 0円\n\n本年の1年前分 0円")
    assert _attach(c, d, t, "stock_loss_schedule", "fuhyo.pdf", fuhyo, "application/pdf",
                   statement_carried_3="２００，０００円", statement_carried_2="0",
                   statement_carried_1="0").status_code == 302
    d = _submit(c, d, t)
    assert d.status == Status.AUTO_ACCEPTED, d.decisions.get().findings


MEISAI = ("株式等に係る譲渡所得等の金額の計算明細書\n\n上場株式等 譲渡による収入金額 1,500,000円\n\n"
          "取得費及び譲渡に要した費用 1,180,000円\n\n差引金額 320,000円")
SALE = {"statement_sale_revenue": "１，５００，０００円", "statement_sale_expenses": "1,180,000",
        "statement_sale_net": "320,000"}


def test_a_general_account_sale_with_its_statement_is_accepted(resident: Any, salary_report: Any) -> None:
    """Independent (租税特別措置法第37条の11第1項: 差引金額 = 譲渡による収入金額 − 取得費及び譲渡に要した費用,
    1,500,000 − 1,180,000 = 320,000円): a 一般口座 sale has no 特定口座年間取引報告書 — the confirm page names the
    計算明細書 as the alternative, the 明細書 typed as printed is stored, and the declaration is accepted
    automatically (before, any sale without a 報告書 went to a clerk). A 差引金額 of 330,000円 typed is refused on
    its field with the sum."""
    c, d, t = _client_with_draft(resident, salary_report, listed_stock="320000")
    assert "計算明細書" in c.get(f"/declarations/portal/{d.pk}/edit/").content.decode()
    assert "一般口座の取引は株式等に係る譲渡所得等の金額の計算明細書" in \
        c.get(f"/declarations/portal/{d.pk}/confirm/").content.decode()
    bad = _attach(c, d, t, "stock_transfer_statement", "meisai.pdf", _typst_pdf(MEISAI), "application/pdf",
                  **{**SALE, "statement_sale_net": "330,000"})
    assert bad.status_code == 400 and "320,000円 と合いません" in bad.content.decode()
    assert not d.attachment_files.exists()
    assert _attach(c, d, t, "stock_transfer_statement", "meisai.pdf", _typst_pdf(MEISAI), "application/pdf",
                   **SALE).status_code == 302
    assert d.attachment_files.get().document["statement"] == {"sale_revenue": 1_500_000, "sale_expenses": 1_180_000,
                                                              "sale_net": 320_000}
    assert "一般口座" not in c.get(f"/declarations/portal/{d.pk}/confirm/").content.decode()
    d = _submit(c, d, t)
    assert d.status == Status.AUTO_ACCEPTED, d.decisions.get().findings
