"""Y years of a city's life, month by month: the 異動 a registry sees, in date order.

Each month the hazards of :mod:`jichitai.synth.rates` pick who dies, gives birth, moves out, moves within the
city, marries, leaves their parents' household; newcomers move in; a few changes are corrected or cancelled.
The tasks of a month are shuffled and given sorted dates, so the events come out in date order and each one
is decided on the state the previous ones left. The city's own state (:class:`~jichitai.synth.population.City`)
changes as events are yielded; the registry adapter turns each :class:`Event` into a registry command.

Pure: no Django. Deterministic for a seed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from jichitai.synth import rates
from jichitai.synth.geography import WARDS, ward_shares
from jichitai.synth.names import VARIANTS, draw_weighted
from jichitai.synth.population import City, Household, Person, PopulationBuilder, address_parts

SPOUSE = ("妻", "夫")
# The events the history makes, in the words of a 異動届 (for the summary an operator reads).
EVENT_WORDS: dict[str, str] = {
    "birth": "出生", "death": "死亡", "move_in": "転入", "move_out": "転出", "move_within": "転居",
    "split": "世帯分離", "merge": "世帯合併", "name_change": "氏名の変更", "kyuuji": "旧氏の記載",
    "correction": "修正", "cancel": "異動の取消し",
}


@dataclass(slots=True)
class Event:
    """One 異動 in the city's terms (sim person ids ``pid`` and household ids ``hid``)."""

    seq: int
    kind: str  # birth death move_in move_out move_within name_change kyuuji split merge correction cancel
    on: dt.date
    notified: dt.date | None = None
    pids: tuple[int, ...] = ()
    hid: int | None = None  # the household the persons leave or are in (the registry locks it for any change)
    to_hid: int | None = None  # the household they join (move_in, move_within, split, merge)
    new_household: bool = False  # to_hid is created by this event
    new_head: int | None = None
    remaining_head: int | None = None
    relations: dict[int, str] | None = None  # pid → new 続柄
    place: str = ""  # origin or destination class: 市内 / 県内 / 県外 / 国外
    changes: dict[str, str] | None = None
    cancels: int | None = None  # seq of the cancelled event
    cancel_kind: str = ""  # increase (undoes a 消除) / decrease (undoes a 記載)


@dataclass
class Jan1Snapshot:
    on: dt.date
    address: dict[int, tuple[int, str, str, str]] = field(default_factory=dict)  # pid → (hid, town, banchi, 方書)


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


