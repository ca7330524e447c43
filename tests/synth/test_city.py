"""`jichitai synth city` end to end on the configured database (PostgreSQL in `make test`): the city goes into
the registry through its service layer, and the same seed gives the same files and the same registry."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from jichitai.registry.models import NumberSeries, OutboxEvent, Resident, ResidentHistory
from jichitai.synth.city import Options, generate
from jichitai.tax import reports

pytestmark = pytest.mark.django_db

SMALL = {"population": 400, "years": 1, "seed": 42, "end": dt.date(2026, 4, 1)}


def empty_registry() -> None:
    """A fresh registry: no residents, number series back at 1 (history is append-only: TRUNCATE on PostgreSQL)."""
    from jichitai.registry.store import own_codes

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("TRUNCATE registry_residenthistory, registry_resident, registry_household, "
                        "registry_outboxevent, registry_town CASCADE")  # and what refers to them
            for seq in ("registry_atena_seq", "registry_setai_seq"):
                cur.execute(f"ALTER SEQUENCE {seq} RESTART WITH 1")
        else:
            for table in ("residenthistory", "resident", "household", "outboxevent", "town"):
                cur.execute(f"DELETE FROM registry_{table}")
    NumberSeries.objects.all().delete()
    own_codes.cache_clear()


def test_same_seed_same_city(tmp_path: Path) -> None:
    empty_registry()
    first = generate(Options(out=tmp_path / "a", **SMALL))
    assert first.refused == {} and first.skipped == {}
    assert sum(first.changes.values()) > 20
    # every change after t0 is in history with its own outbox event (the service layer wrote them)
    assert ResidentHistory.objects.exclude(change_note="合成都市の初期人口（一括移行）").count() >= sum(
        first.changes.values())
    assert OutboxEvent.objects.filter(kind="birth").count() == first.changes["birth"]
    empty_registry()
    second = generate(Options(out=tmp_path / "b", **SMALL))
    assert first.files == second.files
    assert first.registry_sha256 == second.registry_sha256
    empty_registry()
    other = generate(Options(out=tmp_path / "c", **{**SMALL, "seed": 43}))
    assert other.registry_sha256 != first.registry_sha256


def test_files_follow_the_agreed_layouts(tmp_path: Path) -> None:
    empty_registry()
    s = generate(Options(out=tmp_path, **SMALL))
    salary = reports.read_file(reports.SALARY_REPORT, (tmp_path / "kyuyo_shiharai_hokokusho.csv").read_bytes())
    pension = reports.read_file(reports.PENSION_REPORT,
                                (tmp_path / "koteki_nenkin_shiharai_hokokusho.csv").read_bytes())
    assert len(salary) == s.salary_reports > 0 and len(pension) == s.pension_reports > 0
    decls = [json.loads(line) for line in (tmp_path / "declarations.jsonl").read_text("utf-8").splitlines()]
    keys = {"declaration_ref", "channel", "pattern", "my_number", "name", "kana", "birth_date", "address", "case",
            "declared", "attachments"}
    assert decls and all(keys <= set(d) for d in decls)
    assert {d["pattern"] for d in decls} <= {"no_income", "salary_only", "pension_only", "other"}
    with (tmp_path / "declaration_defects.csv").open(encoding="utf-8") as f:
        defects = list(csv.DictReader(f))
    assert {r["declaration_ref"] for r in defects} <= {d["declaration_ref"] for d in decls}
    atena = set(Resident.objects.values_list("atena_number", flat=True))
    for name, column in (("kokuho_shikaku.csv", "宛名番号"), ("jido_teate.csv", "児童宛名番号"),
                         ("kaigo_nintei.csv", "宛名番号")):
        with (tmp_path / name).open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        assert rows, name
        assert {r[column] for r in rows} <= atena, name
    manifest = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    assert manifest["summary"]["registry_sha256"] == s.registry_sha256


def test_child_allowance_stops_when_the_child_moves_out(tmp_path: Path) -> None:
    empty_registry()
    generate(Options(out=tmp_path, population=1500, years=2, seed=7, end=dt.date(2026, 4, 1)))
    removed = dict(Resident.objects.filter(status="removed", removal_reason__in=("move_out_domestic",
                                                                                 "move_out_abroad", "death"))
                   .values_list("atena_number", "removed_on"))
    with (tmp_path / "jido_teate.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    gone = [r for r in rows if r["児童宛名番号"] in removed]
    for r in gone:
        day = removed[r["児童宛名番号"]]
        assert r["支給終了年月"] == f"{day.year:04d}-{day.month:02d}", r
    active = set(Resident.objects.filter(status="active").values_list("atena_number", flat=True))
    # a child still living here is paid on, or stops only in the March after turning 18
    assert all(r["支給終了年月"] in ("",) or r["支給終了年月"].endswith("-03")
               for r in rows if r["児童宛名番号"] in active)
    assert gone, "some children left in two years"


def test_command_prints_a_summary(tmp_path: Path, capsys: Any) -> None:
    empty_registry()
    call_command("synth", "city", "--population", "200", "--years", "1", "--seed", "5", "--out", str(tmp_path))
    out = capsys.readouterr().out
    assert "給与支払報告書" in out and "住民 (最終日)" in out
    assert (tmp_path / "manifest.json").exists()


@pytest.mark.django_db(transaction=True)  # the workers' own connections see only what is committed
def test_two_workers_record_the_same_city_as_one(tmp_path: Path) -> None:
    """Batches recorded side by side by two processes give the registry one process gives: each batch's
    宛名番号/世帯番号 are reserved in batch order, and no batch names a person or household of one in flight.
    The base population, loaded by two processes in chunks, is the same too."""
    if connection.vendor != "postgresql":
        pytest.skip("the embedded SQLite takes one writer at a time (dbcopy.bulk_workers gives 1)")
    city = {"population": 3000, "years": 2, "seed": 5, "end": dt.date(2026, 4, 1), "batch_size": 40,
            "base_chunk": 250}  # about six chunks of households
    from jichitai.registry.models import OutboxEvent

    def events() -> list[tuple[str, str, str]]:  # the hub's events, without their random ids
        return sorted(OutboxEvent.objects.values_list("atena_number", "setai_number", "kind"))

    empty_registry()
    one = generate(Options(out=tmp_path / "one", workers=1, **city))
    one_events = events()
    empty_registry()
    two = generate(Options(out=tmp_path / "two", workers=2, **city))
    assert events() == one_events
    assert sum(one.changes.values()) > 400  # many batches, so two are out at once most of the time
    assert two.changes == one.changes and two.refused == one.refused and two.skipped == one.skipped
    assert two.registry_sha256 == one.registry_sha256
    assert two.files == one.files
