"""The rotation's lake phase (issue 18, "Secrets at rest"): after ``jichitai vault rotate`` the analytics lake's
blind indexes (``standard.salary_report`` / ``standard.pension_report``: ``recipient_index``) are under the new
key, so a report landed before the rotation joins one landed after it on the same person, ``jichitai vault
status`` counts what is left in the lake, a rerun changes nothing, and the retired key's indexes are in no
snapshot and no file of the table any more.

A real local Iceberg catalogue (SQLite catalogue, local warehouse: the ``lake`` fixture) beside PostgreSQL.
Expected values are the 個人番号 and amounts the test itself registered and sent (**independent** of the code
under test) unless a docstring says **consistency**."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command

from jichitai.declarations.models import Declaration
from jichitai.hub import files, outcomes
from jichitai.hub import landing as hub_landing
from jichitai.lake import landing, rekey
from jichitai.lake.pseudonym import Pseudonymiser
from jichitai.lake.retention import referenced_files
from jichitai.lake.schemas import LOUNGE_TABLES
from jichitai.lake.tables import TABLES
from jichitai.registry.models import Resident
from jichitai.rotation import services
from jichitai.tax import reports
from tests.hub.conftest import hub_catalogue, lake, make_system  # noqa: F401 (fixtures)
from tests.registry.conftest import clerk, towns  # noqa: F401 (fixtures)
from tests.vault.test_rotation import PEOPLE, _new_key, city, keys  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

SALARY = "standard.salary_report"
PENSION = "standard.pension_report"
NENKIN = "7000012050002"


def _salary(i: int) -> int:
    return 5_000_000 + i * 1000  # what the city fixture's 給与支払報告書 says person i was paid


def _pension(i: int) -> int:
    return 1_000_000 + i * 1000


def _send_pensions(make_system: Any) -> None:  # noqa: F811
    """A 公的年金等支払報告書 for every person of the city, received and landed (after the rotation)."""
    system, _ = make_system(code="nenkin_key", feeds={"pension-report": None}, my_number=True)
    rows = [{"income_year": 2025, "payer_number": NENKIN, "payer_name": "日本年金機構", "my_number": n,
             "name": f"鍵 {i:02d}", "kana": "カギ タロウ", "birth_date": "1970-01-01",
             "address": "神戸市中央区加納町6丁目5番1号", "pension_paid": _pension(i), "withholding_tax": 0,
             "social_insurance": 0, "spouse": False} for i, n in enumerate(PEOPLE)]
    received = files.receive(system, "pension-report", "nenkin.csv",
                             reports.write_rows(reports.PENSION_REPORT, rows).encode("cp932")).file
    assert received.status == "accepted", received.problems
    assert hub_landing.land_files() == 1


def _indexes(lake: Any, ident: str, snapshot_id: int | None = None) -> set[str]:  # noqa: F811
    t = lake.load_table(ident)
    return set(t.scan(snapshot_id=snapshot_id).to_arrow()["recipient_index"].to_pylist())


def _parquet_values(lake: Any, ident: str) -> set[str]:  # noqa: F811
    """Every recipient_index in every Parquet file under the table's folder, referenced or not (read with
    pyarrow, not through Iceberg)."""
    folder = Path(lake.load_table(ident).location().removeprefix("file://"))
    out: set[str] = set()
    for f in folder.rglob("*.parquet"):
        out |= set(pq.read_table(f, columns=["recipient_index"])["recipient_index"].to_pylist())
    return out


@pytest.fixture
def landed(city: dict[str, Any], lake: Any) -> dict[str, Any]:  # noqa: F811
    """The city's 給与支払報告書 landed in the lake under the key in force (before any rotation)."""
    assert hub_landing.land_files() == 1
    ring = services.keyring()
    return {**city, "old": {n: ring.blind_index(n) for n in PEOPLE}}


