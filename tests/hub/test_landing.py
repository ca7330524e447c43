"""Landing: feeds and files reach raw → standard → lounge, once; the lounge holds no identifying data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.hub import feeds, landing
from jichitai.hub.models import FeedEvent

pytestmark = pytest.mark.django_db


def _city(clerk: Any) -> None:
    from jichitai.registry.domain import RecordMoveWithin
    from jichitai.registry.services import apply
    from tests.registry.conftest import move_in_command

    apply(move_in_command(), actor=clerk)
    feeds.relay()
    taro = FeedEvent.objects.filter(payload__name="青木 太郎").values_list("atena_number", flat=True).first()
    apply(RecordMoveWithin(moved_on=dt.date(2026, 11, 20), atena_numbers=(taro,), town_code="281010001",
                           banchi="5番地"), actor=clerk)


def _rows(ident: str, lake: Any) -> Any:
    return lake.load_table(ident).scan().to_arrow()


def test_events_land_in_every_zone_once(towns: Any, clerk: Any, hub_catalogue: None, lake: Any) -> None:
    _city(clerk)
    first = landing.run_cycle(batch_size=2)
    total = FeedEvent.objects.count()
    assert first.landed == {t: total for t in landing.EVENT_TABLES}
    again = landing.run_cycle(batch_size=2)
    assert not again.busy and again.landed == {t: 0 for t in landing.EVENT_TABLES}
    raw = _rows("raw.atena_events", lake)
    assert sorted(raw["cursor"].to_pylist()) == list(FeedEvent.objects.order_by("id").values_list("id", flat=True))
    std = _rows("standard.resident_history", lake)
    assert std.num_rows == total and set(std["school_district"].to_pylist()) == {"こうべ小学校", "住吉小学校"}
    moves = _rows("lounge.movements", lake)
    kinds = sorted(moves["kind"].to_pylist())
    assert kinds.count("move_in") == 2 and kinds.count("ward_change") == 1 and len(kinds) == total
    spells = _rows("lounge.resident_spells", lake).to_pylist()
    taro_spells = sorted((r["valid_from"], r["valid_to"], r["ward_code"]) for r in spells if r["sex"] == "M")
    assert taro_spells == [(dt.date(2026, 11, 1), dt.date(2026, 11, 20), "28110"), (dt.date(2026, 11, 20), None, "28101")]


def test_lounge_holds_no_names_numbers_or_street(towns: Any, clerk: Any, hub_catalogue: None, lake: Any) -> None:
    _city(clerk)
    landing.run_cycle()
    forbidden = {"青木 太郎", "青木 花子", "アオキ タロウ", "123456789018", "1番地", "5番地"}
    atenas = set(FeedEvent.objects.values_list("atena_number", flat=True))
    for ident in ("lounge.movements", "lounge.resident_spells"):
        rows = _rows(ident, lake)
        values = {v for col in rows.columns for v in col.to_pylist() if isinstance(v, str)}
        assert not values & (forbidden | atenas), ident
        assert {"name", "kana", "my_number", "banchi", "katagaki", "birth_date"}.isdisjoint(rows.column_names)
        assert all(d.day == 1 for d in rows["birth_ym"].to_pylist())


def test_replay_rebuilds_a_table_with_the_same_rows(towns: Any, clerk: Any, hub_catalogue: None, lake: Any) -> None:
    _city(clerk)
    landing.run_cycle()
    before = sorted(_rows("standard.resident_history", lake)["event_id"].to_pylist())
    assert landing.replay("standard.resident_history") == FeedEvent.objects.count()
    assert sorted(_rows("standard.resident_history", lake)["event_id"].to_pylist()) == before


def test_duckdb_reads_the_lake_through_pyiceberg(towns: Any, clerk: Any, hub_catalogue: None, lake: Any) -> None:
    _city(clerk)
    landing.run_cycle()
    con = lake.load_table("lounge.movements").scan().to_duckdb("movements")
    got = dict(con.sql("select kind, count(*) from movements group by kind").fetchall())
    assert got["move_in"] == 2 and got["ward_change"] == 1 and sum(got.values()) == FeedEvent.objects.count()


def test_the_cycle_lands_assessments_in_the_lounge_zone_when_they_change(towns: Any, clerk: Any,
                                                                        hub_catalogue: None, lake: Any) -> None:
    """`jichitai hub run` keeps lounge.tax_assessment current (pseudonymised), and lands nothing new while the
    assessments have not changed."""
    from jichitai.registry.models import Resident
    from jichitai.tax.models import Assessment

    _city(clerk)
    atena = Resident.objects.values_list("atena_number", flat=True).first()
    assert atena
    common = dict(fiscal_year=2026, atena_number=atena, ward_code="28110", source="reports", parameters_version="r8",
                  municipality_code="281000", inputs_hash="x", case={}, result={}, taxable=True,
                  total_income=3_000_000, taxable_income=1_500_000, city_income_levy=120_000, pref_income_levy=30_000,
                  city_per_capita=3_900, pref_per_capita=1_800, forest_env_tax=1_000, total=156_700, run_id="t")
    Assessment.objects.create(version=1, **common)
    landing.run_cycle()
    rows = _rows("lounge.tax_assessment", lake).to_pylist()
    assert len(rows) == 1 and rows[0]["income_levy"] == 150_000 and rows[0]["pid"] != atena
    snapshot = lake.load_table("lounge.tax_assessment").current_snapshot().snapshot_id
    landing.run_cycle()
    assert lake.load_table("lounge.tax_assessment").current_snapshot().snapshot_id == snapshot
    Assessment.objects.create(version=2, **{**common, "city_income_levy": 100_000})  # 更正
    landing.run_cycle()
    assert sorted(r["version"] for r in _rows("lounge.tax_assessment", lake).to_pylist()) == [1, 2]


def test_a_lounge_table_landed_before_a_new_column_gains_it(towns: Any, clerk: Any, hub_catalogue: None,
                                                            lake: Any) -> None:
    """Consistency: lounge.tax_assessment created before ``taxable_separate`` (the 課税分離所得金額, issue 19) gains
    the column on the next landing (Iceberg schema evolution, an optional column), and the rows carry it."""
    from pyiceberg.schema import Schema

    from jichitai.hub.outcomes import land_outcomes
    from jichitai.lake.schemas import TAX_ASSESSMENT
    from jichitai.registry.models import Resident
    from jichitai.tax.models import Assessment

    old = Schema(*(f for f in TAX_ASSESSMENT.fields if f.name != "taxable_separate"))
    lake.create_table("lounge.tax_assessment", schema=old)
    _city(clerk)
    atena = Resident.objects.values_list("atena_number", flat=True).first()
    Assessment.objects.create(
        fiscal_year=2026, atena_number=atena, version=1, ward_code="28110", source="final_return:1",
        parameters_version="r8", municipality_code="281000", inputs_hash="x", case={}, result={}, taxable=True,
        total_income=13_000_000, taxable_income=3_500_000, taxable_separate=11_800_000, city_income_levy=1_000_000,
        pref_income_levy=400_000, city_per_capita=3_900, pref_per_capita=1_800, forest_env_tax=1_000,
        total=1_406_700, run_id="t")
    land_outcomes(lake)
    rows = _rows("lounge.tax_assessment", lake).to_pylist()
    assert [r["taxable_separate"] for r in rows] == [11_800_000]


def test_the_marts_read_a_table_landed_before_the_new_column(lake: Any) -> None:
    """Consistency: until the next landing adds it, a lounge.tax_assessment without ``taxable_separate`` reads it
    as null, and the tax mart's 課税標準額 is then the 課税総所得金額 alone (no failure of the refresh)."""
    import pyarrow as pa
    from pyiceberg.schema import Schema

    from jichitai.lake.schemas import TAX_ASSESSMENT
    from jichitai.lounge import marts
    from jichitai.lounge.engines import duckdb_engine
    from jichitai.lounge.source import read_zone

    old = Schema(*(f for f in TAX_ASSESSMENT.fields if f.name != "taxable_separate"))
    table = lake.create_table("lounge.tax_assessment", schema=old)
    table.append(pa.Table.from_pylist([{"pid": "p1", "fiscal_year": 2026, "version": 1, "ward_code": "28110",
                                        "taxable": True, "total_income": 3_000_000, "taxable_income": 1_500_000,
                                        "income_levy": 150_000, "per_capita": 5_700}], schema=old.as_arrow()))
    zone = read_zone(lake, columns={"tax_assessment": marts.COLUMNS["tax_assessment"]})
    assert zone.tables["tax_assessment"]["taxable_separate"].to_pylist() == [None]
    engine = duckdb_engine({"tax_assessment": zone.tables["tax_assessment"]})
    got = engine.run(marts.tax_by_ward(engine.tables, marts.Periods((), ()))).to_pylist()
    assert [r["taxable_income"] for r in got] == [1_500_000]


