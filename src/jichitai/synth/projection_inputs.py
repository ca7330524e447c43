"""The projection's inputs straight from a synthetic city's history, without the database and the lake: the
residents on each 1 January by ward, sex and age, the year's deaths, births and moves (in the shapes of the
lounge marts ``population_age``, ``flows_age`` and ``births_mother_age``), so that the projection can be run
on a city of Kobe's size in minutes (bench/projection_kobe.py, tests/lounge/test_projection_validation.py).

A birth's mother is found as the lake finds her (jichitai.lake.lounge.births): the one woman of the newborn's
household whose 続柄 makes her its mother, not the simulation's own record of who gave birth.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

import pyarrow as pa

from jichitai.lake.lounge import MOTHER_RELATIONS, UNKNOWN_BAND, mother_band
from jichitai.synth.history import Event, age_on
from jichitai.synth.population import City

MAX_AGE = 100


class ProjectionInputs:
    """Feed it the events of a :class:`~jichitai.synth.history.Simulation` (``take``); read the tables."""

    def __init__(self, city: City) -> None:
        self.city = city
        self.where: dict[int, str] = {}  # pid -> ward of each resident, as last seen
        self.population: Counter[tuple[dt.date, str, str, int]] = Counter()
        self.flows: Counter[tuple[int, str, str, int, str]] = Counter()
        self.mothers: Counter[tuple[int, str, str]] = Counter()
        self.next_jan1: dt.date | None = None
        for p in city.people.values():
            if p.state == "active":
                self.where[p.pid] = city.households[p.hid].ward_code

    def snapshot(self, on: dt.date) -> None:
        people = self.city.people
        for pid, ward in self.where.items():
            p = people[pid]
            self.population[(on, ward, p.sex, min(age_on(p.birth, on), MAX_AGE))] += 1

    def take(self, events: Iterable[Event], start: dt.date) -> None:
        year = start.year + 1
        if start.month == 1 and start.day == 1:
            self.snapshot(start)
            year = start.year + 1
        for ev in events:
            while ev.on >= dt.date(year, 1, 1):
                self.snapshot(dt.date(year, 1, 1))
                year += 1
            self._event(ev)

    def finish(self, on: dt.date) -> None:
        if not any(k[0] == on for k in self.population):
            self.snapshot(on)

    def _event(self, ev: Event) -> None:
        people, households = self.city.people, self.city.households
        for pid in ev.pids:
            p = people[pid]
            before = self.where.get(pid)
            after = households[p.hid].ward_code if p.state == "active" else None
            if before == after:
                continue
            age, y = min(max(age_on(p.birth, ev.on), 0), MAX_AGE), ev.on.year
            if before is not None:
                self.flows[(y, before, p.sex, age, "death" if p.state == "dead" else "out")] += 1
                del self.where[pid]
            if after is not None:
                self.flows[(y, after, p.sex, age, "birth" if ev.kind == "birth" else "in")] += 1
                self.where[pid] = after
                if ev.kind == "birth":
                    self.mothers[(y, after, self._mother_band(pid, ev.on))] += 1

    def _mother_band(self, child_pid: int, on: dt.date) -> str:
        people = self.city.people
        child = people[child_pid]
        wanted = MOTHER_RELATIONS.get(child.relation, ())
        ages = [age_on(people[m].birth, on) for m in self.city.households[child.hid].members
                if m != child_pid and people[m].sex == "F" and people[m].relation in wanted]
        ages = [a for a in ages if 10 <= a <= 54]
        return mother_band(ages[0]) if len(ages) == 1 else UNKNOWN_BAND

    def tables(self) -> dict[str, pa.Table]:
        pop = sorted(self.population.items())
        flows = sorted(self.flows.items())
        mothers = sorted(self.mothers.items())
        return {
            "population_age": pa.table({
                "ref_date": pa.array([k[0] for k, _ in pop], pa.date32()), "ward_code": [k[1] for k, _ in pop],
                "sex": [k[2] for k, _ in pop], "age": pa.array([k[3] for k, _ in pop], pa.int32()),
                "n": pa.array([n for _, n in pop], pa.int64())}),
            "flows_age": pa.table({
                "year": pa.array([k[0] for k, _ in flows], pa.int32()), "ward_code": [k[1] for k, _ in flows],
                "sex": [k[2] for k, _ in flows], "age": pa.array([k[3] for k, _ in flows], pa.int32()),
                "flow": [k[4] for k, _ in flows], "n": pa.array([n for _, n in flows], pa.int64())}),
            "births_mother_age": pa.table({
                "year": pa.array([k[0] for k, _ in mothers], pa.int32()), "ward_code": [k[1] for k, _ in mothers],
                "mother_band": [k[2] for k, _ in mothers], "n": pa.array([n for _, n in mothers], pa.int64())}),
        }
