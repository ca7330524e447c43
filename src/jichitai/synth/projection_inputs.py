"""The projection's inputs straight from a synthetic city's history, without the database and the lake: the
residents on each 1 January by ward, sex and age, the year's deaths, births and moves (in the shapes of the
lounge marts ``population_age``, ``flows_age`` and ``births_mother_age``), so that the projection can be run
on a city of Kobe's size in minutes (bench/projection_kobe.py, tests/lounge/test_projection_validation.py).

A birth's mother is found as the lake finds her (jichitai.lake.lounge.births): the one woman of the newborn's
household whose 続柄 makes her its mother, not the simulation's own record of who gave birth.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Iterable

import pyarrow as pa

from jichitai.lake.lounge import MOTHER_RELATIONS, UNKNOWN_BAND, mother_band
from jichitai.lounge.projection import project
from jichitai.synth.geography import build_towns
from jichitai.synth.history import Event, Simulation, age_on
from jichitai.synth.population import City, build_base_population

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


KOBE_2020, KOBE_2050 = 1_525_152, 1_233_396  # 国勢調査 2020; 社人研 地域別将来推計人口 令和5年推計
T0, END = dt.date(2020, 10, 1), dt.date(2026, 1, 1)


def validate(residents: int, seed: int) -> dict[str, object]:
    """The synthetic city from the 2020 census day to 2026-01-01, then projected to 2050: our figures beside the
    institute's for Kobe (bench/projection_kobe.py prints them)."""
    started = time.perf_counter()
    city = City(seed=seed, t0=T0, towns=build_towns(seed))
    build_base_population(city, residents, random.Random(f"population:{seed}"))
    inputs = ProjectionInputs(city)
    base_n = len(inputs.where)
    years = (END.year - T0.year) + (1 if END.month > T0.month else 0)
    sim = Simulation(city, seed, T0, years, dt.date(2021, 1, 1))
    inputs.take((ev for ev in sim.run() if ev.on < END), T0)
    inputs.finish(END)
    built = time.perf_counter()
    t = inputs.tables()
    p = project(t["population_age"], t["flows_age"], t["births_mother_age"])
    done = time.perf_counter()
    total, old = p.totals["計"], p.groups["計"]["65歳以上"]
    share = {y: old[i] / total[i] for i, y in enumerate(p.years)}
    peak_year = max(share, key=share.__getitem__)
    i2050 = p.years.index(2050)
    index_ours = total[i2050] / base_n * 100
    index_ipss = KOBE_2050 / KOBE_2020 * 100
    return {
        "residents_2020": base_n, "base_date": p.base_date.isoformat(), "base_population": total[0],
        "total_2050": {v: p.variants[v]["計"][i2050] for v in p.variants},
        "index_2050_on_2020": round(index_ours, 1), "ipss_index_2050_on_2020": round(index_ipss, 1),
        "difference_points": round(index_ours - index_ipss, 1),
        "scaled_to_kobe_2050": round(KOBE_2020 * index_ours / 100),
        "share_65_2050": round(share[2050] * 100, 1), "share_65_peak": round(share[peak_year] * 100, 1),
        "share_65_peak_year": peak_year, "count_65_peak_year": p.years[max(range(len(old)), key=old.__getitem__)],
        "rates": p.rates,
        "series": {y: [total[i], round(share[y] * 100, 1)] for i, y in enumerate(p.years) if y % 5 == 0},
        "seconds": {"history": round(built - started, 1), "projection": round(done - built, 1)},
    }