class Simulation:
    def __init__(self, city: City, seed: int, t0: dt.date, years: int, jan1: dt.date) -> None:
        self.city = city
        self.rng = random.Random(f"history:{seed}")
        self.np = np.random.default_rng(seed + 7)
        self.builder = PopulationBuilder(city, self.rng)
        self.t0 = t0
        self.years = years
        self.seq = 0
        self.counts: dict[str, int] = {}
        self.jan1 = Jan1Snapshot(jan1)
        self._jan1_taken = False
        self._cancel_queue: list[tuple[dt.date, Event]] = []
        self._splits: dict[int, tuple[int, int, str]] = {}  # new hid → (old hid, old head pid, old 続柄)
        cap = max(1024, city.next_pid * 2)
        self.birth_ord = np.zeros(cap, dtype=np.int32)
        self.female = np.zeros(cap, dtype=bool)
        self.active = np.zeros(cap, dtype=bool)
        for p in city.people.values():
            self._track(p)
        self.shares = ward_shares()

    # -- arrays mirroring the people, for vectorised hazards ---------------------------------------------
    def _track(self, p: Person) -> None:
        if p.pid >= len(self.birth_ord):
            grow = len(self.birth_ord)
            self.birth_ord = np.concatenate([self.birth_ord, np.zeros(grow, dtype=np.int32)])
            self.female = np.concatenate([self.female, np.zeros(grow, dtype=bool)])
            self.active = np.concatenate([self.active, np.zeros(grow, dtype=bool)])
        self.birth_ord[p.pid] = p.birth.toordinal()
        self.female[p.pid] = p.sex == "F"
        self.active[p.pid] = p.state == "active"

    def _event(self, kind: str, on: dt.date, **kw: object) -> Event:
        self.seq += 1
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return Event(self.seq, kind, on, **kw)  # type: ignore[arg-type]

    # -- household bookkeeping ---------------------------------------------------------------------------
    def _rel(self, pid: int) -> str:
        return self.city.people[pid].relation

    def _leave(self, hh: Household, pids: list[int]) -> tuple[int | None, dict[int, str] | None]:
        """Remove ``pids`` from ``hh``; when its head leaves and others stay, choose the new head and 続柄."""
        head_leaves = hh.members and hh.members[0] in pids
        hh.members = [m for m in hh.members if m not in pids]
        if not head_leaves or not hh.members:
            return None, None
        people = self.city.people
        spouses = [m for m in hh.members if people[m].relation in SPOUSE]
        adults = sorted(hh.members, key=lambda m: people[m].birth)
        new_head = spouses[0] if spouses else adults[0]
        relations = self._rehead(hh, new_head)
        return new_head, relations

    def _rehead(self, hh: Household, new_head: int) -> dict[int, str]:
        people = self.city.people
        nh = people[new_head]
        old = nh.relation
        out: dict[int, str] = {}
        for m in hh.members:
            if m == new_head:
                continue
            p = people[m]
            r = p.relation
            if old in SPOUSE:
                side = "夫の" if nh.sex == "F" else "妻の"
                new = {"子": "子", "孫": "孫", "父": side + "父", "母": side + "母"}.get(r, "縁故者")
            elif old == "子":
                if r in SPOUSE:
                    new = "父" if p.sex == "M" else "母"
                elif r == "子":
                    older = p.birth < nh.birth
                    new = ("兄" if older else "弟") if p.sex == "M" else ("姉" if older else "妹")
                elif r in ("父", "母"):
                    new = "祖父" if p.sex == "M" else "祖母"
                else:
                    new = "縁故者"
            elif old in ("父", "母"):
                if r in ("父", "母"):
                    new = "夫" if p.sex == "M" else "妻"
                elif r in SPOUSE:
                    new = "子の夫" if p.sex == "M" else "子の妻"
                elif r == "子":
                    new = "孫"
                else:
                    new = "縁故者"
            else:
                new = "縁故者"
            out[m] = new
        nh.relation = "世帯主"
        for m, r in out.items():
            people[m].relation = r
        hh.members = [new_head] + [m for m in hh.members if m != new_head]
        return out

    def _new_address_household(self, ward_code: str) -> Household:
        town = self.rng.choice(self.city.towns_by_ward[ward_code])
        banchi, katagaki = address_parts(self.rng)
        hh = Household(self.city.new_hid(), ward_code, town.code, banchi, katagaki)
        self.city.households[hh.hid] = hh
        return hh

    def _other_ward(self, ward_code: str) -> str:
        if self.rng.random() < rates.WITHIN_SAME_WARD:
            return ward_code
        return draw_weighted(self.rng, tuple((c, s) for c, s in self.shares.items() if c != ward_code))

    def _ward(self) -> str:
        return draw_weighted(self.rng, tuple(self.shares.items()))

    # -- the run -----------------------------------------------------------------------------------------
    def run(self) -> Iterator[Event]:
        year, month = self.t0.year, self.t0.month
        for _ in range(self.years * 12):
            start = dt.date(year, month, 1)
            if not self._jan1_taken and start >= self.jan1.on:
                self._snapshot_jan1()
            yield from self._month(start)
            month += 1
            if month == 13:
                year, month = year + 1, 1
        if not self._jan1_taken:
            self._snapshot_jan1()

    def _snapshot_jan1(self) -> None:
        self._jan1_taken = True
        hh = self.city.households
        for p in self.city.people.values():
            if p.state == "active":
                h = hh[p.hid]
                self.jan1.address[p.pid] = (p.hid, h.town_code, h.banchi, h.katagaki)

    def _month(self, start: dt.date) -> Iterator[Event]:
        rng, g = self.rng, self.np
        days = calendar.monthrange(start.year, start.month)[1]
        n = self.city.next_pid
        active = self.active[:n]
        ids = np.nonzero(active)[0]
        ages = ((start.toordinal() - self.birth_ord[ids]) / 365.2425).astype(np.int32)
        female = self.female[ids]
        pop = len(ids)
        season = rates.MOVE_SEASON[start.month]
        tasks: list[tuple[str, int]] = []

        def pick(p: np.ndarray) -> np.ndarray:
            return ids[g.random(len(ids)) < p]

        death_p, birth_p, out_p, within_p = rates.monthly_hazards(ages, female, start.month)
        tasks += [("death", int(i)) for i in pick(death_p)]
        tasks += [("birth", int(i)) for i in pick(birth_p)]
        tasks += [("move_out", int(i)) for i in pick(out_p)]
        tasks += [("move_within", int(i)) for i in pick(within_p)]
        tasks += [("move_in", 0)] * int(g.poisson(rates.MOVE_IN_RATE * pop * season / rates.MOVE_IN_MEAN_SIZE))
        tasks += [("marriage", 0)] * int(g.poisson(rates.MARRIAGE_RATE * pop / 12 * 0.7))
        young = ids[(ages >= 20) & (ages < 40)]
        if len(young):
            n_split = int(g.poisson(rates.SPLIT_RATE * len(young) / 12 * 3))
            tasks += [("split", int(i)) for i in g.choice(young, size=n_split)]
        tasks += [("merge", hid) for hid in list(self._splits) if rng.random() < rates.MERGE_RATE / 12]
        n_corr = int(g.poisson(rates.CORRECTION_RATE * pop / 12))
        tasks += [("correction", int(i)) for i in g.choice(ids, size=n_corr)] if pop else []
        end = dt.date(start.year, start.month, days)
        due = [item for item in self._cancel_queue if item[0] <= end]
        self._cancel_queue = [item for item in self._cancel_queue if item[0] > end]
        rng.shuffle(tasks)
        dates = sorted(rng.randint(1, days) for _ in tasks)
        for (kind, arg), day in zip(tasks, dates, strict=True):
            on = dt.date(start.year, start.month, day)
            yield from getattr(self, f"_do_{kind}")(arg, on)
        for when, ev in sorted(due, key=lambda item: (item[0], item[1].seq)):
            yield from self._do_cancel(ev, max(when, start))

    # -- the kinds of change -----------------------------------------------------------------------------
    def _do_death(self, pid: int, on: dt.date) -> Iterator[Event]:
        p = self.city.people[pid]
        if p.state != "active":
            return
        hh = self.city.households[p.hid]
        p.state, p.left_on = "dead", on
        self.active[pid] = False
        head, relations = self._leave(hh, [pid])
        yield self._event("death", on, pids=(pid,), hid=hh.hid, remaining_head=head, relations=relations)

    def _do_birth(self, mother_pid: int, on: dt.date) -> Iterator[Event]:
        mother = self.city.people[mother_pid]
        if mother.state != "active" or age_on(mother.birth, on) < 15:
            return
        hh = self.city.households[mother.hid]
        head = self.city.people[hh.members[0]]
        relation = {"世帯主": "子", "妻": "子", "子": "孫", "子の妻": "孫"}.get(mother.relation, "縁故者")
        family = head if mother.relation == "妻" else mother
        sex = "M" if self.rng.random() < 0.512 else "F"
        child = self.builder.person(hh.hid, sex, 0, relation, surname=(family.name.surname, family.name.surname_kana),
                                    nationality=mother.nationality, status=mother.residence_status, on=on)
        child.birth, child.since = on, on
        if mother.nationality != "JP":
            child.residence_status = "永住者" if mother.residence_status in ("永住者", "特別永住者") else "家族滞在"
        hh.members.append(child.pid)
        self._track(child)
        yield self._event("birth", on, notified=on + dt.timedelta(days=self.rng.randint(0, 13)),
                          pids=(child.pid,), to_hid=hh.hid)

    def _do_move_out(self, pid: int, on: dt.date) -> Iterator[Event]:
        p = self.city.people[pid]
        if p.state != "active":
            return
        hh = self.city.households[p.hid]
        whole = p.relation in ("世帯主", *SPOUSE) or len(hh.members) == 1
        movers = list(hh.members) if whole else [pid]
        dest = draw_weighted(self.rng, rates.MOVE_OUT_DESTINATION)
        if p.nationality != "JP" and self.rng.random() < 0.35:
            dest = "国外"
        for m in movers:
            q = self.city.people[m]
            q.state, q.left_on = "out", on
            self.active[m] = False
        head, relations = self._leave(hh, movers)
        ev = self._event("move_out", on, notified=on - dt.timedelta(days=self.rng.randint(0, 10)),
                         pids=tuple(movers), hid=hh.hid, place=dest, remaining_head=head, relations=relations)
        yield ev
        if not whole and self.rng.random() < rates.CANCEL_SHARE * 2:
            self._cancel_queue.append((on + dt.timedelta(days=self.rng.randint(5, 30)), ev))

    def _joined_household(self, on: dt.date) -> tuple[Household, str, str, int] | None:
        """A resident household that a person moving in joins (a spouse marrying a resident who lives alone, or
        a parent moving in with a child's family): the household, the newcomer's sex, 続柄 and age."""
        n = self.city.next_pid
        for _ in range(40):
            p = self.city.people.get(int(self.np.integers(1, n)))
            if p is None or p.state != "active" or p.relation != "世帯主" or p.nationality != "JP":
                continue
            hh, age = self.city.households[p.hid], age_on(p.birth, on)
            if len(hh.members) == 1 and 24 <= age <= 45:
                sex = "F" if p.sex == "M" else "M"
                return hh, sex, "妻" if sex == "F" else "夫", max(20, age + self.rng.randint(-4, 4))
            if len(hh.members) >= 3 and 40 <= age <= 60 and self.rng.random() < 0.25:
                sex = "F" if self.rng.random() < 0.7 else "M"
                return hh, sex, "母" if sex == "F" else "父", min(99, age + self.rng.randint(25, 35))
        return None

    def _do_move_in(self, _: int, on: dt.date) -> Iterator[Event]:
        rng = self.rng
        r = rng.random()
        size, kind = rates.move_in_household(r)
        joined = self._joined_household(on) if kind == "join" else None
        if kind == "join":
            if joined is None:
                return
            into, sex, relation, age = joined
            head = self.city.people[into.members[0]]
            p = self.builder.person(into.hid, sex, age, relation, surname=(head.name.surname, head.name.surname_kana),
                                    nationality="JP", status="", on=on)
            p.since = on
            into.members.append(p.pid)
            self._splits.pop(into.hid, None)
            self._track(p)
            place = draw_weighted(rng, rates.MOVE_IN_ORIGIN)
            yield self._event("move_in", on, notified=on + dt.timedelta(days=rng.randint(0, 13)), pids=(p.pid,),
                              to_hid=into.hid, place=place)
            return
        foreign = rng.random() < rates.FOREIGN_SHARE_OF_MOVE_IN
        hh = self.builder.household(self._ward(), size, on=on, foreign=foreign, kind=kind)
        origin = "国外" if foreign and rng.random() < 0.5 else draw_weighted(rng, rates.MOVE_IN_ORIGIN)
        for m in hh.members:
            p = self.city.people[m]
            p.since = on
            self._track(p)
        ev = self._event("move_in", on, notified=on + dt.timedelta(days=rng.randint(0, 13)),
                         pids=tuple(hh.members), to_hid=hh.hid, new_household=True, place=origin)
        yield ev
        if rng.random() < rates.CANCEL_SHARE:
            self._cancel_queue.append((on + dt.timedelta(days=rng.randint(3, 20)), ev))

    def _do_move_within(self, pid: int, on: dt.date) -> Iterator[Event]:
        p = self.city.people[pid]
        if p.state != "active":
            return
        hh = self.city.households[p.hid]
        notified = on + dt.timedelta(days=self.rng.randint(0, 13))
        if p.relation in ("世帯主", *SPOUSE) or len(hh.members) == 1:
            ward = self._other_ward(hh.ward_code)
            town = self.rng.choice(self.city.towns_by_ward[ward])
            hh.ward_code, hh.town_code = ward, town.code
            hh.banchi, hh.katagaki = address_parts(self.rng)
            self._splits.pop(hh.hid, None)
            yield self._event("move_within", on, notified=notified, pids=tuple(hh.members), hid=hh.hid,
                              to_hid=hh.hid, place="市内")
            return
        if age_on(p.birth, on) < 18:
            return
        new = self._new_address_household(self._other_ward(hh.ward_code))
        self._leave(hh, [pid])
        p.relation, p.hid = "世帯主", new.hid
        new.members.append(pid)
        yield self._event("move_within", on, notified=notified, pids=(pid,), hid=hh.hid, to_hid=new.hid,
                          new_household=True, new_head=pid, place="市内")

    def _join(self, p: Person, into: Household, relation: str, on: dt.date) -> Event:
        old = self.city.households[p.hid]
        head, relations = self._leave(old, [p.pid])
        p.hid, p.relation = into.hid, relation
        into.members.append(p.pid)
        return self._event("move_within", on, notified=on + dt.timedelta(days=self.rng.randint(0, 13)),
                           pids=(p.pid,), hid=old.hid, to_hid=into.hid, remaining_head=head,
                           relations={p.pid: relation, **(relations or {})}, place="市内")

    def _single(self, sex: str, lo: int, hi: int, on: dt.date) -> Person | None:
        n = self.city.next_pid
        for _ in range(40):
            pid = int(self.np.integers(1, n))
            p = self.city.people.get(pid)
            if (p is None or p.state != "active" or p.sex != sex or p.nationality != "JP" or p.kyuuji
                    or not lo <= age_on(p.birth, on) <= hi):
                continue
            hh = self.city.households[p.hid]
            if p.relation == "子" or (p.relation == "世帯主" and len(hh.members) == 1):
                return p
        return None

    def _do_marriage(self, _: int, on: dt.date) -> Iterator[Event]:
        wife = self._single("F", 22, 42, on)
        husband = self._single("M", 24, 45, on)
        if wife is None or husband is None or wife.hid == husband.hid:
            return
        renamed, keeper = (wife, husband) if self.rng.random() < 0.95 else (husband, wife)
        old_s, old_k = renamed.name.surname, renamed.name.surname_kana
        renamed.name = type(renamed.name)(keeper.name.surname, renamed.name.given, keeper.name.surname_kana,
                                          renamed.name.given_kana)
        yield self._event("name_change", on, pids=(renamed.pid,), hid=renamed.hid,
                          changes={"name": renamed.name.full, "kana": renamed.name.full_kana})
        if self.rng.random() < rates.KYUUJI_REQUEST_SHARE:
            renamed.kyuuji, renamed.kyuuji_kana = old_s, old_k
            yield self._event("kyuuji", on + dt.timedelta(days=self.rng.randint(0, 20)), pids=(renamed.pid,),
                              hid=renamed.hid,
                              changes={"kyuuji": old_s, "kyuuji_kana": old_k})
        h_hh = self.city.households[husband.hid]
        w_hh = self.city.households[wife.hid]
        if husband.relation == "世帯主" and len(h_hh.members) == 1:
            yield self._join(wife, h_hh, "妻", on)
        elif wife.relation == "世帯主" and len(w_hh.members) == 1:
            yield self._join(husband, w_hh, "夫", on)
        else:
            new = self._new_address_household(self._other_ward(h_hh.ward_code))
            self._leave(h_hh, [husband.pid])
            husband.relation, husband.hid = "世帯主", new.hid
            new.members.append(husband.pid)
            yield self._event("move_within", on, notified=on + dt.timedelta(days=self.rng.randint(0, 13)),
                              pids=(husband.pid,), hid=h_hh.hid, to_hid=new.hid, new_household=True,
                              new_head=husband.pid, place="市内")
            yield self._join(wife, new, "妻", on)

    def _do_split(self, pid: int, on: dt.date) -> Iterator[Event]:
        p = self.city.people[pid]
        if p.state != "active" or p.relation != "子":
            return
        hh = self.city.households[p.hid]
        if len(hh.members) < 3:
            return
        new = Household(self.city.new_hid(), hh.ward_code, hh.town_code, hh.banchi, hh.katagaki)
        self.city.households[new.hid] = new
        self._leave(hh, [pid])
        self._splits[new.hid] = (hh.hid, hh.members[0], p.relation)
        p.relation, p.hid = "世帯主", new.hid
        new.members.append(pid)
        yield self._event("split", on, notified=on, pids=(pid,), hid=hh.hid, to_hid=new.hid,
                          new_household=True, new_head=pid)

    def _do_merge(self, hid: int, on: dt.date) -> Iterator[Event]:
        split = self._splits.pop(hid, None)
        if split is None:  # the split-off household ended earlier this month (its task was drawn at the start)
            return
        old_hid, old_head, relation = split
        new, old = self.city.households[hid], self.city.households[old_hid]
        if (len(new.members) != 1 or not old.members or old.members[0] != old_head
                or (new.town_code, new.banchi, new.katagaki) != (old.town_code, old.banchi, old.katagaki)):
            return
        pid = new.members[0]
        p = self.city.people[pid]
        p.relation, p.hid = relation, old.hid
        old.members.append(pid)
        new.members = []
        yield self._event("merge", on, notified=on, pids=(pid,), hid=hid, to_hid=old_hid, relations={pid: relation})

    def _do_correction(self, pid: int, on: dt.date) -> Iterator[Event]:
        p = self.city.people[pid]
        if p.state != "active" or p.nationality != "JP":
            return
        for plain, forms, _share in VARIANTS:
            if plain in p.name.surname:
                # 誤記修正: the 戸籍 shows the variant form the counter had typed in its common form.
                surname = p.name.surname.replace(plain, forms[0], 1)
                p.name = type(p.name)(surname, p.name.given, p.name.surname_kana, p.name.given_kana)
                yield self._event("correction", on, pids=(pid,), hid=p.hid,
                                  changes={"name": p.name.full, "kind": "clerical"})
                return
        hh = self.city.households[p.hid]
        if len(hh.members) == 1 and hh.katagaki:
            hh.katagaki = hh.katagaki.replace("号", "号室")
            yield self._event("correction", on, pids=(pid,), hid=hh.hid,
                              changes={"katagaki": hh.katagaki, "kind": "minor"})

    def _do_cancel(self, ev: Event, on: dt.date) -> Iterator[Event]:
        people, households = self.city.people, self.city.households
        if ev.kind == "move_out":
            pid = ev.pids[0]
            p = people[pid]
            hh = households[ev.hid] if ev.hid is not None else None
            if p.state != "out" or hh is None or not hh.members or p.relation in ("世帯主", *SPOUSE):
                return
            p.state, p.left_on = "active", None
            self.active[pid] = True
            hh.members.append(pid)
            yield self._event("cancel", on, pids=(pid,), hid=hh.hid, cancels=ev.seq, cancel_kind="increase")
        elif ev.kind == "move_in":
            hh = households[ev.to_hid] if ev.to_hid is not None else None
            if hh is None or tuple(hh.members) != ev.pids or any(people[m].state != "active" for m in ev.pids):
                return
            for m in ev.pids:
                people[m].state = "cancelled"
                people[m].left_on = ev.on
                self.active[m] = False
            hh.members = []
            yield self._event("cancel", on, pids=ev.pids, hid=hh.hid, cancels=ev.seq, cancel_kind="decrease")


def ward_names() -> dict[str, str]:
    return {w.code: w.name for w in WARDS}
