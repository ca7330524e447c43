"""The one implementation of 個人住民税 over columns: a whole city at once, or one taxpayer as a one-row table.

``calculate_many(taxpayers, relatives, fiscal_year=…)`` takes columns (a pyarrow Table or a dict of arrays;
names in :data:`TAXPAYER_COLUMNS` / :data:`RELATIVE_COLUMNS`) and answers a dict of NumPy columns
(:data:`OUTPUT_COLUMNS`). ``calculate(case)`` runs the same function on a one-row table, so one case and the
bulk assessment cannot disagree. The law is that of the scalar rules (:mod:`jichitai.tax.rules`); the
property tests hold this vector form equal to :func:`jichitai.tax.rules.assessment.assess`. Pure: no Django.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from jichitai.tax import parameters as P
from jichitai.tax.calc import columns as V
from jichitai.tax.calc import separate as SV
from jichitai.tax.calc.columns import (
    DEDUCTIONS,
    I64,
    OUTPUT_COLUMNS,
    RELATIVE_COLUMNS,
    SEPARATE_COLUMNS,
    TAXPAYER_AMOUNTS,
    TAXPAYER_COLUMNS,
    TAXPAYER_FLAGS,
    Columns,
)
from jichitai.tax.errors import TaxInputError
from jichitai.tax.rules import frac

__all__ = ["OUTPUT_COLUMNS", "RELATIVE_COLUMNS", "TAXPAYER_COLUMNS", "calculate", "calculate_many"]


def _apply(levy: np.ndarray, credit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    used = np.minimum(np.maximum(levy, 0), credit)
    return levy - used, used


def _shares(m: P.Municipality, p: dict[str, Any]) -> tuple[Fraction, Fraction]:
    s = p["designated" if m.designated_city else "ordinary"]
    return frac(s["city"]), frac(s["pref"])


def _dividend(div: np.ndarray, taxable: np.ndarray, m: P.Municipality,
              dv: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """配当控除 (地方税法附則第5条) on the rows with a dividend and a taxable income."""
    high = np.minimum(div, np.maximum(0, int(dv["split_at"]) - np.maximum(0, taxable - div)))
    low = div - high
    rates = dv["designated" if m.designated_city else "ordinary"]
    city, pref = (V.times(high, frac(rates[side][0]), ceil=True) + V.times(low, frac(rates[side][1]), ceil=True)
                  for side in ("city", "pref"))
    return city, pref


def _donation(fur: np.ndarray, other: np.ndarray, total: np.ndarray, taxable: np.ndarray, diff: np.ndarray,
              city: np.ndarray, pref: np.ndarray, short: np.ndarray, other_sep: np.ndarray, onestop: np.ndarray,
              m: P.Municipality, dn: dict[str, Any],
              ds: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """寄附金税額控除 (地方税法第314条の7, 第37条の2) on the rows with a donation: 基本控除 plus the ふるさと
    特例控除 at (90% − 所得税率 × 1.021), or the lower ratio the 分離課税の所得 bring (``short``: 課税短期譲渡所得,
    ``other_sep``: the other 課税分離所得), each side capped at 20% of its levy after 調整控除; and where the
    donations came by 申告特例通知書 (``onestop``) the 申告特例控除 (附則第7条の2・第7条の3): that 特例控除 ×
    (所得税率 × 1.021) / (90% − 所得税率 × 1.021). Returns (市, 県) 寄附金税額控除 then (市, 県) 申告特例控除."""
    cs, ps = _shares(m, dn)
    floor_amt = int(dn["floor"])
    dbase = np.minimum(fur + other, V.times(total, frac(dn["income_cap"]))) - floor_amt
    aboves = np.asarray([int(b["above"]) for b in dn["income_tax_bands"]], I64)
    idx = np.searchsorted(aboves, taxable - diff, side="left")  # 0 = below every band (所得税率 0)
    itax = [Fraction(0), *(frac(b["rate"]) for b in dn["income_tax_bands"])]
    base, factor = frac(dn["special_base"]), frac(dn["reconstruction_factor"])
    ratio = [base - rt * factor for rt in itax]
    r_short, r_other = base - frac(ds["land_short_term"]) * factor, base - frac(ds["other"]) * factor
    den = math.lcm(*(q.denominator for q in (*ratio, r_short, r_other)))  # one denominator: compare numerators
    num = np.array([q.numerator * (den // q.denominator) for q in ratio], I64)[idx]
    num = np.where(short, np.minimum(num, r_short.numerator * (den // r_short.denominator)), num)
    num = np.where(other_sep, np.minimum(num, r_other.numerator * (den // r_other.denominator)), num)
    cap = frac(dn["special_cap"])
    back = [rt * factor / q for rt, q in zip(itax, ratio, strict=True)]  # 申告特例控除 / 特例控除
    b_num = np.array([q.numerator for q in back], I64)[idx]
    b_den = np.array([q.denominator for q in back], I64)[idx]
    out, ones = [], []
    for share, levy in ((cs, city), (ps, pref)):
        basic_part = V.times(np.maximum(dbase, 0), frac(dn["basic_rate"]) * share, ceil=True)
        special = np.where(fur > floor_amt,
                           np.minimum(-((-(fur - floor_amt) * num * share.numerator) // (den * share.denominator)),
                                      V.times(np.maximum(levy, 0), cap)), 0)
        out.append(basic_part + special)
        ones.append(np.where(onestop, -((-special * b_num) // b_den), 0))
    return out[0], out[1], ones[0], ones[1]


def _relatives(r: Columns, n: int, p: P.Parameters) -> Columns:
    """Per taxpayer: the spouse's figures and the sums over dependants (扶養控除, 特定親族特別控除, counts, …)."""
    limit = int(p["dependent_income_limit"])
    dp, diff, pers = p["dependent"], p["adjustment"]["differences"], p["personal"]
    owner, age, inc, dis = r["owner"], r["age"], r["income"], r["disability"]
    sp, rel = r["is_spouse"], ~r["is_spouse"]
    is_dep = rel & (inc <= limit)
    cls = np.select([age < int(dp["young_under"]), (age >= int(dp["specific_from"])) & (age < int(dp["specific_until"])),
                     age >= int(dp["elderly_from"])], [1, 3, 4], default=2)
    cls = np.where(is_dep, cls, 0)
    coh_parent = r["cohabiting"] & r["lineal_ascendant"]
    dep_amt = np.select([cls == 2, cls == 3, cls == 4],
                        [int(dp["general"]), int(dp["specific"]),
                         np.where(coh_parent, int(dp["elderly_cohabiting_parent"]), int(dp["elderly"]))], default=0)
    dep_diff = np.select([cls == 2, cls == 3, cls == 4],
                         [int(diff["dependent_general"]), int(diff["dependent_specific"]),
                          np.where(coh_parent, int(diff["dependent_elderly_cohabiting_parent"]),
                                   int(diff["dependent_elderly"]))], default=0)
    srp = p.values.get("specific_relative")
    spec = np.zeros(len(owner), I64)
    if srp is not None:
        in_age = (age >= int(srp["age_from"])) & (age < int(srp["age_until"]))
        spec = np.where(rel & ~is_dep & in_age, V.by_band(inc, srp["bands"], [int(b["amount"]) for b in srp["bands"]]), 0)
    dis_amount = np.array([0, *(int(pers["disability"][k]) for k in ("general", "special", "special_cohabiting"))], I64)
    dis_diff = np.array([0, *(int(diff["disability"][k]) for k in ("general", "special", "special_cohabiting"))], I64)
    # a 特別障害者 dependant is 同居特別障害者 exactly when living with the household (第314条の2第4項)
    dep_dis = np.where(is_dep, np.where(dis >= 2, np.where(r["cohabiting"], 3, 2), dis), 0)
    out: Columns = {
        "dependent": V.scatter_sum(owner, dep_amt, n),
        "specific_relative": V.scatter_sum(owner, spec, n),
        "dependents": V.scatter_sum(owner, is_dep, n),
        "children": V.scatter_sum(owner, is_dep & r["child"], n),
        "dep_diff": V.scatter_sum(owner, dep_diff + dis_diff[dep_dis], n),
        "dep_disability": V.scatter_sum(owner, dis_amount[dep_dis], n),
        "dep_special_disabled": V.scatter_sum(owner, is_dep & (dis >= 2), n) > 0,
        "dep_under_23": V.scatter_sum(owner, is_dep & (age < int(p["income_adjustment"]["dependent_age_under"])), n) > 0,
        "spouse": np.zeros(n, bool), "spouse_income": np.zeros(n, I64), "spouse_age": np.zeros(n, I64),
        "spouse_disability": np.zeros(n, I64), "dis_amount": dis_amount, "dis_diff": dis_diff,
    }
    who = owner[sp]
    out["spouse"][who] = True
    out["spouse_income"][who] = inc[sp]
    out["spouse_age"][who] = age[sp]
    out["spouse_disability"][who] = dis[sp]
    return out