def test_the_lake_is_rekeyed_and_a_report_landed_before_joins_one_landed_after(
        landed: dict[str, Any], lake: Any, keys: Path, make_system: Any, capsys: Any) -> None:  # noqa: F811
    """The salary reports landed before the rotation and the pension reports landed after it join on
    ``recipient_index`` into exactly the (salary, pension) pairs the test sent for each person, and the lake's
    index is the registry's index of the resident with that 個人番号; status counts 0 left; the old indexes are
    in no snapshot, and the files of the snapshots before the rotation (data, manifests, manifest lists) are
    deleted."""
    old = landed["old"]
    assert _indexes(lake, SALARY) == set(old.values())
    t = lake.load_table(SALARY)
    before = referenced_files(t, [s.snapshot_id for s in t.metadata.snapshots])
    _new_key(keys)
    counts = services.status()
    assert counts[services.LAKE_INDEXES] == {SALARY: len(PEOPLE)}
    assert services.remaining(counts, services.keyring().key_id) > 0

    done = services.rotate(batch=5)
    assert done.lake == {SALARY: len(PEOPLE)} and done.lake_expired[SALARY] >= 1 and done.lake_files_deleted > 0
    _send_pensions(make_system)

    ring = services.keyring()
    assert _indexes(lake, SALARY) == {ring.blind_index(n) for n in PEOPLE}
    con = duckdb.connect()
    con.register("salary", lake.load_table(SALARY).scan().to_arrow())
    con.register("pension", lake.load_table(PENSION).scan().to_arrow())
    pairs = con.sql("SELECT s.recipient_index, s.amount, p.amount FROM salary s JOIN pension p "
                    "USING (recipient_index)").fetchall()
    assert sorted((a, b) for _, a, b in pairs) == [(_salary(i), _pension(i)) for i in range(len(PEOPLE))]
    by_index = {index: salary for index, salary, _ in pairs}
    for i, n in enumerate(PEOPLE):  # the lake joins the registry too: the resident's row has the same index
        resident = Resident.objects.get(pk=landed["atenas"][n])
        assert by_index[resident.my_number_index] == _salary(i)

    t = lake.load_table(SALARY)
    assert len(t.metadata.snapshots) == 1  # one commit rewrote the table; every snapshot before it expired
    assert t.current_snapshot().summary[landing.BATCH_PROPERTY] == f"vault:{ring.key_id}"
    for snap in t.metadata.snapshots:
        assert not _indexes(lake, SALARY, snap.snapshot_id) & set(old.values())
    assert not _parquet_values(lake, SALARY) & set(old.values())
    assert not any(Path(p.removeprefix("file://")).exists() for p in before)

    counts = services.status()
    assert counts[services.LAKE_INDEXES] == {SALARY: 0, PENSION: 0} and not counts[services.LAKE_HISTORY]
    assert services.remaining(counts, ring.key_id) == 0
    call_command("vault", "status")
    out = capsys.readouterr().out
    assert "分析基盤（旧鍵の索引）: 公的年金等支払報告書（standard.pension_report）0行、" \
           "給与支払報告書（standard.salary_report）0行" in out
    assert "現在の鍵に移っていないもの: 0件" in out


def test_a_rerun_changes_nothing_in_the_lake(landed: dict[str, Any], lake: Any, keys: Path) -> None:  # noqa: F811
    """consistency: the second run finds every lake row under the current key and the table's history already
    cut; it commits nothing (same snapshot, same metadata)."""
    _new_key(keys)
    services.rotate()
    t = lake.load_table(SALARY)
    snapshot, metadata = t.current_snapshot().snapshot_id, t.metadata_location
    again = services.rotate()
    assert again.lake == {} and again.lake_expired == {} and again.lake_files_deleted == 0
    t = lake.load_table(SALARY)
    assert (t.current_snapshot().snapshot_id, t.metadata_location) == (snapshot, metadata)


def test_an_interrupted_lake_phase_resumes(landed: dict[str, Any], lake: Any, keys: Path,  # noqa: F811
                                           monkeypatch: Any) -> None:
    """Stopped in the people phase, the lake is untouched (its rows under the old key, counted by status); a
    rerun rebuilds the map and moves them. Stopped after the lake's rewrite but before its history was cut,
    status still counts the older snapshots, and a rerun expires them."""
    old = set(landed["old"].values())
    _new_key(keys)

    class Stop(Exception):
        pass

    class StopInPeople(services.Silent):
        def advance(self, phase: str, n: int) -> None:
            if phase == "people":
                raise Stop

    with pytest.raises(Stop):
        services.rotate(batch=4, progress=StopInPeople())
    assert _indexes(lake, SALARY) == old
    assert services.status()[services.LAKE_INDEXES] == {SALARY: len(PEOPLE)}

    def crash(t: Any) -> Any:
        raise Stop

    monkeypatch.setattr(rekey, "keep_only_current", crash)
    with pytest.raises(Stop):
        services.rotate(batch=4)
    ring = services.keyring()
    assert _indexes(lake, SALARY) == {ring.blind_index(n) for n in PEOPLE}
    assert any(_indexes(lake, SALARY, s.snapshot_id) & old for s in lake.load_table(SALARY).metadata.snapshots)
    counts = services.status()
    assert counts[services.LAKE_INDEXES] == {SALARY: 0} and counts[services.LAKE_HISTORY][SALARY] >= 1
    assert services.remaining(counts, ring.key_id) > 0
    monkeypatch.undo()
    done = services.rotate(batch=4)
    assert done.lake == {} and done.lake_expired[SALARY] >= 1
    assert not any(_indexes(lake, SALARY, s.snapshot_id) & old for s in lake.load_table(SALARY).metadata.snapshots)
    assert services.remaining(services.status(), ring.key_id) == 0


