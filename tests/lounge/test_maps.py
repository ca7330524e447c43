"""Issue 25 item 3: the lounge's maps — boundaries read from a city's GeoJSON (simplified with Douglas–Peucker),
synthetic boundaries for the synthetic city, and the choropleth specs built from the *published* figures
(a suppressed cell is 秘匿, never a colour of its own value)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from jichitai.lounge import boundaries, geo, sample_zone
from jichitai.lounge.areas import ward_label


@pytest.fixture(autouse=True)
def _no_boundaries_left(settings: Any) -> Any:
    """Boundaries live under the var dir: each test starts and ends without any (other pages' tests expect
    the schematic ward tiles)."""
    import shutil

    shutil.rmtree(boundaries.folder(), ignore_errors=True)
    boundaries._cache.clear()
    yield
    shutil.rmtree(boundaries.folder(), ignore_errors=True)
    boundaries._cache.clear()


def _square_with_bump(bump: float) -> dict[str, Any]:
    """A 1°×1° square whose top edge has a midpoint raised by ``bump`` (a town in one piece)."""
    ring = [[0, 0], [1, 0], [1, 1], [0.5, 1 + bump], [0, 1], [0, 0]]
    return {"type": "Polygon", "coordinates": [ring]}


def test_douglas_peucker_hand_computed() -> None:
    """Independent: Douglas & Peucker (1973) keep a point iff it lies farther than the tolerance (here 1) from
    the chord of the part it lies in. Worked by hand on (0,0) (1,0.1) (2,−0.2) (3,5) (4,6) (5,7) (6,8.1) (7,9)
    (8,9) (9,9): from the chord (0,0)–(9,9) the farthest is (2,−0.2) at 2.2/√2 = 1.56, kept; (1,0.1) is
    0.4/2.01 = 0.20 from (0,0)–(2,−0.2), dropped; from (2,−0.2)–(9,9) the farthest is (3,5) at
    |7·5.2 − 9.2·1|/11.56 = 2.35, kept; from (3,5)–(9,9) the farthest is (7,9) at |6·4 − 4·4|/7.21 = 1.11,
    kept; (4,6) (5,7) (6,8.1) lie within 0.08 of (3,5)–(7,9) and (8,9) on (7,9)–(9,9): dropped."""
    line = [(0, 0), (1, 0.1), (2, -0.2), (3, 5), (4, 6), (5, 7), (6, 8.1), (7, 9), (8, 9), (9, 9)]
    assert geo.douglas_peucker([(float(x), float(y)) for x, y in line], 1.0) == [
        (0, 0), (2, -0.2), (3, 5), (7, 9), (9, 9)]


def test_a_ring_stays_closed_and_a_small_bump_goes() -> None:
    """Independent: a 0.00005° bump on a 1° square is below the default tolerance (0.0001°) and goes; a 0.01°
    bump stays. The ring stays closed and the outside ring is clockwise (as d3-geo, Vega's projection, reads
    a polygon: the smaller area)."""
    small = geo.simplify(_square_with_bump(0.00005))["coordinates"][0][0]
    big = geo.simplify(_square_with_bump(0.01))["coordinates"][0][0]
    assert len(small) == 5 and len(big) == 6
    for ring in (small, big):
        assert ring[0] == ring[-1]
        assert geo._area2(ring) < 0  # clockwise


def test_a_dense_boundary_shrinks_to_what_the_tolerance_can_show() -> None:
    """Independent (geometry): a circle of radius r drawn with chords whose sagitta is at most t needs chords of
    angle θ = 2·acos(1 − t/r); for r = 0.01° and t = 0.0001° that is 0.283 rad, so at least 2π/θ = 22.2 → 23
    chords. Douglas–Peucker keeps no more than about twice the fewest (it splits greedily), and no vertex
    leaves the circle (the vertices kept are its own, rounded to 1e-5°): 10,000 points become 23 to 46 chords."""
    import math

    n, r, t = 10_000, 0.01, 0.0001
    assert geo.DEFAULT_TOLERANCE == t
    ring = [[135.0 + r * math.cos(2 * math.pi * k / n), 34.7 + r * math.sin(2 * math.pi * k / n)] for k in range(n)]
    ring.append(ring[0])
    out = geo.simplify({"type": "Polygon", "coordinates": [ring]})["coordinates"][0][0]
    assert 23 <= len(out) - 1 <= 46
    assert all(abs(math.hypot(x - 135.0, y - 34.7) - r) < 1e-5 for x, y in out)  # vertices stay on the circle


def test_read_a_city_file_merges_pieces_and_names_the_problem() -> None:
    """Consistency: e-Stat keys concatenated from several properties, a 町字 in two pieces becomes one area,
    and a file without the property or with a point is refused with the feature named."""
    piece = {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]}
    other = {"type": "Polygon", "coordinates": [[[2, 0], [2, 1], [3, 1], [3, 0], [2, 0]]]}
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"PREF": "28", "CITY": "101", "S_AREA": "0010", "S_NAME": "住吉宮町"},
         "geometry": piece},
        {"type": "Feature", "properties": {"PREF": "28", "CITY": "101", "S_AREA": "0010", "S_NAME": "住吉宮町"},
         "geometry": other}]}
    [town] = geo.read(doc, "PREF,CITY,S_AREA", "S_NAME", level="town")
    assert town["properties"] == {"code": "281010010", "name": "住吉宮町"}
    assert len(town["geometry"]["coordinates"]) == 2
    with pytest.raises(geo.BoundaryError, match="1番目の地物に KEY_CODE がありません"):
        geo.read(doc, "KEY_CODE", "S_NAME", level="town")
    doc["features"][1]["geometry"] = {"type": "Point", "coordinates": [0, 0]}
    with pytest.raises(geo.BoundaryError, match="2番目の地物（281010010）: 図形の種類が Point"):
        geo.read(doc, "PREF,CITY,S_AREA", "S_NAME", level="town")
    with pytest.raises(geo.BoundaryError, match="FeatureCollection"):
        geo.read([], "KEY_CODE", "S_NAME", level="town")


def test_synthetic_boundaries_partition_each_ward() -> None:
    """Consistency: one area per 町字, ward and 小学校区 of the sample zone; the towns of a ward cover exactly
    its rectangle (areas add up, no gap, no overlap by area); the same towns give the same map."""
    places = sample_zone.places(sample_zone.SMALL)
    made = geo.synthetic(places)
    assert [len(made[lv]) for lv in ("ward", "town", "school_district")] == [9, 36, 18]
    assert made == geo.synthetic(list(reversed(places)))
    for ward in made["ward"]:
        code = ward["properties"]["code"]
        towns = sum(abs(geo._area2(p[0])) for t in made["town"] if t["properties"]["code"].startswith(code)
                    for p in t["geometry"]["coordinates"])
        assert towns == pytest.approx(abs(geo._area2(ward["geometry"]["coordinates"][0][0])), rel=1e-6)
    # the half-width kana district name is keyed as the marts key it (NFKC)
    assert any(f["properties"]["code"].startswith("ミナト") for f in made["school_district"])


@pytest.mark.postgres
def test_import_command_and_its_errors(tmp_path: Any, settings: Any) -> None:
    """Consistency: the import command stores the simplified boundaries; a missing property is refused in
    words and the stored file is unchanged."""
    path = tmp_path / "wards.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"N03_007": "28101", "N03_005": "東灘区"},
         "geometry": _square_with_bump(0.00001)}]}), encoding="utf-8")
    call_command("lounge", "import-boundaries", str(path), "--level", "ward", "--code-property", "N03_007",
                 "--name-property", "N03_005")
    stored = boundaries.load("ward")
    assert stored is not None and not stored.synthetic and stored.source == "wards.geojson"
    assert [f["properties"]["name"] for f in stored.features] == ["東灘区"]
    with pytest.raises(CommandError, match="KEY_CODE がありません"):
        call_command("lounge", "import-boundaries", str(path), "--level", "ward", "--code-property", "KEY_CODE",
                     "--name-property", "S_NAME")
    assert boundaries.load("ward") == stored


@pytest.mark.postgres
def test_town_map_on_the_page_with_suppressed_cells(login_as: Any, lounge: Any) -> None:
    """Consistency: with the sample zone's synthetic boundaries the 町字 page carries a map of all 36 towns (4
    when a ward is chosen) whose figures are the published ones; a suppressed town is 秘匿 in the map too."""
    from jichitai.lounge import maps

    call_command("lounge", "synthetic-boundaries", "--size", "small")
    client = login_as("counter")
    body = client.get("/lounge/i/population_town/data.json").json()
    published = {r["town_code"]: r["value"] for r in body["rows"] if r["town_code"] != "計"}
    [town_map] = [c for c in body["charts"] if "地図" in str(c["title"])]
    props = [f["properties"] for f in town_map["data"]["values"]]
    assert len(props) == 36
    assert town_map["title"]["subtitle"] == maps.SYNTHETIC_SUBTITLE
    by_name = {p["name"]: p for p in props}
    for place in sample_zone.places(sample_zone.SMALL):
        p = by_name[f"{ward_label(place.ward_code)} {place.name}"]  # named as the 住所辞書 names it
        assert p["value"] == published[place.code]
        assert p["state"] == ("秘匿" if published[place.code] is None else "公表")
    # the sample zone's 小学校区 are small: some are suppressed, and the map says so where the table does
    kids = client.get("/lounge/i/children_school_district/data.json").json()
    hidden = {r["school_district_label"] for r in kids["rows"]
              if r["stage"] == "計" and r["school_district"] != "計" and r["value"] is None}
    [kids_map] = [c for c in kids["charts"] if "地図" in str(c["title"])]
    assert len(kids_map["data"]["values"]) == 18 and hidden
    assert {f["properties"]["name"] for f in kids_map["data"]["values"]
            if f["properties"]["text"] == "秘匿"} == hidden - {"（未設定）"}  # people without a district: no area
    page = client.get("/lounge/i/population_town/?area=28109")
    assert maps.SYNTHETIC_NOTE in page.content.decode()
    ward = client.get("/lounge/i/population_town/data.json?area=28109").json()
    [ward_map] = [c for c in ward["charts"] if "地図" in str(c["title"])]
    assert len(ward_map["data"]["values"]) == 4
