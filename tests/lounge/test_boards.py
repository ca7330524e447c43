"""Issue 25 item 4 on PostgreSQL and the fixture's lounge zone: the shipped dashboards render at the city, a
ward and a 町字; the filters drive every tile; every figure shown is a published (disclosure-controlled) cell
and a suppressed one reads 「秘匿」; drill-down links; the refresh time and schedule; the PDF for a meeting;
a dashboard copied, shared with a department and refused to others; bad input refused in words."""

from __future__ import annotations

import html
import json
import re
import subprocess
from typing import Any

import pyarrow.compute as pc
import pytest

from jichitai.audit.models import AuditEntry
from jichitai.lounge import boards, display, sample_zone
from jichitai.lounge.disclosure import TOTAL
from tests.lounge.test_readable import visible_outside_details
from tests.lounge.tile_form import fields
from tests.staff_login import log_in_verified

pytestmark = pytest.mark.postgres

SHIPPED = sorted(boards.load_all(None))


def _kpis(body: str) -> list[str]:
    return [html.unescape(x) for x in re.findall(r'class="kpi-figure">([^<]*)<', body)]


def _specs(body: str) -> list[dict[str, Any]]:
    return [json.loads(html.unescape(x)) for x in
            re.findall(r'<script id="spec-tile-\d+" type="application/json">(.*?)</script>', body, re.S)]


def _a_town(lounge: Any, ward: str) -> str:
    parents = lounge.area_parents(lounge.current(), "population_town")
    return str(sorted(t for t, w in parents.items() if w == ward)[0])


@pytest.mark.parametrize("slug", SHIPPED)
def test_every_shipped_dashboard_renders_for_the_city_a_ward_and_a_town(login_as: Any, lounge: Any, slug: str) -> None:
    client = login_as("counter")
    town = _a_town(lounge, "28101")
    for query in ("", "?area=28101", f"?area={town}", "?area=28109&year=2024"):
        r = client.get(f"/lounge/b/{slug}/{query}")
        assert r.status_code == 200, (query, r.content[:500])
        body = r.content.decode()
        assert "最終更新" in body and "定義・詳細" in body
        # the visible text only: a CSRF token's random letters once spelt "NFKC" (CI, 2026-12-07)
        assert not re.search(r"(age_at|NFKC|version 最大)", visible_outside_details(body))
    assert AuditEntry.objects.filter(action="lounge.view", resource=f"lounge.board:{slug}").count() == 4


def test_every_figure_shown_is_the_published_cell_and_the_filters_drive_every_tile(login_as: Any, lounge: Any) -> None:
    """Consistency (against the published table, the platform's disclosure control): the overview's KPI tiles
    for 東灘区 are the published cells of that ward, with separators and units; its bar chart's bars are the
    published ward figures; the year filter moves every tile to that year."""
    client = login_as("counter")
    marts = lounge.current()
    latest = marts.periods_of("population")[-1]
    pop = marts.publish("population", latest, lounge.k())
    row = next(r for r in pop.rows if r["ward_code"] == "28101" and r["sex"] == TOTAL and r["age_band"] == TOTAL)
    aging = next(r for r in pop.derived if r["ward_code"] == "28101")["aging_rate"]
    hh = marts.publish("households", latest, lounge.k())
    households = next(r for r in hh.rows if r["ward_code"] == "28101" and r["size_class"] == TOTAL)["value"]
    body = client.get("/lounge/b/overview/?area=28101").content.decode()
    kpis = _kpis(body)
    assert kpis[:3] == [display.figure(row["value"], "人"), display.figure(aging, "%"),
                        display.figure(households, "世帯")]
    assert re.fullmatch(r"[\d,]+人", kpis[0]) and kpis[1].endswith("%")
    bars = next(s for s in _specs(body) if s["title"]["text"].startswith("区別の人口"))
    shown = {v["区分"]: v["値"] for v in bars["data"]["values"]}
    wards = {r["ward_code_label"]: r["value"] for r in pop.rows
             if r["ward_code"] != TOTAL and r["sex"] == TOTAL and r["age_band"] == TOTAL}
    assert shown == wards
    assert [v["区分"] for v in bars["data"]["values"] if v["選択"]] == ["東灘区"]

    city = _kpis(client.get("/lounge/b/overview/").content.decode())
    assert city[0] != kpis[0]  # the area changed every tile, not one
    older = client.get("/lounge/b/overview/?area=28101&year=2024").content.decode()
    assert "2024年1月1日" in older and "2023年1月1日比" in older
    assert all("2024年" in s["title"]["text"] or "推移" in s["title"]["text"] for s in _specs(older))


