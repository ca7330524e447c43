"""The mart refresh (issue 7, performance): what it reads, what it keeps, and that its shortcuts give the
answers of the plain computation — the refresh reads only the marts' columns, four population marts share one
stage, the latest assessment is found among the corrected ones only, and the published tables are kept with
the marts by snapshot."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pytest

from jichitai.lake.schemas import LOUNGE_TABLES
from jichitai.lounge.ages import age_at, age_band, eve
from jichitai.lounge.engines import duckdb_engine
from jichitai.lounge.marts import COLUMNS, MARTS, UNASSIGNED, Periods, tax_by_ward
from jichitai.lounge.refresh import MartSet, periods_of, publish_all, refresh
from jichitai.lounge.source import normalise, read_zone


def rows(table: pa.Table) -> list[tuple[Any, ...]]:
    return sorted(tuple(r.values()) for r in table.to_pylist())


@pytest.fixture(scope="module")
def full(zone: Any) -> MartSet:
    marts = refresh(zone, "duckdb")
    marts.noise_secret = "test-cell-key-secret"
    return marts


def test_reading_only_the_marts_columns_gives_the_same_marts(lounge_catalog: Any, full: MartSet) -> None:
    narrow_zone = read_zone(lounge_catalog, columns=COLUMNS)
    unread = read_zone(lounge_catalog, columns={t: c for t, c in COLUMNS.items() if t != "nhi_enrolment"})
    assert "nhi_enrolment" not in unread.tables  # a table no mart reads is not read
    assert unread.lineage["nhi_enrolment"].rows > 0  # its snapshot is still recorded, with its rows
    assert set(narrow_zone.tables["tax_assessment"].column_names) == set(COLUMNS["tax_assessment"])
    narrow = refresh(narrow_zone, "duckdb")
    for name in MARTS:
        assert rows(narrow.tables[name]) == rows(full.tables[name]), name


def test_the_columns_list_names_only_real_columns() -> None:
    for table, columns in COLUMNS.items():
        assert set(columns) <= set(LOUNGE_TABLES[table].column_names), table


def _per_date(zone: Any, periods: Periods, shape: str) -> pa.Table:
    """The population marts computed straight from the spells, one scan per date (the plain way)."""
    eng = duckdb_engine(zone.tables)
    parts = []
    for d in periods.dates:
        s = eng.tables["resident_spells"]
        s = s.filter((s.valid_from <= d) & (s.valid_to.isnull() | (s.valid_to > d)))
        age = age_at(s.birth_ym, eve(d))
        ref = ibis.literal(d, type="date")
        if shape == "population":
            parts.append(s.group_by(ref_date=ref, ward_code=s.ward_code, sex=s.sex, age_band=age_band(age))
                         .aggregate(n=s.count()))
        elif shape == "population_town":
            parts.append(s.group_by(ref_date=ref, ward_code=s.ward_code, town_code=s.town_code)
                         .aggregate(n=s.count()))
        elif shape == "population_age":
            parts.append(s.group_by(ref_date=ref, ward_code=s.ward_code, sex=s.sex,
                                    age=ibis.least(age, 100).cast("int32")).aggregate(n=s.count()))
        else:
            k = s.filter(age < 15)
            a = age_at(k.birth_ym, eve(d))
            stage = ibis.cases((a < 6, "0〜5歳"), (a < 12, "6〜11歳"), else_="12〜14歳")
            parts.append(k.group_by(ref_date=ref, school_district=k.school_district.fill_null(UNASSIGNED),
                                    stage=stage).aggregate(n=k.count()))
    return eng.run(ibis.union(*parts))


@pytest.mark.parametrize("mart", ["population", "population_town", "population_age",
                                  "children_by_school_district"])
def test_the_population_marts_from_the_shared_stage_equal_the_plain_computation(zone: Any, full: MartSet,
                                                                               mart: str) -> None:
    assert full.tables[mart].num_rows > 0
    assert rows(full.tables[mart]) == rows(_per_date(zone, periods_of(zone), mart))


def _assessments(*rows_: tuple[str, int, int, str, bool, int, int]) -> pa.Table:
    names = ("pid", "fiscal_year", "version", "ward_code", "taxable", "taxable_income", "income_levy",
             "taxable_separate")
    columns = [*zip(*rows_, strict=True), [0] * len(rows_)]
    schema = LOUNGE_TABLES["tax_assessment"].as_arrow()
    return normalise(pa.table({n: pa.array(c, type=schema.field(n).type) for n, c in zip(names, columns,
                                                                                          strict=True)}))


def test_the_latest_assessment_supersedes_the_earlier_versions() -> None:
    """個人住民税: an 更正 (version 2, 3) replaces the earlier assessment of that person and year; a person with
    one version counts as assessed; a correction to 非課税 removes the taxpayer."""
    data = _assessments(
        ("a", 2026, 1, "28101", True, 1_000_000, 100_000),
        ("a", 2026, 2, "28101", True, 2_000_000, 200_000),  # 更正
        ("b", 2026, 1, "28101", True, 3_000_000, 300_000),
        ("c", 2026, 1, "28102", True, 4_000_000, 400_000),
        ("c", 2026, 2, "28102", True, 5_000_000, 500_000),
        ("c", 2026, 3, "28102", False, 0, 0),  # 更正 to 非課税
        ("a", 2025, 1, "28101", True, 700_000, 70_000),  # another year: its own latest
        ("d", 2026, 2, "28102", True, 900_000, 90_000),  # only a corrected version was landed
    )
    eng = duckdb_engine({"tax_assessment": data})
    got = rows(eng.run(tax_by_ward(eng.tables, Periods((dt.date(2026, 1, 1),), (2026,)))))
    assert got == [(2025, "28101", 1, 700_000, 70_000), (2026, "28101", 2, 5_000_000, 500_000),
                   (2026, "28102", 1, 900_000, 90_000)]


def test_saved_marts_keep_their_published_tables(full: MartSet, tmp_path: Path) -> None:
    published = full.prepublish(10)
    assert published > 0
    full.save(tmp_path / "marts")
    loaded = MartSet.load(tmp_path / "marts")
    assert loaded is not None
    loaded.noise_secret = full.noise_secret
    assert len(loaded._published) == published
    assert publish_all(loaded, 10) == publish_all(full, 10)
    assert loaded.periods_of("population") == full.periods_of("population")
