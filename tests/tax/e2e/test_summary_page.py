"""Issue 5: the 区別集計 page in headless chromium: the tax reviewer follows the navigation link, the chart is
drawn under the CSP (our own Vega files, no inline script, no eval) and the table gives the stored figures."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.tax.assessment import services as assessment
from tests.staff_login import browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def test_the_tax_reviewer_opens_the_ward_summary(live_server: Any, page: Any, screenshot: Any, city: Any,
                                                 make_staff: Any) -> None:
    assessment.run(2026)
    central = next(w for w in assessment.ward_summary(2026) if w["ward_code"] == "28110")
    make_staff(roles=["tax_reviewer"], department="shiminzei", username="zeimu1", full_name="税務 次郎")
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    base = live_server.url
    browser_login(page, base, "zeimu1", PASSWORD)
    page.wait_for_url(f"{base}/accounts/")
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="住民税の区別集計").click()
    page.wait_for_url(f"{base}/tax/summary/")
    assert page.get_by_role("heading", name="市民税・県民税の区別集計（令和8年度）").is_visible()
    page.wait_for_function("() => document.querySelector('[data-spec]').dataset.rendered", timeout=30000)
    assert page.eval_on_selector("[data-spec]", "e => e.dataset.rendered") == "1"
    assert page.locator("[data-spec] canvas").count() == 1
    row = page.locator('tr[data-ward="28110"]')
    assert row.locator("th").inner_text() == "中央区"
    assert row.locator("td").last.inner_text() == f"{central['total']:,}"
    screenshot("tax-ward-summary")
    page.get_by_label("年度", exact=True).select_option("2026")
    page.get_by_role("button", name="表示").click()
    page.wait_for_url(f"{base}/tax/summary/?year=2026")
    unexpected = [p for p in problems if "status of 404" not in p]  # chromium's favicon request
    assert not unexpected, unexpected
