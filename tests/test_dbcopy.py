"""dbcopy.copy_rows: what is COPYed reads back as what was given — timestamps in any zone, dates, UUIDs, text
already in ISO form, NULLs and JSON — through PostgreSQL's COPY, where dbcopy formats dates, timestamps and UUIDs
itself (each distinct one once). (The embedded SQLite takes bulk_create, which sets auto_now_add columns itself.)"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection

from jichitai.dbcopy import copy_rows
from jichitai.registry.models import OutboxEvent

pytestmark = pytest.mark.django_db

JST = dt.timezone(dt.timedelta(hours=9))


def test_copied_values_read_back_as_given() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    at_utc = dt.datetime(2026, 3, 31, 15, 0, 0, 123456, tzinfo=dt.UTC)
    same_instant_jst = at_utc.astimezone(JST)  # equal to at_utc: shares its memo entry, the same instant either way
    later_jst = dt.datetime(2026, 4, 1, 9, 30, tzinfo=JST)
    ids = [uuid.uuid4() for _ in range(8)]
    rows = [
        {"event_id": ids[0], "change_id": ids[1], "kind": "move_in", "atena_number": "1", "setai_number": "9",
         "occurred_on": dt.date(2026, 4, 1), "created_at": at_utc, "payload": {"on": "2026-04-01", "n": 1}},
        {"event_id": ids[2], "change_id": ids[1], "kind": "move_in", "atena_number": "2", "setai_number": "9",
         "occurred_on": dt.date(2026, 4, 1), "created_at": same_instant_jst, "payload": {}},
        {"event_id": str(ids[3]), "change_id": ids[4], "kind": "birth", "atena_number": "3", "setai_number": "9",
         "occurred_on": "2024-02-29", "created_at": later_jst, "payload": {"names": ["髙橋", "﨑"]}},
        {"event_id": ids[5], "change_id": ids[6], "kind": "death", "atena_number": "4", "setai_number": "8",
         "occurred_on": dt.date(1999, 12, 31), "created_at": later_jst.isoformat(), "payload": {"x": None}},
    ]
    copy_rows(OutboxEvent, rows)
    got = {e.atena_number: e for e in OutboxEvent.objects.all()}
    assert [got[a].event_id for a in "1234"] == [ids[0], ids[2], ids[3], ids[5]]
    assert [got[a].change_id for a in "1234"] == [ids[1], ids[1], ids[4], ids[6]]
    assert [got[a].occurred_on for a in "1234"] == [dt.date(2026, 4, 1), dt.date(2026, 4, 1),
                                                   dt.date(2024, 2, 29), dt.date(1999, 12, 31)]
    assert [got[a].created_at for a in "1234"] == [at_utc, at_utc, later_jst, later_jst]
    assert got["3"].payload == {"names": ["髙橋", "﨑"]} and got["4"].payload == {"x": None}


def test_with_keys_selects_exactly_the_keys_given() -> None:
    """dbcopy.with_keys: the rows whose column is one of the keys, and no other — whatever the number of keys,
    with none, and with a key holding a comma (sent as an array then) — on PostgreSQL as one parameter and on
    SQLite through ``__in`` (consistency: the expected set is the keys themselves)."""
    from jichitai.dbcopy import with_keys

    atenas = [f"{n:015d}" for n in range(1, 41)] + ["a,b"]
    copy_rows(OutboxEvent, [
        {"event_id": uuid.uuid4(), "change_id": uuid.uuid4(), "kind": "move_in", "atena_number": a,
         "setai_number": "9", "occurred_on": dt.date(2026, 4, 1), "created_at": dt.datetime(2026, 4, 1, tzinfo=JST),
         "payload": {}} for a in atenas])

    def chosen(keys: list[str]) -> set[str]:
        return set(with_keys(OutboxEvent.objects, "atena_number", keys).values_list("atena_number", flat=True))

    assert chosen(atenas[::3]) == set(atenas[::3])
    assert chosen([]) == set()
    assert chosen(["a,b", atenas[0], "missing"]) == {"a,b", atenas[0]}
    assert chosen(atenas) == set(atenas)


def test_copy_rows_with_ids_returns_the_keys_of_the_rows_in_their_order() -> None:
    """dbcopy.copy_rows_with_ids: each key returned is the primary key of the row given at the same position,
    new keys do not collide with a later ordinary insert (drawn from the table's own sequence), and a child row
    written with a returned key joins its parent (consistency: the expected rows are the ones given)."""
    from jichitai.dbcopy import copy_rows_with_ids
    from jichitai.tax.collection.models import CollectionInstalment, CollectionSchedule
    from jichitai.tax.models import Assessment

    a = Assessment.objects.create(fiscal_year=2026, atena_number="1", version=1, ward_code="", source="none",
                                  parameters_version="p", municipality_code="281000", engine="numpy",
                                  inputs_hash="h", case={}, figures=[], notes=[], taxable=False,
                                  total_income=0, taxable_income=0, city_income_levy=0, pref_income_levy=0,
                                  city_per_capita=0, pref_per_capita=0, forest_env_tax=0, total=0, run_id="r",
                                  created_at=dt.datetime(2026, 5, 15, tzinfo=JST))
    rows = [{"fiscal_year": 2026, "atena_number": f"{n:015d}", "assessment_id": a.pk, "assessment_version": 1,
             "annual": n * 1000, "salary_total": 0, "pension_total": 0, "pension_tax": 0, "ordinary_total": n * 1000,
             "refund": 0, "notes": [f"注記{n}"], "current": True, "notice_on": dt.date(2026, 5, 15), "run_id": "r",
             "created_at": dt.datetime(2026, 5, 15, tzinfo=JST)} for n in range(1, 26)]
    ids = copy_rows_with_ids(CollectionSchedule, rows)
    assert len(set(ids)) == 25
    got = {s.pk: s for s in CollectionSchedule.objects.all()}
    assert [(got[i].atena_number, got[i].annual, got[i].notes) for i in ids] == \
        [(r["atena_number"], r["annual"], r["notes"]) for r in rows]
    later = CollectionSchedule.objects.create(**{**rows[0], "atena_number": "x", "current": False})
    assert later.pk not in ids
    copy_rows(CollectionInstalment, [{"schedule_id": ids[4], "fiscal_year": 2026, "method": "ordinary",
                                      "label": "第1期", "month": dt.date(2026, 6, 1), "due": dt.date(2026, 6, 30),
                                      "amount": 5000, "payer_number": "", "payer_name": "", "position": 0}])
    assert CollectionInstalment.objects.get().schedule.atena_number == rows[4]["atena_number"]
