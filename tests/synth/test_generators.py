"""The pure generators: address dictionary, names, base population, history. Same seed, same city."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
from collections import deque
from dataclasses import astuple

import numpy as np
import pytest

from jichitai.common.checkdigit import is_valid_my_number
from jichitai.common.text import has_variation_selector, is_katakana_reading
from jichitai.synth import rates
from jichitai.synth.geography import WARDS, build_towns, ward_shares
from jichitai.synth.history import Simulation
from jichitai.synth.names import NameSampler, with_variant
from jichitai.synth.population import City, build_base_population, size_distribution


def test_nine_wards_with_codes_shares_and_persons_per_household() -> None:
    codes = {w.code: w.name for w in WARDS}
    assert codes == {"28101": "東灘区", "28102": "灘区", "28105": "兵庫区", "28106": "長田区", "28107": "須磨区",
                     "28108": "垂水区", "28109": "北区", "28110": "中央区", "28111": "西区"}
    shares = ward_shares()
    assert abs(sum(shares.values()) - 1) < 1e-9
    # kobe.md: 2020 census 西 15.7 %, 垂水 14.1 %, 東灘 14.0 %, 北 13.8 %; 中央 1.62, 西 2.39 persons/household
    assert round(shares["28111"], 3) == 0.157 and round(shares["28109"], 3) == 0.138
    assert {w.code: w.persons_per_household for w in WARDS}["28110"] == 1.62
    for w in WARDS:
        dist = size_distribution(w.persons_per_household)
        assert abs(sum((i + 1) * p for i, p in enumerate(dist)) - w.persons_per_household) < 1e-9


def test_address_dictionary_is_deterministic_and_complete() -> None:
    towns = build_towns(7)
    assert towns == build_towns(7)
    assert len({t.code for t in towns}) == len(towns)
    for ward in WARDS:
        mine = [t for t in towns if t.ward_code == ward.code]
        assert len(mine) >= 20
        assert len({t.school_district for t in mine}) >= 5
    for t in towns:
        assert re.fullmatch(r"\d{3}-\d{4}", t.postcode), t.postcode
        assert t.code.startswith(t.ward_code) and len(t.code) == 12
        assert is_katakana_reading(t.kana), t
        assert t.school_district.endswith("小学校区")
    # postcodes stay in the ward's real zone (東灘 658, 中央 650/651, 北 651-1x, 西 651-2x)
    assert all(t.postcode.startswith("658") for t in towns if t.ward_code == "28101")
    assert all(t.postcode[:3] in ("650", "651") for t in towns if t.ward_code == "28110")
    assert all(t.postcode.startswith("651-1") for t in towns if t.ward_code == "28109")


def test_names_have_readings_and_a_share_of_variant_forms() -> None:
    sampler = NameSampler(random.Random(3))
    names = [sampler.person(random.Random(i).choice("MF")) for i in range(3000)]
    assert all(is_katakana_reading(n.full_kana) for n in names)
    variants = [n for n in names if any(ch in n.surname for ch in "髙﨑𠮷邊邉齋齊澤濱嶋")]
    assert 0.005 < len(variants) / len(names) < 0.08
    rng = random.Random(1)
    forms = {with_variant("渡辺", rng) for _ in range(400)}
    assert "渡辺" in forms and "渡邊" in forms
    assert any(has_variation_selector(f) for f in forms)  # 邉 with an ideographic variation sequence


def _city(seed: int, population: int = 3000) -> City:
    city = City(seed=seed, t0=dt.date(2024, 4, 1), towns=build_towns(seed))
    build_base_population(city, population, random.Random(f"population:{seed}"))
    return city


def _digest(city: City, years: int) -> str:
    sim = Simulation(city, city.seed, city.t0, years, dt.date(2026, 1, 1))
    h = hashlib.sha256()
    for ev in sim.run():
        h.update(repr(astuple(ev)).encode())
    for p in city.people.values():
        h.update(repr((p.pid, p.name, p.birth, p.state, p.hid, p.relation)).encode())
    return h.hexdigest()


def test_same_seed_same_history_other_seed_other_history() -> None:
    assert _digest(_city(11, 1500), 1) == _digest(_city(11, 1500), 1)
    assert _digest(_city(11, 1500), 1) != _digest(_city(12, 1500), 1)


def test_people_are_valid_registry_entries() -> None:
    city = _city(5)
    numbers = [p.my_number for p in city.people.values()]
    assert len(set(numbers)) == len(numbers)
    assert all(is_valid_my_number(n) for n in numbers)
    for hh in city.households.values():
        head = city.people[hh.members[0]]
        assert head.relation == "世帯主"
        for pid in hh.members[1:]:
            p = city.people[pid]
            if p.relation == "子":
                assert p.birth > head.birth
            if p.relation in ("父", "母"):
                assert p.birth < head.birth
    foreign = [p for p in city.people.values() if p.nationality != "JP"]
    assert foreign and all(p.residence_status for p in foreign)


def test_a_deferred_event_is_recorded_as_of_its_own_time() -> None:
    """A 転居 into a household that waits behind a batch (the household is in flight) is turned into its command
    later, when the simulation may have moved that household again: the command keeps the address of the event's
    time, so the registry does not depend on how events were batched (one worker or several)."""
    from jichitai.synth.history import Event
    from jichitai.synth.registry_load import HistoryApplier, Mapping_, household_entity

    towns = build_towns(7)
    city = City(seed=7, t0=dt.date(2020, 4, 1), towns=towns)
    build_base_population(city, 200, random.Random(7))
    mover_hh, target = [h for h in city.households.values() if h.members][:2]
    mover = mover_hh.members[0]
    mapping = Mapping_(atena={p: f"{p:015d}" for p in city.people}, setai={h: f"{h:015d}" for h in city.households})
    applier = HistoryApplier(city, mapping, batch_size=10)
    applier.pool = {"atena": deque(), "setai": deque([900001])}  # serials as if reserved (no database here)
    applier.busy = {household_entity(target.hid)}  # a batch being recorded names the target household
    address = (target.town_code, target.banchi, target.katagaki)
    applier.add(Event(seq=1, kind="move_within", on=dt.date(2021, 5, 1), pids=(mover,), hid=mover_hh.hid,
                      to_hid=target.hid))
    assert not applier.pending and applier.deferred  # it waits
    target.town_code, target.banchi = "999999999999", "9-9-9"  # the simulation moves the household on
    applier.busy = set()  # that batch is recorded: the events that waited are placed (as flush does)
    replay, applier.deferred, applier.waiting = applier.deferred, [], set()
    applier._place(replay[0])
    (_, command, _), = applier.pending
    assert (command.town_code, command.banchi, command.katagaki) == address


def test_monthly_hazards_read_from_tables_equal_the_rates_applied_per_person() -> None:
    # rates.monthly_hazards reads each person's probabilities from a table by age and sex; they must be the very
    # values of the rates applied to every person (as the history computed them before), every month
    g = np.random.default_rng(3)
    ages = np.concatenate([np.arange(0, 121), g.integers(0, 110, size=20_000)]).astype(np.int32)
    female = g.random(len(ages)) < 0.52
    for month in range(1, 13):
        death, birth, out, within = rates.monthly_hazards(ages, female, month)
        season = rates.MOVE_SEASON[month]
        assert np.array_equal(death, rates.monthly(rates.mortality(ages, female), rates.DEATH_SEASON[month] / 12))
        assert np.array_equal(birth, np.where(female, rates.fertility(ages), 0.0) / 12)
        assert np.array_equal(out, rates.monthly(rates.move_out_hazard(ages), season))
        assert np.array_equal(within, rates.monthly(rates.move_within_hazard(ages), season))
    assert [len(h) for h in rates.monthly_hazards(ages[:0], female[:0], 4)] == [0, 0, 0, 0]
    with pytest.raises(ValueError):
        rates.monthly_hazards(np.array([3, -1], dtype=np.int32), np.array([True, False]), 4)