def test_a_birth_reaches_the_lounge_with_its_mothers_age_band_only(towns: Any, clerk: Any, hub_catalogue: None,
                                                                     lake: Any) -> None:
    """Independent: 青木 花子 (妻, born 1982-12-30) is the mother of a 子 born 2026-12-01 in her household: 43 years
    old that day → 40-44; the lounge's births carry the band, the ward and the child's sex, nothing identifying."""
    from jichitai.registry.domain import NewPerson, RecordBirth
    from jichitai.registry.services import apply
    from tests.registry.conftest import move_in_command

    household = apply(move_in_command(), actor=clerk)
    apply(RecordBirth(moved_on=dt.date(2026, 12, 1), notified_on=dt.date(2026, 12, 3),
                      setai_number=household.setai_numbers[0],
                      child=NewPerson("青木 三郎", "アオキ サブロウ", dt.date(2026, 12, 1), "M", "子")), actor=clerk)
    feeds.relay()
    landing.run_cycle()
    rows = _rows("lounge.births", lake).to_pylist()
    assert rows == [{"event_date": dt.date(2026, 12, 1), "ward_code": "28110", "sex": "M", "mother_band": "40-44"}]


def test_the_town_master_lands_as_a_reference_table_and_follows_its_changes(towns: Any, hub_catalogue: None,
                                                                           lake: Any) -> None:
    """Independent (issue 25: a 町字 by its name): the registry's 住所辞書 (code → 区・町字名・かな) reaches
    ``lounge.towns`` as it is, on a hub cycle even without a 異動; unchanged, nothing is committed; a renamed
    町字 lands again, and so does the name changed back (the batch id is the content, not its history)."""
    from jichitai.registry.models import Town

    landing.run_cycle()
    got = sorted((r["town_code"], r["ward_name"], r["town_name"], r["town_kana"])
                 for r in _rows("lounge.towns", lake).to_pylist())
    assert got == sorted((t["code"], t["ward_name"], t["name"], t["kana"]) for t in towns)
    snaps = len(lake.load_table("lounge.towns").metadata.snapshots)
    assert landing.run_cycle().refreshed == [] and len(lake.load_table("lounge.towns").metadata.snapshots) == snaps
    Town.objects.filter(code="281100002").update(name="三宮町一丁目", kana="サンノミヤチョウイッチョウメ")
    assert landing.run_cycle().refreshed == ["lounge.towns"]
    assert ("281100002", "三宮町一丁目") in {(r["town_code"], r["town_name"]) for r in _rows("lounge.towns", lake).to_pylist()}
    Town.objects.filter(code="281100002").update(name="三宮町", kana="サンノミヤチョウ")
    assert landing.run_cycle().refreshed == ["lounge.towns"]
    assert ("281100002", "三宮町") in {(r["town_code"], r["town_name"]) for r in _rows("lounge.towns", lake).to_pylist()}
