"""支援措置 and 照会抑止 reach what the lake already holds (issue 18 item 2; :mod:`jichitai.hub.lakeshield`).

Sources (stored pages): 総務省「住民基本台帳事務におけるDV等支援措置」
(https://www.soumu.go.jp/main_sosiki/jichi_gyousei/daityo/dv_shien.html: the measure covers 住民基本台帳法第11条・
第11条の2・第12条・第12条の2・第12条の3・第20条, and 「申出者と同一の住所を有する方についても、申出者と併せて
DV等支援措置を実施することを求めることができます」 — the household); さぬき市 (city.sanuki.kagawa.jp/life/registration/
dvsien: 「転出先…の住所等が加害者である配偶者等に明らかになることはありません」 — the measure follows the person).

A household lands in every zone, then a measure starts for one member: no lake table, no lounge output, no
"as of" read of an earlier time and no file left in the warehouse may still give the address (区・町字・番地・
郵便番号) of any member of the household. 住民基本台帳法第12条の3 and the 支援措置 通知 (住民基本台帳事務における
支援措置申出書の様式等について): the protected person's address is given to no one who may not see it; 住民記録
システム標準仕様書 3.4 (j440) and 3.1 (j410: 照会抑止 hides the record from staff, and analysts are staff).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from jichitai.hub import feeds, lakeshield, landing
from jichitai.lake import landing as lake_landing
from jichitai.lounge import source
from tests.registry.conftest import move_in_command

pytestmark = pytest.mark.django_db

# the household's place (tests.registry.conftest.move_in_command): 町字 281100001 (区 28110), 1番地
PROTECTED = ("281100001", "1番地", "こうべ小学校")
ELSEWHERE = "281010001"  # another household, not protected: its address stays


def _values(rows: list[dict[str, Any]]) -> str:
    return repr(rows)


def _land(clerk: Any) -> None:
    feeds.relay_all()
    landing.run_cycle()


def _city(household: Any, clerk: Any) -> dict[str, str]:
    from jichitai.registry.domain import NewPerson
    from jichitai.registry.services import apply

    apply(
        move_in_command(
            persons=(NewPerson("山田 一郎", "ヤマダ イチロウ", dt.date(1970, 3, 3), "M", "世帯主"),),
            town_code=ELSEWHERE,
            banchi="5番地",
        ),
        actor=clerk,
    )
    _land(clerk)
    taro, hanako = household.atena_numbers
    return {"taro": taro, "hanako": hanako, "setai": household.setai_numbers[0]}


def _every_table(lake: Any) -> dict[str, list[dict[str, Any]]]:
    from jichitai.lake import catalog

    return {ident: lake.load_table(ident).scan().to_arrow().to_pylist() for ident in catalog.tables(lake)}


def _reference(ident: str) -> bool:
    """A reference table (the 町字 master), by its identifier, a snapshot of it (@id), its zone name or a file."""
    from jichitai.lake.schemas import REFERENCE_TABLES

    return any(ident.split("@")[0] in (n, f"lounge.{n}") or f"/lounge/{n}/" in ident for n in REFERENCE_TABLES)


def _no_protected_address(tables: dict[str, list[dict[str, Any]]]) -> None:
    from jichitai.registry.models import Town

    for ident, rows in tables.items():
        if _reference(ident):
            # the 町字 master lists every 町字 of the 住所辞書, whoever lives there: it places no one
            assert sorted(r["town_code"] for r in rows) == sorted(Town.objects.values_list("code", flat=True))
            continue
        text = _values(rows)
        for value in PROTECTED:
            assert value not in text, f"{ident} still holds {value}"


def _last_commit(lake: Any) -> dt.datetime:
    """The time of the lake's last commit: an "as of" read then sees everything landed so far."""
    from jichitai.lake import catalog

    ms = max(s.timestamp_ms for i in catalog.tables(lake) for s in lake.load_table(i).metadata.snapshots)
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC)


