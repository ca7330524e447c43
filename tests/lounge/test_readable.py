"""The lounge pages as a person reads them (issue 25 item 2): figures with separators and units, suppressed
cells in words, no analysts' jargon outside the 詳細 fold, a 町字 ranking with a chart that a ward filter
narrows. Consistency checks on the rendered pages (Django client, PostgreSQL); the figures themselves are the
disclosure control's, tested in test_disclosure."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.urls import reverse

from jichitai.lounge import display
from jichitai.lounge.indicators import INDICATORS

pytestmark = pytest.mark.postgres

NUM_CELL = re.compile(r'<td class="num( suppressed)?">([^<]*)</td>')
FIGURE = re.compile(r"^-?\d{1,3}(,\d{3})*(\.\d)?(人|円|件|世帯|日|%)?$")


def test_figure_text() -> None:
    """The one formatter: the brief's own examples (4,825,000円, 12,468人), rates, and 秘匿 for None."""
    assert display.figure(4825000, "円") == "4,825,000円"
    assert display.figure(12468, "人") == "12,468人"
    assert display.figure(31.25, "%") == "31.2%"
    assert display.figure(183456.4, "円") == "183,456円"
    assert display.figure(None, "人") == "秘匿"


@pytest.mark.parametrize("slug", sorted(INDICATORS))
def test_every_figure_on_an_indicator_page_has_separators_and_a_unit(login_as: Any, lounge: Any,
                                                                      slug: str) -> None:
    body = login_as("counter").get(f"/lounge/i/{slug}/").content.decode()
    cells = NUM_CELL.findall(body)
    assert cells, "the data table shows its figures as numeric cells"
    for suppressed, text in cells:
        if suppressed:
            assert text == "秘匿"
        else:
            assert FIGURE.match(text), text
    assert "<td>*</td>" not in body and "<td></td>" not in body
    assert "秘匿" in body and display.SUPPRESSED_NOTE in body
    # periods are named as a statistical table names them (2026年4月1日), never as ISO text; the ISO value stays
    # only in the form's option values, which a person does not read, and in the analysts' 詳細 fold
    visible = re.sub(r'value="[^"]*"', "", body)
    stripped = re.sub(r"<script.*?</script>|<details class=\"analyst\">.*?</details>", "", visible, flags=re.S)
    iso = re.search(r"(?<![\d-])(19|20)\d\d-\d\d-\d\d(?![\d-])", stripped)
    assert iso is None, stripped[max(0, iso.start() - 200) : iso.end() + 40]


def test_period_text() -> None:
    assert display.period("2026-04-01") == "2026年4月1日"
    assert display.period("2026") == "2026"


def test_amounts_in_yen_and_rates_in_percent(login_as: Any, lounge: Any) -> None:
    client = login_as("counter")
    tax = client.get("/lounge/i/tax_by_ward/").content.decode()
    assert re.search(r'<td class="num">\d{1,3}(,\d{3})+円</td>', tax)
    population = client.get("/lounge/i/population/").content.decode()
    assert re.search(r'<td class="num">\d{1,2}\.\d%</td>', population)  # 高齢化率
    assert re.search(r'<td class="num">\d{1,3}(,\d{3})+人</td>', population)


def test_projection_table_has_separators(login_as: Any, lounge: Any) -> None:
    body = login_as("counter").get("/lounge/projection/").content.decode()
    assert re.search(r'<td class="num">\d{1,3}(,\d{3})+人</td>', body)


JARGON = re.compile(r"age_at|NFKC|version|lounge\.\w+|@\d|duckdb|spark|\bk\b", re.IGNORECASE)


