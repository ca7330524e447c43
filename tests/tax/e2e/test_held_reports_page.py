"""Issue 19 item 5: the tax office's queue of held 支払報告書 in headless chromium — the reviewer follows the
navigation link, sees the held report beside the one in force (amounts in 円), adopts it, and the queue empties."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.common.checkdigit import make_my_number
from jichitai.tax import report_intake
from jichitai.tax.models import ReceivedReport
from tests.staff_login import browser_login
from tests.tax.test_report_submission import send
from tests.tax.test_reports import salary_row

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"
MN = make_my_number(50000000123)


def test_the_tax_reviewer_adopts_a_held_report(live_server: Any, page: Any, screenshot: Any, make_staff: Any) -> None:
    send("a.csv", salary_row(my_number=MN, salary_paid=5_000_000))
    send("b.csv", salary_row(my_number=MN, salary_paid=5_300_000))
    make_staff(roles=["tax_reviewer"], department="shiminzei", username="zeimu2", full_name="税務 三郎")
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    base = live_server.url
    browser_login(page, base, "zeimu2", PASSWORD)
    page.wait_for_url(f"{base}/accounts/")
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="支払報告書の確認待ち").click()
    page.wait_for_url(f"{base}/tax/reports/held/")
    held = ReceivedReport.objects.get(status="held")
    card = page.locator(f"#held-{held.pk}")
    assert "山田 太郎" in card.locator("h2").inner_text()
    amounts = card.locator("tr.differs").first.locator("td").all_inner_texts()
    assert amounts == ["5,000,000円", "5,300,000円"]
    screenshot("tax-held-reports")
    card.get_by_role("button", name="採用（先の報告と差し替え）").click()
    page.wait_for_url(f"{base}/tax/reports/held/")
    assert page.get_by_text("確認待ちの報告はありません。").is_visible()
    assert [r.amount for r in report_intake.reports_for(MN, 2025)] == [5_300_000]
    assert not problems, problems
