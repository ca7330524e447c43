"""Pure domain fixtures: an in-memory ledger with Kobe 町字 and helpers to record and refuse 異動."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.registry.domain import Change, Command, MemoryLedger, NewPerson, RecordMoveIn, TownInfo, decide

TODAY = dt.date(2026, 11, 26)
MY_TARO = "123456789018"


def make_ledger() -> MemoryLedger:
    ledger = MemoryLedger(today=TODAY)
    for t in (TownInfo("281100001", "28110", "加納町", "6500001"), TownInfo("281100002", "28110", "三宮町", "6500021"),
              TownInfo("281010001", "28101", "住吉宮町", "6580051")):
        ledger.towns[t.code] = t
    return ledger


@pytest.fixture
def ledger() -> MemoryLedger:
    return make_ledger()


def record(ledger: MemoryLedger, command: Command) -> tuple[str, Change]:
    change = decide(command, ledger)
    return ledger.commit(change), change


def move_in(ledger: MemoryLedger, *persons: NewPerson, **overrides: Any) -> tuple[str, Change]:
    values: dict[str, Any] = dict(moved_on=dt.date(2026, 4, 1), notified_on=dt.date(2026, 4, 3), persons=persons,
                                  town_code="281100001", banchi="1番地", previous_address="大阪市北区梅田1丁目",
                                  previous_municipality_code="27127")
    values.update(overrides)
    return record(ledger, RecordMoveIn(**values))


def family(ledger: MemoryLedger) -> dict[str, str]:
    """世帯主 太郎, 妻 花子, 子 一郎 (and 母 梅) at 中央区加納町1番地; returns name → 宛名番号 and "setai"."""
    _, change = move_in(
        ledger,
        NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主", my_number=MY_TARO),
        NewPerson("青木 花子", "アオキ ハナコ", dt.date(1982, 12, 30), "F", "妻"),
        NewPerson("青木 一郎", "アオキ イチロウ", dt.date(2010, 5, 5), "M", "子"),
        NewPerson("青木 梅", "アオキ ウメ", dt.date(1950, 3, 3), "F", "母"),
    )
    people = {e.after.name.split()[1]: e.after.atena_number for e in change.entries}
    people["setai"] = change.entries[0].after.setai_number
    return people
