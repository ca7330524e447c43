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
