"""Issue 21 item 6 in headless chromium: the tax reviewer follows the menu to 「納税者の照会」, searches by フリガナ,
opens the taxpayer, reads the year's current version (amounts in 円, the inputs and the computation folded), prints
the 税額決定通知書 from the page (a PDF), and follows the link to the 課税証明書 form, prefilled for that person
and 年度, where the certificate is issued as a PDF."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.tax.assessment import services as assessment
from jichitai.tax.certificates.models import TaxCertificateIssuance
from jichitai.tax.models import Assessment
from tests.staff_login import browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def test_the_tax_reviewer_finds_a_taxpayer_prints_the_notice_and_issues_a_certificate(
        live_server: Any, page: Any, screenshot: Any, city: Any, make_staff: Any) -> None:
    assessment.run(2026)
    taro = Assessment.objects.get(atena_number=city["taro"])
    make_staff(roles=["tax_reviewer"], department="shiminzei", username="zeimu4", full_name="税務 四郎")
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    base = live_server.url
    browser_login(page, base, "zeimu4", PASSWORD)
    page.wait_for_url(f"{base}/accounts/")
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="納税者の照会").click()
    page.wait_for_url(f"{base}/tax/taxpayers/")
    page.get_by_label("フリガナ").fill("アオキ")
    page.get_by_role("button", name="検索").click()
    page.get_by_role("link", name=city["taro"]).click()
    page.wait_for_url(f"{base}/tax/taxpayers/{city['taro']}/")
    assert page.get_by_role("heading", name="令和8年度").is_visible()
    version = page.locator(f"#v-2026-{taro.version}")
    assert "第1版（現在）" in version.locator("h3").inner_text()
    assert f"{taro.total:,}円" in version.locator("table.amounts").inner_text()
    version.get_by_text("課税計算の入力").click()
    assert "5,000,000円" in version.get_by_role("row", name="給与収入").inner_text()
    screenshot("tax-taxpayer-page")
    href = page.get_by_role("link", name="税額決定通知書（最新の版）").get_attribute("href")
    pdf = page.request.get(base + href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    page.get_by_role("link", name="課税（非課税）証明書を交付する").click()
    page.wait_for_url(f"{base}/tax/certificates/?atena_number={city['taro']}&fiscal_year=2026")
    assert page.get_by_label("宛名番号", exact=True).input_value() == city["taro"]
    assert page.get_by_label("年度", exact=True).input_value() == "2026"
    page.get_by_role("button", name="証明書を交付する（PDF）").click()  # chromium shows the PDF in its viewer
    for _ in range(100):  # the issuance is recorded by the server that answered the click
        if TaxCertificateIssuance.objects.exists():
            break
        page.wait_for_timeout(100)
    issued = TaxCertificateIssuance.objects.get()
    assert (issued.atena_number, issued.channel, issued.requester_kind) == (city["taro"], "counter", "self")
    assert not problems, problems
