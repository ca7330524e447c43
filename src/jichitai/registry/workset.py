"""The registry as one batch of 異動 sees it: the rows it reads, locked once, with every decided change laid
over them, so each command sees the ones before it without writing anything until the batch is recorded.

:class:`WorkingSet` is the database side of the domain's :class:`~jichitai.registry.domain.ledger.Ledger`.
Before deciding, :meth:`WorkingSet.prefetch` reads in a few statements everything the commands name (宛名番号,
世帯番号, 町字, 個人番号, 住民票コード, the 異動 being cancelled) and locks it: households first, in 世帯番号 order,
then their residents, in 宛名番号 order. Two batches touching one household therefore queue instead of
overwriting each other, and they take their locks in the same order, so they do not deadlock on what they
prefetch. A read the prefetch did not foresee falls back to the same lock-then-read for that one household.

:meth:`WorkingSet.commit` lays a decided change over the set (after the service's checks passed); nothing is
written to the database until :mod:`jichitai.registry.rowwriter` records the whole batch.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from jichitai.common.ids import uuid7
from jichitai.dbcopy import any_of
from jichitai.registry import numbering, suppression
from jichitai.registry.domain import commands as C
from jichitai.registry.domain.ledger import RecordedChange, TownInfo
from jichitai.registry.domain.person import ACTIVE, PERSON_FIELDS, Person
from jichitai.registry.domain.reasons import Reason
from jichitai.registry.models import Household, MailingCodeSetting, Resident, ResidentHistory, Town
from jichitai.registry.store import SEARCH_KEYS, my_number_indexes, own_codes, to_person, use_raw_sql

_REGISTRY_NUMBER = re.compile(r"\d{15}")  # 宛名番号 and 世帯番号 (j130) have the same shape
_MY_NUMBER = re.compile(r"\d{12}")
_JUMINHYO_CODE = re.compile(r"\d{11}")
# commands that may set up a new 世帯 (for how many 世帯番号 to draw at once; more are drawn when needed)
_COLUMNS = (*(f for f in PERSON_FIELDS if f != "my_number"), "my_number_encrypted", "my_number_index",
            *SEARCH_KEYS, "history_no", "last_change_id", "version")
_MAY_FORM_HOUSEHOLD = (C.RecordMoveIn, C.RecordExOfficioEntry, C.RecordMoveWithin, C.SplitHousehold)


_RESIDENTS = Resident._meta.db_table
_SELECT = ", ".join(str({f.attname: f.column for f in Resident._meta.concrete_fields}[c]) for c in _COLUMNS)
# read with the rows, for the outbox events the batch writes (j190: every event carries the code in force): the
# person's latest 郵便物送付コード, '' or NULL for 指定なし — no query of its own for every 異動
_MAILING = MailingCodeSetting._meta.db_table
_MAILING_CODE = (f"(SELECT m.code FROM {_MAILING} m WHERE m.atena_number = {_RESIDENTS}.atena_number "  # noqa: S608
                 "ORDER BY m.set_at DESC, m.id DESC LIMIT 1)")


def _households_of(atenas: set[str]) -> set[str]:
    if not use_raw_sql():
        return set(Resident.objects.filter(pk__in=atenas).values_list("setai_number", flat=True))
    where, params = any_of("atena_number", atenas)
    with connection.cursor() as cur:  # table and columns from the model; the values are parameters
        cur.execute(f"SELECT DISTINCT setai_number FROM {_RESIDENTS} WHERE {where}", params)  # noqa: S608
        return {r[0] for r in cur.fetchall()}


def _lock_households(setais: set[str]) -> None:
    if not use_raw_sql():
        list(Household.objects.select_for_update().filter(pk__in=setais).order_by("pk").values_list("pk", flat=True))
        return
    where, params = any_of("setai_number", setais)
    with connection.cursor() as cur:
        cur.execute(f"SELECT setai_number FROM {Household._meta.db_table} WHERE {where} "  # noqa: S608
                    "ORDER BY setai_number FOR UPDATE", params)


def _lock_residents(atenas: set[str], setais: set[str]) -> list[SimpleNamespace]:
    """The active members of ``setais`` and the people ``atenas``, locked in 宛名番号 order."""
    if not use_raw_sql():
        code = MailingCodeSetting.objects.filter(atena_number=OuterRef("pk")).order_by("-set_at", "-pk")
        return [SimpleNamespace(pk=r["atena_number"], **r) for r in Resident.objects.select_for_update()
                .filter(Q(setai_number__in=setais, status=ACTIVE) | Q(pk__in=atenas)).order_by("pk")
                .annotate(mailing_code=Subquery(code.values("code")[:1])).values(*_COLUMNS, "mailing_code")]
    in_households, p1 = any_of("setai_number", setais)
    named, p2 = any_of("atena_number", atenas)
    with connection.cursor() as cur:
        cur.execute(f"SELECT {_SELECT}, {_MAILING_CODE} FROM {_RESIDENTS} "  # noqa: S608
                    f"WHERE ({in_households} AND status = %s) "
                    f"OR {named} ORDER BY atena_number FOR UPDATE", [*p1, ACTIVE, *p2])
        return [_row(r) for r in cur.fetchall()]


def _row(values: tuple[Any, ...]) -> SimpleNamespace:
    """A resident row read by the batch: its columns by name, and ``pk``."""
    row = SimpleNamespace()
    items = row.__dict__
    items.update(zip((*_COLUMNS, "mailing_code"), values, strict=True))
    items["pk"] = items["atena_number"]
    return row


def _holders(column: str, values: Iterable[str]) -> dict[str, str]:
    """value → 宛名番号 of the resident row holding it in ``column`` (個人番号's blind index, 住民票コード)."""
    if not use_raw_sql():
        return dict(Resident.objects.filter(**{f"{column}__in": list(values)}).values_list(column, "pk"))
    where, params = any_of(column, values)
    with connection.cursor() as cur:  # "<> ''": the partial unique index of the blind index serves it
        cur.execute(f"SELECT {column}, atena_number FROM {_RESIDENTS} WHERE {where} AND {column} <> ''",  # noqa: S608
                    params)
        return dict(cur.fetchall())


@dataclasses.dataclass
class _Named:
    """What a batch of commands names, found by walking their fields."""

    atenas: set[str] = dataclasses.field(default_factory=set)  # 宛名番号 named (people)
    setais: set[str] = dataclasses.field(default_factory=set)  # 世帯番号 named (fields named *setai*)
    towns: set[str] = dataclasses.field(default_factory=set)
    my_numbers: set[str] = dataclasses.field(default_factory=set)
    juminhyo_codes: set[str] = dataclasses.field(default_factory=set)
    change_ids: set[str] = dataclasses.field(default_factory=set)
    new_people: int = 0
    new_households: int = 0

    def walk(self, value: Any, name: str = "") -> None:
        kind: Any = type(value)
        if kind is str:
            if name == "town_code":
                self.towns.add(value)
            elif name == "my_number" and _MY_NUMBER.fullmatch(value):
                self.my_numbers.add(value)
            elif name == "juminhyo_code" and _JUMINHYO_CODE.fullmatch(value):
                self.juminhyo_codes.add(value)
            elif name == "change_id":
                self.change_ids.add(value)
            elif _REGISTRY_NUMBER.fullmatch(value):
                # the two numbers have one shape and both series start at 1: told apart by the field, so that a
                # batch does not lock the household whose 世帯番号 happens to equal a 宛名番号 it names
                (self.setais if "setai" in name else self.atenas).add(value)
        elif kind in _NOTHING_NAMED:
            return
        elif (names := _field_names(kind)) is not None:
            if isinstance(value, C.NewPerson):
                self.new_people += 1
            elif isinstance(value, _MAY_FORM_HOUSEHOLD):
                self.new_households += 1
            for field_name in names:
                self.walk(getattr(value, field_name), field_name)
        elif isinstance(value, Mapping):
            for key, item in value.items():
                self.walk(key, name)  # relationships: 宛名番号 → 続柄
                self.walk(item, str(key) if name == "changes" else name)  # changes: field → new value
        elif isinstance(value, (tuple, list, set, frozenset)):
            for item in value:
                self.walk(item, name)
        elif isinstance(value, str):  # a str subclass (a str enum): its text
            self.walk(str.__str__(value), name)


# what a command's fields hold besides text and containers: nothing a batch reads ahead
_NOTHING_NAMED = frozenset({type(None), bool, int, float, dt.date, dt.datetime})


@functools.cache
def _field_names(kind: type) -> tuple[str, ...] | None:
    """A command's (or a command part's) field names; None for a type that is not a dataclass."""
    return tuple(f.name for f in dataclasses.fields(kind)) if dataclasses.is_dataclass(kind) else None


@dataclasses.dataclass
class Pending:
    """A decided change waiting to be written, with the 履歴番号 each of its people gets."""

    change: Any  # domain.decide.Change
    change_id: uuid.UUID
    history_nos: tuple[int, ...]
    subjects: frozenset[str]
    supported: frozenset[str]


class WorkingSet:
    """Reads, locks and overlays the registry for one batch of 異動 (see the module docstring)."""

    def __init__(self, today: dt.date | None = None, *, clerk: Any = None) -> None:
        self.today = today or timezone.localdate()
        self.clerk = clerk  # whose counter records the batch: a 一時解除 naming them sets a 異動抑止 aside (j410)
        self.city_code = settings.CONFIG.city_code
        self.own_codes = own_codes()
        self.people: dict[str, Person] = {}  # every loaded person, as the batch has left them so far
        self.rows: dict[str, Any] = {}  # the row each loaded person had before the batch (its columns by name)
        self.missing: set[str] = set()  # 宛名番号 looked up and not found
        self.members_of: dict[str, set[str]] = {}  # 世帯番号 → active members, for the households loaded
        self.history_no: dict[str, int] = {}
        self.latest: dict[str, str] = {}
        self.flags: dict[str, set[str]] = {}  # 抑止設定 in force for the loaded people
        self.counter_flags: dict[str, set[str]] = {}  # the same as the clerk's counter sees them (一時解除 left out)
        self.pending: list[Pending] = []
        self._towns: dict[str, TownInfo | None] = {}  # the address dictionary as this batch read it
        self._holders: dict[str, dict[str, str | None]] = {"my_number": {}, "juminhyo_code": {}}
        self._changes: dict[str, RecordedChange] = {}
        self._cancelled: set[str] = set()
        self._serials: dict[str, list[int]] = {"atena": [], "setai": []}
        self._reserved: dict[str, list[int]] = {}  # serials the caller reserved for the command being decided
        self._wanted = {"atena": 0, "setai": 0}

    def mailing_code(self, atena_number: str) -> str:
        """The person's 郵便物送付コード as read with their row ('' for 指定なし and for a person the batch creates):
        each outbox event carries it (j190), so a later 異動 keeps it in the hub's 全件."""
        row = self.rows.get(atena_number)
        return (getattr(row, "mailing_code", None) or "") if row is not None else ""

    # ---- reading ahead ------------------------------------------------------------------------------

    def prefetch(self, commands: Iterable[Any]) -> None:
        named = _Named()
        for command in commands:
            named.walk(command)
        self._wanted = {"atena": named.new_people, "setai": named.new_households}
        recorded = {cid: self.change(cid) for cid in named.change_ids}
        for change in recorded.values():
            for _before, after in change.entries if change else ():
                named.atenas.add(after.atena_number)
        self._load(named.atenas, named.setais)
        self._read_towns(named.towns)
        self._read_holders("my_number", named.my_numbers)
        self._read_holders("juminhyo_code", named.juminhyo_codes)

    def _load(self, atenas: Iterable[str], setais: Iterable[str]) -> None:
        """Lock and read the households named (and those of the people named), then their people."""
        atenas = {a for a in atenas if a not in self.people and a not in self.missing}
        setais = set(setais)
        if atenas:
            setais |= _households_of(atenas)
        setais -= set(self.members_of)
        if not atenas and not setais:
            return
        if setais:
            _lock_households(setais)
        rows = _lock_residents(atenas, setais)
        for setai in setais:
            self.members_of[setai] = set()
        moved = set()
        for row in rows:
            if row.pk not in self.people:
                self.rows[row.pk] = row
                self.people[row.pk] = to_person(row)
                row.my_number = self.people[row.pk].my_number  # what the row holds, for the writer to compare
                self.history_no[row.pk] = row.history_no
                if row.last_change_id:
                    self.latest[row.pk] = str(row.last_change_id)
            if row.status == ACTIVE:
                if row.setai_number in self.members_of:
                    self.members_of[row.setai_number].add(row.pk)
                else:  # moved to another household while we waited for the lock
                    moved.add(row.setai_number)
        self.missing |= atenas - {r.pk for r in rows}
        self._read_towns({r.town_code for r in rows})  # the domain may look at where they live
        for atena, kind, lifted in suppression.in_force_rows([r.pk for r in rows], clerk=self.clerk):
            self.flags.setdefault(atena, set()).add(kind)
            if not lifted:  # a running 一時解除 (j410) sets it aside at the counter, not for the outbox mark
                self.counter_flags.setdefault(atena, set()).add(kind)
        if moved:
            self._load((), moved)

    def _read_towns(self, codes: set[str]) -> None:
        codes = {c for c in codes if c and c not in self._towns}
        if not codes:
            return
        if use_raw_sql():
            where, params = any_of("code", codes)
            with connection.cursor() as cur:
                cur.execute(f"SELECT code, ward_code, name, postcode FROM {Town._meta.db_table} WHERE {where}",  # noqa: S608
                            params)
                found = {r[0]: TownInfo(*r) for r in cur.fetchall()}
        else:
            found = {t.code: TownInfo(t.code, t.ward_code, t.name, t.postcode) for t in Town.objects.filter(pk__in=codes)}
        for code in codes:
            self._towns[code] = found.get(code)

    def _read_holders(self, item: str, values: set[str]) -> None:
        """Who holds each 個人番号 / 住民票コード now (a person of the batch counts as the batch left them)."""
        known = self._holders[item]
        values = {v for v in values if v not in known}
        if not values:
            return
        if item == "my_number":
            index = {i: v for v in values for i in my_number_indexes(v)}  # any key's index during a rotation
            found = _holders("my_number_index", index)
            holders = {index[i]: pk for i, pk in found.items()}
        else:
            holders = _holders("juminhyo_code", values)
        for value in values:
            holder = holders.get(value)
            if holder in self.people and getattr(self.people[holder], item) != value:
                holder = None  # changed earlier in this batch
            self._holders[item][value] = holder
        for person in self.people.values():
            value = getattr(person, item)
            if value in values:
                self._holders[item][value] = person.atena_number

    # ---- the Ledger port -----------------------------------------------------------------------------

    def person(self, atena_number: str) -> Person | None:
        if atena_number not in self.people and atena_number not in self.missing:
            self._load({atena_number}, ())
        return self.people.get(atena_number)

    def members(self, setai_number: str) -> list[Person]:
        if setai_number not in self.members_of:
            self._load((), {setai_number})
        found = [self.people[a] for a in self.members_of[setai_number]]
        return sorted(found, key=lambda p: (p.household_order, p.atena_number))

    def town(self, code: str) -> TownInfo | None:
        self._read_towns({code})
        return self._towns.get(code)

    def my_number_holder(self, my_number: str) -> str | None:
        self._read_holders("my_number", {my_number})
        return self._holders["my_number"][my_number]

    def juminhyo_code_holder(self, code: str) -> str | None:
        self._read_holders("juminhyo_code", {code})
        return self._holders["juminhyo_code"][code]

    def new_atena_number(self) -> str:
        atena = self._new("atena")
        self.missing.add(atena)  # a new person: nobody to read
        return atena

    def new_setai_number(self) -> str:
        setai = self._new("setai")
        self.members_of[setai] = set()  # a new household: nobody to read
        return setai

    def reserved_for_next(self, serials: Mapping[str, Sequence[int]] | None) -> None:
        """The serials the next command numbers its new people and households with (reserved by the caller with
        ``numbering.reserve``); what it leaves unused is not used by another. Without them, drawn as needed."""
        self._reserved = {kind: list(values) for kind, values in (serials or {}).items()}

    def _new(self, kind: str) -> str:
        if self._reserved.get(kind):
            serial = self._reserved[kind].pop(0)
            return numbering.atena_number(serial) if kind == "atena" else numbering.setai_number(serial)
        if not self._serials[kind]:  # drawn in blocks: a sequence may skip numbers (numbering's docstring)
            self._serials[kind] = numbering.serials(kind, min(max(self._wanted[kind], 1), 1000))
            self._wanted[kind] = 4
        serial = self._serials[kind].pop(0)
        return numbering.atena_number(serial) if kind == "atena" else numbering.setai_number(serial)

    def change(self, change_id: str) -> RecordedChange | None:
        if change_id in self._changes:
            found = self._changes[change_id]
            return dataclasses.replace(found, cancelled=change_id in self._cancelled)
        try:
            uuid.UUID(change_id)
        except ValueError:
            return None
        rows = list(ResidentHistory.objects.filter(change_id=change_id).order_by("pk"))
        if not rows:
            return None
        priors = {(r.atena_number, r.history_no): r for r in ResidentHistory.objects.filter(
            Q(*[Q(atena_number=r.atena_number, history_no=r.history_no - 1) for r in rows], _connector=Q.OR))}
        entries = tuple((to_person(priors[(r.atena_number, r.history_no - 1)])
                         if (r.atena_number, r.history_no - 1) in priors else None, to_person(r)) for r in rows)
        cancelled = (change_id in self._cancelled
                     or ResidentHistory.objects.filter(cancels_change_id=change_id).exists())
        self._changes[change_id] = RecordedChange(change_id, Reason(rows[0].reason), rows[0].moved_on, entries)
        return dataclasses.replace(self._changes[change_id], cancelled=cancelled)

    def latest_change_id(self, atena_number: str) -> str | None:
        self.person(atena_number)
        return self.latest.get(atena_number)

    # ---- laying a decided change over the set --------------------------------------------------------

    def suppression_flags(self, atena_numbers: Iterable[str]) -> dict[str, set[str]]:
        """The counter's 異動抑止 question: the kinds in force on each, a running 一時解除 set aside."""
        return {a: self.counter_flags[a] for a in atena_numbers if a in self.counter_flags}

    def commit(self, change: Any, subjects: frozenset[str], supported: frozenset[str]) -> Pending:
        """Lay ``change`` over the set: later commands of the batch see it. Returns what is to be written."""
        change_id = uuid7()  # time-ordered: the history's index of 異動ID takes it at its end
        history_nos = []
        for entry in change.entries:
            before, after = entry.before, entry.after
            atena = after.atena_number
            if before is not None and before.is_active:
                self.members_of.get(before.setai_number, set()).discard(atena)
            if after.is_active:
                self.members_of.setdefault(after.setai_number, set()).add(atena)
            for item in ("my_number", "juminhyo_code"):
                old, new = getattr(before, item) if before else "", getattr(after, item)
                if old and old != new and self._holders[item].get(old) == atena:
                    self._holders[item][old] = None
                if new:
                    self._holders[item][new] = atena
            self.people[atena] = after
            self.missing.discard(atena)
            self.history_no[atena] = self.history_no.get(atena, 0) + 1
            history_nos.append(self.history_no[atena])
            self.latest[atena] = str(change_id)
        if change.cancels:
            self._cancelled.add(change.cancels)
        self._changes[str(change_id)] = RecordedChange(
            str(change_id), change.reason, change.moved_on, tuple((e.before, e.after) for e in change.entries))
        pending = Pending(change, change_id, tuple(history_nos), subjects, supported)
        self.pending.append(pending)
        return pending

    def households(self) -> Iterator[tuple[str, list[Person]]]:
        """Every household the batch touched, with its active members as the batch leaves them."""
        touched = dict.fromkeys(s for p in self.pending for s in p.change.households)
        for setai in touched:
            yield setai, self.members(setai)