def _landing_races_the_rewrite(lake: Any, monkeypatch: Any, times: int) -> list[int]:  # noqa: F811
    """Make a landing commit to ``standard.salary_report`` after the rotation read the table and before it commits,
    ``times`` times: a real second commit (another Table object appends a copy of a row as it was landed, under the
    old key: a hub worker not yet restarted). Returns the list the races are counted in."""
    races: list[int] = []
    real = landing.conform

    def racing(table: Any, data: Any) -> Any:
        if table.name() == ("standard", "salary_report") and len(races) < times:
            other = lake.load_table(SALARY)
            other.append(other.scan(limit=1).to_arrow())
            races.append(1)
        return real(table, data)

    monkeypatch.setattr(landing, "conform", racing)
    return races


def test_a_landing_that_races_the_lake_rewrite_loses_nothing(landed: dict[str, Any], lake: Any, keys: Path,  # noqa: F811
                                                             monkeypatch: Any) -> None:
    """A landing that commits between the rotation's read and its commit makes the commit fail (Iceberg's
    optimistic concurrency): the rotation reads again and rewrites the landed row too. Racing every attempt, the
    command stops with a Japanese message and the landed rows are all there; the rerun moves them. Expected rows:
    the 12 the test sent plus one per race (independent)."""
    old = set(landed["old"].values())
    _new_key(keys)
    races = _landing_races_the_rewrite(lake, monkeypatch, times=1)
    services.rotate()
    assert len(races) == 1
    ring = services.keyring()
    rows = lake.load_table(SALARY).scan().to_arrow()["recipient_index"].to_pylist()
    assert len(rows) == len(PEOPLE) + 1 and set(rows) == {ring.blind_index(n) for n in PEOPLE}

    _new_key(keys)
    races = _landing_races_the_rewrite(lake, monkeypatch, times=3)
    with pytest.raises(CommandError, match="競合しました"):
        call_command("vault", "rotate")
    rows = lake.load_table(SALARY).scan().to_arrow()["recipient_index"].to_pylist()
    assert len(rows) == len(PEOPLE) + 4
    monkeypatch.undo()
    services.rotate()
    ring = services.keyring()
    rows = lake.load_table(SALARY).scan().to_arrow()["recipient_index"].to_pylist()
    assert len(rows) == len(PEOPLE) + 4 and set(rows) == {ring.blind_index(n) for n in PEOPLE}
    assert not set(rows) & old


def test_the_lounge_pseudonym_of_a_filer_the_registry_does_not_know_moves_too(
        landed: dict[str, Any], lake: Any, keys: Path) -> None:  # noqa: F811
    """consistency: ``lounge.declarations`` pseudonymises a filer not linked to the registry from their 個人番号's
    blind index (hub.outcomes). After the rotation its row carries the pseudonym the outcomes landing computes now
    from the re-indexed declaration, so the lounge's rows of that filer from before and after the rotation are one
    person; the old pseudonym is in no snapshot; status counts 1 before and 0 after."""
    (d,) = Declaration.objects.all()
    assert d.atena_number == ""  # imported, not linked to a resident
    outcomes.land_outcomes()
    p = Pseudonymiser.for_purpose("lounge")
    old = p(outcomes.unregistered_filer(landed["old"][PEOPLE[0]]))
    t = lake.load_table("lounge.declarations")
    assert t.scan().to_arrow()["pid"].to_pylist() == [old]
    _new_key(keys)
    assert services.status()[services.LAKE_INDEXES]["lounge.declarations"] == 1
    done = services.rotate()
    assert done.lake["lounge.declarations"] == 1
    new = p(outcomes.unregistered_filer(services.keyring().blind_index(PEOPLE[0])))
    assert new != old
    t = lake.load_table("lounge.declarations")
    assert t.scan().to_arrow()["pid"].to_pylist() == [new] == outcomes.declaration_rows(p)["pid"].to_pylist()
    assert all(old not in t.scan(snapshot_id=s.snapshot_id).to_arrow()["pid"].to_pylist()
               for s in t.metadata.snapshots)
    counts = services.status()
    assert counts[services.LAKE_INDEXES]["lounge.declarations"] == 0
    assert services.remaining(counts, services.keyring().key_id) == 0


def test_every_lake_column_named_an_index_is_rekeyed() -> None:
    """consistency (an invariant): a lake column holding a blind index is named ``…_index`` (the registry's
    ``my_number_index``, the reports' ``recipient_index``); each one is listed for the rotation, and each listed
    one exists."""
    named = {(ident, f.name) for ident, schema in TABLES.items() for f in schema.fields if f.name.endswith("_index")}
    named |= {(f"lounge.{name}", f.name) for name, schema in LOUNGE_TABLES.items() for f in schema.fields
              if f.name.endswith("_index")}
    listed = {(ident, column) for ident, columns in rekey.BLIND_INDEX_COLUMNS.items() for column in columns}
    assert named == listed
