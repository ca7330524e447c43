"""Issue 19 (headless chromium): a resident who sold land and listed shares files the 分離課税 incomes and the
上場株式等の譲渡損失 carried from earlier years (年 in 和暦) through the portal, is told on the field when a year
cannot be carried, sees the 3-year limit in the tax's explanation and submits."""

from __future__ import annotations

import re
from typing import Any

import pytest

from jichitai.declarations.models import Declaration
from tests.declarations.e2e.test_portal import start_declaration

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_separate_incomes_and_carried_losses_filed_through_the_portal(live_server: Any, page: Any, screenshot: Any,
                                                                     resident: Any, salary_report: Any) -> None:
    """Independent where the law fixes it: 令和8年度 taxes 令和7年 (2025) incomes; a loss of 令和7年 is the year's own
    loss, not a carried one; of the losses of 令和4年 (2022) and 令和2年 (2020) only the first is within the 前年前3年内
    (附則第35条の2の6; 租税特別措置法第37条の12の2第5項). The tax itself: consistency with the engine."""
    base = live_server.url
    me = resident()
    salary_report(me["my_number"], 4_500_000)
    start_declaration(page, base, me["my_number"])
    page.get_by_label("社会保険料（国民健康保険税・国民年金など）（円）").fill("600000")
    page.get_by_label("土地・建物等の長期譲渡所得（所得金額）（円）").fill("4825000")
    page.get_by_label("うち優良住宅地の造成等のための譲渡（円）").fill("2000000")
    page.get_by_label("上場株式等の譲渡所得等（所得金額）（円）").fill("500000")
    page.locator("#id_carry_0_year").fill("令和7年")
    page.locator("#id_carry_0_amount").fill("300000")
    page.get_by_role("button", name="下書きを保存する").click()
    assert "繰り越す損失は令和7年より前の年のものです" in page.content()
    page.locator("#id_carry_0_year").fill("令和4年")
    page.locator("#id_carry_1_year").fill("R2")
    page.locator("#id_carry_1_amount").fill("100000")
    page.get_by_role("button", name="下書きを保存する").click()
    assert page.get_by_role("status").inner_text().startswith("下書きを保存しました")
    page.goto(page.url)  # the draft read back: the years in 和暦, the oldest first
    assert [page.locator(f"#id_carry_{i}_year").input_value() for i in (0, 1)] == ["令和2年", "令和4年"]
    screenshot("declarations-portal-separate")
    page.get_by_role("button", name="税額を計算して確認する").click()
    total = page.locator("#total-tax").inner_text()
    steps = page.locator("table.steps").inner_text()
    assert "3年を過ぎたため控除しません" in steps and "100,000" in steps
    assert re.search(r"上場株式等に係る譲渡損失の繰越控除[^\n]*\t300,000", steps), steps
    assert "優良住宅地の造成等" in steps
    page.get_by_role("button", name="この内容で申告する").click()
    page.wait_for_url(re.compile(r".*/declarations/portal/r/R08-.*"))
    d = Declaration.objects.get(receipt_number=page.locator("#receipt-number").inner_text())
    assert d.computed["total"] == int(total.rstrip("円").replace(",", ""))
    assert d.computed["listed_stock_loss"]["expired"] == 100_000