def test_j440_a_measure_started_after_landing_leaves_no_household_address_in_any_lake_table(
    household: Any, protect: Any, clerk: Any, hub_catalogue: None, lake: Any
) -> None:
    """Independent (住基法第12条の3; 標準仕様書 3.4 j440): the household (太郎 and 花子) lands with its address, then
    花子's 支援措置 starts; after the worker's next cycle no table of any zone — raw, standard, lounge, the tax
    outcome — gives the 町字, 番地 or school district of either of them, and the other household keeps its own."""
    s = _city(household, clerk)
    before = _every_table(lake)
    assert PROTECTED[0] in _values(before["raw.atena_events"]), "the probe must see the address first"
    assert PROTECTED[0] in _values(before["lounge.resident_spells"])
    protect(s["hanako"], "support")
    report = landing.run_cycle()
    assert report.shielded["redacted"] > 0
    after = _every_table(lake)
    _no_protected_address(after)
    assert ELSEWHERE in _values(after["lounge.resident_spells"]) and "5番地" in _values(after["raw.atena_events"])
    assert len(after["standard.resident_history"]) == len(before["standard.resident_history"])  # rows kept, redacted


def test_j440_time_travel_to_before_the_measure_gives_no_household_address(
    household: Any, protect: Any, clerk: Any, hub_catalogue: None, lake: Any
) -> None:
    """Independent (住基法第12条の3; j440): an "as of" read of a time before the measure — the lake's own
    (:func:`jichitai.lake.landing.as_of`), the lounge's (:func:`jichitai.lounge.source.read_zone`), any
    snapshot still listed — and every Parquet file left under the warehouse hold none of the household's address;
    no manifest carries the 町字 as a column bound."""
    s = _city(household, clerk)
    from jichitai.lounge import services as lounge_services

    saved = lounge_services.marts_dir().parent / "as_of" / "computed-before-the-measure"
    saved.mkdir(parents=True, exist_ok=True)
    (saved / "town_population.parquet").write_bytes(b"aggregates of the old snapshots")
    then = _last_commit(lake)
    assert PROTECTED[0] in _values(lake_landing.as_of(lake.load_table("raw.atena_events"), then).to_pylist())
    protect(s["hanako"], "support")
    landing.run_cycle()
    from jichitai.lake import catalog

    for ident in catalog.tables(lake):
        t = lake.load_table(ident)
        _no_protected_address({ident: lake_landing.as_of(t, then).to_pylist()})
        for snap in t.metadata.snapshots:
            _no_protected_address(
                {f"{ident}@{snap.snapshot_id}": t.scan(snapshot_id=snap.snapshot_id).to_arrow().to_pylist()}
            )
            for manifest in snap.manifests(t.io):
                for entry in manifest.fetch_manifest_entry(t.io, discard_deleted=False):
                    bounds = [
                        *(entry.data_file.lower_bounds or {}).values(),
                        *(entry.data_file.upper_bounds or {}).values(),
                    ]
                    assert _reference(ident) or not any(PROTECTED[0].encode() in b for b in bounds), ident
    assert not saved.exists()  # the lounge's saved "as of" marts went with the snapshots they came from
    zone = source.read_zone(lake, as_of=then)
    _no_protected_address({name: t.to_pylist() for name, t in zone.tables.items()})
    warehouse = Path(lake.properties["warehouse"].removeprefix("file://"))
    for path in warehouse.rglob("*.parquet"):
        _no_protected_address({str(path): pq.read_table(path).to_pylist()})


def test_j410_view_suppression_of_one_member_redacts_the_household_in_the_lake(
    household: Any, protect: Any, clerk: Any, hub_catalogue: None, lake: Any
) -> None:
    """Independent (標準仕様書 3.1 j410: 照会抑止 hides the record from staff; analysts are staff): 照会抑止 on
    太郎 alone redacts 花子's rows too (the household's address is his)."""
    s = _city(household, clerk)
    protect(s["taro"], "view")
    landing.run_cycle()
    _no_protected_address(_every_table(lake))


def test_j440_a_member_added_after_the_measure_lands_without_the_address(
    household: Any, protect: Any, clerk: Any, hub_catalogue: None, lake: Any
) -> None:
    """Independent (j440): a child born into the protected household after the measure started lands without
    the address, and the household's earlier rows are redacted on the same cycle."""
    from jichitai.registry.domain import NewPerson, RecordBirth
    from jichitai.registry.services import apply

    s = _city(household, clerk)
    protect(s["hanako"], "support")
    apply(
        RecordBirth(
            moved_on=dt.date.today(),
            setai_number=s["setai"],
            child=NewPerson("青木 次郎", "アオキ ジロウ", dt.date.today(), "M", "子"),
        ),
        actor=clerk,
    )
    _land(clerk)
    tables = _every_table(lake)
    assert any(r["kind"] == "birth" for r in tables["standard.resident_history"])
    _no_protected_address(tables)


