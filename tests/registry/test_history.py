"""異動履歴 on the database (j200): snapshot rows per 宛名番号 + 履歴番号, nothing deleted, as-of queries,
取消し stacked (j980)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from jichitai.registry.domain import CancelChange, NewPerson, RecordBirth, RecordDeath, RecordMoveWithin
from jichitai.registry.history import household_as_of, person_history, residents_as_of
from jichitai.registry.models import OutboxEvent, Resident, ResidentHistory
from jichitai.registry.services import apply

pytestmark = pytest.mark.django_db


def test_each_change_appends_a_full_snapshot(household: Any, clerk: Any) -> None:
    taro, hanako = household.atena_numbers
    apply(RecordMoveWithin(moved_on=dt.date(2026, 11, 10), notified_on=dt.date(2026, 11, 11),
                           atena_numbers=(taro, hanako), town_code="281100002", banchi="8番地"), actor=clerk)
    rows = person_history(taro)
    assert [(r.history_no, r.reason, r.banchi) for r in rows] == [(1, "move_in_domestic", "1番地"),
                                                                 (2, "move_within", "8番地")]
    assert rows[1].name == rows[0].name and rows[1].birth_date == rows[0].birth_date  # all items repeated
    assert rows[1].processed_on == timezone.localdate()  # 処理日 = the day it was processed (j480)
    assert Resident.objects.get(pk=taro).history_no == 2


def test_as_of_queries_answer_from_history(household: Any, clerk: Any) -> None:
    """"Who lived in this household on a date?" — from history rows, not the current state."""
    taro, hanako = household.atena_numbers
    setai = household.setai_numbers[0]
    born = apply(RecordBirth(moved_on=dt.date(2026, 11, 10), setai_number=setai,
                             child=NewPerson("青木 一郎", "アオキ イチロウ", dt.date(2026, 11, 10), "M", "子")),
                 actor=clerk)
    apply(RecordDeath(moved_on=dt.date(2026, 11, 20), atena_number=hanako), actor=clerk)
    assert [m["atena_number"] for m in household_as_of(setai, dt.date(2026, 10, 31))] == []
    assert {m["atena_number"] for m in household_as_of(setai, dt.date(2026, 11, 5))} == {taro, hanako}
    assert {m["atena_number"] for m in household_as_of(setai, dt.date(2026, 11, 15))} == {
        taro, hanako, born.atena_numbers[0]}
    assert {m["atena_number"] for m in household_as_of(setai, dt.date(2026, 11, 21))} == {taro, born.atena_numbers[0]}
    assert len(list(residents_as_of(dt.date(2026, 11, 21)))) == 2
    assert len(list(residents_as_of(dt.date(2026, 11, 21), include_removed=True))) == 3


def test_cancel_stacks_rows_and_is_ignored_as_of(household: Any, clerk: Any) -> None:
    """j980: both the cancelled and the cancelling 異動 stay in history; the person is restored."""
    taro, hanako = household.atena_numbers
    death = apply(RecordDeath(moved_on=dt.date(2026, 11, 20), atena_number=hanako), actor=clerk)
    cancel = apply(CancelChange(moved_on=dt.date(2026, 11, 21), change_id=death.change_id), actor=clerk)
    assert cancel.reason == "cancel_increase"
    assert [r.reason for r in person_history(hanako)] == ["move_in_domestic", "death", "cancel_increase"]
    assert Resident.objects.get(pk=hanako).status == "active"
    assert {r["atena_number"] for r in residents_as_of(dt.date(2026, 11, 25))} == {taro, hanako}
    kinds = list(OutboxEvent.objects.filter(atena_number=hanako).order_by("id").values_list("kind", flat=True))
    assert kinds == ["move_in_domestic", "death", "cancel_increase"]


def test_future_move_out_counts_as_resident_until_the_planned_day(household: Any, clerk: Any,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """j50/j1080: a 転出予定者 is a resident until the 転出予定日, when the daily run records the 除票 (異動日 =
    転出予定日; tests/registry/test_departures.py has the rest)."""
    from jichitai.registry import departures
    from jichitai.registry.domain import RecordMoveOut

    hanako = household.atena_numbers[1]
    planned = timezone.localdate() + dt.timedelta(days=10)
    apply(RecordMoveOut(moved_on=planned, atena_numbers=(hanako,), destination_address="京都市",
                        destination_municipality_code="26100"), actor=clerk)
    assert hanako in {r["atena_number"] for r in residents_as_of(planned - dt.timedelta(days=1))}
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: planned)
    departures.make_effective()
    assert hanako in {r["atena_number"] for r in residents_as_of(planned - dt.timedelta(days=1))}
    assert hanako not in {r["atena_number"] for r in residents_as_of(planned)}


@pytest.mark.postgres
def test_history_rows_cannot_be_updated_or_deleted(household: Any) -> None:
    """Nothing is ever deleted (j200): the database refuses UPDATE and DELETE on history rows."""
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    for statement in (lambda: ResidentHistory.objects.update(name="x"), lambda: ResidentHistory.objects.all().delete()):
        with pytest.raises(DatabaseError), transaction.atomic():
            statement()
    assert ResidentHistory.objects.count() == 2
