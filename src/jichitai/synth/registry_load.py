"""Putting the synthetic city into the registry.

- The address dictionary goes through ``registry.services.load_towns``.
- The base population at t0 is bulk-loaded (COPY on PostgreSQL, ``bulk_create`` on SQLite) as it would be
  by a data migration (移行): one current row, one history row (履歴番号 1, 異動事由 職権記載, 留意事項 「合成都市の
  初期人口（一括移行）」) and one outbox event per person, with 宛名番号/世帯番号 reserved from the registry's
  own number series so that later 異動 continue the series.
- Every change after t0 goes through ``registry.services.apply_many`` in batches: the same decisions, checks,
  history rows, outbox events and audit entries a clerk's change gets. 職権 changes (死亡, 職権修正, 誤記修正) are
  passed with a :class:`BatchApproval` naming the system actor as 決裁者 (the batch stands in for the 決裁 of
  j530); everything else is recorded as 届出.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from jichitai.common.checkdigit import with_modulus11
from jichitai.common.ids import uuid5
from jichitai.dbcopy import copy_rows, fork_pool, indexes_built_after, map_in_processes
from jichitai.registry import numbering, services
from jichitai.registry.domain import commands as C
from jichitai.registry.domain.ledger import ATENA_WIDTH, SETAI_WIDTH
from jichitai.registry.domain.person import ACTIVE, FOREIGN, JAPANESE
from jichitai.registry.domain.person import Person as RegPerson
from jichitai.registry.models import Household, OutboxEvent, Resident, ResidentHistory
from jichitai.registry.store import row_values, search_values
from jichitai.synth.geography import WARD_BY_CODE, Town
from jichitai.synth.history import Event
from jichitai.synth.names import NATIONALITY_NAME
from jichitai.synth.population import City, Person, built_without_collections

ACTOR = services.SystemActor("synth")
BULK_NOTE = "合成都市の初期人口（一括移行）"
RESERVE_BLOCK = 2000  # serials reserved at a time for the history's new people and households

# Where people come from and go to: (全国地方公共団体コード 5 digits, address) per class.
PLACES: dict[str, tuple[tuple[str, str], ...]] = {
    "県内": (("28202", "兵庫県尼崎市"), ("28204", "兵庫県西宮市"), ("28203", "兵庫県明石市"), ("28201", "兵庫県姫路市"),
           ("28210", "兵庫県加古川市"), ("28214", "兵庫県宝塚市"), ("28206", "兵庫県芦屋市"), ("28217", "兵庫県川西市")),
    "県外": (("27100", "大阪府大阪市"), ("26100", "京都府京都市"), ("27140", "大阪府堺市"), ("23100", "愛知県名古屋市"),
           ("13104", "東京都新宿区"), ("13113", "東京都渋谷区"), ("40130", "福岡県福岡市"), ("34100", "広島県広島市"),
           ("33100", "岡山県岡山市"), ("27203", "大阪府豊中市"), ("14100", "神奈川県横浜市")),
}
ABROAD = ("アメリカ合衆国", "中国", "韓国", "ベトナム", "英国", "オーストラリア", "タイ", "フィリピン")


@dataclass(frozen=True)
class BatchApproval:
    """The 決裁 of a batch of 職権 changes by the program that generates them (audited as its approver)."""

    decided_by: Any


APPROVAL = BatchApproval(services.SystemActor("synth-approver"))


def town_rows(towns: Iterable[Town]) -> list[dict[str, str]]:
    return [t.as_row() for t in towns]


def article_30_45(status: str) -> str:
    return "特別永住者" if status == "特別永住者" else "中長期在留者"


def residence_card(pid: int) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return f"{letters[pid % 24]}{letters[(pid // 24) % 24]}{pid % 100_000_000:08d}{letters[(pid // 7) % 24]}Z"


def residence_until(p: Person, on: dt.date) -> dt.date | None:
    if p.residence_status in ("特別永住者", "永住者"):
        return None
    return dt.date(on.year + 1 + p.pid % 3, on.month, min(on.day, 28))


def new_person(p: Person, on: dt.date) -> C.NewPerson:
    foreign = p.nationality != "JP"
    return C.NewPerson(
        name=p.name.full, kana=p.name.full_kana, birth_date=p.birth, sex=p.sex, relationship=p.relation,
        resident_kind=FOREIGN if foreign else JAPANESE, my_number=p.my_number,
        kyuuji=p.kyuuji, kyuuji_kana=p.kyuuji_kana,
        nationality=NATIONALITY_NAME.get(p.nationality, "") if foreign else "",
        article_30_45=article_30_45(p.residence_status) if foreign else "",
        residence_status=p.residence_status if foreign else "",
        residence_period="" if not foreign or p.residence_status in ("特別永住者", "永住者") else "3年",
        residence_until=residence_until(p, on) if foreign else None,
        residence_card_number=residence_card(p.pid) if foreign else "",
    )


# ---- the base population: bulk ------------------------------------------------------------------------


@dataclass
class Mapping_:
    atena: dict[int, str] = field(default_factory=dict)  # pid → 宛名番号
    setai: dict[int, str] = field(default_factory=dict)  # hid → 世帯番号
    change: dict[int, str] = field(default_factory=dict)  # event seq → change_id


def bulk_load_base(city: City, towns: dict[str, Town], mapping: Mapping_, *, chunk: int = 20000,
                   progress: Callable[[int], None] | None = None, workers: int = 1) -> int:
    """Load every active person of ``city`` as of ``city.t0``. Returns the number of persons.

    The 宛名番号/世帯番号 are given out here in household order; the rows then go in chunks of ``chunk``
    households, each chunk in its own transaction, by ``workers`` processes side by side (on PostgreSQL, outside
    a transaction: see :func:`jichitai.dbcopy.bulk_workers`). What is loaded does not depend on
    ``workers``; only the order the chunks land in does."""
    households = [h for h in city.households.values() if h.members]
    people_count = sum(len(h.members) for h in households)
    first_atena = numbering.reserve("atena", max(1, people_count))
    first_setai = numbering.reserve("setai", max(1, len(households)))
    serial = first_atena
    for i, hh in enumerate(households):
        mapping.setai[hh.hid] = with_modulus11(first_setai + i, SETAI_WIDTH)
        for pid in hh.members:
            mapping.atena[pid] = with_modulus11(serial, ATENA_WIDTH)
            serial += 1
    parts = [households[start:start + chunk] for start in range(0, len(households), chunk)]
    global _BASE
    _BASE = _Base(city, towns, mapping, parts, timezone.now())
    tables = (Household, Resident, ResidentHistory, OutboxEvent)
    try:
        with indexes_built_after(tables):  # a 移行 into an empty registry: the searches' indexes built after it
            for loaded in map_in_processes(_load_part, range(len(parts)), workers):
                if progress:
                    progress(loaded)
    finally:
        _BASE = None
    if connection.vendor == "postgresql":  # the planner's statistics, before the history's first batch needs them
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {', '.join(m._meta.db_table for m in tables)}")
    return people_count


@dataclass
class _Base:
    city: City
    towns: dict[str, Town]
    mapping: Mapping_
    parts: list[list[Any]]  # chunks of households
    now: dt.datetime


_BASE: _Base | None = None  # what the base load's processes read (set before they fork)


def _load_part(index: int) -> int:
    """COPY one chunk of the base population (in this process or a forked worker's); returns its persons."""
    base = _BASE
    assert base is not None
    with built_without_collections():  # the chunk's rows hold no cycles
        hh_rows, res_rows, hist_rows, out_rows = _base_rows(base, index)
    with transaction.atomic():
        copy_rows(Household, hh_rows)
        copy_rows(Resident, res_rows)
        copy_rows(ResidentHistory, hist_rows)
        copy_rows(OutboxEvent, out_rows)
    return len(res_rows)


def _base_rows(base: _Base, index: int) -> tuple[list[dict[str, Any]], ...]:
    """The household, resident, history and outbox rows of one chunk of the base population."""
    city, towns, mapping, now, t0 = base.city, base.towns, base.mapping, base.now, base.city.t0
    entered_by = ACTOR.audit_label()
    res_rows, hist_rows, out_rows, hh_rows = [], [], [], []
    for hh in base.parts[index]:
        town = towns[hh.town_code]
        setai = mapping.setai[hh.hid]
        hh_rows.append({"setai_number": setai, "ward_code": hh.ward_code, "town_code": hh.town_code,
                        "banchi": hh.banchi, "katagaki": hh.katagaki,
                        "head_atena_number": mapping.atena[hh.members[0]], "member_count": len(hh.members),
                        "version": 1, "created_on": t0, "updated_at": now})
        for order, pid in enumerate(hh.members, start=1):
            p = city.people[pid]
            np_ = new_person(p, p.since or t0)
            person = RegPerson(
                atena_number=mapping.atena[pid], setai_number=setai, status=ACTIVE,
                resident_kind=np_.resident_kind, name=np_.name, kana=np_.kana, birth_date=p.birth, sex=p.sex,
                relationship=p.relation, household_order=order, became_resident_on=p.since,
                town_code=hh.town_code, ward_code=hh.ward_code, banchi=hh.banchi, katagaki=hh.katagaki,
                postcode=town.postcode, address_set_on=p.since, my_number=p.my_number,
                nationality=np_.nationality, foreign_resident_on=p.since if np_.nationality else None,
                article_30_45=np_.article_30_45, residence_status=np_.residence_status,
                residence_period=np_.residence_period, residence_until=np_.residence_until,
                residence_card_number=np_.residence_card_number,
            )
            values = row_values(person)
            change_id = uuid5(uuid.NAMESPACE_URL, f"jichitai-synth:{city.seed}:{pid}")
            res_rows.append({**values, **search_values(person), "history_no": 1, "last_change_id": change_id,
                             "version": 1, "updated_at": now})
            hist_rows.append({**values, "history_no": 1, "change_id": change_id, "reason": "ex_officio_entry",
                              "moved_on": t0, "processed_on": t0, "change_notified_on": None,
                              "entered_by": entered_by, "terminal": "synth", "is_subject": True,
                              "cancels_change_id": None, "change_note": BULK_NOTE, "recorded_at": now})
            snapshot = person.as_dict()
            snapshot.pop("my_number", None)
            out_rows.append({"event_id": uuid5(change_id, "outbox"), "change_id": change_id,
                             "kind": "ex_officio_entry", "atena_number": person.atena_number,
                             "setai_number": setai, "occurred_on": t0, "created_at": now,
                             "payload": {**snapshot, "reason": "ex_officio_entry", "reason_label": "職権記載",
                                         "reason_group": "記載", "is_subject": True, "previous": None,
                                         "origin_class": None, "destination_class": None,
                                         "ward_change": False, "support_measure": False, "cancels": None,
                                         "bulk_load": True}})
    return hh_rows, res_rows, hist_rows, out_rows


# ---- history through the service layer ----------------------------------------------------------------


class Unresolved(Exception):
    """The event refers to a person, household or change the registry has not recorded yet."""


def household_entity(hid: int) -> int:
    """A household among the entities of :func:`_entities` (people are their ``pid``, households negative: ints,
    for the coordinator tests every event against the sets of the batches out)."""
    return -1 - hid


def _entities(ev: Event) -> set[int]:
    """The people and households an event reads or changes (see :func:`household_entity`)."""
    out = {*ev.pids, *(ev.relations or {})}
    for p in (ev.new_head, ev.remaining_head):
        if p is not None:
            out.add(p)
    for h in (ev.hid, ev.to_hid):
        if h is not None:
            out.add(household_entity(h))
    return out


def _created(ev: Event) -> set[int]:
    """What the event numbers anew: the 宛名番号 of people born or moving in, and the 世帯番号 of the household it
    moves people into (new, or renumbered by a move between wards, j130); as :func:`_entities` names them."""
    out = set(ev.pids) if ev.kind in ("birth", "move_in") else set()
    if ev.kind in ("birth", "move_in", "move_within", "split") and ev.to_hid is not None:
        out.add(household_entity(ev.to_hid))
    return out


class HistoryApplier:
    """Turns events into registry commands and applies them in batches with ``apply_many``.

    With ``workers`` > 1 the batches go to that many processes, each with its own database connection, so
    batches are recorded side by side (on PostgreSQL; the embedded SQLite takes one writer). A batch never
    names a person or household of a batch still being recorded (such events wait, see :meth:`add`), and the
    coordinator reserves each batch's 宛名番号/世帯番号 serials in batch order before handing it over: the same
    seed gives the same registry with one worker or several."""

    def __init__(self, city: City, mapping: Mapping_, *, batch_size: int = 500, seed: int = 0,
                 workers: int = 1) -> None:
        self.city = city
        self.map = mapping
        self.batch_size = batch_size
        self.rng = random.Random(f"places:{seed}")
        self.pending: list[tuple[Event, C.Command, dict[str, list[int]]]] = []
        # event seq → what it was given as it came: its reserved serials and what its command takes from the simulation
        self.as_of: dict[int, dict[str, Any]] = {}
        self.pool: dict[str, deque[int]] = {"atena": deque(), "setai": deque()}
        self.deferred: list[Event] = []  # events waiting for the pending batch to be recorded
        self.creating: set[int] = set()  # people and households the pending batch numbers anew (as _entities)
        self.named: set[int] = set()  # people and households of the pending batch
        self.waiting: set[int] = set()  # people and households of the deferred events
        self.busy: set[int] = set()  # people and households of the batches being recorded
        self.in_flight: deque[_InFlight] = deque()
        self.workers = max(1, workers)
        # batches out at once: one more than the workers, so that each worker finds the next batch waiting when it
        # finishes one while the coordinator takes in the results and builds the batch after (else one core idles)
        self.depth = self.workers + 1 if self.workers > 1 else 1
        self._pool: ProcessPoolExecutor | None = None
        self.applied: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()
        self.skipped: Counter[str] = Counter()
        self.reasons: Counter[str] = Counter()

    # resolution
    def atena(self, pid: int) -> str:
        try:
            return self.map.atena[pid]
        except KeyError:
            raise Unresolved from None

    def setai(self, hid: int | None) -> str:
        try:
            return self.map.setai[hid]  # type: ignore[index]
        except KeyError:
            raise Unresolved from None

    def rels(self, relations: dict[int, str] | None) -> dict[str, str]:
        return {self.atena(p): r for p, r in (relations or {}).items()}

    def head(self, pid: int | None) -> str:
        return self.atena(pid) if pid is not None else ""

    def command(self, ev: Event, state: dict[str, Any]) -> C.Command:
        """The registry command of ``ev``; ``state`` is what :meth:`_note_state` noted of the simulation for it."""
        on, notified = ev.on, ev.notified
        if ev.kind == "birth":
            return C.RecordBirth(moved_on=on, notified_on=notified, child=state["persons"][0],
                                 setai_number=self.setai(ev.to_hid))
        if ev.kind == "death":
            return C.RecordDeath(moved_on=on, atena_number=self.atena(ev.pids[0]),
                                 remaining_head=self.head(ev.remaining_head), relationships=self.rels(ev.relations))
        if ev.kind == "move_in":
            town_code, banchi, katagaki = state["address"]
            code, address = state["place"]
            return C.RecordMoveIn(moved_on=on, notified_on=notified, town_code=town_code, banchi=banchi,
                                  katagaki=katagaki, persons=state["persons"], previous_address=address,
                                  previous_municipality_code=code, from_abroad=ev.place == "国外",
                                  setai_number="" if ev.new_household else self.setai(ev.to_hid))
        if ev.kind == "move_out":
            abroad = ev.place == "国外"
            code, address = state["place"]
            return C.RecordMoveOut(moved_on=on, notified_on=notified, atena_numbers=tuple(map(self.atena, ev.pids)),
                                   destination_address=address, destination_municipality_code=code, abroad=abroad,
                                   remaining_head=self.head(ev.remaining_head), relationships=self.rels(ev.relations))
        if ev.kind == "move_within":
            town_code, banchi, katagaki = state["address"]
            atenas = tuple(map(self.atena, ev.pids))
            if ev.hid == ev.to_hid:  # the whole household
                return C.RecordMoveWithin(moved_on=on, notified_on=notified, atena_numbers=atenas,
                                          town_code=town_code, banchi=banchi, katagaki=katagaki)
            return C.RecordMoveWithin(
                moved_on=on, notified_on=notified, atena_numbers=atenas, town_code=town_code, banchi=banchi,
                katagaki=katagaki, setai_number="" if ev.new_household else self.setai(ev.to_hid),
                new_head=self.head(ev.new_head), remaining_head=self.head(ev.remaining_head),
                relationships=self.rels(ev.relations))
        if ev.kind == "split":
            return C.SplitHousehold(moved_on=on, notified_on=notified, atena_numbers=tuple(map(self.atena, ev.pids)),
                                    new_head=self.head(ev.new_head))
        if ev.kind == "merge":
            return C.MergeHousehold(moved_on=on, notified_on=notified, setai_number=self.setai(ev.hid),
                                    into_setai_number=self.setai(ev.to_hid), relationships=self.rels(ev.relations))
        if ev.kind == "name_change":
            changes = dict(ev.changes or {})
            return C.CorrectRecord(moved_on=on, atena_number=self.atena(ev.pids[0]), kind="ex_officio",
                                   changes=changes, note="戸籍の届出（婚姻）による氏の変更の通知")
        if ev.kind == "kyuuji":
            c = ev.changes or {}
            return C.RecordKyuuji(moved_on=on, notified_on=on, atena_number=self.atena(ev.pids[0]), action="entry",
                                  kyuuji=c["kyuuji"], kyuuji_kana=c["kyuuji_kana"])
        if ev.kind == "correction":
            c = dict(ev.changes or {})
            kind = c.pop("kind")
            return C.CorrectRecord(moved_on=on, atena_number=self.atena(ev.pids[0]), kind=kind, changes=c)
        if ev.kind == "cancel":
            change_id = self.map.change.get(ev.cancels or -1)
            if change_id is None:
                raise Unresolved
            return C.CancelChange(moved_on=on, change_id=change_id)
        raise ValueError(f"unknown event kind {ev.kind}")

    # batching: an event that needs what the pending batch creates (a 宛名番号 of a birth or 転入, a 世帯番号 a
    # move may renumber), or names a person or household of a batch still being recorded, waits for the next
    # batch, and so does every later event on the same people or households, so each person's and household's
    # events keep their order while batches stay full.
    def add(self, ev: Event) -> None:
        self._reserve(ev)
        self._note_state(ev)
        if ev.kind == "cancel" and (ev.cancels or -1) not in self.map.change:
            # needs the cancelled change's id: unless its batch is already recorded, everything before it is first
            self.flush(final=True)
        self._place(ev)
        if len(self.pending) >= self.batch_size:
            self.flush()

    def _place(self, ev: Event) -> None:
        ents = _entities(ev)
        if not (ents.isdisjoint(self.waiting) and ents.isdisjoint(self.creating) and ents.isdisjoint(self.busy)):
            self.deferred.append(ev)
            self.waiting |= ents
            return
        state = self.as_of.pop(ev.seq, {})
        try:
            cmd = self.command(ev, state)
        except Unresolved:
            self.skipped[ev.kind] += 1  # it depends on a change the registry refused
            return
        self.pending.append((ev, cmd, state.get("serials", {})))
        self.named |= ents
        self.creating |= _created(ev)

    def _note_state(self, ev: Event) -> None:
        """What the event's command takes from the simulation, noted as the event comes: a deferred event becomes
        its command later, when the simulation has moved on (the household may have moved again, the person may
        have married), and the places of 転入/転出 are drawn in event order. The registry then does not depend on
        how the events were batched."""
        state = self.as_of.setdefault(ev.seq, {})
        if ev.kind in ("move_in", "move_out"):
            state["place"] = ("", self.rng.choice(ABROAD)) if ev.place == "国外" else self.rng.choice(PLACES[ev.place])
        if ev.kind in ("move_in", "move_within"):
            hh = self.city.households[ev.to_hid]  # type: ignore[index]
            state["address"] = (hh.town_code, hh.banchi, hh.katagaki)
        if ev.kind in ("birth", "move_in"):
            state["persons"] = tuple(new_person(self.city.people[p], ev.on) for p in ev.pids)

    def _reserve(self, ev: Event) -> None:
        """The serials the event's new people and households get, taken in event order from blocks reserved in
        the registry's series: a 宛名番号 for each person born or moving in, a 世帯番号 for each event that may set
        up a household (転入, 転居 to a new household or another ward, 世帯分離). Unused ones stay unused."""
        atena = len(ev.pids) if ev.kind in ("birth", "move_in") else 0
        setai = 1 if ev.kind in ("move_in", "move_within", "split") else 0
        wanted = {"atena": atena, "setai": setai}
        got = {}
        for kind, n in wanted.items():
            if n:
                pool = self.pool[kind]
                while len(pool) < n:
                    first = numbering.reserve(kind, RESERVE_BLOCK)
                    pool.extend(range(first, first + RESERVE_BLOCK))
                got[kind] = [pool.popleft() for _ in range(n)]  # a deque: not the block copied on every event
        if got:
            self.as_of.setdefault(ev.seq, {})["serials"] = got

    def flush(self, final: bool = False) -> None:
        """Hand the pending batch over; when :attr:`depth` batches are out (or with ``final``), wait for the
        oldest and place the events that waited. With ``final``, until every batch is recorded and none wait.
        When to wait depends only on the counts, never on which batch finishes first (same seed, same city)."""
        while True:
            if self.pending:
                self._submit()
            if not self.in_flight:
                return
            if final or len(self.in_flight) >= self.depth:
                self._complete(self.in_flight.popleft())
                replay, self.deferred, self.waiting = self.deferred, [], set()
                for ev in replay:
                    self._place(ev)
            if not final and len(self.pending) < self.batch_size:
                return

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def _submit(self) -> None:
        batch, self.pending = self.pending, []
        commands = [cmd for _, cmd, _ in batch]
        serials = [reserved for _, _, reserved in batch]
        ents, self.named = self.named, set()
        if self.workers == 1:
            done: Future[list[_Result]] = Future()
            done.set_result(_record_batch(commands, serials))
        else:
            if self._pool is None:
                self._pool = fork_pool(self.workers)
            done = self._pool.submit(_record_batch, commands, serials)
        self.in_flight.append(_InFlight(batch, done, ents))
        self.busy |= ents
        self.creating = set()

    def _complete(self, flight: _InFlight) -> None:
        results = flight.done.result()
        self.busy = set().union(*(f.ents for f in self.in_flight))
        recorded = set()
        for index, change_id, reason, entries in results:
            ev = flight.batch[index][0]
            recorded.add(index)
            self.applied[ev.kind] += 1
            self.reasons[reason] += 1
            self.map.change[ev.seq] = change_id
            self._learn(ev, entries)
        for index, (ev, _, _) in enumerate(flight.batch):
            if index not in recorded:
                self.refused[ev.kind] += 1

    def _learn(self, ev: Event, entries: list[tuple[str, str, bool]]) -> None:
        """New 宛名番号 (出生, 転入) and 世帯番号 (new households, moves between wards) from the recorded change."""
        created = [atena for atena, _setai, new in entries if new]
        if created:
            for pid, atena in zip(ev.pids, created, strict=False):
                self.map.atena[pid] = atena
        if ev.to_hid is not None and ev.kind in ("birth", "move_in", "move_within", "split"):
            mover = self.map.atena.get(ev.pids[0])
            for atena, setai, _new in entries:
                if atena == mover:
                    self.map.setai[ev.to_hid] = setai
                    break


# (command index, change_id, reason, [(宛名番号, 世帯番号 after, created by the change)])
_Result = tuple[int, str, str, list[tuple[str, str, bool]]]


@dataclass
class _InFlight:
    batch: list[tuple[Event, C.Command, dict[str, list[int]]]]
    done: Future[list[_Result]]
    ents: set[int]


def _record_batch(commands: list[C.Command], serials: list[dict[str, list[int]]]) -> list[_Result]:
    """Record one batch (in this process or a worker's): what the coordinator needs to know of each change."""
    index_of = {id(cmd): i for i, cmd in enumerate(commands)}
    # the approval covers the batch's 職権 changes (死亡 by 通知, 氏の変更, 職権修正) and is audited on those
    results = services.apply_many(commands, actor=ACTOR, terminal="synth", approval=APPROVAL, stop_on_error=False,
                                  serials=serials)
    return [(index_of[id(a.change.command)], a.change_id, a.reason,
             [(e.after.atena_number, e.after.setai_number, e.before is None) for e in a.change.entries])
            for a in results]


def apply_history(events: Iterator[Event], applier: HistoryApplier,
                  progress: Callable[[Event], None] | None = None) -> None:
    try:
        for ev in events:
            applier.add(ev)
            if progress:
                progress(ev)
        applier.flush(final=True)
    finally:
        applier.close()


def ward_name(code: str) -> str:
    return WARD_BY_CODE[code].name