def assess_columns(t: Columns, r: Columns, n: int, p: P.Parameters, m: P.Municipality) -> Columns:
    """The law's order over columns: 所得 → 所得控除 → 課税標準 → 所得割 → 税額控除 → 非課税 → 均等割."""
    o: Columns = {}
    rel = _relatives(r, n, p)
    limit = int(p["dependent_income_limit"])
    spouse_same = rel["spouse"] & (rel["spouse_income"] <= limit)
    spouse_dis = np.where(spouse_same, rel["spouse_disability"], 0)
    qualifies = (t["disability"] >= 2) | (spouse_dis >= 2) | rel["dep_special_disabled"] | rel["dep_under_23"]

    # 所得
    gross = V.salary_income(t["salary"], p["salary_income"])
    other = t["business"] + t["real_estate"] + t["misc_other"] + t["dividend"]
    # 上場株式等に係る譲渡損失 (附則第35条の2の6): 合計所得金額 after the 損益通算, 総所得金額等 after the 繰越控除
    loss = SV.listed_loss(t)
    separate_sum = loss["dividend_netted"].copy()
    for kind, col in SEPARATE_COLUMNS.items():
        if kind != "listed_dividend":
            separate_sum = separate_sum + t[col]
    zero = np.zeros(n, I64)
    first = V.income_adjustment(t["salary"], gross, zero, qualifies, p["income_adjustment"])
    pension = V.pension_income(t["public_pension"], t["age"], gross - first + other + separate_sum, p["pension_income"])
    adjustment = V.income_adjustment(t["salary"], gross, pension, qualifies, p["income_adjustment"])
    general_inc = gross - adjustment + pension + other
    total = general_inc + separate_sum
    gross_sum = total - loss["carryover_used"]
    o.update(salary_income_gross=gross, income_adjustment=adjustment, salary_income=gross - adjustment,
             pension_income=pension, general_income=general_inc, separate_income=separate_sum, total_income=total,
             gross_income_sum=gross_sum, listed_loss_offset=loss["offset"], listed_carryover_used=loss["carryover_used"],
             listed_loss_remaining=loss["remaining"], listed_carryover_lapsed=loss["lapsed"],
             listed_carryover_expired=loss["expired"], listed_loss_left_0y=loss["left_0y"],
             listed_loss_left_1y=loss["left_1y"], listed_loss_left_2y=loss["left_2y"],
             listed_loss_left_undated=loss["left_undated"])

    # 所得控除
    basic = np.zeros(n, I64)
    for tier in reversed(p["basic"]):
        basic = np.where(total <= int(tier["max_income"]), int(tier["amount"]), basic)
    sp = p["spouse"]
    ti = V.tier(total, sp["taxpayer_tiers"])
    ti2 = np.minimum(ti, 2)
    general = np.array([*sp["general"], 0], I64)[ti]
    elderly_spouse = rel["spouse_age"] >= int(sp["elderly_age"])
    spouse_ded = np.where(spouse_same, np.where(elderly_spouse, np.array([*sp["elderly"], 0], I64)[ti], general), 0)
    spouse_special = np.zeros(n, I64)
    for band in p["spouse_special"]["bands"]:
        amt = np.array([*band["amounts"], 0], I64)[ti]
        inside = rel["spouse"] & (rel["spouse_income"] > int(band["above"])) & (rel["spouse_income"] <= int(band["upto"]))
        spouse_special = np.where(inside, amt, spouse_special)
    pers = p["personal"]
    dis_amount, dis_diff = rel["dis_amount"], rel["dis_diff"]
    # 寡婦 (第292条第1項第11号): a woman, not now married, 離婚 only with a 扶養親族; ひとり親 (第12号): not married,
    # with a 生計を一にする子 within the 扶養 limit
    has_spouse = rel["spouse"]
    widow = np.where(t["widow"] & t["female"] & ~has_spouse & ~t["single_parent"]
                     & (~t["widow_divorced"] | (rel["dependents"] > 0))
                     & (total <= int(pers["widow_income_limit"])), int(pers["widow"]), 0)
    single = np.where(t["single_parent"] & ~has_spouse & (rel["children"] > 0)
                      & (total <= int(pers["single_parent_income_limit"])), int(pers["single_parent"]), 0)
    non_labour = pension + t["real_estate"] + t["misc_other"] + t["dividend"] + separate_sum
    student = np.where(t["working_student"] & (total <= int(pers["working_student_income_limit"]))
                       & (non_labour <= int(pers["working_student_other_income_limit"])), int(pers["working_student"]), 0)
    med = p["medical"]

    def medical_of(paid: np.ndarray, reimbursed: np.ndarray, income: np.ndarray) -> np.ndarray:
        threshold = np.minimum(income * int(med["threshold_num"]) // int(med["threshold_den"]), int(med["threshold"]))
        return np.minimum(np.maximum(0, paid - reimbursed - threshold), int(med["cap"]))

    medical = V.sparse(t["medical_paid"] > 0, medical_of, t["medical_paid"], t["medical_reimbursed"], gross_sum)
    life_cols = [t[k] for k in V.LIFE_COLUMNS]
    life = V.sparse(np.logical_or.reduce([c > 0 for c in life_cols]),
                    lambda a, b, c, d, e: V.life_insurance(a, b, c, d, e, p["life_insurance"]), *life_cols)
    quake_cols = (t["earthquake_insurance"], t["long_term_damage_insurance_old"])
    quake = V.sparse((quake_cols[0] > 0) | (quake_cols[1] > 0),
                     lambda a, b: V.earthquake_insurance(a, b, p["earthquake_insurance"]), *quake_cols)
    ded = dict(zip(DEDUCTIONS, (
        basic, spouse_ded, spouse_special, rel["dependent"], rel["specific_relative"],
        dis_amount[np.minimum(t["disability"], 2)] + dis_amount[spouse_dis] + rel["dep_disability"], widow, single, student,
        t["social_insurance"], t["small_enterprise_mutual_aid"], life, quake, medical), strict=True))
    ded_total = np.zeros(n, I64)
    for v in ded.values():
        ded_total = ded_total + v
    o.update(ded)
    o["ded_total"] = ded_total
    # a 寡婦 / ひとり親 / 勤労学生 mark whose statutory conditions are not met: said in the explanation
    o["denied_widow"] = t["widow"] & (widow == 0)
    o["denied_single_parent"] = t["single_parent"] & (single == 0)
    o["denied_working_student"] = t["working_student"] & (student == 0)

    # 課税標準, 算出所得割, 人的控除差
    unit = int(p["taxable_income_rounding"])
    taxable = (np.maximum(0, general_inc - ded_total) // unit) * unit
    sp_rates = p["separate_rates"]
    side = "designated" if m.designated_city else "ordinary"
    kinds = list(sp_rates["order"])
    taxed = {k: t[SEPARATE_COLUMNS[k]] for k in kinds}
    taxed.update(listed_stock=loss["listed_stock"], listed_dividend=loss["listed_dividend"])

    def separate_of(*cols: np.ndarray) -> tuple[np.ndarray, ...]:
        return SV.taxables_and_levies(kinds, unit, sp_rates[side], p["reduced_long_term"], side, *cols)

    *taxables, long_qualified, long_residential, city_sep, pref_sep = V.sparse(
        separate_sum > 0, separate_of, np.maximum(0, ded_total - general_inc), t["sep_long_term_qualified"],
        t["sep_long_term_residential"], *(taxed[k] for k in kinds))
    o.update(taxable_land_long_term_qualified=long_qualified, taxable_land_long_term_residential=long_residential)
    taxable_all = taxable.copy()
    for kind, tx in zip(kinds, taxables, strict=True):
        o[f"taxable_{kind}"] = tx
        taxable_all = taxable_all + tx
    city = V.times(taxable, m.city_income_rate) + city_sep
    pref = V.times(taxable, m.pref_income_rate) + pref_sep
    o.update(taxable_income=taxable, city_levy_separate=city_sep, pref_levy_separate=pref_sep,
             city_levy_gross=city, pref_levy_gross=pref)
    d = p["adjustment"]["differences"]
    diff = (int(d["basic"]) + rel["dep_diff"] + dis_diff[np.minimum(t["disability"], 2)] + dis_diff[spouse_dis]
            + np.where(widow > 0, int(d["widow"]), 0) + np.where(student > 0, int(d["working_student"]), 0)
            + np.where(single > 0, np.where(t["female"], int(d["single_parent_mother"]), int(d["single_parent_father"])), 0)
            + np.where(spouse_ded > 0, np.where(elderly_spouse, np.array(d["spouse_elderly"], I64)[ti2],
                                                 np.array(d["spouse_general"], I64)[ti2]), 0))
    for band in d["spouse_special"]:
        s_inc = rel["spouse_income"]
        low = s_inc > int(band["above"]) if "above" in band else s_inc >= int(band["above_or_equal"])
        diff = diff + np.where((spouse_special > 0) & low & (s_inc < int(band["below"])),
                               np.array(band["amounts"], I64)[ti2], 0)
    o["personal_difference"] = diff

    # 税額控除 in the law's order
    ap = p["adjustment"]
    thr = int(ap["threshold"])
    base = np.where(taxable <= thr, np.minimum(diff, taxable), np.maximum(diff - (taxable - thr), int(ap["floor"])))
    base = np.where((total <= int(ap["max_total_income"])) & (taxable > 0), base, 0)
    city_share = Fraction(4, 5) if m.designated_city else Fraction(3, 5)
    r5 = frac(ap["rate"])
    city, o["adj_city"] = _apply(city, V.times(base, r5 * city_share, ceil=True))
    pref, o["adj_pref"] = _apply(pref, V.times(base, r5 * (1 - city_share), ceil=True))

    div_credit = V.sparse((t["dividend"] > 0) & (taxable_all > 0), lambda d, x: _dividend(d, x, m, p["dividend"]),
                          t["dividend"], taxable_all)
    short = o["taxable_land_short_term"] > 0
    other_sep = (taxable_all - taxable - o["taxable_land_short_term"]) > 0
    donation = V.sparse(t["donation_furusato"] + t["donation_other"] > 0,
                        lambda f, q, g, x, d, c, r, s1, s2, o: _donation(f, q, g, x, d, c, r, s1, s2, o, m,
                                                                         p["donation"], p["donation_separate"]),
                        t["donation_furusato"], t["donation_other"], gross_sum, taxable, diff, city, pref, short, other_sep,
                        t["donation_onestop"])
    hc, hp = _shares(m, p["housing_loan"])
    housing = (V.times(t["housing_loan_credit"], hc, ceil=True), V.times(t["housing_loan_credit"], hp, ceil=True))
    city, o["div_city"] = _apply(city, div_credit[0])
    pref, o["div_pref"] = _apply(pref, div_credit[1])
    city, o["housing_city"] = _apply(city, housing[0])
    pref, o["housing_pref"] = _apply(pref, housing[1])
    city, o["donation_city"] = _apply(city, donation[0])
    pref, o["donation_pref"] = _apply(pref, donation[1])
    city, o["onestop_city"] = _apply(city, donation[2])
    pref, o["onestop_pref"] = _apply(pref, donation[3])

    # 非課税 and the amounts due
    persons = 1 + spouse_same.astype(I64) + rel["dependents"]
    ex = p["exemption"]
    personal_exempt = ((t["disability"] > 0) | (t["age_jan1"] < int(ex["minor_age"])) | (widow > 0) | (single > 0))
    ex_pc = (t["public_assistance"] | (personal_exempt & (total <= int(ex["personal_income_limit"])))
             | (total <= m.exempt_base * persons + m.exempt_add + np.where(persons > 1, m.exempt_dependent_add_per_capita, 0)))
    il_limit = m.income_exempt_base * persons + m.exempt_add + np.where(persons > 1, m.exempt_dependent_add_income, 0)
    ex_il = ex_pc | (gross_sum <= il_limit)
    # 所得割の非課税限度額に係る調整 (附則第3条の3第2項・第5項), then 配当割額・株式等譲渡所得割額控除
    la = p["income_levy_limit_adjustment"]["designated" if m.designated_city else "ordinary"]
    excess = np.maximum(0, gross_sum - il_limit)
    o["limit_adj_city"] = np.where(ex_il, 0, np.maximum(0, city - V.times(excess, frac(la["city"]))))
    o["limit_adj_pref"] = np.where(ex_il, 0, np.maximum(0, pref - V.times(excess, frac(la["pref"]))))
    city, pref = city - o["limit_adj_city"], pref - o["limit_adj_pref"]
    wc = p["withholding_credit"]
    withheld = np.where(ex_il, 0, t["withheld_dividend"] + t["withheld_stock_transfer"])
    wh_city, wh_pref = V.sparse(withheld > 0, lambda w: (V.times(w, frac(wc["city"]), ceil=True),
                                                          V.times(w, frac(wc["pref"]), ceil=True)), withheld)
    city, o["withheld_city"] = _apply(city, wh_city)
    pref, o["withheld_pref"] = _apply(pref, wh_pref)
    lu = int(p["levy_rounding"])
    o["exempt_per_capita"], o["exempt_income_levy"] = ex_pc, ex_il
    o["city_income_levy"] = np.where(ex_il, 0, (np.maximum(city, 0) // lu) * lu)
    o["pref_income_levy"] = np.where(ex_il, 0, (np.maximum(pref, 0) // lu) * lu)
    o["city_per_capita"] = np.where(ex_pc, 0, m.city_per_capita).astype(I64)
    o["pref_per_capita"] = np.where(ex_pc, 0, m.pref_per_capita).astype(I64)
    o["forest_env_tax"] = np.where(ex_pc, 0, m.forest_env_tax).astype(I64)
    o["total"] = (o["city_income_levy"] + o["pref_income_levy"] + o["city_per_capita"] + o["pref_per_capita"]
                  + o["forest_env_tax"])
    return o


def _born_on_tax_day(t: Columns, newborn: np.ndarray, owners: np.ndarray) -> None:
    """A taxpayer born on the 賦課期日 has no amount and no relative of the income year (as the case parser)."""
    for name in TAXPAYER_AMOUNTS:
        bad = newborn & (t[name] > 0)
        if bad.any():
            raise TaxInputError(f"{name}: 賦課期日に生まれた人には所得の年の金額はありません (行 {V.first_bad(bad)})。",
                                field=name, row=V.first_bad(bad))
    related = newborn[owners]
    if related.any():
        row = int(owners[V.first_bad(related)])
        raise TaxInputError(f"賦課期日に生まれた人には所得の年の配偶者・扶養親族はありません (行 {row})。",
                            field="owner", row=row)


def calculate_many(taxpayers: Any, relatives: Any = None, *, fiscal_year: int,
                   municipality: P.Municipality | None = None, params: P.Parameters | None = None) -> Columns:
    """Every taxpayer of ``taxpayers`` assessed for ``fiscal_year``; ``relatives`` holds spouses and
    dependants, each row naming its taxpayer by position (``owner``). Bad input raises TaxInputError."""
    p = params or P.load(fiscal_year)
    m = municipality or P.municipality(None, fiscal_year)
    raw, n = V.read_columns(taxpayers, TAXPAYER_COLUMNS, ("birth_date",), "納税義務者")
    t: Columns = {name: V.amounts(raw, name, n) for name in TAXPAYER_AMOUNTS}
    t.update({name: V.flags(raw, name, n) for name in TAXPAYER_FLAGS})
    t["disability"] = V.disability_codes(raw, n)
    for bad, name, why in (
            (t["sep_long_term_qualified"] + t["sep_long_term_residential"] > t["sep_long_term"], "sep_long_term_qualified",
             "軽減税率の部分 (優良住宅地・居住用財産) が長期譲渡所得の金額を超えています"),
            ((t["sep_listed_stock"] > 0) & (t["sep_listed_stock_loss"] > 0), "sep_listed_stock_loss",
             "上場株式等の譲渡所得等と譲渡損失は同じ年に両方はありません"),
            ((t["carryover_listed_stock_loss"] > 0) & np.logical_or.reduce([t[c] > 0 for c in V.CARRIED_COLUMNS]),
             "carryover_listed_stock_loss", "繰越損失は年ごとか合計かの一方だけで指定してください")):
        if bad.any():
            raise TaxInputError(f"{name}: {why} (行 {V.first_bad(bad)})。", field=name, row=V.first_bad(bad))
    t["age"], t["age_jan1"], newborn = V.legal_ages(raw["birth_date"], fiscal_year, "birth_date", taxpayer=True)
    rraw, rn = V.read_columns(relatives, RELATIVE_COLUMNS, ("owner", "birth_date", "total_income"), "親族")
    r: Columns = {"owner": np.asarray(rraw.get("owner", np.zeros(0, I64))).astype(I64)}
    if rn:
        bad = (r["owner"] < 0) | (r["owner"] >= n)
        if bad.any():
            raise TaxInputError(f"owner が納税義務者の行を指していません (行 {V.first_bad(bad)})。", field="owner")
        r["age"], _, _ = V.legal_ages(rraw["birth_date"], fiscal_year, "relatives.birth_date", taxpayer=False)
    else:
        r["age"] = np.zeros(0, I64)
    if newborn.any():
        _born_on_tax_day(t, newborn, r["owner"])
    r["income"] = V.amounts(rraw, "total_income", rn)
    r["disability"] = V.disability_codes(rraw, rn)
    for name in ("is_spouse", "cohabiting", "lineal_ascendant", "child"):
        r[name] = V.flags(rraw, name, rn)
    if rn and np.bincount(r["owner"][r["is_spouse"]], minlength=n).max(initial=0) > 1:
        raise TaxInputError("配偶者は1人までです。", field="spouse")
    return assess_columns(t, r, n, p, m)


def calculate(case: Any) -> dict[str, Any]:
    """One case of the public format (a dict or a parsed :class:`~jichitai.tax.case.Case`) → the answer dict
    with its explanation, computed by :func:`calculate_many` on a one-row table."""
    from jichitai.tax.calc.explain import answer, case_tables
    from jichitai.tax.case import Case, parse_case

    c = case if isinstance(case, Case) else parse_case(case)
    p = P.load(c.fiscal_year)
    m = c.municipality or P.municipality(None, c.fiscal_year)
    taxpayers, relatives = case_tables([c])
    out = calculate_many(taxpayers, relatives, fiscal_year=c.fiscal_year, municipality=m, params=p)
    return answer({k: v[0].item() for k, v in out.items()}, p, m)