def test_a_suppressed_cell_reads_hidden_and_is_not_compared(login_as: Any, lounge: Any) -> None:
    """Independent of the page code: a cell the published table suppresses (value None) shows 「秘匿」 on the
    KPI tile and no change; a city's own dashboard file is how the tile is asked for."""
    marts = lounge.current()
    latest = marts.periods_of("population")[-1]
    pop = marts.publish("population", latest, lounge.k())
    hidden = next(r for r in pop.rows if r["value"] is None and r["ward_code"] != TOTAL
                  and r["sex"] != TOTAL and r["age_band"] != TOTAL)
    folder = lounge.city_boards_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "hidden.yaml"
    path.write_text(boards.yaml.safe_dump({"slug": "hidden", "title": "秘匿の確認", "tiles": [
        {"kind": "kpi", "indicator": "population", "where": {"sex": hidden["sex"], "age_band": hidden["age_band"]}},
        {"kind": "table", "indicator": "population", "by": "ward_code",
         "where": {"sex": hidden["sex"], "age_band": hidden["age_band"]}}]}, allow_unicode=True), encoding="utf-8")
    try:
        body = login_as("counter").get(f"/lounge/b/hidden/?area={hidden['ward_code']}").content.decode()
    finally:
        path.unlink()
    assert _kpis(body) == ["秘匿"]
    assert "比較できません" in body
    assert re.search(rf'{hidden["ward_code_label"]}</a></td><td class="num suppressed">秘匿<', body)


def test_drill_down_city_to_ward_to_town(login_as: Any, lounge: Any) -> None:
    """Consistency: a ward's bar and a table row link to that ward; at a ward, the 町字 bars are that ward's
    towns, each linking to the town; at a town the crumbs read 神戸市 › 区 › 町字 and a tile with no 町字 figures
    says it shows the ward."""
    client = login_as("counter")
    body = client.get("/lounge/b/overview/?year=2025").content.decode()
    bars = next(s for s in _specs(body) if s["title"]["text"].startswith("区別の人口"))
    assert bars["encoding"]["href"] == {"field": "href"}
    assert {v["区分"]: v["href"] for v in bars["data"]["values"]}["東灘区"] == "?area=28101&year=2025"

    ward = client.get("/lounge/b/population/?area=28101&year=2025").content.decode()
    towns = next(s for s in _specs(ward) if s["title"]["text"].startswith("人口の多い町字"))
    parents = lounge.area_parents(lounge.current(), "population_town")
    linked = [re.match(r"\?area=([^&]+)&year=2025$", v["href"]).group(1) for v in towns["data"]["values"]]
    assert linked and all(parents[t] == "28101" for t in linked)

    town = linked[0]
    at_town = client.get(f"/lounge/b/population/?area={town}&year=2025").content.decode()
    crumbs = re.search(r'<nav class="crumbs"[^>]*>(.*?)</nav>', at_town, re.S).group(1)
    name = next(n for code, _, _, n, _ in sample_zone.town_master(sample_zone.SMALL) if code == town)
    assert re.sub(r"<[^>]+>", "", crumbs) == f"神戸市 › 東灘区 › {name}"  # the 町字 by its name, not its code
    assert "町字別の集計がないため、区の値です。" in at_town
    pt = lounge.current().publish("population_town", "2025-01-01", lounge.k())
    want = next(r["value"] for r in pt.rows if r["town_code"] == town)
    chosen = next(s for s in _specs(at_town) if s["title"]["text"].startswith("人口の多い町字"))
    assert [(v["値"], v["表示"]) for v in chosen["data"]["values"] if v["選択"]] == [(want, display.figure(want, "人"))]


