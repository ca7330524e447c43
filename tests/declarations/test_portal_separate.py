"""分離課税 in the resident's 申告 (issue 19): 土地・建物等の譲渡所得, 株式等の譲渡所得等 and the 上場株式等の譲渡損失
carried from the years before (年 in 和暦) — filed through the portal form, refused on the field when the law's
relations fail, and shown in words with formatted amounts on the 控え PDF and the clerk's case page."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest
from django.test import Client

from jichitai.declarations import filing
from jichitai.declarations.models import Declaration
from tests.declarations.test_attachment_reading import _client_with_draft, _submit
from tests.staff_login import log_in_verified

pytestmark = pytest.mark.django_db

SEPARATE = {"land_long_term": "4825000", "land_long_term_qualified": "2000000", "listed_stock": "500000",
            "carry_0_year": "令和4年", "carry_0_amount": "300000", "carry_1_year": "R2", "carry_1_amount": "100000"}


def _text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return re.sub(r"\s+", "", out.decode())


def _edit(c: Client, d: Declaration, t: str, **fields: str) -> str:
    form = {"csrfmiddlewaretoken": t, "others": "1", "salary": "4200000", "social_insurance": "600000", "save": "1",
            **fields}
    return c.post(f"/declarations/portal/{d.pk}/edit/", form).content.decode()


def test_the_form_files_the_incomes_and_the_carried_losses_by_year(resident: Any, salary_report: Any) -> None:
    """Consistency: the figures land in the case (separate_income, carryover.listed_stock_loss_by_year with the
    和暦 year read as 西暦) and the form shows them back in 和暦; the engine then deducts the 令和4年 (2022) loss and
    not the 令和2年 (2020) one, older than 3 years (附則第35条の2の6: 所得の年 2025 → 2022–2024)."""
    c, d, _ = _client_with_draft(resident, salary_report, **SEPARATE)
    case = filing.record_of(Declaration.objects.get(pk=d.pk))["case"]
    assert case["separate_income"]["land_long_term"] == 4_825_000
    assert case["separate_income"]["land_long_term_qualified"] == 2_000_000
    assert case["carryover"]["listed_stock_loss_by_year"] == [{"year": 2020, "amount": 100_000},
                                                             {"year": 2022, "amount": 300_000}]
    edit = c.get(f"/declarations/portal/{d.pk}/edit/").content.decode()
    assert "土地・建物等の長期譲渡所得（所得金額）" in edit and 'value="令和4年"' in edit and 'value="令和2年"' in edit
    confirm = c.get(f"/declarations/portal/{d.pk}/confirm/").content.decode()
    assert "3年を過ぎたため控除しません" in confirm and "100,000" in confirm
    assert "上場株式等に係る譲渡損失の繰越控除" in confirm


@pytest.mark.parametrize(("fields", "field", "words"), [
    ({"carry_0_year": "令和7年", "carry_0_amount": "1"}, "carry_0_year", "令和7年より前"),
    ({"carry_0_year": "令和5年", "carry_0_amount": "1", "carry_1_year": "2023", "carry_1_amount": "2"},
     "carry_1_year", "令和5年が2回"),
    ({"carry_0_year": "平成32年", "carry_0_amount": "1"}, "carry_0_year", "平成の期間外"),
    ({"carry_0_amount": "5000"}, "carry_0_year", "生じた年を入力"),
    ({"carry_0_year": "令和5年"}, "carry_0_amount", "令和5年の損失の金額を入力"),
    ({"land_long_term": "100", "land_long_term_residential": "200"}, "land_long_term_qualified", "長期譲渡所得の内訳"),
    ({"listed_stock": "100", "listed_stock_loss": "200"}, "listed_stock_loss", "一方だけ"),
])
def test_what_the_law_does_not_allow_is_said_on_the_field(resident: Any, salary_report: Any, fields: dict[str, str],
                                                          field: str, words: str) -> None:
    """Independent (附則第34条の2・第34条の3: the reduced-rate parts are within the 長期譲渡所得; 附則第35条の2の6: a
    carried loss arose in a year before the income year 2025, one row a year): refused on the field, in Japanese,
    nothing saved."""
    c, d, t = _client_with_draft(resident, salary_report)
    page = _edit(c, d, t, **fields)
    at = page.index(f'id="id_{field}"')
    assert words in page[at:page.index("</div>", at)]  # under the field it is about
    case = filing.record_of(Declaration.objects.get(pk=d.pk))["case"]
    assert not (case.get("carryover") or {}).get("listed_stock_loss_by_year")
    assert not (case.get("separate_income") or {}).get("land_long_term_residential")


def test_the_copy_and_the_clerks_page_show_them_in_words(resident: Any, salary_report: Any, make_staff: Any) -> None:
    """Consistency: the 控え PDF and the clerk's case page name each income and the carried loss with its 和暦 year,
    amounts with separators (4,825,000円), never a field name."""
    c, d, t = _client_with_draft(resident, salary_report, **SEPARATE)
    d = _submit(c, d, t)
    text = _text(c.get(f"/declarations/portal/r/{d.receipt_number}/hikae.pdf").content)
    assert "土地・建物等の長期譲渡所得（所得金額）4,825,000円" in text
    assert "うち優良住宅地の造成等のための譲渡2,000,000円" in text
    assert "上場株式等の譲渡損失の繰越（令和4年分）300,000円" in text and "land_long_term" not in text
    reviewer = Client()
    log_in_verified(reviewer, make_staff(roles=["tax_reviewer"]))
    page = re.sub(r"\s+", "", reviewer.get(f"/declarations/queue/{d.pk}/").content.decode())
    assert "上場株式等の譲渡所得等（所得金額）</th><tdclass=\"num\">500,000円" in page
    assert "上場株式等の譲渡損失の繰越（令和2年分）" in page and "listed_stock_loss_by_year" not in page