def visible_outside_details(body: str) -> str:
    """The text a reader sees without opening the 詳細 fold (scripts and data islands are not text)."""
    body = re.sub(r"<script.*?</script>|<details.*?</details>|<head>.*?</head>", "", body, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


def test_no_jargon_outside_the_details_fold(login_as: Any, lounge: Any, make_staff: Any) -> None:
    from jichitai.lounge.models import Dashboard

    client = login_as("counter", "analyst")
    board = Dashboard.objects.create(owner=make_staff(roles=["analyst"]), title="区の状況",
                                     sharing=Dashboard.EVERYONE,
                                     items=[{"indicator": "population"}, {"indicator": "tax_by_ward"}])
    pages = [f"/lounge/i/{slug}/" for slug in INDICATORS] + ["/lounge/", "/lounge/projection/",
                                                               reverse("lounge:dashboard", args=[board.pk])]
    for url in pages:
        r = client.get(url)
        assert r.status_code == 200, url
        body = r.content.decode()
        assert not JARGON.findall(visible_outside_details(body)), url
    for slug, word in (("population", "age_at"), ("children_school_district", "NFKC"),
                       ("tax_by_ward", "version 最大")):
        body = client.get(f"/lounge/i/{slug}/").content.decode()
        assert re.search(rf"<details class=\"analyst\"><summary>詳細</summary>.*{word}.*</details>", body, re.S)


def _main_chart(client: Any, slug: str, query: str = "") -> dict[str, Any]:
    r = client.get(f"/lounge/i/{slug}/data.json{query}")
    assert r.status_code == 200, r.content[:300]
    return r.json()["charts"][0]


def test_the_town_chart_has_a_readable_number_of_bars_and_the_ward_filter_filters_it(login_as: Any,
                                                                                     lounge: Any) -> None:
    """Top 20 町字 + 「その他」 for the city; choosing a ward keeps only that ward's 町字 (the chart's data
    changes, every bar names the ward)."""
    client = login_as("counter")
    city = _main_chart(client, "population_town")["data"]["values"]
    assert len(city) == 21 and city[-1]["町字"].startswith("その他（")
    shown = [v["値"] for v in city[:-1] if v["値"] is not None]
    assert shown == sorted(shown, reverse=True)
    ward = _main_chart(client, "population_town", "?area=28101")["data"]["values"]
    assert ward != city and 0 < len(ward) <= 21
    assert all(v["町字"].startswith("東灘区 ") for v in ward)
    other = _main_chart(client, "population_town", "?area=28109")["data"]["values"]
    assert other != ward and all(v["町字"].startswith("北区 ") for v in other)
    assert client.get("/lounge/i/population_town/?area=281010001").status_code == 400


def test_the_town_ranking_is_a_searchable_table(login_as: Any, lounge: Any) -> None:
    body = login_as("counter").get("/lounge/i/population_town/?area=28101").content.decode()
    table = body.split('<table id="ranking">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>(<td[^>]*>[^<]*</td>)</tr>",
                      table)
    assert rows and [int(r[0]) for r in rows] == list(range(1, len(rows) + 1))
    assert {r[3] for r in rows} == {"東灘区"}
    figures = [int(re.sub(r"\D", "", r[4])) for r in rows if "秘匿" not in r[4]]
    assert figures == sorted(figures, reverse=True)
    assert 'data-filter="ranking"' in body and "/static/lounge/table-filter.js" in body
    assert not re.search(r'<script[^>]+src="(https?:)?//', body)  # nothing from a CDN


def test_the_school_district_chart_shows_districts_with_the_legend_in_age_order(login_as: Any,
                                                                                 lounge: Any) -> None:
    spec = _main_chart(login_as("counter"), "children_school_district")
    districts = {v["小学校区"] for v in spec["data"]["values"]}
    assert len(districts) > 3 and "計" not in districts
    assert spec["encoding"]["color"]["scale"]["domain"] == ["0〜5歳", "6〜11歳", "12〜14歳"]
    assert spec["encoding"]["y"]["field"] == "小学校区"


def test_projection_shows_its_assumptions_and_three_variants(login_as: Any, lounge: Any) -> None:
    """Consistency: the assumptions are on the page in words beside the chart (life tables, the mother's age,
    migration, the variants' national TFR 1.64 / 1.36 / 1.13), and the chart has the three variants."""
    body = login_as("counter").get("/lounge/projection/").content.decode()
    text = visible_outside_details(body)
    for words in ("生命表", "母の年齢5歳階級別の出生率", "純移動率", "高位 1.64", "中位 1.36", "低位 1.13", "65歳以上の割合"):
        assert words in text, words
    for series in ("推計・出生中位", "推計・出生高位", "推計・出生低位"):  # in the chart's data (JSON, \u escapes)
        assert json.dumps(series)[1:-1] in body or series in body, series
    assert re.search(r'<td class="num">\d{1,2}\.\d%</td>', body)
