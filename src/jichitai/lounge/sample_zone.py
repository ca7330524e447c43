"""A synthetic lounge zone, generated directly in the lounge-zone schema (``jichitai.lake.schemas``).

Used by the lounge's tests (a small city with leap-day births, NULLs and half-width kana), by the demo when
no landing has filled the lake yet, and by ``bench/lounge_dashboards.py`` (a Kobe-sized city, 1.5 million
residents with ten years of history). It is not the synthetic city of ``jichitai.synth``: it has no names
and no 宛名番号 at all, only pseudonymous ids, because it stands for what the lake lands, not for the registry.

The population is simulated year by year: births, deaths (Gompertz hazard), moves in and out by class,
changes of ward (市内) and moves within a ward; each spell of residence is a row of ``resident_spells`` and
each change a row of ``movements``. The other systems' tables are drawn from the resulting spells.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from jichitai.lake import lounge as lake_lounge
from jichitai.lake.lounge import UNKNOWN_BAND, mother_band
from jichitai.lake.schemas import LOUNGE_NAMESPACE, LOUNGE_TABLES, LTC_LEVELS, arrow_schema
from jichitai.lounge.geo import TownPlace
from jichitai.synth.geography import WARD_BY_CODE, chome_name

WARDS = ("28101", "28102", "28105", "28106", "28107", "28108", "28109", "28110", "28111")
WARD_WEIGHTS = np.array([14.0, 9.0, 7.0, 6.5, 10.5, 14.1, 13.8, 9.5, 15.7])
EPOCH = dt.date(1970, 1, 1)
# relative fertility by the mother's band 15–19 … 45–49 (the shape of the projection's standard pattern)
BIRTH_PATTERN = np.array([0.002, 0.021, 0.068, 0.088, 0.053, 0.012, 0.0004])


@dataclass(frozen=True)
class Size:
    residents: int = 3000
    years: int = 10
    towns_per_ward: int = 4
    districts_per_ward: int = 2
    end: dt.date = dt.date(2026, 4, 1)
    seed: int = 7


SMALL = Size()
KOBE = Size(residents=1_500_000, years=10, towns_per_ward=40, districts_per_ward=18)


def _days(d: dt.date) -> int:
    return (d - EPOCH).days


def _pid(prefix: str, n: np.ndarray) -> list[str]:
    return [hashlib.blake2b(f"{prefix}{i}".encode(), digest_size=16).hexdigest() for i in n.tolist()]


def _month_start(days: np.ndarray) -> np.ndarray:
    d = days.astype("datetime64[D]")
    return d.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


class _People:
    def __init__(self) -> None:
        self.cols: dict[str, list[np.ndarray]] = {k: [] for k in ("id", "sex", "birth", "nat", "hh")}
        self.count = 0

    def add(self, sex: np.ndarray, birth: np.ndarray, nat: np.ndarray, hh: np.ndarray) -> np.ndarray:
        ids = np.arange(self.count, self.count + len(sex))
        self.count += len(sex)
        for k, v in (("id", ids), ("sex", sex), ("birth", birth), ("nat", nat), ("hh", hh)):
            self.cols[k].append(v)
        return ids

    def arrays(self) -> dict[str, np.ndarray]:
        return {k: np.concatenate(v) if v else np.array([]) for k, v in self.cols.items()}


def town_master(size: Size = SMALL) -> list[tuple[str, str, str, str, str]]:
    """The sample zone's 町字 master (code, ward code, ward name, name, kana), as the registry's 住所辞書 would
    give it: each ward's 町名 of the synthetic city (synth/geography.py), 一丁目, 二丁目 … when they run out."""
    out = []
    for i in range(len(WARDS) * size.towns_per_ward):
        ward = WARD_BY_CODE[WARDS[i // size.towns_per_ward]]
        j = i % size.towns_per_ward
        name, kana = chome_name(ward.towns[j % len(ward.towns)], j // len(ward.towns) + 1)
        out.append((f"{ward.code}{i:04d}", ward.code, ward.name, name, kana))
    return out


def places(size: Size = SMALL) -> list[TownPlace]:
    """The sample zone's 町字 with their ward, name and 小学校区 (as :func:`generate` assigns them), for its
    synthetic map."""
    out = []
    for i, (code, ward, _, name, _) in enumerate(town_master(size)):
        d = WARDS.index(ward) * size.districts_per_ward + (i % size.districts_per_ward)
        out.append(TownPlace(code, ward, name, f"第{d + 1}小学校区" if d % 3 else f"ﾐﾅﾄ{d // 3 + 1}小学校区"))
    return out


def generate(size: Size = SMALL) -> dict[str, pa.Table]:
    """All the lounge tables as Arrow tables in the lake's schema."""
    rng = np.random.default_rng(size.seed)
    start = dt.date(size.end.year - size.years, 1, 1)
    t0, t_end = _days(start), _days(size.end)
    town_ward = np.repeat(np.arange(len(WARDS)), size.towns_per_ward)
    town_codes = np.array([f"{WARDS[w]}{i:04d}" for i, w in enumerate(town_ward)])
    # 小学校区: some names written in half-width kana by one source system (ﾐﾅﾄ小学校 = ミナト小学校 after NFKC)
    n_dist = len(WARDS) * size.districts_per_ward
    dist_names = np.array([f"第{i + 1}小学校区" if i % 3 else f"ﾐﾅﾄ{i // 3 + 1}小学校区" for i in range(n_dist)])
    town_district = np.array([
        w * size.districts_per_ward + (i % size.districts_per_ward) for i, w in enumerate(town_ward)
    ])
    ward_p = WARD_WEIGHTS / WARD_WEIGHTS.sum()

    people = _People()
    spells: list[dict[str, Any]] = []
    moves: list[dict[str, Any]] = []
    births: list[dict[str, Any]] = []

    def town_in_ward(w: np.ndarray) -> np.ndarray:
        return w * size.towns_per_ward + rng.integers(0, size.towns_per_ward, len(w))

    # initial population at `start`
    n0 = size.residents
    ages = np.minimum(rng.gamma(2.2, 21.0, n0), 104.0)
    birth0 = t0 - (ages * 365.25).astype(np.int64) - rng.integers(0, 365, n0)
    # leap-day births (first of February in the lounge zone) must be present
    birth0[:4] = [_days(dt.date(2000, 2, 29)), _days(dt.date(1996, 2, 29)), _days(dt.date(1964, 2, 29)),
                  _days(dt.date(2016, 2, 29))]
    ward0 = rng.choice(len(WARDS), n0, p=ward_p)
    town0 = town_in_ward(ward0)
    hh_size = rng.choice([1, 2, 3, 4, 5], n0, p=[0.36, 0.29, 0.17, 0.13, 0.05])
    hh0 = np.cumsum(np.r_[0, (rng.random(n0 - 1) < 1 / hh_size[1:])])  # runs of people share a household
    # a household lives in one town: take the town of its first member
    first = np.r_[0, np.flatnonzero(np.diff(hh0)) + 1]
    town0 = np.repeat(town0[first], np.diff(np.r_[first, n0]))
    ward0 = town_ward[town0]
    ids = people.add(rng.choice(["M", "F"], n0), birth0, np.where(rng.random(n0) < 0.03, "FOREIGN", "JP"), hh0)
    next_hh = int(hh0.max()) + 1
    alive_id, alive_town, alive_from = ids, town0, np.full(n0, t0)

    def close(mask: np.ndarray, at: np.ndarray) -> None:
        spells.append({"id": alive_id[mask], "town": alive_town[mask], "from": alive_from[mask], "to": at})

    def event(kind: str, pid: np.ndarray, at: np.ndarray, town: np.ndarray,
              origin: np.ndarray | None = None, dest: np.ndarray | None = None) -> None:
        moves.append({"kind": kind, "id": pid, "at": at, "town": town, "origin": origin, "dest": dest})

    classes_out = np.array(["県内", "県外", "国外"])
    for y in range(size.years + 1):
        y0 = _days(dt.date(start.year + y, 1, 1))
        y1 = min(_days(dt.date(start.year + y + 1, 1, 1)), t_end)
        if y1 <= y0:
            break
        span = y1 - y0
        frac = span / 365.0
        arr = people.arrays()
        age = (y0 - arr["birth"][alive_id]) / 365.25
        # deaths
        q = np.clip(0.00004 * np.exp(0.09 * age), 0, 0.6) * frac
        dies = rng.random(len(alive_id)) < q
        # moves out of the city
        p_out = np.where((age > 18) & (age < 40), 0.06, 0.02) * frac
        leaves = (~dies) & (rng.random(len(alive_id)) < p_out)
        at = y0 + rng.integers(0, span, len(alive_id))
        close(dies | leaves, at[dies | leaves])
        event("death", alive_id[dies], at[dies], alive_town[dies])
        dest = classes_out[rng.choice(3, int(leaves.sum()), p=[0.45, 0.5, 0.05])]
        event("move_out", alive_id[leaves], at[leaves], alive_town[leaves], None, dest)
        keep = ~(dies | leaves)
        alive_id, alive_town, alive_from, age = alive_id[keep], alive_town[keep], alive_from[keep], age[keep]
        # changes of ward (市内) and moves within the ward: close the spell, open a new one
        r = rng.random(len(alive_id))
        change = r < 0.02 * frac
        within = (~change) & (r < 0.05 * frac)
        for mask, kind in ((change, "ward_change"), (within, "move_within")):
            if not mask.any():
                continue
            at_m = y0 + rng.integers(1, span, int(mask.sum()))
            close(mask, at_m)
            old_ward = town_ward[alive_town[mask]]
            new_ward = (old_ward + rng.integers(1, len(WARDS), len(old_ward))) % len(WARDS) \
                if kind == "ward_change" else old_ward
            new_town = town_in_ward(new_ward)
            alive_town = alive_town.copy()
            alive_from = alive_from.copy()
            alive_town[mask] = new_town
            alive_from[mask] = at_m
            event(kind, alive_id[mask], at_m, new_town, np.full(len(new_town), "市内"),
                  np.full(len(new_town), "市内"))
        # births: to women 15–49, in proportion to the age pattern of fertility; the mother's age band goes to
        # the births table as the lake's registry linkage would give it (a few unknown: mother not in the household)
        female = arr["sex"][alive_id] == "F"
        mothers = np.flatnonzero(female & (age >= 15) & (age < 50))
        n_birth = int(len(alive_id) * 0.0068 * frac)
        if n_birth and len(mothers):
            weight = BIRTH_PATTERN[np.minimum(age[mothers].astype(np.int64), 49) // 5 - 3]
            m = rng.choice(mothers, n_birth, p=weight / weight.sum())
            band = np.array([mother_band(int(a)) for a in age[m]], dtype=object)
            band[rng.random(n_birth) < 0.03] = UNKNOWN_BAND
            bday = y0 + rng.integers(0, span, n_birth)
            if y == 0:
                bday[0] = max(y0, min(y1 - 1, _days(dt.date(start.year, 2, 29)) if start.year % 4 == 0 else y0))
            b_sex = rng.choice(["M", "F"], n_birth)
            new = people.add(b_sex, bday, arr["nat"][alive_id[m]],
                             arr["hh"][alive_id[m]])
            event("birth", new, bday, alive_town[m])
            births.append({"at": bday, "town": alive_town[m], "sex": b_sex, "band": band})
            alive_id = np.r_[alive_id, new]
            alive_town = np.r_[alive_town, alive_town[m]]
            alive_from = np.r_[alive_from, bday]
        # moves into the city
        n_in = int(size.residents * 0.045 * frac)
        if n_in:
            a_in = np.clip(rng.normal(29, 11, n_in), 0, 95)
            at_in = y0 + rng.integers(0, span, n_in)
            b_in = at_in - (a_in * 365.25).astype(np.int64)
            hh_in = next_hh + np.arange(n_in) // 2
            next_hh = int(hh_in.max()) + 1
            new = people.add(rng.choice(["M", "F"], n_in), b_in,
                             np.where(rng.random(n_in) < 0.08, "FOREIGN", "JP"), hh_in)
            w_in = rng.choice(len(WARDS), n_in, p=ward_p)
            t_in = town_in_ward(w_in)
            origin = classes_out[rng.choice(3, n_in, p=[0.4, 0.52, 0.08])]
            event("move_in", new, at_in, t_in, origin, None)
            alive_id, alive_town, alive_from = np.r_[alive_id, new], np.r_[alive_town, t_in], np.r_[alive_from, at_in]
    spells.append({"id": alive_id, "town": alive_town, "from": alive_from, "to": None})

    arr = people.arrays()
    pids = np.array(_pid("p", arr["id"]))
    hh_pids = np.array(_pid("h", arr["hh"]))
    birth_ym = _month_start(arr["birth"])

    sp_id = np.concatenate([s["id"] for s in spells])
    sp_town = np.concatenate([s["town"] for s in spells])
    sp_from = np.concatenate([s["from"] for s in spells])
    sp_to = np.concatenate([s["to"] if s["to"] is not None else np.full(len(s["id"]), -1) for s in spells])
    ok = (sp_to == -1) | (sp_to > sp_from)
    sp_id, sp_town, sp_from, sp_to = sp_id[ok], sp_town[ok], sp_from[ok], sp_to[ok]
    district = dist_names[town_district[sp_town]].astype(object)
    district[rng.random(len(district)) < 0.01] = None  # school district not yet assigned in the source
    tables: dict[str, pa.Table] = {}
    tables["resident_spells"] = _table("resident_spells", {
        "pid": pids[sp_id], "household_pid": hh_pids[sp_id], "sex": arr["sex"][sp_id],
        "birth_ym": _dates(birth_ym[sp_id]), "nationality": arr["nat"][sp_id],
        "ward_code": np.array(WARDS)[town_ward[sp_town]], "town_code": town_codes[sp_town],
        "school_district": district, "valid_from": _dates(sp_from), "valid_to": _dates(sp_to, nullable=True),
    })

    mv_id = np.concatenate([m["id"] for m in moves])
    mv_kind = np.concatenate([np.full(len(m["id"]), m["kind"]) for m in moves])
    mv_at = np.concatenate([m["at"] for m in moves])
    mv_town = np.concatenate([m["town"] for m in moves])

    def cls(key: str) -> np.ndarray:
        return np.concatenate([m[key].astype(object) if m[key] is not None else np.full(len(m["id"]), None)
                               for m in moves])
    tables["movements"] = _table("movements", {
        "event_id": np.array(_pid("e", np.arange(len(mv_id)))), "pid": pids[mv_id], "kind": mv_kind,
        "event_date": _dates(mv_at), "sex": arr["sex"][mv_id], "birth_ym": _dates(birth_ym[mv_id]),
        "ward_code": np.array(WARDS)[town_ward[mv_town]], "town_code": town_codes[mv_town],
        "school_district": dist_names[town_district[mv_town]].astype(object),
        "origin_class": cls("origin"), "destination_class": cls("dest"),
    })
    b_at = np.concatenate([b["at"] for b in births]) if births else np.zeros(0, np.int64)
    b_town = np.concatenate([b["town"] for b in births]) if births else np.zeros(0, np.int64)
    tables["births"] = _table("births", {
        "event_date": _dates(b_at), "ward_code": np.array(WARDS)[town_ward[b_town]],
        "sex": np.concatenate([b["sex"] for b in births]) if births else np.zeros(0, object),
        "mother_band": np.concatenate([b["band"] for b in births]) if births else np.zeros(0, object),
    })
    tables.update(_services(rng, tables["resident_spells"], arr, pids, start, size))
    tables["towns"] = lake_lounge.towns(town_master(size))
    return tables


def _dates(days: np.ndarray, nullable: bool = False) -> pa.Array:
    values = days.astype("datetime64[D]")
    if nullable:
        return pa.array(values, type=pa.date32(), mask=days == -1)
    return pa.array(values, type=pa.date32())


def _table(name: str, cols: dict[str, Any]) -> pa.Table:
    schema = arrow_schema(name)
    return pa.table({f.name: pa.array(cols[f.name], type=f.type) if not isinstance(cols[f.name], pa.Array)
                     else cols[f.name] for f in schema}).cast(schema)


def _services(rng: np.random.Generator, spells: pa.Table, arr: dict[str, np.ndarray], pids: np.ndarray,
              start: dt.date, size: Size) -> dict[str, pa.Table]:
    """児童手当, 介護保険, 国保, the assessment and declarations, drawn from the residents' spells."""
    pid = spells["pid"].to_numpy(zero_copy_only=False)
    ward = spells["ward_code"].to_numpy(zero_copy_only=False)
    dist = spells["school_district"].to_numpy(zero_copy_only=False)
    hh = spells["household_pid"].to_numpy(zero_copy_only=False)
    vf = _day_numbers(spells["valid_from"])
    is_open = spells["valid_to"].is_null().to_numpy(zero_copy_only=False)
    vt = np.where(is_open, _days(size.end), _day_numbers(spells["valid_to"].fill_null(size.end)))
    birth = _day_numbers(spells["birth_ym"])
    age_from = (vf - birth) / 365.25
    age_to = (vt - birth) / 365.25
    out: dict[str, pa.Table] = {}

    child = (age_from < 15) & (rng.random(len(pid)) < 0.85)
    c_from = _month_start(np.maximum(vf[child], birth[child] + 31))
    c_to = _month_start(np.minimum(vt[child], birth[child] + int(15 * 365.25)))
    still = is_open[child]
    c_to_days = np.where(still & (c_to >= _month_start(np.array([_days(size.end)]))[0]), -1, c_to)
    keep = (c_to_days == -1) | (c_to_days > c_from)
    amount = np.where((age_from[child] < 3), 15000, 10000)
    out["child_allowance"] = _table("child_allowance", {
        "pid": np.array(_pid("g", np.arange(int(child.sum()))))[keep], "child_pid": pid[child][keep],
        "ward_code": ward[child][keep], "school_district": dist[child][keep],
        "from_month": _dates(c_from[keep]), "to_month": _dates(c_to_days[keep], nullable=True),
        "monthly_amount": amount[keep].astype(np.int64),
    })

    old = (age_to >= 65) & (rng.random(len(pid)) < 0.22)
    l_from = np.maximum(vf[old], birth[old] + int(65 * 365.25)) + rng.integers(0, 700, int(old.sum()))
    l_to = np.where(rng.random(int(old.sum())) < 0.5, -1, l_from + 365 * rng.integers(1, 4, int(old.sum())))
    l_to = np.where((l_to != -1) & (l_to > vt[old]), vt[old], l_to)
    l_to = np.where(is_open[old], l_to, np.where(l_to == -1, vt[old], l_to))
    keep = (l_from < _days(size.end)) & ((l_to == -1) | (l_to > l_from))
    out["ltc_certification"] = _table("ltc_certification", {
        "pid": pid[old][keep], "level": np.array(LTC_LEVELS)[rng.integers(0, 7, int(keep.sum()))],
        "ward_code": ward[old][keep], "valid_from": _dates(l_from[keep]),
        "valid_to": _dates(l_to[keep], nullable=True),
    })

    nhi = rng.random(len(pid)) < 0.2
    out["nhi_enrolment"] = _table("nhi_enrolment", {
        "pid": pid[nhi], "household_pid": hh[nhi], "ward_code": ward[nhi], "valid_from": _dates(vf[nhi]),
        "valid_to": _dates(np.where(is_open[nhi], -1, vt[nhi]), nullable=True),
    })

    rows: dict[str, list[np.ndarray]] = {k: [] for k in LOUNGE_TABLES["tax_assessment"].column_names}
    drows: dict[str, list[Any]] = {k: [] for k in LOUNGE_TABLES["declarations"].column_names}
    for fy in range(start.year + 1, size.end.year + 1):
        jan1 = _days(dt.date(fy, 1, 1))
        here = (vf <= jan1) & (vt > jan1) & ((jan1 - birth) / 365.25 >= 18)
        n = int(here.sum())
        income = np.where(rng.random(n) < 0.7, (rng.lognormal(15.0, 0.7, n)).astype(np.int64), 0)
        taxable_income = np.maximum(0, income - 1_000_000) // 1000 * 1000
        taxable = taxable_income > 0
        levy = (taxable_income * 0.1).astype(np.int64) // 100 * 100
        version = np.where(rng.random(n) < 0.02, 2, 1)
        # 分離課税 (about 1 % sell land or shares: synth.separate_returns), from a generator of its own so that the
        # zone's other draws stay as they were
        sep_rng = np.random.default_rng(fy)
        taxable_separate = np.where(sep_rng.random(n) < 0.01,
                                    sep_rng.lognormal(15.0, 1.0, n).astype(np.int64) // 1000 * 1000, 0)
        for k, v in (("pid", pid[here]), ("fiscal_year", np.full(n, fy, np.int32)), ("version", version),
                     ("ward_code", ward[here]), ("taxable", taxable), ("total_income", income),
                     ("taxable_income", taxable_income), ("taxable_separate", taxable_separate), ("income_levy", levy),
                     ("per_capita", np.where(taxable, 6200, 0))):
            rows[k].append(np.asarray(v))
        dec = np.flatnonzero(here)[rng.random(n) < 0.03]
        m = len(dec)
        submitted = (np.datetime64(f"{fy}-02-16T09:00:00") + rng.integers(0, 40 * 86400, m).astype(
            "timedelta64[s]"))
        outcome = rng.choice(["auto_accepted", "returned", "clerk_accepted", "clerk_corrected", "pending"], m,
                             p=[0.62, 0.06, 0.18, 0.09, 0.05])
        decided = submitted + rng.integers(3600, 30 * 86400, m).astype("timedelta64[s]")
        clerk = np.where(np.isin(outcome, ["clerk_accepted", "clerk_corrected", "returned"]),
                         rng.integers(5, 60, m), -1)
        drows["declaration_pid"].append(np.array(_pid(f"d{fy}", np.arange(m))))
        drows["pid"].append(pid[dec])
        drows["fiscal_year"].append(np.full(m, fy, np.int32))
        drows["channel"].append(rng.choice(["online", "paper"], m, p=[0.7, 0.3]))
        drows["pattern"].append(rng.choice(["no_income", "salary_only", "pension_only", "other"], m))
        drows["outcome"].append(outcome)
        drows["submitted_at"].append(submitted)
        drows["decided_at"].append(pa.array(decided, type=pa.timestamp("us"), mask=outcome == "pending"))
        drows["clerk_minutes"].append(pa.array(clerk, type=pa.int32(), mask=clerk == -1))
    out["tax_assessment"] = _table("tax_assessment", {k: np.concatenate(v) for k, v in rows.items()})
    out["declarations"] = _table("declarations", {
        k: (pa.concat_arrays(v) if isinstance(v[0], pa.Array) else np.concatenate(v)) for k, v in drows.items()
    })
    return out


def _day_numbers(column: Any) -> np.ndarray:
    """Days since 1970-01-01 of a non-null date column."""
    return np.asarray(column.cast(pa.int32()).to_numpy(zero_copy_only=False), dtype=np.int64)


def write(catalog: Any, tables: dict[str, pa.Table]) -> dict[str, int]:
    """Create (or replace) the lounge tables in ``catalog`` and append ``tables``; returns snapshot ids."""
    if (LOUNGE_NAMESPACE,) not in catalog.list_namespaces():
        catalog.create_namespace(LOUNGE_NAMESPACE)
    snapshots = {}
    for name, data in tables.items():
        ident = f"{LOUNGE_NAMESPACE}.{name}"
        if catalog.table_exists(ident):
            catalog.drop_table(ident)
        table = catalog.create_table(ident, schema=LOUNGE_TABLES[name])
        table.append(data)
        snapshots[name] = table.current_snapshot().snapshot_id
    return snapshots
