"""Issue 25 item 4, done means, in headless chromium (/usr/bin/chromium): one filter change on a dashboard
updates two charts and a map at once; drill-down from the city to a ward (a click on its bar) and from the
ward to a 町字 (a click on its area of the map); the PDF link answers a PDF. Charts draw under the CSP from our
own static Vega-Lite."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.lounge import sample_zone
from tests.lounge.e2e.test_dashboards import charts_drawn, reader
from tests.lounge.e2e.test_maps import synthetic_map  # noqa: F401 - the fixture, used through usefixtures

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("synthetic_map")]

# the page position of the drawn item (bar or map area) whose datum is named ``name``, from the Vega view
# charts.js keeps on the element: the item's bounds plus its groups' offsets plus the view's origin
ITEM_AT = """([el, name]) => {
  const view = el.vegaView, origin = view.origin(), box = el.querySelector("canvas").getBoundingClientRect();
  let found = null;
  (function walk(node, ox, oy) {
    (node.items || []).forEach(item => {
      const d = item.datum || {};
      if (!found && (node.marktype === "rect" || node.marktype === "shape") &&
          (d["区分"] === name || (d.properties && d.properties.name === name))) {
        found = {x: box.left + origin[0] + ox + (item.bounds.x1 + item.bounds.x2) / 2,
                 y: box.top + origin[1] + oy + (item.bounds.y1 + item.bounds.y2) / 2};
      }
      const g = node.marktype === "group";
      walk(item, ox + (g ? item.x || 0 : 0), oy + (g ? item.y || 0 : 0));
    });
  })(view.scenegraph().root, 0, 0);
  return found;
}"""


def _chart(page: Any, title: str) -> Any:
    found = page.locator(f'[data-spec][aria-label^="{title}"]')
    assert found.count() == 1, title
    return found


def _values(chart: Any) -> list[dict[str, Any]]:
    """The data the chart was drawn from (its JSON island)."""
    values: list[dict[str, Any]] = chart.evaluate(
        "el => JSON.parse(document.getElementById(el.dataset.spec).textContent).data.values")
    return values


def _click(page: Any, chart: Any, name: str) -> None:
    chart.scroll_into_view_if_needed()
    point = chart.evaluate("(el, name) => (" + ITEM_AT + ")([el, name])", name)
    assert point, name
    page.mouse.click(point["x"], point["y"])


def test_one_filter_change_updates_two_charts_and_a_map(live_server: Any, page: Any, screenshot: Any,
                                                       make_staff: Any, lounge: Any) -> None:
    base = live_server.url
    problems = reader(page, base, make_staff, "board1", "読者 一子")
    lounge.current()  # the marts made before the first page (a refresh is not what this test is about)
    page.goto(f"{base}/lounge/b/population/")
    charts_drawn(page)
    ages = _chart(page, "5歳階級別の人口（神戸市")
    towns = _chart(page, "人口の多い町字（神戸市")
    town_map = _chart(page, "町字別の人口（神戸市")
    assert town_map.get_attribute("data-shapes") == "36"
    before = {"ages": _values(ages),
              "kpi": page.locator(".kpi-figure").first.inner_text()}
    screenshot("lounge-board-population-city")

    # one change of the area select: the form submits itself (one request) and every tile follows
    with page.expect_navigation():
        page.locator("select[name=area]").select_option(label="北区")
    assert "area=28109" in page.url
    charts_drawn(page)
    ages = _chart(page, "5歳階級別の人口（北区")
    towns = _chart(page, "人口の多い町字（北区")
    town_map = _chart(page, "町字別の人口（北区")
    assert _values(ages) != before["ages"]
    assert town_map.get_attribute("data-shapes") == "4"  # the ward's four 町字 of the sample zone
    assert len(_values(towns)) == 4
    assert page.locator(".kpi-figure").first.inner_text() != before["kpi"]
    assert page.locator(".kpi-figure").first.inner_text().endswith("人")
    screenshot("lounge-board-population-ward")
    assert not problems, problems


def test_drill_down_city_ward_town_and_the_pdf(live_server: Any, page: Any, screenshot: Any, make_staff: Any,
                                              lounge: Any) -> None:
    base = live_server.url
    problems = reader(page, base, make_staff, "board2", "読者 二子")
    lounge.current()
    page.goto(f"{base}/lounge/")
    page.get_by_role("link", name="人口と世帯").click()
    page.wait_for_url("**/lounge/b/population/")
    page.goto(f"{base}/lounge/b/overview/")
    charts_drawn(page)
    # city → ward: a click on 東灘区's bar
    with page.expect_navigation():
        _click(page, _chart(page, "区別の人口（神戸市"), "東灘区")
    assert "area=28101" in page.url
    charts_drawn(page)
    assert page.locator("nav.crumbs").inner_text() == "神戸市 › 東灘区"
    # ward → 町字: a click on one of the ward's areas on the map
    town_map = _chart(page, "町字別の人口（東灘区")
    name = _values(town_map)[0]["properties"]["name"]
    with page.expect_navigation():
        _click(page, town_map, name)
    charts_drawn(page)
    crumbs = page.locator("nav.crumbs").inner_text()
    assert crumbs == f"神戸市 › {name.replace(' ', ' › ', 1)}"  # 「東灘区 住吉宮町一丁目」: the 町字 by its name
    town = next(c for c, _, w, n, _ in sample_zone.town_master(sample_zone.SMALL) if f"{w} {n}" == name)
    assert f"area={town}" in page.url
    # the chosen 町字 is outlined on the map and highlighted among the bars of the ward's towns
    assert page.locator("text=町字別の集計がないため、区の値です。").count() >= 1
    screenshot("lounge-board-town")
    # back up by the crumbs
    with page.expect_navigation():
        page.locator("nav.crumbs").get_by_role("link", name="東灘区").click()
    assert "area=28101" in page.url
    # the whole dashboard as a PDF for a meeting
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF で出力（会議用）").click()
    path = download.value.path()
    with open(path, "rb") as f:
        assert f.read(5) == b"%PDF-"
    assert download.value.suggested_filename == "overview.pdf"
    assert not problems, problems