@pytest.mark.parametrize(("query", "words"), [
    ("?area=99999", "地域の指定が正しくありません"), ("?year=abcd", "年は西暦の4桁"), ("?year=1990", "1990年のデータはありません"),
    ("?as_of=yesterday", "「時点」は"),
])
def test_bad_filters_are_refused_in_words(login_as: Any, lounge: Any, query: str, words: str) -> None:
    client = login_as("counter")
    before = AuditEntry.objects.count()
    r = client.get(f"/lounge/b/overview/{query}")
    assert r.status_code == 400 and words in r.content.decode()
    assert AuditEntry.objects.count() - before <= 1  # at most the refusal itself
    assert client.get("/lounge/b/nothing/").status_code == 404


def test_the_refresh_time_and_schedule_are_shown(login_as: Any, lounge: Any) -> None:
    from jichitai.lounge.tiles import BoardView

    marts = lounge.current()
    words = BoardView(boards.load_all(None)["overview"], None, "", None, [], [], [], {}, marts.refreshed_at).refreshed_words
    body = login_as("counter").get("/lounge/b/welfare/").content.decode()
    assert f"最終更新：<strong data-refreshed>{words}</strong>" in body
    assert "更新の予定：" + boards.DEFAULT_REFRESH in body
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", words)


def test_the_pdf_of_a_whole_dashboard_reads_back(login_as: Any, lounge: Any, tmp_path: Any) -> None:
    """The export: a PDF (Typst) whose text, read back by pdftotext, holds the title, the area, the KPI
    figures as the page shows them, every tile's title and the definitions; audited as an export."""
    client = login_as("counter")
    page = client.get("/lounge/b/welfare/?area=28105").content.decode()
    r = client.get("/lounge/b/welfare/dashboard.pdf?area=28105")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content[:5] == b"%PDF-"
    (tmp_path / "board.pdf").write_bytes(r.content)
    text = subprocess.run(["pdftotext", str(tmp_path / "board.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert "国保・介護・児童手当" in flat and "地域：兵庫区" in flat and "各タイルの定義" in flat
    for figure in _kpis(page):
        assert figure.replace(",", "") in flat.replace(",", ""), figure
    for title in ("区別の国民健康保険被保険者数", "国民健康保険被保険者数の推移（兵庫区）"):
        assert title in flat
    assert AuditEntry.objects.filter(action="lounge.export", resource="lounge.board:welfare").exists()


def test_copy_share_with_a_department_and_refuse_others(client: Any, make_staff: Any, lounge: Any) -> None:
    """A shipped dashboard copied as a staff member's own (all its tiles), shared with one department: a
    colleague there sees it, with its KPI tiles; someone in another department is refused (403)."""
    from jichitai.accounts.models import Department
    from jichitai.lounge.models import Dashboard

    analyst = make_staff(roles=["analyst"], department="seisaku")
    colleague = make_staff(roles=["counter"], department="kodomo")
    other = make_staff(roles=["counter"], department="zeimu")
    log_in_verified(client, analyst)
    form = fields(client.get("/lounge/d/new/?from=aging").content.decode())
    assert form["from"] == "aging"
    r = client.post("/lounge/d/new/", form | {"title": "高齢化（政策課）", "sharing": "department",
                                              "department": Department.objects.get(code="kodomo").pk})
    assert r.status_code == 302
    saved = Dashboard.objects.get(title="高齢化（政策課）")
    assert saved.as_board().tiles == boards.load_all(None)["aging"].tiles
    log_in_verified(client, colleague)
    body = client.get(f"/lounge/d/{saved.pk}/").content.decode()
    assert "高齢化率" in body and len(_kpis(body)) == 5
    assert client.get(f"/lounge/d/{saved.pk}/dashboard.pdf").status_code == 200
    log_in_verified(client, other)
    assert client.get(f"/lounge/d/{saved.pk}/").status_code == 403
    assert client.get(f"/lounge/d/{saved.pk}/dashboard.pdf").status_code == 403


def test_the_nhi_mart_counts_the_insured_on_each_date(lounge: Any, zone: Any) -> None:
    """Consistency: 国保 被保険者 and their households per ward on a reference date, counted here directly from
    the zone's table with pyarrow (not through the mart's Ibis expression)."""
    import datetime as dt

    marts = lounge.current()
    day = dt.date.fromisoformat(marts.periods_of("nhi")[-2])
    t = zone.tables["nhi_enrolment"]
    live = t.filter(pc.and_kleene(pc.less_equal(t["valid_from"], day),
                            pc.or_kleene(pc.is_null(t["valid_to"]), pc.greater(t["valid_to"], day))))
    mart = marts.tables["nhi_enrolment"].filter(pc.equal(marts.tables["nhi_enrolment"]["ref_date"], day))
    got = {r["ward_code"]: (r["n"], r["households"]) for r in mart.to_pylist()}
    for ward in set(live["ward_code"].to_pylist()):
        mine = live.filter(pc.equal(live["ward_code"], ward))
        assert got[ward] == (len(set(mine["pid"].to_pylist())), len(set(mine["household_pid"].to_pylist()))), ward


def test_a_partial_year_says_so_and_is_not_compared_with_a_whole_year(login_as: Any, lounge: Any) -> None:
    """Independent (the data's own end: the fixture's last event is 2026-03-30): the migration board's KPI
    tiles for 2026 — a year of flows the data end inside — read 「2026年（3月30日まで）」 and are not compared
    with the whole of 2025 (no 「2025年比」: a quarter against a year would read as a 75 % fall); the note names
    the whole year and its published figure instead. A whole year (2025) is compared with 2024 as before, and a
    stock (人口 on 1 January) is never partial."""
    marts = lounge.current()
    assert marts.periods.through == pc.max(lounge.zone_tables()["movements"]["event_date"]).as_py()
    client = login_as("counter")
    now = html.unescape(client.get("/lounge/b/migration/").content.decode())
    periods = re.findall(r'class="kpi-period">([^<]*)<', now)
    assert "2026年（3月30日まで）" in periods
    assert "2025年比" not in now and "年の途中までの集計のため、通年の2025年（" in now
    net_2025 = next(r["net"] for r in marts.publish("migration", "2025", lounge.k()).derived if r["move_class"] == TOTAL)
    assert f"通年の2025年（{display.figure(net_2025, '件')}）" in now
    whole = html.unescape(client.get("/lounge/b/migration/?year=2025").content.decode())
    assert "2024年比" in whole and "年の途中" not in whole
    assert "2026年（" not in html.unescape(client.get("/lounge/b/overview/").content.decode())


def test_the_indicator_pages_trend_names_its_periods_and_marks_the_partial_year(login_as: Any, lounge: Any) -> None:
    """Independent (the fixture's last event is 2026-03-30): the 推移 chart of a year indicator names 2026 as
    「2026年（3月30日まで）」, draws that point hollow and says why under the title; a whole year is a plain 「2025年」;
    a stock's periods read as dates in words (「2026年1月1日」, never 「2026-01-01」)."""
    client = login_as("counter")

    def trend(slug: str) -> dict[str, Any]:
        body = client.get(f"/lounge/i/{slug}/data.json").json()
        return next(c for c in body["charts"] if str(c["title"]).find("の推移") >= 0)

    flows = trend("vital_events")
    periods = {v["期間"]: v["途中"] for v in flows["data"]["values"]}
    assert periods["2026年（3月30日まで）"] is True and periods["2025年"] is False
    assert "2026年（3月30日まで）は年の途中までの集計です" in "".join(flows["title"]["subtitle"])
    assert [layer["transform"] for layer in flows["layer"]] == [[{"filter": "!datum['途中']"}],  # lines: whole years
                                                                [{"filter": "datum['途中']"}]]   # 2026: a hollow point
    stock = trend("population")
    assert "2026年1月1日" in {v["期間"] for v in stock["data"]["values"]}
    assert not any(re.fullmatch(r"\d{4}-\d\d-\d\d", v["期間"]) for v in stock["data"]["values"])
    assert "subtitle" not in stock["title"] and len(stock["layer"]) == 1
