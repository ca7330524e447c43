"""Issue 18 item 8, in a real browser: the auditor logs in with both factors, finds everything that touched one
resident, narrows it to a period, opens the standard's analyses and downloads one as CSV; the auditor also
opens the audit log in the admin (item 9)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.staff_login import browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_auditor_follows_one_resident_and_runs_the_analyses(live_server: Any, page: Any, screenshot: Any,
                                                                 make_staff: Any) -> None:
    from jichitai.audit import services as audit

    clerk = make_staff(roles=["counter"], full_name="窓口 一郎")
    audit.record(clerk, "registry.change", "change:1d5e", reason="move_in_domestic", subjects=["000000000000123"])
    audit.record(clerk, "registry.view", "resident:000000000000123")
    audit.record(clerk, "registry.view", "search", criteria={"atena_number": "000000000000123"},
                 results=["000000000000123"], count=1, subjects=["000000000000123"])
    audit.record(clerk, "registry.view", "resident:000000000000999")
    make_staff(roles=["auditor"], username="kansa1", full_name="監査 六子", department="kansa")
    base = live_server.url
    browser_login(page, base, "kansa1", "correct-horse-battery")
    page.wait_for_url(f"{base}/accounts/")
    page.goto(f"{base}/audit/")
    page.get_by_label("住民（宛名番号）").fill("000000000000123")
    today = dt.datetime.now(ZoneInfo("Asia/Tokyo")).date().isoformat()
    page.get_by_label("期間（開始日）").fill(today)
    page.get_by_label("期間（終了日）").fill(today)
    page.get_by_role("button", name="絞り込む").click()
    page.wait_for_url("**/audit/?*subject=000000000000123*")
    table = page.locator("table").inner_text()
    assert "全 3 件" in table and "窓口 一郎" in table and "shimin課" in table
    assert "000000000000999" not in table
    screenshot("audit-resident")
    page.get_by_role("link", name="アクセスログの分析").click()
    page.get_by_role("link", name="宛名番号等から該当者の検索実行一覧").click()
    assert "000000000000123" in page.locator("table").inner_text()
    screenshot("audit-analysis-by-number")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV で出力").click()
    assert download.value.suggested_filename == "audit_by-number.csv"
    response = page.goto(f"{base}/admin/audit/auditentry/")
    assert response is not None and response.status == 200 and "000000000000123" in page.content()
    response = page.goto(f"{base}/admin/accounts/staff/")
    assert response is not None and response.status == 403
