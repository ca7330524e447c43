"""The base population at t0: people in households in the towns of the nine wards.

The age pyramid is a Japanese designated city's around 2020 (5-year shares below, our reading of the national
census pattern for large cities: shrinking cohorts under 50, the baby-boom bulge at 70–74, aging rate ≈ 29 %,
Kobe 2020: 28.6 %). Households are drawn first, with sizes matching each ward's persons per household, then
filled by household type (single, couple, couple with children, single parent, three generations), each
member's age drawn from the pyramid within the range the type allows.

Pure: no Django. Deterministic for a seed.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import gc
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from jichitai.common.checkdigit import make_my_number
from jichitai.synth.geography import WARDS, Town
from jichitai.synth.names import Name, NameSampler, foreign_name, nationality_and_status

# Share of the population by 5-year age band (0–4 … 95–99, 100+); normalised below.
PYRAMID_5Y: tuple[float, ...] = (
    3.7, 4.0, 4.2, 4.4, 5.2, 4.8, 4.9, 5.5, 6.2, 7.8, 7.2, 6.2, 5.9, 6.2, 7.3, 5.7, 4.6, 3.3, 1.5, 0.45, 0.08,
)
MAX_AGE = 104
FOREIGN_SHARE = 0.033  # Kobe's foreign residents ≈ 3 % of the population [D: order of magnitude, 2020s]

# Household size distributions: an urban-core mix (mean ≈ 1.58) and a suburban mix (≈ 2.42); each ward uses
# the blend whose mean equals its persons per household.
_URBAN = (0.64, 0.22, 0.08, 0.045, 0.012, 0.003)
_SUBURBAN = (0.27, 0.33, 0.19, 0.15, 0.045, 0.015)


def _mean(dist: tuple[float, ...]) -> float:
    return sum((i + 1) * p for i, p in enumerate(dist))


def size_distribution(persons_per_household: float) -> tuple[float, ...]:
    mu_u, mu_s = _mean(_URBAN), _mean(_SUBURBAN)
    a = min(1.0, max(0.0, (mu_s - persons_per_household) / (mu_s - mu_u)))
    return tuple(a * u + (1 - a) * s for u, s in zip(_URBAN, _SUBURBAN, strict=True))


def _age_weights() -> list[float]:
    total = sum(PYRAMID_5Y)
    weights = []
    for age in range(MAX_AGE + 1):
        band = min(age // 5, len(PYRAMID_5Y) - 1)
        width = 5 if band < len(PYRAMID_5Y) - 1 else MAX_AGE - 100 + 1
        weights.append(PYRAMID_5Y[band] / total / width)
    return weights


AGE_WEIGHTS = _age_weights()
_CUM = list(itertools.accumulate(AGE_WEIGHTS))


def draw_age(rng: random.Random, lo: int, hi: int) -> int:
    """An age in [lo, hi] drawn in proportion to the pyramid."""
    lo, hi = max(0, lo), min(MAX_AGE, hi)
    if hi <= lo:
        return lo
    base = _CUM[lo - 1] if lo > 0 else 0.0
    u = base + rng.random() * (_CUM[hi] - base)
    return min(hi, max(lo, bisect.bisect_left(_CUM, u)))


@dataclass(slots=True)
class Person:
    pid: int
    name: Name
    sex: str
    birth: dt.date
    nationality: str  # "JP" or an ISO 3166 alpha-2 code
    residence_status: str
    relation: str
    hid: int
    my_number: str
    state: str = "active"  # active / out / dead
    kyuuji: str = ""
    kyuuji_kana: str = ""
    since: dt.date | None = None  # 住民となった年月日
    left_on: dt.date | None = None


@dataclass(slots=True)
class Household:
    hid: int
    ward_code: str
    town_code: str
    banchi: str
    katagaki: str
    members: list[int] = field(default_factory=list)  # head first
    split_from: int | None = None


@dataclass
class City:
    """The synthetic city's own state (the generator's truth, mirrored into the registry)."""

    seed: int
    t0: dt.date
    towns: list[Town]
    people: dict[int, Person] = field(default_factory=dict)
    households: dict[int, Household] = field(default_factory=dict)
    next_pid: int = 1
    next_hid: int = 1
    towns_by_ward: dict[str, list[Town]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for t in self.towns:
            self.towns_by_ward.setdefault(t.ward_code, []).append(t)

    def new_pid(self) -> int:
        pid = self.next_pid
        self.next_pid += 1
        return pid

    def new_hid(self) -> int:
        hid = self.next_hid
        self.next_hid += 1
        return hid

    def active(self) -> list[Person]:
        return [p for p in self.people.values() if p.state == "active"]


def my_number_for(pid: int, seed: int) -> str:
    """A unique, valid 12-digit 個人番号 for a synthetic person (an affine permutation of the pid)."""
    body = (pid * 7_919_113 + 10_000_000_000 + seed * 104_729) % 100_000_000_000
    return make_my_number(body)


def birth_date(rng: random.Random, age: int, on: dt.date) -> dt.date:
    """A birth date giving ``age`` on ``on``."""
    latest = dt.date(on.year - age, on.month, min(on.day, 28))
    return latest - dt.timedelta(days=rng.randint(0, 364))


_BUILDINGS = ("ハイツ", "マンション", "コーポ", "レジデンス", "パレス", "荘", "ハウス")
_BUILDING_STEMS = ("サンシャイン", "グリーン", "ロイヤル", "シティ", "パーク", "リバー", "メゾン", "六甲", "みなと", "さくら")


def address_parts(rng: random.Random) -> tuple[str, str]:
    """(番地, 方書): about half of households live in a building with a 方書."""
    banchi = f"{rng.randint(1, 30)}番{rng.randint(1, 28)}号" if rng.random() < 0.8 else f"{rng.randint(1, 2999)}番地"
    if rng.random() < 0.5:
        katagaki = f"{rng.choice(_BUILDING_STEMS)}{rng.choice(_BUILDINGS)}{rng.randint(1, 12)}{rng.randint(1, 12):02d}号"
    else:
        katagaki = ""
    return banchi, katagaki


class PopulationBuilder:
    """Draws households and their members for a city of ``population`` people at ``t0``."""

    def __init__(self, city: City, rng: random.Random) -> None:
        self.city = city
        self.rng = rng
        self.names = NameSampler(rng)

    # -- people -----------------------------------------------------------------------------------------
    def person(self, hid: int, sex: str, age: int, relation: str, *, surname: tuple[str, str] | None,
               nationality: str = "JP", status: str = "", on: dt.date | None = None) -> Person:
        on = on or self.city.t0
        pid = self.city.new_pid()
        if nationality == "JP":
            name = self.names.person(sex, surname)
        else:
            name = foreign_name(nationality, sex, self.rng)
        since = on - dt.timedelta(days=self.rng.randint(0, max(0, age * 365)))
        p = Person(pid, name, sex, birth_date(self.rng, age, on), nationality, status, relation, hid,
                   my_number_for(pid, self.city.seed), since=since)
        self.city.people[pid] = p
        return p

    def household(self, ward_code: str, size: int, *, on: dt.date | None = None, foreign: bool | None = None,
                  kind: str | None = None) -> Household:
        rng = self.rng
        town = rng.choice(self.city.towns_by_ward[ward_code])
        banchi, katagaki = address_parts(rng)
        hh = Household(self.city.new_hid(), ward_code, town.code, banchi, katagaki)
        self.city.households[hh.hid] = hh
        if foreign is None:
            foreign = rng.random() < FOREIGN_SHARE
        nat, status = nationality_and_status(rng) if foreign else ("JP", "")
        surname = None if foreign else self.names.surname()
        for sex, age, relation in self.compose(size, kind):
            p = self.person(hh.hid, sex, age, relation, surname=surname, nationality=nat,
                            status=status if nat != "JP" else "", on=on)
            hh.members.append(p.pid)
        return hh

    def compose(self, size: int, kind: str | None = None) -> list[tuple[str, int, str]]:
        """(sex, age, 続柄) for every member of a household of ``size``; the head first."""
        rng = self.rng
        r = rng.random()
        if kind == "couple" and size == 2:  # a young couple moving in (転入): 24–40
            return self._couple(24, 40)
        if kind == "newcomer" and size == 1:  # a young person moving in alone (study, first job): mostly 18–34
            age = draw_age(rng, 18, 24) if r < 0.45 else draw_age(rng, 25, 34) if r < 0.85 else draw_age(rng, 35, 49)
            return [(rng.choice("MF"), age, "世帯主")]
        if kind == "older" and size == 2:  # an older couple moving in (near children, into care housing): 55–85
            return self._couple(55, 85)
        if kind == "single" and size == 1:  # an older person living alone: 40–75
            return [("F" if rng.random() < 0.6 else "M", draw_age(rng, 40, 75), "世帯主")]
        if kind == "family" and size >= 3:  # a young family moving in: parents 27–44, children under 15
            return self._couple(27, 44) + [self._child_of(0, 14) for _ in range(size - 2)]
        if size == 1:
            if kind == "young" or (kind is None and r >= 0.46):
                return [(rng.choice("MF"), self._young_adult(), "世帯主")]
            sex = "F" if rng.random() < 0.68 else "M"
            return [(sex, draw_age(rng, 65, MAX_AGE), "世帯主")]
        if size == 2:
            if r < 0.50:
                return self._couple(62, 95)
            if r < 0.72:
                return self._couple(24, 64)
            if r < 0.85:
                mother = draw_age(rng, 28, 55)
                return [("F" if rng.random() < 0.85 else "M", mother, "世帯主"), self._child(mother, 0, 24)]
            parent = draw_age(rng, 72, 98)
            return [("F" if rng.random() < 0.7 else "M", parent, "世帯主"), self._child(parent, 38, 66)]
        if size == 3:
            if r < 0.38:
                return self._couple(26, 50) + [self._child_of(0, 17)]
            if r < 0.68:
                return self._couple(45, 66) + [self._child_of(18, 40)]
            if r < 0.78:
                mother = draw_age(rng, 30, 52)
                return [("F", mother, "世帯主"), self._child(mother, 0, 20), self._child(mother, 0, 20)]
            return self._couple(63, 90) + [self._child_of(35, 62)]
        members = self._couple(28, 55)
        if r < 0.25 and size >= 4:
            # three generations: the head's parent(s) live with the family
            head_age = members[0][1]
            gp = [("F" if rng.random() < 0.7 else "M", min(MAX_AGE, head_age + rng.randint(25, 38)), "")]
            if size >= 6:
                gp.append(("M" if gp[0][0] == "F" else "F", gp[0][1] + rng.randint(-3, 3), ""))
            members += [(s, a, "父" if s == "M" else "母") for s, a, _ in gp]
        while len(members) < size:
            members.append(self._child_of(0, 26))
            self._mother_age = members[1][1]
        return members

    _mother_age = 35

    def _young_adult(self) -> int:
        # Young adults dominate single households in cities: students and workers 18–39.
        return draw_age(self.rng, 18, 39) if self.rng.random() < 0.55 else draw_age(self.rng, 40, 64)

    def _couple(self, lo: int, hi: int) -> list[tuple[str, int, str]]:
        wife = draw_age(self.rng, lo, hi)
        self._mother_age = wife
        husband = max(18, min(MAX_AGE, wife + int(self.rng.gauss(2, 3))))
        return [("M", husband, "世帯主"), ("F", wife, "妻")]

    def _child(self, parent_age: int, lo: int, hi: int) -> tuple[str, int, str]:
        hi = min(hi, parent_age - 18)
        lo = max(lo, parent_age - 45)
        age = draw_age(self.rng, lo, hi) if hi >= lo else max(0, min(hi, parent_age - 25))
        return (self.rng.choice("MF"), max(0, age), "子")

    def _child_of(self, lo: int, hi: int) -> tuple[str, int, str]:
        return self._child(self._mother_age, lo, hi)


def build_base_population(city: City, population: int, rng: random.Random) -> None:
    """Fill ``city`` with about ``population`` people (exactly, but for the last household per ward)."""
    builder = PopulationBuilder(city, rng)
    total_share = sum(w.share for w in WARDS)
    for ward in WARDS:
        target = round(population * ward.share / total_share)
        dist = size_distribution(ward.persons_per_household)
        cum = list(itertools.accumulate(dist))
        made = 0
        while made < target:
            size = min(bisect.bisect_left(cum, rng.random() * cum[-1]) + 1, 6)
            size = min(size, target - made) if target - made >= 1 else 1
            hh = builder.household(ward.code, size)
            made += len(hh.members)


# ---- the generator's objects and the cyclic garbage collector ----------------------------------------------
# The city lives until the end and holds no garbage cycles, yet each full collection walked all of its tens of
# millions of objects — in the generating process and again in every forked worker, whose walk also copies the pages
# it touches. At the Kobe size that was minutes of CPU. Objects freed by their reference count are freed as before.

@contextlib.contextmanager
def built_without_collections() -> Iterator[None]:
    """No cyclic collection while what the block builds (all of it to live on, or rows without cycles) is made."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def settle() -> None:
    """Take what has been built so far out of the cyclic collector's sight (``gc.freeze``)."""
    gc.collect()
    gc.freeze()
