"""Issue 25: a 町字 is shown by its name (「東灘区 住吉宮町一丁目」), never by its code — on the indicator page (the
ranking, its chart, the data table), the CSV, the JSON/API labels, the map's tooltip and a dashboard's tiles and
crumbs — sortable in 町字 order and by kana. The names come from the city's 住所辞書 carried into the lake
(``lounge.towns``; the fixture's zone holds :func:`sample_zone.town_master`, the expected names here)."""

from __future__ import annotations

import csv
import html
import io
import re
from typing import Any

import pytest
from django.core.management import call_command

from jichitai.lounge import sample_zone, sql
from jichitai.lounge.areas import Towns
from jichitai.lounge.errors import QueryRefused

pytestmark = pytest.mark.postgres

MASTER = {code: (ward, name, kana) for code, _, ward, name, kana in sample_zone.town_master(sample_zone.SMALL)}
NAMES = {code: f"{ward} {name}" for code, (ward, name, _) in MASTER.items()}
CODE = re.compile(r"\b28\d{7}\b")  # a 町字コード of the sample zone


def _ranking(body: str) -> list[tuple[str, ...]]:
    table = body.split('<table id="ranking">', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td[^>]*>([^<]*)</td></tr>",
                      table)


def test_a_town_is_named_from_the_dictionary_and_only_a_missing_one_by_its_code() -> None:
    """Consistency: the label, the kana and 町字 order (the dictionary's code order, an unnamed 町字 last)."""
    towns = Towns({"281100002": "28110", "281100001": "28110", "281109999": "28110"},
                  {"281100001": ("中央区", "加納町", "カノウチョウ"), "281100002": ("中央区", "三宮町", "サンノミヤチョウ")})
    assert towns.label("281100002") == "中央区 三宮町" and towns.kana("281100002") == "サンノミヤチョウ"
    assert towns.label("281109999") == "中央区 町字コード281109999" and towns.kana("281109999") == ""
    assert towns.in_order(["281109999", "281100002", "281100001"]) == ["281100001", "281100002", "281109999"]


def test_the_indicator_page_csv_and_json_name_every_town(login_as: Any, lounge: Any) -> None:
    client = login_as("counter")
    body = html.unescape(client.get("/lounge/i/population_town/").content.decode())
    rows = _ranking(body)
    assert len(rows) == len(MASTER)
    by_name = {v: k for k, v in NAMES.items()}
    for _, town, kana, ward, _ in rows:
        assert town in by_name and MASTER[by_name[town]][2] == kana and town.startswith(f"{ward} ")
    data_table = body.split("<h2>集計表", 1)[1].split("</table>", 1)[0]
    assert set(NAMES.values()) <= set(re.findall(r"<td>([^<]*)</td>", data_table))
    assert not CODE.search(re.sub(r"<(script|a)[^>]*>.*?</\1>|<[^>]+>", " ", body, flags=re.S))  # no code is shown

    reader = csv.reader(io.StringIO(client.get("/lounge/i/population_town/data.csv").content.decode("utf-8-sig")))
    cells = {c for row in reader for c in row}
    assert set(NAMES.values()) <= cells and not {c for c in cells if CODE.fullmatch(c)}

    data = client.get("/lounge/i/population_town/data.json").json()
    labels = {r["town_code"]: r["town_code_label"] for r in data["rows"] if r["town_code"] in MASTER}
    assert labels == NAMES
    chart = data["charts"][0]["data"]["values"]
    assert {v["町字"] for v in chart[:20]} <= set(NAMES.values())


def test_the_ranking_sorts_in_town_order_and_by_kana(login_as: Any, lounge: Any) -> None:
    """Independent: 町字順 is the 住所辞書's order (its codes), 五十音順 the kana's order."""
    client = login_as("counter")
    by_town = _ranking(client.get("/lounge/i/population_town/?order=town").content.decode())
    assert [t for _, t, *_ in by_town] == [NAMES[c] for c in sorted(MASTER)]
    by_kana = _ranking(client.get("/lounge/i/population_town/?order=kana&area=28101").content.decode())
    kana = [k for _, _, k, _, _ in by_kana]
    assert kana == sorted(MASTER[c][2] for c in MASTER if c.startswith("28101")) and len(kana) == 4
    bad = client.get("/lounge/i/population_town/?order=code")
    assert bad.status_code == 400 and "並べ替え" in bad.content.decode()


def test_the_map_tooltip_and_a_dashboard_name_the_town(login_as: Any, lounge: Any) -> None:
    call_command("lounge", "synthetic-boundaries", "--size", "small")
    client = login_as("counter")
    data = client.get("/lounge/i/population_town/data.json").json()
    [town_map] = [c for c in data["charts"] if "地図" in str(c["title"])]
    assert {f["properties"]["name"] for f in town_map["data"]["values"]} == set(NAMES.values())
    code = sorted(MASTER)[0]
    board = html.unescape(client.get(f"/lounge/b/population/?area={code}").content.decode())
    assert NAMES[code] in board
    assert not CODE.search(re.sub(r"<(script|a|option)[^>]*>.*?</\1>|<[^>]+>", " ", board, flags=re.S))


def test_the_analysts_sql_refuses_the_reference_table() -> None:
    with pytest.raises(QueryRefused, match="参照表"):
        sql.check("SELECT town_name, count(*) FROM lounge.towns GROUP BY town_name")
    assert "lounge.towns" not in dict(sql.describe())
