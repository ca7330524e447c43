"""Issue 25 item 3 in headless chromium: the lounge's choropleth maps draw under the CSP from our own static
Vega, with one shape per area (町字, 小学校区, 区), and a suppressed area is drawn grey and named 秘匿 (tooltip
text and legend)."""

from __future__ import annotations

import shutil
from typing import Any

import pytest
from django.core.management import call_command

from jichitai.lounge import boundaries
from tests.lounge.e2e.test_dashboards import charts_drawn, reader

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# the map's drawn areas and the legend's words, read from the Vega view charts.js keeps on the element
MAP_ITEMS = """el => {
  const shapes = [], texts = [];
  (function walk(node) {
    (node.items || []).forEach(item => {
      if (node.marktype === "shape") { shapes.push({state: item.datum.properties.state,
                                                    text: item.datum.properties.text, fill: item.fill}); }
      if (node.marktype === "text" && typeof item.text === "string") { texts.push(item.text); }
      walk(item);
    });
  })(el.vegaView.scenegraph().root);
  return {shapes, texts};
}"""


@pytest.fixture
def synthetic_map(settings: Any) -> Any:
    shutil.rmtree(boundaries.folder(), ignore_errors=True)
    call_command("lounge", "synthetic-boundaries", "--size", "small")
    yield
    shutil.rmtree(boundaries.folder(), ignore_errors=True)
    boundaries._cache.clear()


def _map(page: Any) -> Any:
    """The page's one map: the chart that drew shapes (charts.js counts them into ``data-shapes``)."""
    found = page.locator('[data-spec][data-shapes]:not([data-shapes="0"])')
    assert found.count() == 1
    return found


def test_maps_draw_one_shape_per_area_and_show_suppressed(live_server: Any, page: Any, screenshot: Any,
                                                          make_staff: Any, lounge: Any, synthetic_map: Any) -> None:
    base = live_server.url
    problems = reader(page, base, make_staff, "reader2", "読者 二郎")

    # 町字: all 36 towns of the sample zone, then the 4 of the ward chosen; the page says the map is synthetic
    page.goto(f"{base}/lounge/i/population_town/")
    charts_drawn(page)
    assert _map(page).get_attribute("data-shapes") == "36"
    # the chart's name for a screen reader stays ours (with the synthetic note), not vega-embed's
    assert "町字別の地図" in _map(page).get_attribute("aria-label")
    assert "合成（架空）" in _map(page).get_attribute("aria-label")
    assert "合成（架空）" in page.locator(".map-note").inner_text()
    screenshot("lounge-map-towns")
    page.goto(f"{base}/lounge/i/population_town/?area=28109")
    charts_drawn(page)
    assert _map(page).get_attribute("data-shapes") == "4"

    # 小学校区: 18 districts, some suppressed: grey, 「秘匿」 in the tooltip text and in the legend
    page.goto(f"{base}/lounge/i/children_school_district/")
    charts_drawn(page)
    assert _map(page).get_attribute("data-shapes") == "18"
    drawn = _map(page).evaluate(MAP_ITEMS)
    hidden = [s for s in drawn["shapes"] if s["state"] == "秘匿"]
    assert hidden and all(s["text"] == "秘匿" and s["fill"] == "#8c8c8c" for s in hidden)
    assert all(s["fill"] != "#8c8c8c" and s["text"].endswith("人") for s in drawn["shapes"] if s["state"] == "公表")
    assert "秘匿" in drawn["texts"]
    screenshot("lounge-map-school-districts")

    # 区: the nine wards on the population page, coloured by the aging rate
    page.goto(f"{base}/lounge/i/population/")
    charts_drawn(page)
    assert _map(page).get_attribute("data-shapes") == "9"
    assert all(s["text"].endswith("%") for s in _map(page).evaluate(MAP_ITEMS)["shapes"])
    assert not problems, problems
