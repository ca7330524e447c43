"""住登外者 search in a real browser (共通機能標準仕様書 §2.3 住登外者宛名基本情報照会, for staff): a tax clerk logs in
with both factors, types a reading in ひらがな and a 和暦 birth date, finds the 住登外者 (異体字 folded), opens the
record with its history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.staff_login import browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_clerk_finds_a_non_resident_and_opens_the_record(live_server: Any, page: Any, screenshot: Any,
                                                           make_staff: Any) -> None:
    from jichitai.jutogai import services
    from jichitai.jutogai.facts import checked

    found = services.number("staff:seed", checked("髙橋 恵子", "タカハシ ケイコ", dt.date(1985, 3, 9), "F",
                                                   "東京都品川区大井1-1"), source="test").numbered
    services.number("staff:seed", checked("高田 恵", "タカダ メグミ", dt.date(1985, 3, 9), "F", "大阪府堺市1"),
                    source="test")
    assert found is not None
    make_staff(roles=["tax_reviewer"], username="zei1", department="shiminzei")
    base = live_server.url
    browser_login(page, base, "zei1", "correct-horse-battery")
    page.wait_for_url(f"{base}/accounts/")
    page.get_by_role("link", name="住登外者").first.click()
    page.get_by_label("氏名").fill("高橋")
    page.get_by_label("生年月日").fill("S60.3.9")
    page.get_by_role("button", name="検索").click()
    page.wait_for_url("**/jutogai/?*")
    results = page.locator("table").inner_text()
    assert "該当 1件" in page.get_by_role("status").inner_text()
    assert "髙橋 恵子" in results and "昭和60年3月9日" in results and "高田" not in results
    screenshot("jutogai-search")
    page.get_by_role("link", name=found.number).click()
    page.wait_for_url(f"**/jutogai/{found.number}/")
    assert "付番" in page.locator("table").inner_text() and "東京都品川区大井1-1" in page.content()
