"""転出 with a future 転出予定日 (j480, j640; 除票 j50; 証明 j1000; 統計 j1080; 取消し j980).

The standard: 転出 is the one 異動 whose 異動日 may be after the processing day (j480/j640); 転出による消除は
転出予定年月日 (or an earlier 転入通知) で行い (j50), 除票となるまでは現存者として残存世帯員とともに続柄も管理 (j50), counted as
現存者 until the 転出予定日 (j1080). Here a 転出届 with a future 転出予定日 leaves the person a resident marked 転出予定;
:class:`CompleteMoveOut` on that day makes the 除票 (the daily run, :mod:`jichitai.registry.departures`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from jichitai.common.wareki import to_wareki
from jichitai.registry.domain import (
    CancelChange,
    Change,
    CompleteMoveOut,
    MemoryLedger,
    NewPerson,
    Person,
    Reason,
    RecordBirth,
    RecordDeath,
    RecordMoveOut,
    RecordMoveWithin,
    RegistryError,
    decide,
)
from jichitai.registry.domain.periods import days, source
from tests.registry.domain.conftest import TODAY, family, move_in, record

PLANNED = TODAY + dt.timedelta(days=10)
TOKYO: dict[str, Any] = dict(destination_address="東京都千代田区永田町1丁目", destination_municipality_code="13101")


def _plan(ledger: MemoryLedger, *atenas: str, on: dt.date = PLANNED, **overrides: Any) -> tuple[str, Change]:
    values: dict[str, Any] = dict(moved_on=on, notified_on=TODAY, atena_numbers=atenas, **TOKYO)
    values.update(overrides)
    return record(ledger, RecordMoveOut(**values))


def _person(ledger: MemoryLedger, atena: str) -> Person:
    person = ledger.person(atena)
    assert person is not None
    return person


def test_future_move_out_keeps_the_person_a_resident_marked_planned(ledger: MemoryLedger) -> None:
    """j640/j50: the 転出届 is recorded (国内転出, 異動日 = 転出予定日) but the person stays 住民, in the household,
    with 続柄; the record carries the 転出予定日 and 転出先住所（予定）."""
    people = family(ledger)
    _, change = _plan(ledger, people["一郎"])
    child = _person(ledger, people["一郎"])
    assert change.reason == Reason.MOVE_OUT_DOMESTIC and change.moved_on == PLANNED
    assert child.status == "active" and child.departure_pending
    assert (child.removed_on, child.removal_reason, child.relationship) == (PLANNED, "", "子")
    assert child.destination_address == "東京都千代田区永田町1丁目"
    assert change.entries[0].destination_class == "県外"
    assert people["一郎"] in {m.atena_number for m in ledger.members(people["setai"])}


def test_planned_day_up_to_the_accepted_span_and_not_beyond(ledger: MemoryLedger) -> None:
    """住民基本台帳法第24条 (あらかじめ届け出る) with the city's accepted span (periods.yaml, 神戸市: 14日前から)."""
    people = family(ledger)
    span = days("move_out_advance_days", TODAY)
    assert span == 14 and "第24条" in source("move_out_advance_days")
    decide(RecordMoveOut(moved_on=TODAY + dt.timedelta(days=span), notified_on=TODAY,
                         atena_numbers=(people["一郎"],), **TOKYO), ledger)
    with pytest.raises(RegistryError) as info:
        decide(RecordMoveOut(moved_on=TODAY + dt.timedelta(days=span + 1), notified_on=TODAY,
                             atena_numbers=(people["一郎"],), **TOKYO), ledger)
    assert info.value.code == "planned_too_far"
    assert info.value.message == (
        f"転出予定日（{to_wareki(TODAY + dt.timedelta(days=15))}）が届出日（{to_wareki(TODAY)}）から14日より先です。"
        "転出届は転出予定日の14日前から受け付けます（住民基本台帳法第24条、本市の受付期間）。")
    assert _person(ledger, people["一郎"]).departure_pending is False


def test_the_span_counts_from_the_notification_day(ledger: MemoryLedger) -> None:
    """A 転出届 received by post five days ago for a day ten days ahead is fifteen days ahead of its 届出日."""
    people = family(ledger)
    with pytest.raises(RegistryError) as info:
        decide(RecordMoveOut(moved_on=TODAY + dt.timedelta(days=10), notified_on=TODAY - dt.timedelta(days=5),
                             atena_numbers=(people["一郎"],), **TOKYO), ledger)
    assert info.value.code == "planned_too_far"


def test_late_move_out_notice_is_ex_officio(ledger: MemoryLedger) -> None:
    """j640: a 転出届 made more than 14 days after the 転出 is recorded 職権, not as a 届出."""
    people = family(ledger)
    moved = TODAY - dt.timedelta(days=15)
    with pytest.raises(RegistryError) as info:
        decide(RecordMoveOut(moved_on=moved, notified_on=TODAY, atena_numbers=(people["一郎"],), **TOKYO), ledger)
    assert info.value.code == "late_move_out" and "職権消除" in info.value.message
    _, change = record(ledger, RecordMoveOut(moved_on=TODAY - dt.timedelta(days=14), notified_on=TODAY,
                                             atena_numbers=(people["一郎"],), **TOKYO))
    assert change.entries[0].after.status == "removed"


