"""転出による消除 on the earlier of the 転出予定年月日 and the 転入通知's 転入日 (標準仕様書 1.1.5 j50), the 転出予定年月日
kept (4.1.3.1.1 j680): :class:`ApplyMoveInNoticeDay`, pure.

j50 【実装すべき機能】: 「転出による消除については、転出予定年月日又は転入通知に記載された転入日のいずれか早い日で消除すること。」
j680: 「転出処理において入力した転出先住所（予定）及び異動日（すなわち転出予定年月日）は上書きせず、新たに入力した情報とともに
保持すること。」
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.registry.domain import (
    ApplyMoveInNoticeDay,
    CompleteMoveOut,
    MemoryLedger,
    Person,
    Reason,
    RecordDeath,
    RecordMoveOut,
    RegistryError,
    decide,
)
from tests.registry.domain.conftest import TODAY, family, record

PLANNED = TODAY + dt.timedelta(days=10)          # 転出予定年月日 (the 転出届 was made today)
MOVED_IN = TODAY - dt.timedelta(days=1)           # the 転入通知's 転入日: before the 転出予定日
TOKYO: dict[str, Any] = dict(destination_address="東京都千代田区永田町1丁目", destination_municipality_code="13101")


def _person(ledger: MemoryLedger, atena: str) -> Person:
    person = ledger.person(atena)
    assert person is not None
    return person


def _plan(ledger: MemoryLedger, atena: str, on: dt.date = PLANNED) -> None:
    record(ledger, RecordMoveOut(moved_on=on, notified_on=min(on, ledger.today), atena_numbers=(atena,), **TOKYO))


def test_a_planned_departure_is_removed_on_the_earlier_move_in_day(ledger: MemoryLedger) -> None:
    """Independent (j50 「いずれか早い日で消除」; j680 「異動日（すなわち転出予定年月日）は上書きせず」): a 転出予定者 whose
    転入通知 says they moved in the day before today becomes a 除票 now, its 転出年月日 that day, its 転出予定年月日 and
    転出先住所（予定）as the 転出届 gave them; the 異動日 of the 消除 is the 転入日."""
    people = family(ledger)
    _plan(ledger, people["一郎"])
    _, change = record(ledger, ApplyMoveInNoticeDay(moved_on=MOVED_IN, notified_on=TODAY, atena_number=people["一郎"]))
    child = _person(ledger, people["一郎"])
    assert change.reason == Reason.MOVE_OUT_TAKES_EFFECT and change.moved_on == MOVED_IN
    assert (child.status, child.removal_reason, child.moved_out_on, child.removed_on) == (
        "removed", "move_out_domestic", MOVED_IN, PLANNED)
    assert child.destination_address == TOKYO["destination_address"]
    assert people["一郎"] not in {m.atena_number for m in ledger.members(people["setai"])}


def test_a_removal_on_the_planned_day_gets_the_earlier_move_in_day_as_a_correction(ledger: MemoryLedger) -> None:
    """Independent (j50, j680): removed on its 転出予定日 by the daily run, then the 転入通知 says 3 days earlier:
    a 修正 of its own (the system's code 転出年月日の修正（転入通知）) sets the 転出年月日 to the 転入日; the 転出予定年月日
    stays, and so does the earlier row (the ledger keeps both snapshots)."""
    people = family(ledger)
    _plan(ledger, people["一郎"])
    ledger.today = PLANNED + dt.timedelta(days=5)
    _, taken = record(ledger, CompleteMoveOut(moved_on=PLANNED, atena_numbers=(people["一郎"],)))
    assert taken.entries[0].after.moved_out_on == PLANNED  # the 転出予定年月日 when no notice came first
    earlier = PLANNED - dt.timedelta(days=3)
    _, change = record(ledger, ApplyMoveInNoticeDay(moved_on=earlier, atena_number=people["一郎"]))
    (entry,) = change.entries
    assert change.reason == Reason.MOVE_OUT_DAY_BY_NOTICE and change.reason.group.value == "修正"
    assert not change.requires_approval  # the notice's consequence, not a 職権 judgement
    assert (entry.before.moved_out_on, entry.after.moved_out_on) == (PLANNED, earlier)
    assert entry.after.removed_on == PLANNED and entry.after.status == "removed"


def test_a_move_out_day_already_past_is_corrected_too(ledger: MemoryLedger) -> None:
    """Independent (j50): a 転出届 made after the move (転出予定日 in the past, removed at once) with a 転入通知 a week
    earlier: the 転出年月日 follows the notice."""
    people = family(ledger)
    _plan(ledger, people["一郎"], on=TODAY - dt.timedelta(days=2))
    assert _person(ledger, people["一郎"]).moved_out_on == TODAY - dt.timedelta(days=2)
    record(ledger, ApplyMoveInNoticeDay(moved_on=TODAY - dt.timedelta(days=9), atena_number=people["一郎"]))
    assert _person(ledger, people["一郎"]).moved_out_on == TODAY - dt.timedelta(days=9)


def test_a_move_in_day_on_or_after_the_removal_day_changes_nothing(ledger: MemoryLedger) -> None:
    """Independent (j50: the earlier day wins, so a 転入日 on or after the 転出予定日 leaves it): refused, precisely,
    nothing changed; the service does not even ask (move_in_receipts.receive)."""
    people = family(ledger)
    _plan(ledger, people["一郎"], on=TODAY)
    for day in (TODAY, TODAY + dt.timedelta(days=1)):
        ledger.today = TODAY + dt.timedelta(days=3)
        with pytest.raises(RegistryError) as info:
            decide(ApplyMoveInNoticeDay(moved_on=day, atena_number=people["一郎"]), ledger)
        assert info.value.code == "not_earlier"
    assert _person(ledger, people["一郎"]).moved_out_on == TODAY


def test_only_a_domestic_move_out(ledger: MemoryLedger) -> None:
    """Bad input (j50 speaks of 転出による消除 and the 転入通知 comes from a 市区町村 of Japan): a resident without a
    転出届 and a person who died are refused."""
    people = family(ledger)
    record(ledger, RecordDeath(moved_on=TODAY - dt.timedelta(days=1), atena_number=people["梅"]))
    for atena in (people["花子"], people["梅"]):
        with pytest.raises(RegistryError) as info:
            decide(ApplyMoveInNoticeDay(moved_on=TODAY - dt.timedelta(days=5), atena_number=atena), ledger)
        assert info.value.code == "not_moved_out"
