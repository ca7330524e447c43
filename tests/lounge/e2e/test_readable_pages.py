"""Issue 25 item 2 in headless chromium: the 町字 ranking filters as one types (our own table-filter.js under
the CSP), and the reworked charts (町字 top 20, 小学校区 stacked by age, the pyramid's axis) draw without error."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.lounge import sample_zone
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
    search = page.get_by_label("町字名・よみ・区で絞り込む")
    search.fill("北区")
    visible = page.locator("#ranking tbody tr:not([hidden])")
    assert 0 < visible.count() < everything
    assert all("北区" in t for t in visible.all_inner_texts())
    # the 町字 are named (「中央区 三宮町一丁目」) and found by their reading typed in ひらがな
    names = {f"{w} {n}": k for _, _, w, n, k in sample_zone.town_master(sample_zone.SMALL)}
    shown = page.locator("#ranking tbody tr td:nth-child(2)").all_inner_texts()
    assert sorted(shown) == sorted(names)
    search.fill("さんのみやちょう")
    hits = [r.split("\t")[1] for r in page.locator("#ranking tbody tr:not([hidden])").all_inner_texts()]
    assert hits == ["中央区 三宮町一丁目"] and names[hits[0]].startswith("サンノミヤチョウ")
    search.fill("")
    assert page.locator("#ranking tbody tr:not([hidden])").count() == everything
    screenshot("lounge-town-ranking")

    for slug in ("children_school_district", "population"):
        page.goto(f"{base}/lounge/i/{slug}/")
        charts_drawn(page)
    assert not problems, problems
