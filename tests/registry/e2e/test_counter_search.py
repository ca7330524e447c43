"""Issue 22 item 5, in a real browser: a clerk searches 高橋 and finds the people registered as 髙橋 (異体字
folded), sees how many there are, and pages to the next 50."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.registry.conftest import move_in_many
from tests.staff_login import browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_clerk_searches_takahashi_finds_the_variant_and_pages_on(live_server: Any, page: Any, screenshot: Any,
                                                                 towns: Any, make_staff: Any) -> None:
    base = live_server.url
    clerk = make_staff(roles=["counter"], username="c0002", full_name="窓口 二郎")
    people = move_in_many(clerk, 57, name="髙橋")
    browser_login(page, base, "c0002", "correct-horse-battery")
    page.wait_for_url(f"{base}/accounts/")

    page.goto(f"{base}/registry/")
    page.locator('form[role="search"] [name="name"]').fill("高橋")
    page.get_by_role("button", name="検索").click()
    status = page.get_by_role("status")
    assert status.inner_text() == "該当 57件 (1〜50件を表示)"
    assert page.get_by_role("link", name=people[0]).is_visible()
    assert page.get_by_text("髙橋 000").is_visible()
    assert page.get_by_role("link", name=people[50]).count() == 0
    screenshot("registry-search-paged")

    page.get_by_role("link", name="次の50件").click()
    page.wait_for_url(re.compile(r".*page=2.*"))
    assert page.get_by_role("status").inner_text() == "該当 57件 (51〜57件を表示)"
    assert page.get_by_role("link", name=people[56]).is_visible()
    assert page.get_by_role("link", name=people[0]).count() == 0
    assert page.get_by_role("link", name="次の50件").count() == 0
    assert page.locator('form[role="search"] [name="name"]').input_value() == "高橋"  # the criteria stay in the form
