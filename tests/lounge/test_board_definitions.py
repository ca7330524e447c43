"""Dashboards defined as data (lounge/boards.py) and the figures' words (display.change): the shipped set
parses and covers what a 企画調整局 asks for; a bad definition is refused with the file, the tile and the
reason in words; a KPI's change against the previous period reads as people read it."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.lounge import boards, display
from jichitai.lounge.publish import DERIVED_COLUMNS


def test_change_is_a_percentage_of_the_previous_figure_and_rates_change_in_points() -> None:
    """Independent (arithmetic): 12,000 → 12,180 is +1.5 %; 1,000 → 990 is −1.0 %; a rate 30.0 % → 30.3 % is
    +0.3 percentage points (not +1.0 %); a suppressed figure or a previous 0 cannot be compared."""
    assert display.change(12_180, 12_000, "人") == "+1.5%"
    assert display.change(990, 1_000, "件") == "-1.0%"
    assert display.change(30.3, 30.0, "%") == "+0.3ポイント"
    assert display.change(None, 1_000, "人").startswith("比較できません")
    assert display.change(1_000, None, "人").startswith("比較できません")
    assert display.change(5, 0, "人") == "比較できません（前期が0）"
    assert display.change(4_825_000, 4_825_000, "円") == "+0.0%"


def test_the_shipped_dashboards_cover_what_the_planning_bureau_asks_for() -> None:
    """Consistency (our own files): every shipped file parses, and together they show population, households,
    aging, children, migration, the tax base by ward, declarations and 国保・介護・児童手当; every kind of tile
    is used; every tile has a definition in words."""
    shipped = boards.load_all(None)
    used = {t.indicator for b in shipped.values() for t in b.tiles}
    assert {"population", "households", "single_elderly", "ltc_certification", "children_school_district",
            "child_allowance", "child_allowance_recipients", "vital_events", "migration", "ward_migration",
            "tax_by_ward", "declarations", "nhi"} <= used
    assert {t.kind for b in shipped.values() for t in b.tiles} == set(boards.KINDS)
    for board in shipped.values():
        assert board.title and board.refresh
        assert any(t.kind == "kpi" for t in board.tiles), board.slug
        for t in board.tiles:
            assert "。" in t.definition(), (board.slug, t.title)


@pytest.mark.parametrize(("tile", "words"), [
    ({"kind": "pie", "indicator": "population"}, "表示の種類「pie」はありません"),
    ({"kind": "kpi", "indicator": "nothing"}, "指標「nothing」はありません"),
    ({"kind": "kpi", "indicator": "population", "where": {"colour": "red"}}, "区分「colour」はありません"),
    ({"kind": "kpi", "indicator": "population", "where": {"sex": "X"}}, "区分「性別」に値「X」はありません"),
    ({"kind": "kpi", "indicator": "population", "metric": "income_per"}, "項目「1人あたり課税標準額（円）」はありません"),
    ({"kind": "bar", "indicator": "population", "by": "town_code"}, "区分「町字」はありません"),
    ({"kind": "map", "indicator": "declarations"}, "地図にできません"),
    ("kpi", "タイルは"),
])
def test_a_bad_tile_is_refused_with_the_file_the_tile_and_the_reason(tile: Any, words: str) -> None:
    """Consistency: each refusal names the file and the tile (its position) and says what is wrong."""
    text = boards.yaml.safe_dump({"slug": "mine", "title": "自分用", "tiles": [{"kind": "kpi", "indicator": "population"},
                                                                           tile]}, allow_unicode=True)
    with pytest.raises(boards.BoardError) as refused:
        boards.parse(text, "mine.yaml")
    assert "mine.yaml のタイル2" in str(refused.value) and words in str(refused.value)


@pytest.mark.parametrize(("text", "words"), [
    ("slug: Bad Slug\ntitle: x\ntiles: [{kind: kpi, indicator: population}]", "slug は"),
    ("slug: ok\ntiles: [{kind: kpi, indicator: population}]", "タイトル"),
    ("slug: ok\ntitle: x\ntiles: []", "タイル（tiles）が1つもありません"),
    ("slug: [unclosed", "YAMLとして読めません"),
    ("- just a list", "slug"),
])
def test_a_bad_file_is_refused_in_words(text: str, words: str) -> None:
    with pytest.raises(boards.BoardError, match=words):
        boards.parse(text, "city.yaml")


def test_a_city_file_adds_a_dashboard_and_replaces_a_shipped_one(tmp_path: Any) -> None:
    """Consistency: the city's folder is read after the shipped one; the same slug replaces it."""
    (tmp_path / "kodomo.yaml").write_text(
        "slug: kodomo\ntitle: こども家庭局の指標\ntiles:\n  - {kind: kpi, indicator: child_allowance}\n", encoding="utf-8")
    (tmp_path / "overview.yaml").write_text(
        "slug: overview\ntitle: 本市の概要（市の版）\ntiles:\n  - {kind: kpi, indicator: population}\n", encoding="utf-8")
    found = boards.load_all(tmp_path)
    assert found["kodomo"].origin == "city" and found["kodomo"].tiles[0].title == "児童手当（支給対象児童・受給者・月額）"
    assert found["overview"].title == "本市の概要（市の版）" and found["overview"].origin == "city"
    assert found["population"].origin == "shipped"


def test_a_saved_dashboard_keeps_tiles_and_reads_old_indicator_items() -> None:
    """Consistency: a board saved as items reads back the same tiles; an item saved before tiles existed
    (``{"indicator": slug}``) becomes its figure, its chart, its series and, where it has areas, its map."""
    board = boards.load_all(None)["aging"]
    again = boards.from_items(board.title, board.description, boards.items(board))
    assert again.tiles == board.tiles
    old = boards.from_items("古い保存", "", [{"indicator": "households"}, {"indicator": "declarations"}, {"indicator": "x"}])
    assert [(t.kind, t.indicator) for t in old.tiles] == [
        ("kpi", "households"), ("bar", "households"), ("line", "households"), ("map", "households"),
        ("kpi", "declarations"), ("bar", "declarations"), ("line", "declarations")]


def test_the_derived_columns_named_for_tiles_are_those_publish_derives(zone: Any) -> None:
    """Consistency: the metrics a tile may name (publish.DERIVED_COLUMNS) are exactly the derived columns the
    published tables carry."""
    from jichitai.lounge.indicators import INDICATORS
    from jichitai.lounge.refresh import refresh

    marts = refresh(zone, "duckdb")
    marts.noise_secret = "test-secret"
    for slug in INDICATORS:
        periods = marts.periods_of(slug)
        pub = marts.publish(slug, periods[-1], 10)
        derived = tuple(c for c, _ in pub.derived_columns[1:])
        assert set(DERIVED_COLUMNS.get(slug, ())) == set(derived), slug


def test_a_year_the_data_end_inside_is_partial() -> None:
    """Independent (the calendar): flows of a year are whole only when the data reach 31 December; 「3月末」 is a
    month's last day, any other day is named."""
    import datetime as dt

    from jichitai.lounge.display import through
    from jichitai.lounge.marts import Periods

    p = Periods.span(dt.date(2016, 1, 1), dt.date(2026, 3, 30))
    assert p.partial(2026) == dt.date(2026, 3, 30) and p.partial(2025) is None
    assert Periods.span(dt.date(2016, 1, 1), dt.date(2025, 12, 31)).partial(2025) is None
    assert through(dt.date(2026, 3, 31)) == "3月末" and through(dt.date(2024, 2, 29)) == "2月末"
    assert through(dt.date(2026, 3, 30)) == "3月30日"
