"""Issue 25 item 2 in headless chromium: the 町字 ranking filters as one types (our own table-filter.js under
the CSP), and the reworked charts (町字 top 20, 小学校区 stacked by age, the pyramid's axis) draw without error."""

from __future__ import annotations

from typing import Any

import pytest

from tests.lounge.e2e.test_dashboards import PASSWORD, charts_drawn
from tests.staff_login import browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_town_ranking_search_and_charts_draw(live_server: Any, page: Any, screenshot: Any, make_staff: Any,
                                             lounge: Any) -> None:
    base = live_server.url
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("response", lambda r: problems.append(r.url)
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    make_staff(roles=["counter"], username="reader1", full_name="読者 一郎")
    browser_login(page, base, "reader1", PASSWORD)
    page.wait_for_url(f"{base}/accounts/")

    page.goto(f"{base}/lounge/i/population_town/")
    charts_drawn(page)
    rows = page.locator("#ranking tbody tr")
    everything = rows.count()
    page.get_by_label("町字・区で絞り込む").fill("北区")
    visible = page.locator("#ranking tbody tr:not([hidden])")
    assert 0 < visible.count() < everything
    assert all("北区" in t for t in visible.all_inner_texts())
    page.get_by_label("町字・区で絞り込む").fill("")
    assert page.locator("#ranking tbody tr:not([hidden])").count() == everything
    screenshot("lounge-town-ranking")

    for slug in ("children_school_district", "population"):
        page.goto(f"{base}/lounge/i/{slug}/")
        charts_drawn(page)
    assert not problems, problems