def test_consistency_an_extended_measure_changes_nothing_more_and_an_ended_one_restores_nothing(
    household: Any, protect: Any, clerk: Any, hub_catalogue: None, lake: Any, make_staff: Any
) -> None:
    """Consistency (our own rule, docs/security.md): an extension keeps the same people covered, so the next
    cycles rewrite and expire nothing; after the measure ends, rows already redacted stay redacted (the lake
    cannot know the address was not needed) and new events land with their address again."""
    from jichitai.registry import support
    from jichitai.registry.domain import RecordMoveWithin
    from jichitai.registry.services import apply

    s = _city(household, clerk)
    row = protect(s["hanako"], "support", ends_on=dt.date.today() + dt.timedelta(days=20))
    landing.run_cycle()
    snapshots = {
        i: len(lake.load_table(i).metadata.snapshots) for i in lakeshield.ADDRESS_TABLES if lake.table_exists(i)
    }
    drafter, approver = make_staff(roles=["counter"]), make_staff(roles=["supervisor", "support_officer"])
    req = support.propose(drafter, "extend", suppression_id=row.pk, reason="延長の申出")
    support.approve(approver, req.pk)
    report = lakeshield.enforce(lake)
    assert report.redacted == {} and report.expired == {}
    assert snapshots == {i: len(lake.load_table(i).metadata.snapshots) for i in snapshots}
    req = support.propose(drafter, "lift", suppression_id=row.pk, reason="終了の申出")
    support.approve(approver, req.pk)
    apply(
        RecordMoveWithin(
            moved_on=dt.date.today(), atena_numbers=(s["taro"], s["hanako"]), town_code=ELSEWHERE, banchi="9番地"
        ),
        actor=clerk,
    )
    _land(clerk)
    tables = _every_table(lake)
    first = [
        r
        for r in tables["standard.resident_history"]
        if r["atena_number"] in (s["taro"], s["hanako"]) and r["kind"] != "move_within"
    ]
    assert first and not any(r["town_code"] or r["ward_code"] or r["postcode"] for r in first)
    assert "9番地" in _values(tables["raw.atena_events"])


def test_consistency_the_raw_zone_keeps_no_free_text_address_of_a_report(hub_catalogue: None, lake: Any) -> None:
    """Consistency: a 給与支払報告書's 受給者住所 is known only by the 個人番号, which the Shield cannot match, so the
    raw zone keeps no address cell of any received file (the standard zone never had one)."""
    assert "address" in landing.RAW_CELLS_LEFT_OUT and "banchi" in landing.RAW_CELLS_LEFT_OUT


ADDRESS_LIKE = {"ward_code", "town_code", "school_district", "postcode", "previous_ward_code", "previous_town_code",
                "banchi", "katagaki", "address"}
JSON_TEXT = {"raw.atena_events": "payload", "raw.file_rows": "cells"}  # addresses inside JSON text


def test_consistency_every_lake_table_with_an_address_column_is_redacted() -> None:
    """Consistency (the class, not the cases): a lake table of any zone with a column that places a person (区,
    町字, school district, 郵便番号, 番地, 方書, free-text address) or raw JSON that may hold one is in
    :data:`lakeshield.ADDRESS_TABLES`, and each such column is one the redaction empties; a new table or column
    fails here until it is."""
    from jichitai.lake.schemas import LOUNGE_TABLES, REFERENCE_TABLES
    from jichitai.lake.tables import TABLES

    # a reference table (the 町字 master) holds places, not people: nothing in it places a person
    schemas = {**TABLES, **{f"lounge.{name}": schema for name, schema in LOUNGE_TABLES.items()
                            if name not in REFERENCE_TABLES}}
    assert not {"pid", "household_pid"} & {c for n in REFERENCE_TABLES for c in LOUNGE_TABLES[n].column_names}
    for ident, schema in schemas.items():
        placed = set(schema.column_names) & ADDRESS_LIKE
        if ident in JSON_TEXT:
            assert ident in lakeshield.ADDRESS_TABLES and JSON_TEXT[ident] in schema.column_names
            continue
        if placed:
            assert ident in lakeshield.ADDRESS_TABLES, ident
            assert placed <= set(lakeshield.ADDRESS_COLUMNS[ident]), (ident, placed)