def test_past_or_todays_move_out_removes_at_once(ledger: MemoryLedger) -> None:
    """j50: a 転出 whose 転出予定日 is today or past is a 除票 at once."""
    people = family(ledger)
    _, change = _plan(ledger, people["一郎"], on=TODAY)
    child = change.entries[0].after
    assert (child.status, child.removal_reason, child.removed_on) == ("removed", "move_out_domestic", TODAY)


def test_planned_day_makes_the_removal_and_counts_the_move_once(ledger: MemoryLedger) -> None:
    """j50: 転出による消除は転出予定年月日で. The 除票 keeps 消除事由 国内転出; the row's own reason is the system's
    MOVE_OUT_TAKES_EFFECT (so the 転出 is not counted twice)."""
    people = family(ledger)
    _plan(ledger, people["一郎"])
    with pytest.raises(RegistryError) as info:  # before the day: the 異動日 may not be after the 処理日 (j480)
        decide(CompleteMoveOut(moved_on=PLANNED, atena_numbers=(people["一郎"],)), ledger)
    assert info.value.code == "future_move"
    ledger.today = PLANNED
    _, change = record(ledger, CompleteMoveOut(moved_on=PLANNED, atena_numbers=(people["一郎"],)))
    child = _person(ledger, people["一郎"])
    assert change.reason == Reason.MOVE_OUT_TAKES_EFFECT and change.reason.group.value == "消除"
    assert (child.status, child.removal_reason, child.removed_on) == (
        "removed", "move_out_domestic", PLANNED)
    assert child.destination_address == "東京都千代田区永田町1丁目" and not child.departure_pending
    assert change.entries[0].destination_class == "県外"
    assert people["一郎"] not in {m.atena_number for m in ledger.members(people["setai"])}


def test_planned_move_abroad_becomes_a_move_out_abroad(ledger: MemoryLedger) -> None:
    people = family(ledger)
    _plan(ledger, people["一郎"], destination_address="カナダ", destination_municipality_code="99999", abroad=True)
    assert _person(ledger, people["一郎"]).destination_municipality_code == ""
    ledger.today = PLANNED
    _, change = record(ledger, CompleteMoveOut(moved_on=PLANNED, atena_numbers=(people["一郎"],)))
    assert change.entries[0].after.removal_reason == Reason.MOVE_OUT_ABROAD.value
    assert change.entries[0].destination_class == "国外"


def test_completion_needs_a_planned_departure_on_that_day(ledger: MemoryLedger) -> None:
    people = family(ledger)
    with pytest.raises(RegistryError) as info:
        decide(CompleteMoveOut(moved_on=TODAY, atena_numbers=(people["一郎"],)), ledger)
    assert info.value.code == "no_planned_departure"
    _plan(ledger, people["一郎"])
    ledger.today = PLANNED + dt.timedelta(days=2)
    with pytest.raises(RegistryError) as info:
        decide(CompleteMoveOut(moved_on=PLANNED + dt.timedelta(days=1), atena_numbers=(people["一郎"],)), ledger)
    assert info.value.code == "planned_date_mismatch"


def test_head_leaving_one_member_behind_hands_over_on_the_day(ledger: MemoryLedger) -> None:
    """j490: the one remaining member becomes 世帯主 — when the 世帯主 actually leaves (j50: until then both
    keep their 続柄)."""
    _, change = move_in(ledger, NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主"),
                        NewPerson("青木 花子", "アオキ ハナコ", dt.date(1982, 12, 30), "F", "妻"))
    taro, hanako = (e.after.atena_number for e in change.entries)
    _plan(ledger, taro)
    assert (_person(ledger, taro).relationship, _person(ledger, hanako).relationship) == ("世帯主", "妻")
    ledger.today = PLANNED
    _, done = record(ledger, CompleteMoveOut(moved_on=PLANNED, atena_numbers=(taro,)))
    assert _person(ledger, hanako).relationship == "世帯主"
    assert {e.after.atena_number for e in done.entries} == {taro, hanako}


def test_head_leaving_two_or_more_behind_must_change_head_first(ledger: MemoryLedger) -> None:
    """j490: 残存世帯員が2人以上 → 世帯主変更 before the 異動 (a future one cannot name the head for later)."""
    people = family(ledger)
    with pytest.raises(RegistryError) as info:
        decide(RecordMoveOut(moved_on=PLANNED, notified_on=TODAY, atena_numbers=(people["太郎"],),
                             remaining_head=people["花子"], **TOKYO), ledger)
    assert info.value.code == "head_change_first" and "先に世帯主変更" in info.value.message
    _plan(ledger, people["太郎"], people["花子"], people["一郎"], people["梅"])  # the whole household may go


