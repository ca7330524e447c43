"""Issue 7, "Bad input and security": no lounge page or API answer contains a name, a 宛名番号 or a My Number.

The city is real in the sense that matters: the synthetic city generator fills the registry (names, kana,
宛名番号, encrypted 個人番号, two years of 異動), ``jichitai demo_extras`` takes it through the hub into the lake
(raw → standard → the pseudonymised lounge zone) and refreshes the marts. Every lounge URL pattern and every
lounge API operation is then requested — a walk of the URL configuration, so a page added later is scanned too
or this test fails — and each answer is scanned (tests/lounge/identifiers.py).

A scan that finds nothing proves nothing unless it can find something: the same walk is repeated after
identifiers of the city are planted in the lounge zone, and each must then be found.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from django.core.management import call_command
from django.urls import get_resolver

from jichitai.lake import catalog as lake_catalog
from jichitai.lake.schemas import LOUNGE_TABLES
from jichitai.lounge import boards, tile_editor
from jichitai.lounge import services as lounge
from jichitai.lounge.indicators import INDICATORS
from jichitai.synth.city import Options, generate
from tests.accounts.test_permission_walk import walk
from tests.hub.conftest import lake  # noqa: F401 - the fixture, used through usefixtures
from tests.lounge.identifiers import Identifiers, hits, texts
from tests.lounge.tile_form import tiles_post
from tests.synth.test_city import empty_registry

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.usefixtures("lake")]

CITY = {"population": 600, "years": 2, "seed": 11}
SQL = "select ward_code, school_district, town_code, count(*) as n from lounge.resident_spells group by all"


@pytest.fixture
def city(tmp_path: Path) -> Iterator[Identifiers]:
    empty_registry()
    generate(Options(out=tmp_path / "synth", **CITY))
    lounge.use_catalog(None)  # the lounge reads the test's lake
    call_command("demo_extras", "--synth-dir", str(tmp_path / "synth"), stdout=io.StringIO())
    yield Identifiers.of_registry()
    lounge.use_catalog(None)


def _urls(board: int) -> dict[str, list[tuple[str, str, dict[str, str] | None]]]:
    """route → the requests made for it: (method, URL, POST data)."""
    slugs = sorted(INDICATORS)
    per_slug = {
        "i/<slug:slug>/": "/lounge/i/{}/", "i/<slug:slug>/data.json": "/lounge/i/{}/data.json",
        "i/<slug:slug>/data.csv": "/lounge/i/{}/data.csv", "i/<slug:slug>/lineage/": "/lounge/i/{}/lineage/",
    }
    out: dict[str, list[tuple[str, str, dict[str, str] | None]]] = {
        route: [("get", url.format(s), None) for s in slugs] for route, url in per_slug.items()}
    out["i/<slug:slug>/"] += [("get", "/lounge/i/population/?area=28101", None),
                              ("get", "/lounge/i/population_town/?area=28110", None)]
    out.update({
        "": [("get", "/lounge/", None)],
        "projection/": [("get", "/lounge/projection/", None), ("get", "/lounge/projection/?area=28110", None)],
        "d/new/": [("get", "/lounge/d/new/", None)],
        "d/<int:pk>/": [("get", f"/lounge/d/{board}/", None)],
        "d/<int:pk>/edit/": [("get", f"/lounge/d/{board}/edit/", None)],
        "d/<int:pk>/dashboard.pdf": [("get", f"/lounge/d/{board}/dashboard.pdf", None)],
        "b/<slug:slug>/": [("get", f"/lounge/b/{s}/{q}", None) for s in sorted(boards.load_all(None))
                           for q in ("", "?area=28110")],
        "b/<slug:slug>/dashboard.pdf": [("get", "/lounge/b/overview/dashboard.pdf?area=28110", None),
                                        ("get", "/lounge/b/population/dashboard.pdf?area=28110", None)],
        "sql/": [("get", "/lounge/sql/", None), ("post", "/lounge/sql/", {"query": SQL})],
        "export/": [("get", "/lounge/export/", None)],
        "export/<slug:slug>.<str:fmt>": [("get", f"/lounge/export/{s}.{f}", None) for s in slugs
                                         for f in ("csv", "parquet")],
        "refresh/": [("post", "/lounge/refresh/", {})],
        "freshness/": [("get", "/lounge/freshness/", None)],
        "api/indicators": [("get", "/api/lounge/indicators", None)],
        "api/indicators/{slug}": [("get", f"/api/lounge/indicators/{s}", None) for s in slugs],
        "api/catalogue": [("get", "/api/lounge/catalogue", None)],
        "api/catalogue/person-level": [("get", "/api/lounge/catalogue/person-level", None)],
    })
    return out


def _routes() -> set[str]:
    """Every lounge route in the URL configuration and every lounge API operation."""
    from jichitai.lounge.api import router

    pages = {route.removeprefix("lounge/") for route, _ in walk(get_resolver().url_patterns)
             if route.startswith("lounge/")}
    return pages | {"api" + path for path in router.path_operations}


def crawl(client: Any, board: int) -> dict[str, list[str]]:
    """URL → the text of its answer, for every lounge route; each must answer (200, or 302 for a POST)."""
    plan = _urls(board)
    assert set(plan) == _routes(), "a lounge route is not scanned (add it to _urls)"
    seen: dict[str, list[str]] = {}
    for requests in plan.values():
        for method, url, data in requests:
            r = client.post(url, data) if method == "post" else client.get(url)
            assert r.status_code in ((200, 302) if method == "post" else (200,)), (url, r.status_code)
            seen[f"{method} {url}"] = texts(r.content, r.get("Content-Type", ""))
    return seen


def _published_counts(seen: dict[str, list[str]]) -> list[int]:
    return [int(v) for t in seen["get /lounge/i/population/data.csv"] for v in re.findall(r",(\d+)\r?$", t, re.M)]


def _plant(ids: Identifiers) -> set[str]:
    """Write three of the city's identifiers into the lounge zone's spells, as values that reach pages (a
    小学校区 name, another 小学校区, a 町字 code), on enough rows to be published."""
    name = sorted(n for n in ids.names if " " in n)[0]
    atena = sorted(ids.atena_numbers)[0]
    my_number = sorted(ids.my_numbers)[0]
    table = lake_catalog.catalog().load_table("lounge.resident_spells")
    spells = table.scan().to_arrow()
    n = spells.num_rows
    row = pa.array(range(n))
    district = pc.if_else(pc.less(row, 40), name, pc.if_else(pc.less(row, 80), my_number,
                                                            spells["school_district"]))
    town = pc.if_else(pc.greater_equal(row, n - 40), atena, spells["town_code"])
    spells = spells.set_column(spells.schema.get_field_index("school_district"), "school_district", district)
    spells = spells.set_column(spells.schema.get_field_index("town_code"), "town_code", town)
    table.overwrite(spells.cast(LOUNGE_TABLES["resident_spells"].as_arrow()))
    return {name, atena, my_number}


def test_no_lounge_page_or_answer_carries_an_identifier_of_the_city(city: Identifiers, login_as: Any) -> None:
    ids = city
    # a real city: hundreds of each kind of identifier, a lounge zone with rows, published figures
    assert len(ids.names) >= 600 and len(ids.atena_numbers) >= 500 and len(ids.my_numbers) >= 500
    zone = lounge.zone_tables()
    assert all(zone[name].num_rows > 0 for name in LOUNGE_TABLES), {n: t.num_rows for n, t in zone.items()}
    client = login_as("analyst", "sysadmin", "researcher")
    every = boards.from_items("", "", [{"indicator": s} for s in sorted(INDICATORS)])  # each indicator's tiles
    board = client.post("/lounge/d/new/", tiles_post(tile_editor.rows_of(every), title="区別の人口",
                                                     sharing="everyone"))
    assert board.status_code == 302
    pk = int(board["Location"].rstrip("/").rsplit("/", 1)[1])

    seen = crawl(client, pk)
    assert max(_published_counts(seen)) >= 500  # the city total is on the page, not only suppressed cells
    found = {url: hits(chunks, ids) for url, chunks in seen.items()}
    assert {url: f for url, f in found.items() if f} == {}

    # the scan is not blind: identifiers planted in the zone reach the pages and are found there
    planted = _plant(ids)
    lounge.refresh_now()
    seen = crawl(client, pk)
    found_planted = set().union(*(hits(chunks, ids) for chunks in seen.values()))
    assert planted <= found_planted, planted - found_planted
    assert hits(seen["get /lounge/i/children_school_district/"], ids) >= planted - {sorted(ids.atena_numbers)[0]}
    assert sorted(ids.atena_numbers)[0] in hits(seen["get /api/lounge/indicators/population_town"], ids)
