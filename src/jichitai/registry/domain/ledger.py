"""What the domain needs to know about the registry's current state: a port the service implements with the
database (rows locked for the change) and the tests with :class:`MemoryLedger`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from jichitai.common.checkdigit import with_modulus11
from jichitai.registry.domain.person import Person
from jichitai.registry.domain.reasons import Reason

ATENA_WIDTH = 15  # 宛名番号: 14 digits of serial + 1 check digit (j130)
SETAI_WIDTH = 15  # 世帯番号: likewise


@dataclass(frozen=True)
class TownInfo:
    """One entry of the 住所辞書 (j250): 町字."""

    code: str
    ward_code: str
    name: str = ""
    postcode: str = ""


@dataclass(frozen=True)
class RecordedChange:
    """A committed 異動 as history keeps it: who it touched, each person's state before and after."""

    change_id: str
    reason: Reason
    moved_on: dt.date
    entries: tuple[tuple[Person | None, Person], ...]
    cancelled: bool = False


class Ledger(Protocol):
    today: dt.date
    city_code: str  # 全国地方公共団体コード of this city (6 digits)
    own_codes: frozenset[str]  # 5-digit codes that are this city (the city and, for a 指定都市, its wards)

    def person(self, atena_number: str) -> Person | None: ...

    def members(self, setai_number: str) -> list[Person]: ...

    def town(self, code: str) -> TownInfo | None: ...

    def my_number_holder(self, my_number: str) -> str | None: ...

    def juminhyo_code_holder(self, code: str) -> str | None: ...

    def new_atena_number(self) -> str: ...

    def new_setai_number(self) -> str: ...

    def change(self, change_id: str) -> RecordedChange | None: ...

    def latest_change_id(self, atena_number: str) -> str | None: ...


@dataclass
class MemoryLedger:
    """An in-memory registry for domain tests and dry runs. ``commit`` applies a decided change."""

    today: dt.date
    city_code: str = "281000"
    own_codes: frozenset[str] = frozenset({"28100", "28101", "28102", "28105", "28106", "28107", "28108",
                                           "28109", "28110", "28111"})
    towns: dict[str, TownInfo] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    changes: dict[str, RecordedChange] = field(default_factory=dict)
    latest: dict[str, str] = field(default_factory=dict)
    history: dict[str, list[tuple[str, Person]]] = field(default_factory=dict)
    atena_serial: int = 0
    setai_serial: int = 0

    def person(self, atena_number: str) -> Person | None:
        return self.people.get(atena_number)

    def members(self, setai_number: str) -> list[Person]:
        found = [p for p in self.people.values() if p.setai_number == setai_number and p.is_active]
        return sorted(found, key=lambda p: p.household_order)

    def town(self, code: str) -> TownInfo | None:
        return self.towns.get(code)

    def my_number_holder(self, my_number: str) -> str | None:
        for p in self.people.values():
            if my_number and p.my_number == my_number:
                return p.atena_number
        return None

    def juminhyo_code_holder(self, code: str) -> str | None:
        for p in self.people.values():
            if code and p.juminhyo_code == code:
                return p.atena_number
        return None

    def new_atena_number(self) -> str:
        self.atena_serial += 1
        return with_modulus11(self.atena_serial, ATENA_WIDTH)

    def new_setai_number(self) -> str:
        self.setai_serial += 1
        return with_modulus11(self.setai_serial, SETAI_WIDTH)

    def change(self, change_id: str) -> RecordedChange | None:
        return self.changes.get(change_id)

    def latest_change_id(self, atena_number: str) -> str | None:
        return self.latest.get(atena_number)

    def commit(self, change: object) -> str:
        """Apply a :class:`~jichitai.registry.domain.decide.Change`; returns its id."""
        from jichitai.registry.domain.decide import Change

        assert isinstance(change, Change)
        change_id = f"c{len(self.changes) + 1}"
        for entry in change.entries:
            self.people[entry.after.atena_number] = entry.after
            self.latest[entry.after.atena_number] = change_id
            self.history.setdefault(entry.after.atena_number, []).append((change_id, entry.after))
        if change.cancels:
            old = self.changes[change.cancels]
            self.changes[change.cancels] = RecordedChange(old.change_id, old.reason, old.moved_on, old.entries, True)
        self.changes[change_id] = RecordedChange(
            change_id, change.reason, change.moved_on, tuple((e.before, e.after) for e in change.entries)
        )
        return change_id
