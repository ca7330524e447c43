"""The portal asks what the review needs (issue 20): a resident who credits a 配当割額 is asked for the
特定口座年間取引報告書 and the amounts printed on it; the amounts are typed with separators (full-width too), a
missing one is named in Japanese, the pages pass axe-core, the statement part is done by keyboard, and the review
compares claim ↔ entered amounts ↔ the file's reading (IN07) before accepting."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from jichitai.declarations.models import Declaration, Status
from tests.declarations.e2e.test_portal_a11y import _clean
from tests.declarations.test_attachment_reading import _typst_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    yield context.new_page()
    context.close()


def _type(page: Any, label: str, text: str) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill("")
    field.focus()
    page.keyboard.insert_text(text)  # as an IME commits it (full-width digits and separators included)
    assert field.input_value() == text


def test_a_dividend_credit_asks_for_the_statement_and_its_amounts(live_server: Any, page: Any, resident: Any,
                                                                  salary_report: Any) -> None:
    """Consistency: the notice appears once a 配当割額 is claimed; a statement without its amounts is refused naming
    「配当割額（住民税）」; with 「200,000」 and 「１０，０００」 typed the amounts are stored as integers, shown with
    separators, and the declaration whose PDF shows them is accepted automatically (IN07 finds nothing)."""
    base = live_server.url
    me = resident()
    salary_report(me["my_number"], 4_500_000)
    page.goto(f"{base}/declarations/portal/")
    page.get_by_label("個人番号（デモ用・12桁）").fill(me["my_number"])
    page.get_by_role("button", name="デモ用ログイン").click()
    page.get_by_role("link", name="令和8年度の申告をはじめる").click()
    page.get_by_label(re.compile("その他")).check()
    page.get_by_role("button", name="次へ").click()
    assert page.locator("#needed-dividend").count() == 0
    page.get_by_label("社会保険料（国民健康保険税・国民年金など）（円）").fill("600000")
    page.get_by_label("上場株式等の配当等（申告分離課税）（円）").fill("200000")
    page.get_by_label("配当割額（円）").fill("10000")
    page.get_by_role("button", name="下書きを保存する").click()
    assert "特定口座年間取引報告書" in page.locator("#needed-dividend").inner_text()
    _clean(page, "edit asking for the statement")
    pdf = _typst_pdf("特定口座年間取引報告書\n\n配当等の額 200,000円\n\n配当割額 10,000円")
    page.get_by_label("書類の種類").select_option("dividend_statement")
    page.get_by_label("ファイル（PDF・写真、医療費通知情報はXML。5MBまで）").set_input_files(
        {"name": "tokutei.pdf", "mimeType": "application/pdf", "buffer": pdf})
    _type(page, "配当等の額（円）", "200,000")
    page.get_by_role("button", name="添付する").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    alert = page.get_by_role("alert").inner_text()
    assert "「配当割額（住民税）」を入力してください" in alert, alert
    _clean(page, "statement refused: an amount missing")
    page.go_back()
    page.get_by_label("書類の種類").select_option("dividend_statement")
    page.get_by_label("ファイル（PDF・写真、医療費通知情報はXML。5MBまで）").set_input_files(
        {"name": "tokutei.pdf", "mimeType": "application/pdf", "buffer": pdf})
    _type(page, "配当等の額（円）", "200,000")
    _type(page, "配当割額（住民税）（円）", "１０，０００円")
    page.get_by_role("button", name="添付する").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/(edit/#attachments|attachments/)$"))
    assert page.get_by_role("alert").count() == 0, page.get_by_role("alert").inner_text()
    assert "配当等の額 200,000円・配当割額（住民税） 10,000円" in page.content()
    _clean(page, "edit with the statement")
    page.get_by_role("button", name="税額を計算して確認する").click()
    assert "添付が必要な書類がありません" not in page.content()
    page.get_by_role("button", name="この内容で申告する").click()
    page.wait_for_url(re.compile(r".*/declarations/portal/r/R08-.*"))
    d = Declaration.objects.get(receipt_number=page.locator("#receipt-number").inner_text())
    assert d.status == Status.AUTO_ACCEPTED, d.decisions.get().findings
    (statement,) = [a.document["statement"] for a in d.attachment_files.all()]
    assert statement == {"dividend": 200_000, "withheld": 10_000}
