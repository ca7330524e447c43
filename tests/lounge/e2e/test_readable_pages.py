"""Issue 25 item 2 in headless chromium: the 町字 ranking filters as one types (our own table-filter.js under
the CSP), and the reworked charts (町字 top 20, 小学校区 stacked by age, the pyramid's axis) draw without error."""

from __future__ import annotations

from typing import Any

import pytest

from tests.lounge.e2e.test_dashboards import charts_drawn, reader

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_town_ranking_search_and_charts_draw(live_server: Any, page: Any, screenshot: Any, make_staff: Any,
                                             lounge: Any) -> None:
    base = live_server.url
    problems = reader(page, base, make_staff, "reader1", "読者 一郎")

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