def test_no_relationship_changes_before_the_planned_day(ledger: MemoryLedger) -> None:
    people = family(ledger)
    with pytest.raises(RegistryError) as info:
        decide(RecordMoveOut(moved_on=PLANNED, notified_on=TODAY, atena_numbers=(people["梅"],),
                             relationships={people["一郎"]: "孫"}, **TOKYO), ledger)
    assert info.value.code == "relationships_at_planned_departure"


def test_household_grown_since_blocks_the_removal_until_the_head_changes(ledger: MemoryLedger) -> None:
    """A birth after the 転出届 leaves two behind the departing 世帯主: the day's 消除 is refused (j490) until a
    世帯主変更 is recorded."""
    _, change = move_in(ledger, NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主"),
                        NewPerson("青木 花子", "アオキ ハナコ", dt.date(1982, 12, 30), "F", "妻"))
    taro = change.entries[0].after.atena_number
    setai = change.entries[0].after.setai_number
    _plan(ledger, taro)
    record(ledger, RecordBirth(moved_on=TODAY, notified_on=TODAY, setai_number=setai,
                               child=NewPerson("青木 三郎", "アオキ サブロウ", TODAY, "M", "子")))
    ledger.today = PLANNED
    with pytest.raises(RegistryError) as info:
        decide(CompleteMoveOut(moved_on=PLANNED, atena_numbers=(taro,)), ledger)
    assert info.value.code == "no_head" and "先に世帯主変更" in info.value.message


def test_no_second_move_out_or_move_within_while_planned(ledger: MemoryLedger) -> None:
    people = family(ledger)
    _plan(ledger, people["一郎"])
    with pytest.raises(RegistryError) as info:
        decide(RecordMoveOut(moved_on=PLANNED + dt.timedelta(days=1), notified_on=TODAY,
                             atena_numbers=(people["一郎"],), **TOKYO), ledger)
    assert info.value.code == "departure_pending" and to_wareki(PLANNED) in info.value.message
    with pytest.raises(RegistryError) as info:
        decide(RecordMoveWithin(moved_on=TODAY, atena_numbers=(people["一郎"],), town_code="281100002",
                                banchi="5番地"), ledger)
    assert info.value.code == "departure_pending"


def test_cancel_before_the_planned_day_returns_them(ledger: MemoryLedger) -> None:
    """j980: 転出の取消し is 異動取消（増） and returns the record to before the 転出届."""
    people = family(ledger)
    before = ledger.person(people["一郎"])
    move_out_id, _ = _plan(ledger, people["一郎"])
    _, cancel = record(ledger, CancelChange(moved_on=TODAY, change_id=move_out_id))
    assert cancel.reason == Reason.CANCEL_INCREASE and cancel.cancels == move_out_id
    assert ledger.person(people["一郎"]) == before
    ledger.today = PLANNED
    with pytest.raises(RegistryError) as info:
        decide(CompleteMoveOut(moved_on=PLANNED, atena_numbers=(people["一郎"],)), ledger)
    assert info.value.code == "no_planned_departure"


@pytest.mark.parametrize("target", ["move_out", "completion"])
def test_cancel_after_the_planned_day_cancels_the_removal_too(ledger: MemoryLedger, target: str) -> None:
    """j980: 転出予定年月日の到来後の転出 can be cancelled as well; choosing either the 転出 or its 消除 returns
    the 世帯主 to the household as before the 転出届, and the 消除 row is the one marked cancelled."""
    _, change = move_in(ledger, NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主"),
                        NewPerson("青木 花子", "アオキ ハナコ", dt.date(1982, 12, 30), "F", "妻"))
    taro, hanako = (e.after.atena_number for e in change.entries)
    before = (ledger.person(taro), ledger.person(hanako))
    move_out_id, _ = _plan(ledger, taro)
    ledger.today = PLANNED
    completion_id, _ = record(ledger, CompleteMoveOut(moved_on=PLANNED, atena_numbers=(taro,)))
    chosen = move_out_id if target == "move_out" else completion_id
    _, cancel = record(ledger, CancelChange(moved_on=PLANNED, change_id=chosen))
    assert cancel.reason == Reason.CANCEL_INCREASE and cancel.cancels == completion_id
    assert (ledger.person(taro), ledger.person(hanako)) == before
    assert ledger.changes[completion_id].cancelled


def test_death_before_the_planned_day_is_a_death(ledger: MemoryLedger) -> None:
    people = family(ledger)
    _plan(ledger, people["梅"])
    _, change = record(ledger, RecordDeath(moved_on=TODAY, atena_number=people["梅"]))
    after = change.entries[0].after
    assert (after.status, after.removal_reason, after.removed_on, after.destination_address) == (
        "removed", "death", TODAY, "")


def test_a_pending_mark_is_only_on_residents(ledger: MemoryLedger) -> None:
    """departure_pending reads the record: a 除票's 消除日 is no 転出予定."""
    people = family(ledger)
    person = _person(ledger, people["一郎"])
    assert not person.departure_pending
    assert replace(person, removed_on=PLANNED).departure_pending
    assert not replace(person, status="removed", removed_on=PLANNED).departure_pending
