"""Issue 21 収納 in headless chromium: the tax reviewer opens a taxpayer whose 第1期 came in by a コンビニ収納 file,
reads 納付済 against it, records the 第2期 paid at the 窓口 with the page's form (a wrong amount first: refused in
words, what was typed kept), and reads 納付済 against the 第2期 too, the payment listed with the clerk's name.
Consistency: the amounts are the stored schedule's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jichitai.tax.collection import receipts
from jichitai.tax.collection.models import Payment
from tests.staff_login import browser_login
from tests.tax.collection.test_receipts import ordinary_city, row, slip_code, write

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def test_the_schedule_shows_what_was_paid_and_the_counter_records_a_payment(
        live_server: Any, page: Any, screenshot: Any, city: Any, make_staff: Any, tmp_path: Path) -> None:
    s = ordinary_city(city)
    items = list(s.instalments.filter(method="ordinary").order_by("position"))
    receipts.import_file(write(tmp_path / "sokuhou.csv", [row(slip_code(s, 1), "K1")]))
    make_staff(roles=["tax_reviewer"], department="shiminzei", username="zeimu5", full_name="税務 五郎")
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    base = live_server.url
    browser_login(page, base, "zeimu5", PASSWORD)
    page.wait_for_url(f"{base}/accounts/")
    page.goto(f"{base}/tax/taxpayers/{city['taro']}/")
    schedule = page.locator("table.schedule").first
    first = schedule.get_by_role("row").filter(has_text="第1期")
    assert "納付済" in first.inner_text() and f"{items[0].amount:,}円" in first.inner_text()
    assert "未納" in schedule.get_by_role("row").filter(has_text="第2期").inner_text()
    form = page.get_by_role("form", name="窓口での納付を記録（令和8年度）")
    form.get_by_label("期別").select_option("第2期")
    form.get_by_label("金額（円）").fill("二万円")
    form.get_by_label("収納日").fill("2026-08-20")
    form.get_by_role("button", name="納付を記録する").click()
    alert = page.get_by_role("alert")
    assert "金額は1円以上の整数（円）で入力してください。" in alert.inner_text()
    form = page.get_by_role("form", name="窓口での納付を記録（令和8年度）")
    assert form.get_by_label("金額（円）").input_value() == "二万円"
    assert form.get_by_label("期別").input_value() == "第2期"
    form.get_by_label("金額（円）").fill(f"{items[1].amount:,}")
    form.get_by_role("button", name="納付を記録する").click()
    page.wait_for_url(f"{base}/tax/taxpayers/{city['taro']}/#year-2026")
    assert "第2期の納付" in page.get_by_role("status").inner_text()
    second = page.locator("table.schedule").first.get_by_role("row").filter(has_text="第2期")
    assert "納付済" in second.inner_text()
    paid = page.locator("table.payments").inner_text()
    assert "窓口" in paid and "zeimu5" in paid and "令和8年8月20日" in paid
    screenshot("tax-taxpayer-payments")
    assert Payment.objects.filter(channel="counter", term="第2期", amount=items[1].amount).exists()
    assert not problems, problems
