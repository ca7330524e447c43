"""A batch of 異動 through ``apply_many``: read and locked once, each command deciding over the ones before it,
written set-wise. The result must be what the same commands give one transaction at a time (j200 history rows,
the outbox, the audit trail, the households), and a batch must cost a bounded number of statements."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jichitai.audit.models import AuditEntry
from jichitai.audit.services import verify
from jichitai.common.checkdigit import make_my_number
from jichitai.registry.domain import (
    NewPerson,
    RecordBirth,
    RecordDeath,
    RecordMoveIn,
    RecordMoveWithin,
)
from jichitai.registry.history import residents_as_of
from jichitai.registry.models import Household, OutboxEvent, Resident, ResidentHistory
from jichitai.registry.services import apply, apply_many
from tests.registry.conftest import move_in_command

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 10)


def _move_in(i: int, **overrides: Any) -> RecordMoveIn:
    values: dict[str, Any] = dict(
        persons=(NewPerson(f"青木 {i}郎", "アオキ イチロウ", dt.date(1980, 1, 1), "M", "世帯主",
                           my_number=make_my_number(40_000_000_000 + i)),),
        banchi=f"{i}番地", moved_on=DAY, notified_on=DAY)
    values.update(overrides)
    return move_in_command(**values)


def test_each_command_sees_the_ones_before_it(household: Any, clerk: Any) -> None:
    """In one batch: a 転居 of the household, a birth into it, the wife's death. The child takes the address the
    転居 gave the household; the wife gets 履歴番号 2 and 3 within the batch (j200); the household row ends as
    the batch leaves it."""
    setai = household.setai_numbers[0]
    head, wife = household.atena_numbers
    moved, born, died = apply_many([
        RecordMoveWithin(moved_on=DAY, notified_on=DAY, atena_numbers=(head, wife), town_code="281100002",
                         banchi="5番地"),
        RecordBirth(moved_on=DAY, notified_on=DAY, setai_number=setai,
                    child=NewPerson("青木 一郎", "アオキ イチロウ", DAY, "M", "子")),
        RecordDeath(moved_on=DAY, notified_on=DAY, atena_number=wife),
    ], actor=clerk)
    assert moved.setai_numbers == [setai]  # a 転居 within the ward keeps the 世帯番号 (j130)
    child = Resident.objects.get(pk=born.atena_numbers[0])
    assert (child.setai_number, child.town_code, child.banchi, child.household_order) == (
        setai, "281100002", "5番地", 3)
    assert list(ResidentHistory.objects.filter(atena_number=wife).order_by("history_no")
                .values_list("history_no", "reason")) == [(1, "move_in_domestic"), (2, "move_within"), (3, "death")]
    assert Resident.objects.get(pk=wife).history_no == 3
    hh = Household.objects.get(pk=setai)
    assert (hh.member_count, hh.head_atena_number, hh.town_code) == (2, head, "281100002")
    assert died.change.entries[0].before.town_code == "281100002"
    assert verify().ok


def test_a_refused_command_is_skipped_and_the_rest_recorded(household: Any, clerk: Any) -> None:
    """Bad input inside a batch (stop_on_error=False): the second 死亡 of one person is refused with its reason
    (標準仕様書 4.2: 既に消除された者), audited, and the commands around it are recorded."""
    wife = household.atena_numbers[1]
    before_hist = ResidentHistory.objects.count()
    done = apply_many([
        RecordDeath(moved_on=DAY, notified_on=DAY, atena_number=wife),
        RecordDeath(moved_on=DAY, notified_on=DAY, atena_number=wife),
        _move_in(1),
    ], actor=clerk, stop_on_error=False)
    assert [a.reason for a in done] == ["death", "move_in_domestic"]
    assert ResidentHistory.objects.count() == before_hist + 2
    refused = AuditEntry.objects.get(outcome="refused")
    assert refused.detail["code"] == "already_dead"
    assert AuditEntry.objects.filter(action="registry.change", outcome="ok").count() == 3  # fixture + 2


def test_a_refusal_with_stop_on_error_writes_nothing(household: Any, clerk: Any) -> None:
    """The whole batch is one transaction: a refusal refuses all of it and leaves only its audit entry."""
    counts = (Resident.objects.count(), ResidentHistory.objects.count(), OutboxEvent.objects.count())
    with pytest.raises(Exception) as info:
        apply_many([_move_in(2), RecordDeath(moved_on=DAY, atena_number="999999999999999")], actor=clerk)
    assert getattr(info.value, "code", "") == "unknown_person"
    assert (Resident.objects.count(), ResidentHistory.objects.count(), OutboxEvent.objects.count()) == counts


def test_a_my_number_recorded_earlier_in_the_batch_is_a_duplicate(towns: Any, clerk: Any) -> None:
    """Bad input: a duplicate 個人番号 (番号法; the registry keeps one person per number) — also when the first
    holder was recorded by an earlier command of the same batch, and not when that holder gave it up."""
    number = make_my_number(41_000_000_001)
    person = (NewPerson("別人 一", "ベツジン ハジメ", dt.date(1990, 1, 1), "M", "世帯主", my_number=number),)
    done = apply_many([_move_in(3, persons=person), _move_in(4, persons=person)], actor=clerk, stop_on_error=False)
    assert len(done) == 1
    assert AuditEntry.objects.get(outcome="refused").detail["code"] == "duplicate_my_number"
    assert Resident.objects.filter(my_number_index__gt="").count() == 1


def test_outbox_and_audit_follow_the_order_of_the_batch(towns: Any, clerk: Any) -> None:
    done = apply_many([_move_in(i) for i in range(10, 16)], actor=clerk)
    events = list(OutboxEvent.objects.order_by("id").values_list("atena_number", flat=True))
    assert events == [a.atena_numbers[0] for a in done]
    audited = [e.resource for e in AuditEntry.objects.filter(action="registry.change").order_by("seq")]
    assert audited == [f"change:{a.change_id}" for a in done]
    assert len({a.setai_numbers[0] for a in done}) == 6
    assert verify().ok


def test_a_batch_costs_a_bounded_number_of_statements(towns: Any, clerk: Any) -> None:
    """Set-based: 40 異動 (転入, then 出生 and 転居 into those households) take about as many statements as one,
    not a few per 異動 (the ≥ 1,000 異動/s target of the issue rests on this)."""
    first = apply_many([_move_in(i) for i in range(100, 140)], actor=clerk)
    commands: list[Any] = []
    for i, a in enumerate(first):
        if i % 2:
            commands.append(RecordBirth(moved_on=DAY, notified_on=DAY, setai_number=a.setai_numbers[0],
                                        child=NewPerson(f"青木 {i}子", "アオキ コ", DAY, "F", "子")))
        else:
            commands.append(RecordMoveWithin(moved_on=DAY, notified_on=DAY, atena_numbers=tuple(a.atena_numbers),
                                             town_code="281010001", banchi=f"{i}番"))
    with CaptureQueriesContext(connection) as one:
        apply(_move_in(999), actor=clerk)
    with CaptureQueriesContext(connection) as many:
        done = apply_many(commands, actor=clerk)
    assert len(done) == 40
    assert len(many.captured_queries) <= len(one.captured_queries) + 8, [q["sql"][:80] for q in many.captured_queries]
    assert len(list(residents_as_of(DAY))) == 40 + 20 + 1  # as of the day: every person once


def test_a_household_emptied_and_refilled_in_one_batch(household: Any, clerk: Any) -> None:
    """A household whose members all move out keeps its row (member count 0); a 転入 into a new household in the
    same batch gets its own. The outbox carries one event per person and change."""
    atenas = tuple(household.atena_numbers)
    setai = household.setai_numbers[0]
    from jichitai.registry.domain import RecordMoveOut

    done = apply_many([
        RecordMoveOut(moved_on=DAY, notified_on=DAY, atena_numbers=atenas, destination_address="東京都千代田区",
                      destination_municipality_code="131016"),
        _move_in(7),
    ], actor=clerk)
    assert Household.objects.get(pk=setai).member_count == 0
    assert Household.objects.get(pk=done[1].setai_numbers[0]).member_count == 1
    assert OutboxEvent.objects.filter(change_id__in=[a.change_id for a in done]).count() == 3


def test_a_batch_locks_the_households_it_names_not_those_whose_number_equals_a_person_s(
        towns: Any, clerk: Any) -> None:
    """宛名番号 and 世帯番号 have one shape and both series start at 1 (j130), so a 世帯番号 may equal a 宛名番号. The
    batch reads and locks (SELECT … FOR UPDATE) the households it names and those of the people it names; a
    household whose number merely equals a named person's 宛名番号 is not among them (it would make concurrent
    batches of unrelated households queue on each other)."""
    from jichitai.registry.workset import WorkingSet

    first, second = apply_many([_move_in(1), _move_in(2)], actor=clerk)
    person = first.atena_numbers[0]
    Household.objects.filter(pk=second.setai_numbers[0]).update(setai_number=person)  # an unrelated 世帯番号 = X
    Resident.objects.filter(pk=second.atena_numbers[0]).update(setai_number=person)
    ws = WorkingSet()
    ws.prefetch([RecordDeath(moved_on=DAY, notified_on=DAY, atena_number=person)])
    assert set(ws.members_of) == {first.setai_numbers[0]}
    assert second.atena_numbers[0] not in ws.people
