"""Peer comparison: our 個人住民税 engine against openfisca-japan on the same random households.

    .venv/bin/python bench/tax_openfisca.py [--households 100000] [--seed 11] [--bulk-n 0]

openfisca-japan is AGPL and pins NumPy 1.24, so it lives in a virtual environment of its own
(``bench/.venv-openfisca``, see docs/tax-openfisca-comparison.md) and is never imported by the product:
this script calls itself under that interpreter with ``--peer IN OUT`` and the two exchange NumPy ``.npz``
files in a temporary directory. Only NumPy and the standard library are imported at module level, so the
same file runs under both interpreters.

The population is what the peer models: households of one or two salaried adults (親), children (子) and
perhaps a grandparent (祖父母) without income; no pensions, business income, disability or 寡婦 (the peer's
住民税 takes only 収入 as salary). Every person is assessed by both: ours with fiscal_year=2026 (令和8年度,
Kobe), the peer at the period 2025-12-31 (its formulas for the income year 2025). Each person's difference is
split into components that add up to it exactly (均等割, 所得割非課税, 所得, 所得控除, 調整控除, 千円未満,
百円未満), each named with the rule that explains it; the classes and their counts are printed as table rows.
``--bulk-n 1500000`` also times ``calculate_many`` on bench/tax_bulk.py's synthetic city in the same run.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

PEER_PYTHON = Path(__file__).resolve().parent / ".venv-openfisca" / "bin" / "python"
PEER_PERIOD = "2025-12-31"  # the income year of 令和8年度; ages on 12/31 as both codes take them
ROLE_PARENT, ROLE_CHILD, ROLE_GRANDPARENT = 0, 1, 2
PEER_PERSON_VARS = {
    "total": "住民税", "income_levy": "住民税所得割", "per_capita": "住民税均等割", "income": "所得",
    "total_income": "合計所得金額", "ded_total": "住民税所得控除", "ded_basic": "住民税基礎控除",
    "ded_spouse": "住民税配偶者控除", "ded_spouse_special": "住民税配偶者特別控除", "ded_dependent": "住民税扶養控除",
    "ded_single_parent": "住民税ひとり親控除", "ded_working_student": "住民税勤労学生控除",
    "ded_social_insurance": "社会保険料控除",
}
PEER_HOUSEHOLD_VARS = {"adjustment": "調整控除", "personal_difference": "人的控除額の差",
                       "household_taxable": "控除後住民税世帯高所得"}


# ---- the population ------------------------------------------------------------------------------------

def population(households: int, seed: int) -> dict[str, np.ndarray]:
    """Persons in household order, the first of each household its head (strictly the top earner, with a
    salary of at least 60万 so that the peer's 所得 ranks it first too)."""
    rng = np.random.default_rng(seed)
    h = households
    couple = rng.random(h) < 0.62
    kids = np.where(rng.random(h) < np.where(couple, 0.55, 0.25), rng.integers(1, 4, h), 0)
    granny = rng.random(h) < 0.08
    size = 1 + couple + kids + granny
    hh = np.repeat(np.arange(h), size)
    start = np.concatenate([[0], np.cumsum(size)[:-1]])
    pos = np.arange(len(hh)) - start[hh]
    role = np.select([pos < 1 + couple[hh], pos < 1 + couple[hh] + kids[hh]], [ROLE_PARENT, ROLE_CHILD],
                     ROLE_GRANDPARENT)
    head = pos == 0
    spouse = (pos == 1) & couple[hh]
    n = len(hh)
    age = np.select([role == ROLE_PARENT, role == ROLE_CHILD], [rng.integers(22, 70, n), rng.integers(0, 23, n)],
                    rng.integers(70, 96, n))
    birth = (np.datetime64("2025-12-31") - (age * 365.25 + rng.integers(0, 365, n)).astype("timedelta64[D]")
             ).astype("datetime64[D]")
    head_salary = np.maximum(600_000, np.exp(rng.normal(15.15, 0.65, n))).astype(np.int64)
    band = rng.random(n)
    spouse_salary = np.select([band < 0.45, band < 0.75], [0, rng.integers(300_000, 2_200_000, n)],
                              rng.integers(2_000_000, 8_000_000, n))
    kid_salary = np.where((age >= 16) & (rng.random(n) < 0.45), rng.integers(100_000, 2_100_000, n), 0)
    salary = np.select([head, spouse, role == ROLE_CHILD], [head_salary, spouse_salary, kid_salary], 0)
    top = np.maximum.reduceat(np.where(head, 0, salary), start)  # the others' highest salary
    salary = np.where(head, np.maximum(salary, top[hh] + 1 + rng.integers(0, 1000, n)), salary).astype(np.int64)
    # 社会保険料: the same amount is given to both codes (the peer would otherwise derive it itself)
    social = np.where(salary >= 1_060_000, salary * 145 // 1000, 0).astype(np.int64)
    female = np.where(role == ROLE_PARENT, np.where(spouse, rng.random(n) < 0.9, rng.random(n) < 0.3),
                      rng.random(n) < 0.5)
    return {"household": hh, "role": role, "head": head, "spouse": spouse, "age": age, "birth_date": birth,
            "salary": salary, "social_insurance": social, "female": female,
            "student": (role == ROLE_CHILD) & (age >= 16)}


# ---- openfisca-japan (runs under the peer's interpreter only) ------------------------------------------

def sb_build(tbs: Any, d: dict[str, np.ndarray], n: int, h: int, width: int) -> Any:
    """The peer's simulation of the population ``d`` (entities, roles and inputs)."""
    from openfisca_core.simulation_builder import SimulationBuilder

    sb = SimulationBuilder()
    sb.create_entities(tbs)
    sb.declare_person_entity("人物", [f"p{i:0{width}d}" for i in range(n)])
    group = sb.declare_entity("世帯", [f"h{i:0{width}d}" for i in range(h)])
    sb.join_with_persons(group, d["household"], np.array(["親", "子", "祖父母"])[d["role"]])
    sim = sb.build(tbs)
    sim.set_input("誕生年月日", PEER_PERIOD, d["birth_date"])
    sim.set_input("収入", PEER_PERIOD, d["salary"].astype(float))
    sim.set_input("社会保険料控除", PEER_PERIOD, d["social_insurance"].astype(float))
    sim.set_input("学生", PEER_PERIOD, d["student"])
    sim.set_input("性別", PEER_PERIOD, np.where(d["role"] == ROLE_PARENT, np.where(d["female"], "女性", "男性"), "その他"))
    return sim


def run_peer(inp: str, out: str) -> None:
    from openfisca_japan import CountryTaxBenefitSystem

    d = dict(np.load(inp))
    t0 = time.perf_counter()
    tbs = CountryTaxBenefitSystem()
    load = time.perf_counter() - t0
    n, h = len(d["household"]), int(d["household"].max()) + 1
    width = len(str(max(n, h)))
    t0 = time.perf_counter()
    sim = sb_build(tbs, d, n, h, width)
    built = time.perf_counter() - t0
    t0 = time.perf_counter()
    total = sim.calculate("住民税", PEER_PERIOD)
    calc = time.perf_counter() - t0
    # warm: the same process builds a fresh simulation of the same people and computes again (OpenFisca caches
    # a simulation's results, so a second calculate on the same one would measure nothing)
    warm = []
    for _ in range(2):
        t0 = time.perf_counter()
        sim2 = sb_build(tbs, d, n, h, width)
        t1 = time.perf_counter()
        sim2.calculate("住民税", PEER_PERIOD)
        warm.append((t1 - t0, time.perf_counter() - t1))
    warm_built, warm_calc = min(warm, key=lambda w: w[1])
    res = {k: np.asarray(sim.calculate(v, PEER_PERIOD), float) for k, v in PEER_PERSON_VARS.items() if k != "total"}
    res["total"] = np.asarray(total, float)
    res.update({k: np.asarray(sim.calculate(v, PEER_PERIOD), float) for k, v in PEER_HOUSEHOLD_VARS.items()})
    from importlib.metadata import version
    np.savez(out, **res, times=np.array([load, built, calc, warm_built, warm_calc]),
             versions=np.array([version("openfisca-japan"), version("openfisca-core"), np.__version__,
                                sys.version.split()[0]]))


# ---- ours ----------------------------------------------------------------------------------------------

def time_ours(inp: str, out: str) -> None:
    """Ours in a fresh process, as the peer: importing the engine and loading the law (cold), the first
    computation (cold), then the best of two more in the same process (warm)."""
    pop = dict(np.load(inp))
    t0 = time.perf_counter()
    from jichitai.tax import parameters as P
    from jichitai.tax.calc import calculate_many  # noqa: F401

    P.load(2026)
    P.municipality(None, 2026)
    load = time.perf_counter() - t0
    cold = run_ours(pop, 2026)[1]
    warm = min(run_ours(pop, 2026)[1] for _ in range(2))
    np.savez(out, times=np.array([load, cold, warm]))


def run_ours(pop: dict[str, np.ndarray], fiscal_year: int) -> tuple[dict[str, np.ndarray], float]:
    """Every person a taxpayer row; the head's relatives are the others of the household (the spouse, the
    children, the grandparent as a cohabiting lineal ascendant), with their 合計所得金額 from a first pass."""
    from jichitai.tax.calc import calculate_many

    head_of = np.flatnonzero(pop["head"])[pop["household"]]
    t0 = time.perf_counter()
    tp = {"birth_date": pop["birth_date"], "female": pop["female"], "working_student": pop["student"],
          "salary": pop["salary"], "social_insurance": pop["social_insurance"]}
    first = calculate_many(tp, None, fiscal_year=fiscal_year)
    others = ~pop["head"]
    child_ok = (pop["role"] == ROLE_CHILD) & (first["total_income"] <= 580_000)  # ひとり親: 子 with 総所得 ≤ 58万
    has_child = np.bincount(pop["household"][child_ok], minlength=int(pop["household"].max()) + 1) > 0
    single = pop["head"] & ~np.isin(pop["household"], pop["household"][pop["spouse"]]) & has_child[pop["household"]]
    tp["single_parent"] = single
    rel = {"owner": head_of[others], "is_spouse": pop["spouse"][others], "birth_date": pop["birth_date"][others],
           "total_income": first["total_income"][others], "cohabiting": np.ones(int(others.sum()), bool),
           "lineal_ascendant": pop["role"][others] == ROLE_GRANDPARENT, "child": pop["role"][others] == ROLE_CHILD}
    out = calculate_many(tp, rel, fiscal_year=fiscal_year)
    return out, time.perf_counter() - t0


# ---- the comparison ------------------------------------------------------------------------------------

RULES = {  # class → (the component it shows in, the rule that explains it)
    "均等割 Kobe/Hyogo": ("均等割", "均等割 市3,400 (神戸 +400 超過課税) + 県1,800 (県民緑税 +800) + 森林環境税1,000 = 6,200; the peer has the standard 4,000 + 1,000"),
    "均等割非課税 限度額": ("均等割", "均等割 非課税 (地方税法第295条第3項, 神戸市 1級地: 合計所得 ≤ 35万×人数+10万(+21万)); the peer charges 5,000 to everyone"),
    "均等割非課税 135万": ("均等割", "障害者・未成年者・寡婦・ひとり親 合計所得 ≤ 135万 (地方税法第295条第1項第2号); the peer charges 5,000"),
    "所得割非課税": ("所得割非課税", "所得割 非課税 (地方税法附則第3条の3第1項・第4項: 総所得金額等 ≤ 35万×人数+10万(+32万); or the 135万 rule of 第295条第1項) and, just above that limit, the 調整 (第2項・第5項: 所得割 ≤ 総所得金額等 − 限度額); the peer has neither"),
    "所得 65万 floor": ("所得", "給与所得控除 最低保障 55万→65万 for 給与収入 ≤ 190万 (所得税法第28条, 令和7年度改正, 住民税は令和8年度から); the peer keeps the 令和2年分 table"),
    "所得 別表第五": ("所得", "給与収入 660万未満 → 所得税法別表第五 (4,000円刻みの表); the peer applies the formula to the yen (its own NOTE)"),
    "所得 所得金額調整控除": ("所得", "所得金額調整控除 (租税特別措置法第41条の3の3, 地方税法附則第3条の3の2: 給与収入 850万超 with a dependant under 23); not in the peer"),
    "所得 float32": ("所得", "no rule: OpenFisca keeps float variables in float32, so above 2^24 = 16,777,216 yen the peer's 所得 moves in steps of 2, 4, … yen"),
    "控除 基礎控除": ("控除", "基礎控除 43万/29万/15万 by 合計所得 2,400万/2,450万/2,500万 (地方税法第314条の2第2項): the same table, a different tier because 所得金額調整控除 lowers our 合計所得"),
    "控除 扶養控除": ("控除", "扶養親族の所得要件 48万→58万 (地方税法第314条の2第1項第11号, 令和8年度) and the dependant's own 所得 on the 65万 floor; the peer keeps 48万"),
    "控除 特定親族特別控除": ("控除", "特定親族特別控除 (地方税法第314条の2第1項第11号の2; 19–22歳, 合計所得 58万超123万以下, 令和8年度から); not in the peer"),
    "控除 配偶者控除": ("控除", "同一生計配偶者の所得要件 48万→58万 (地方税法第314条の2第1項第10号, 令和8年度) and the spouse's 所得 on the 65万 floor; the peer keeps 48万"),
    "控除 配偶者特別控除": ("控除", "配偶者特別控除 lower bound 48万→58万超 (地方税法第314条の2第1項第10号の2, 令和8年度); the peer keeps 48万超"),
    "控除 ひとり親控除": ("控除", "ひとり親控除 needs a 子 with 総所得金額等 ≤ 58万 (地方税法第292条第1項第12号, 令和8年度); the peer counts any 子 of the household"),
    "控除 勤労学生控除": ("控除", "勤労学生 合計所得 ≤ 85万 (地方税法第292条第1項第10号, 令和8年度; 75万 before); the peer keeps 75万"),
    "調整控除 top earner only": ("調整控除", "the peer gives 調整控除 only to the household's top earner; every taxpayer has it (地方税法第314条の6)"),
    "調整控除 household base": ("調整控除", "the peer's 課税所得 for 調整控除 is the top earner's 所得 minus every household member's 所得控除; ours is the taxpayer's own 課税総所得金額"),
    "調整控除 5万 floor": ("調整控除", "for 課税所得 > 200万 the amount {人的控除差 − (課税所得 − 200万)} is at least 5万 → 2,500円 (地方税法第314条の6第1号ロ); the peer lets it go to 0"),
    "調整控除 人的控除差": ("調整控除", "人的控除差 follows the deductions (令和8年度 所得要件) and the base above; the peer computes it per household from its own 所得税/住民税 pairs"),
    "調整控除 other": ("調整控除", "調整控除 differs through the income/deductions it is computed from (no separate rule)"),
    "千円未満切捨て": ("千円未満切捨て", "課税総所得金額 1,000円未満切捨て (地方税法第20条の4の2第1項); the peer multiplies the unrounded amount"),
    "百円未満切捨て": ("百円未満切捨て", "所得割 百円未満切捨て for 市民税 and 県民税 separately (地方税法第20条の4の2第3項), 調整控除 split 市4%・県1%; the peer has one float total"),
}


def components(pop: dict[str, np.ndarray], o: dict[str, np.ndarray], p: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Ours − peer for each person as exact sums: 均等割 + 所得割非課税 + 所得 + 所得控除 + 調整控除 + 千円 + 百円."""
    hh, head = pop["household"], pop["head"]
    p_adj = np.where(head, p["adjustment"][hh], 0.0)
    o_inc, o_ded, taxable = (o[k].astype(float) for k in ("total_income", "ded_total", "taxable_income"))
    o_adj = (o["adj_city"] + o["adj_pref"]).astype(float)
    x = (np.maximum(o["city_levy_gross"] - o["adj_city"], 0) // 100 * 100
         + np.maximum(o["pref_levy_gross"] - o["adj_pref"], 0) // 100 * 100)
    ours_il = o["city_income_levy"] + o["pref_income_levy"]
    ours_pc = o["city_per_capita"] + o["pref_per_capita"] + o["forest_env_tax"]
    s0 = p["income_levy"]
    check = np.maximum(0, 0.1 * (p["total_income"] - p["ded_total"]) - p_adj)
    assert np.allclose(s0, check, rtol=1e-6, atol=0.5), "the peer's 所得割 is not (合計所得 − 所得控除) × 10% − 調整控除"
    s1 = np.maximum(0, 0.1 * (o_inc - p["ded_total"]) - p_adj)
    s2 = np.maximum(0, 0.1 * (o_inc - o_ded) - p_adj)
    s3 = np.maximum(0, 0.1 * np.maximum(0, o_inc - o_ded) - o_adj)
    s4 = np.maximum(0, 0.1 * taxable - o_adj)
    c = {"均等割": ours_pc - p["per_capita"], "所得割非課税": (ours_il - x).astype(float), "所得": s1 - s0,
         "控除": s2 - s1, "調整控除": s3 - s2, "千円未満切捨て": s4 - s3, "百円未満切捨て": x - s4}
    total = sum(c.values())
    assert np.allclose(total, o["total"] - p["total"], rtol=0, atol=0.5)  # the peer's floats are float32
    return c


def labels(pop: dict[str, np.ndarray], o: dict[str, np.ndarray], p: dict[str, np.ndarray],
           c: dict[str, np.ndarray]) -> list[list[str]]:
    """The class labels (keys of RULES) of each person, read from which component is non-zero and why."""
    n = len(pop["household"])
    hh, head = pop["household"], pop["head"]
    members = np.bincount(hh)[hh]
    lab: list[list[str]] = [[] for _ in range(n)]

    def mark(mask: np.ndarray, name: str) -> None:
        for i in np.flatnonzero(mask):
            lab[i].append(name)

    nz = {k: np.abs(v) >= 0.5 for k, v in c.items()}  # below: the peer's float32 and 1円未満, not a difference
    personal = (pop["age"] < 18) | (o["ded_single_parent"] > 0)  # age_jan1 < 18 ≈ age on 12/31 < 18 here
    by135 = personal & (o["total_income"] <= 1_350_000)
    mark(nz["均等割"] & ~o["exempt_per_capita"], "均等割 Kobe/Hyogo")
    mark(nz["均等割"] & o["exempt_per_capita"] & by135, "均等割非課税 135万")
    mark(nz["均等割"] & o["exempt_per_capita"] & ~by135, "均等割非課税 限度額")
    mark(nz["所得割非課税"], "所得割非課税")
    sal = pop["salary"]
    mark(nz["所得"] & (o["income_adjustment"] > 0), "所得 所得金額調整控除")
    mark(nz["所得"] & (o["income_adjustment"] == 0) & (sal <= 1_900_000), "所得 65万 floor")
    mark(nz["所得"] & (o["income_adjustment"] == 0) & (sal > 1_900_000) & (sal < 6_600_000), "所得 別表第五")
    mark(nz["所得"] & (o["income_adjustment"] == 0) & (sal >= 2**24), "所得 float32")
    for ours_key, name in (("ded_basic", "基礎控除"), ("ded_dependent", "扶養控除"), ("ded_spouse", "配偶者控除"),
                           ("ded_spouse_special", "配偶者特別控除"), ("ded_single_parent", "ひとり親控除"),
                           ("ded_working_student", "勤労学生控除")):
        mark(nz["控除"] & (o[ours_key] != p[ours_key]), "控除 " + name)
    mark(nz["控除"] & (o["ded_specific_relative"] > 0), "控除 特定親族特別控除")
    adj = nz["調整控除"]
    o_base_taxable = np.maximum(0, o["total_income"] - o["ded_total"])
    floor_hit = head & (o["taxable_income"] > 2_000_000) & (
        o["personal_difference"] - (o["taxable_income"] - 2_000_000) < 50_000)
    mark(adj & ~head, "調整控除 top earner only")
    mark(adj & head & (members > 1) & (np.abs(p["household_taxable"][hh] - o_base_taxable) >= 1), "調整控除 household base")
    mark(adj & floor_hit, "調整控除 5万 floor")
    mark(adj & head & (p["personal_difference"][hh] != o["personal_difference"]), "調整控除 人的控除差")
    mark(nz["千円未満切捨て"], "千円未満切捨て")
    mark(nz["百円未満切捨て"], "百円未満切捨て")
    for i in np.flatnonzero(adj):
        if not any(x.startswith("調整控除") for x in lab[i]):
            lab[i].append("調整控除 other")
    for k, v in nz.items():  # every non-zero component must have found its explanation
        unexplained = v & np.array([not any(RULES[x][0] == k for x in lab_i) for lab_i in lab])
        if unexplained.any():
            print(f"UNEXPLAINED {k}: {int(unexplained.sum())} persons, e.g. row {int(np.flatnonzero(unexplained)[0])}")
    return lab


def describe(i: int, pop: dict[str, np.ndarray], o: dict[str, np.ndarray], p: dict[str, np.ndarray]) -> str:
    hh = pop["household"]
    mem = np.flatnonzero(hh == hh[i])
    who = "head" if pop["head"][i] else ("spouse" if pop["spouse"][i] else
                                        ("child" if pop["role"][i] == ROLE_CHILD else "grandparent"))
    fam = ", ".join(f"{'HSCG'[0 if pop['head'][j] else 1 if pop['spouse'][j] else 2 + (pop['role'][j] == 2)]}"
                    f"{pop['age'][j]}:{pop['salary'][j]:,}" for j in mem)
    return f"{who} {pop['age'][i]}y salary {pop['salary'][i]:,} [{fam}] ours {int(o['total'][i]):,} peer {p['total'][i]:,.1f}"


def report(pop: dict[str, np.ndarray], o: dict[str, np.ndarray], p: dict[str, np.ndarray]) -> None:
    c = components(pop, o, p)
    lab = labels(pop, o, p, c)
    diff = o["total"] - p["total"]
    n = len(diff)
    earners = pop["salary"] > 0
    print("\n| population | persons | equal to the yen | within 100 yen | within 1,000 yen | mean ours − peer |")
    print("|---|---|---|---|---|---|")
    for name, m in (("everyone", np.ones(n, bool)), ("with a salary", earners), ("heads of household", pop["head"]),
                    ("liable with us (均等割)", ~o["exempt_per_capita"])):
        d = np.abs(diff[m])
        print(f"| {name} | {int(m.sum()):,} | {np.mean(d < 0.5):.1%} | {np.mean(d <= 100):.1%} | "
              f"{np.mean(d <= 1000):.1%} | {diff[m].mean():+,.0f} |")
    il = (o["city_income_levy"] + o["pref_income_levy"]) - p["income_levy"]
    for name, m in (("所得割 only, everyone", np.ones(n, bool)), ("所得割 only, liable with us", ~o["exempt_income_levy"])):
        d = np.abs(il[m])
        print(f"| {name} | {int(m.sum()):,} | {np.mean(d < 0.5):.1%} | {np.mean(d <= 100):.1%} | "
              f"{np.mean(d <= 1000):.1%} | {il[m].mean():+,.0f} |")
    counts = Counter(x for lab_i in lab for x in lab_i)
    print("\n| class | persons | sum of its component (yen) | example | rule |")
    print("|---|---|---|---|---|")
    for name, (comp, rule) in RULES.items():
        if not counts[name]:
            continue
        idx = [i for i in range(n) if name in lab[i]]
        total = c[comp][idx].sum()
        ex = idx[len(idx) // 2]
        print(f"| {name} | {counts[name]:,} | {total:+,.0f} | {describe(ex, pop, o, p)}; "
              f"{comp} {c[comp][ex]:+,.1f} | {rule} |")
    combos = Counter(" + ".join(sorted(lab_i)) or "(none: equal)" for lab_i in lab)
    print("\n| combination of classes | persons |")
    print("|---|---|")
    for k, v in combos.most_common(15):
        print(f"| {k} | {v:,} |")


def bulk_timing(n: int) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from jichitai.tax.calc import calculate_many
    from tax_bulk import synthetic_city
    t0 = time.perf_counter()
    tp, rel = synthetic_city(n, 7)
    load = time.perf_counter() - t0
    runs = []
    for _ in range(2):
        t0 = time.perf_counter()
        calculate_many(tp, rel, fiscal_year=2026)
        runs.append(time.perf_counter() - t0)
    print(f"bulk (bench/tax_bulk.py city) {n:,} taxpayers: best {min(runs):.2f} s of {runs}, generation {load:.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--peer-python", default=str(PEER_PYTHON))
    ap.add_argument("--bulk-n", type=int, default=0, help="also time calculate_many on tax_bulk's city of this size")
    ap.add_argument("--peer", nargs=2, metavar=("IN", "OUT"), help=argparse.SUPPRESS)
    ap.add_argument("--ours", nargs=2, metavar=("IN", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.peer:
        run_peer(*args.peer)
        return
    if args.ours:
        time_ours(*args.ours)
        return
    t0 = time.perf_counter()
    pop = population(args.households, args.seed)
    gen = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        inp, outp = Path(tmp) / "population.npz", Path(tmp) / "peer.npz"
        np.savez(inp, **{k: v for k, v in pop.items()})
        t0 = time.perf_counter()
        subprocess.run([args.peer_python, __file__, "--peer", str(inp), str(outp)], check=True)
        peer_wall = time.perf_counter() - t0
        p = dict(np.load(outp))
        ours_out = Path(tmp) / "ours.npz"
        t0 = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--ours", str(inp), str(ours_out)], check=True)
        ours_wall = time.perf_counter() - t0
        o_load, o_cold, o_warm = (float(x) for x in np.load(ours_out)["times"])
    ours, ours_time = run_ours(pop, 2026)
    ours_again = o_warm
    n = len(pop["household"])
    load, built, calc, w_built, w_calc = (float(x) for x in p["times"])
    print(f"households {args.households:,}  persons {n:,}  generation {gen:.2f} s")
    print(f"peer: openfisca-japan {p['versions'][0]} (openfisca-core {p['versions'][1]}, NumPy {p['versions'][2]}, "
          f"Python {p['versions'][3]}): load {load:.2f} s, build simulation {built:.2f} s, 住民税 {calc:.2f} s "
          f"(subprocess wall {peer_wall:.1f} s)")
    print(f"ours: calculate_many (two passes: relatives' 合計所得, then all) first {ours_time:.2f} s, "
          f"best of 2 more {ours_again:.2f} s")
    print("| | ours | peer |\n|---|---|---|")
    print(f"| cold: fresh process, load | {o_load:.2f} s (import + law) | {load:.2f} s (tax-benefit system) |")
    print(f"| cold: build inputs | (in the computation) | {built:.2f} s (simulation) |")
    print(f"| cold: first computation | {o_cold:.2f} s | {calc:.2f} s |")
    print(f"| cold: load + build + compute | **{o_load + o_cold:.2f} s** | **{load + built + calc:.2f} s** |")
    print(f"| cold: process wall (interpreter start to exit) | {ours_wall:.1f} s | {peer_wall:.1f} s |")
    print(f"| warm: build + compute, best of 2 in the same process | **{o_warm:.2f} s** | **{w_built + w_calc:.2f} s** "
          f"({w_built:.2f} s build + {w_calc:.2f} s compute) |")
    print(f"| tax vs openfisca-japan ({n:,} persons, {args.households:,} households, 令和8年度) | ours "
          f"{ours_again:.2f} s vs peer {calc:.2f} s (住民税 only; +{built:.2f} s building its simulation, "
          f"{load:.2f} s loading) | ours ≤ peer | `.venv/bin/python bench/tax_openfisca.py --households "
          f"{args.households}` |")
    report(pop, ours, p)
    if args.bulk_n:
        bulk_timing(args.bulk_n)


if __name__ == "__main__":
    main()
