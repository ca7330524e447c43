"""One taxpayer's 個人住民税, composed from the scalar rules in the order the law computes it.

This is the readable reference; :mod:`jichitai.tax.calc` computes the same over columns, and the property
tests hold the two equal on random populations.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from jichitai.common.wareki import legal_age_on
from jichitai.tax.rules import credits as C
from jichitai.tax.rules import deductions as D
from jichitai.tax.rules import income as I
from jichitai.tax.rules import levy as L
from jichitai.tax.rules import separate as S
from jichitai.tax.rules import tier_index

if TYPE_CHECKING:
    from jichitai.tax.case import Case
    from jichitai.tax.parameters import Municipality, Parameters


def personal_difference(case: Case, p: Parameters, taxpayer_income: int, spouse_ded: int, spouse_special: int,
                        dep_classes: list[tuple[str, bool]], disabled_kinds: list[int],
                        working_student: int, widow: int, single_parent: int) -> int:
    """人的控除額の差の合計 (地方税法第314条の6第1号イ): the table of fixed differences between 所得税 and 住民税."""
    diff = p["adjustment"]["differences"]
    total = int(diff["basic"])
    tier = min(tier_index(taxpayer_income, p["spouse"]["taxpayer_tiers"]), 2)
    income_year_end = dt.date(case.fiscal_year - 1, 12, 31)
    if spouse_ded and case.spouse is not None:
        elderly = legal_age_on(case.spouse.birth_date, income_year_end) >= int(p["spouse"]["elderly_age"])
        total += int(diff["spouse_elderly" if elderly else "spouse_general"][tier])
    if spouse_special and case.spouse is not None:
        s = case.spouse.total_income
        for band in diff["spouse_special"]:
            low_ok = s > int(band["above"]) if "above" in band else s >= int(band["above_or_equal"])
            if low_ok and s < int(band["below"]):
                total += int(band["amounts"][tier])
    for cls, cohabiting_parent in dep_classes:
        if cls == "general":
            total += int(diff["dependent_general"])
        elif cls == "specific":
            total += int(diff["dependent_specific"])
        elif cls == "elderly":
            total += int(diff["dependent_elderly_cohabiting_parent" if cohabiting_parent else "dependent_elderly"])
    for kind in disabled_kinds:
        total += int(diff["disability"][("", "general", "special", "special_cohabiting")[kind]])
    if single_parent:
        total += int(diff["single_parent_mother" if case.female else "single_parent_father"])
    if widow:
        total += int(diff["widow"])
    if working_student:
        total += int(diff["working_student"])
    return total


def assess(case: Case, p: Parameters, m: Municipality) -> dict[str, Any]:
    """Every figure of one taxpayer's assessment, keyed as :data:`jichitai.tax.calc.OUTPUT_COLUMNS`."""
    r: dict[str, Any] = {}
    year_end = dt.date(case.fiscal_year - 1, 12, 31)
    limit = int(p["dependent_income_limit"])
    age = legal_age_on(case.birth_date, year_end)

    # 所得
    gross_salary_income = I.salary_income(case.salary, p["salary_income"])
    other_income = case.business + case.real_estate + case.misc_other + case.dividend
    separate = {kind: getattr(case, attr) for kind, attr in S.ATTRS.items()}
    # 上場株式等に係る譲渡損失の損益通算・繰越控除 (附則第35条の2の6): 合計所得金額 counts the 配当所得等 after the
    # 損益通算; the 繰越控除 comes off the 総所得金額等 and what is taxed
    loss = S.listed_stock_loss(case.sep_listed_stock, case.sep_listed_dividend, case.sep_listed_stock_loss,
                               case.carryover_listed_stock_loss, case.carryover_listed_by_year, case.fiscal_year - 1)
    separate["listed_dividend"] = loss.dividend_netted
    separate_sum = sum(separate.values())
    taxed_separate = {**separate, "listed_stock": loss.listed_stock, "listed_dividend": loss.listed_dividend}
    dep_info = []
    for rel in case.dependents:
        rel_age = legal_age_on(rel.birth_date, year_end)
        dep_info.append((rel, rel_age, D.dependent_class(rel_age, rel.total_income, limit, p["dependent"])))
    spouse_same_livelihood = case.spouse is not None and case.spouse.total_income <= limit
    special_disabled = (case.disability >= 2
                        or (spouse_same_livelihood and case.spouse is not None and case.spouse.disability >= 2)
                        or any(cls and rel.disability >= 2 for rel, _, cls in dep_info))
    child_under_23 = any(cls and a < int(p["income_adjustment"]["dependent_age_under"]) for _, a, cls in dep_info)
    qualifies = special_disabled or child_under_23
    first_adj = I.income_adjustment(case.salary, gross_salary_income, 0, qualifies, p["income_adjustment"])
    pension = I.pension_income(case.public_pension, age, gross_salary_income - first_adj + other_income + separate_sum,
                               p["pension_income"])
    adjustment = I.income_adjustment(case.salary, gross_salary_income, pension, qualifies, p["income_adjustment"])
    salary_income = gross_salary_income - adjustment
    general = I.total_income(salary_income, pension, case.business + case.real_estate, case.misc_other, case.dividend)
    total = general + separate_sum  # 合計所得金額 incl. 分離課税の所得 (第292条第1項第13号)
    gross_sum = total - loss.carryover_used  # 総所得金額等: after the 繰越控除
    r.update(salary_income_gross=gross_salary_income, income_adjustment=adjustment, salary_income=salary_income,
             pension_income=pension, general_income=general, separate_income=separate_sum, total_income=total,
             gross_income_sum=gross_sum, listed_loss_offset=loss.offset, listed_carryover_used=loss.carryover_used,
             listed_loss_remaining=loss.remaining, listed_carryover_lapsed=loss.lapsed,
             listed_carryover_expired=loss.expired,
             **dict(zip(S.CARRIED_FORWARD, loss.carried_forward, strict=True)))

    # 所得控除
    spouse_ded = spouse_special = 0
    # the taxpayer is a 障害者 or 特別障害者; 同居特別障害者 is a kind of spouse or dependant only (第314条の2第4項)
    disabled: list[int] = [min(case.disability, 2)] if case.disability else []
    if case.spouse is not None:
        s_age = legal_age_on(case.spouse.birth_date, year_end)
        spouse_ded = D.spouse_deduction(total, case.spouse.total_income, s_age, limit, p["spouse"])
        spouse_special = D.spouse_special_deduction(total, case.spouse.total_income, p["spouse_special"])
        if spouse_same_livelihood and case.spouse.disability:
            disabled.append(D.relative_disability_kind(case.spouse.disability, True, spouse=True))
    dependent = specific_rel = 0
    dep_classes: list[tuple[str, bool]] = []
    for rel, rel_age, cls in dep_info:
        dependent += D.dependent_deduction(rel_age, rel.total_income, rel.cohabiting, rel.lineal_ascendant, limit,
                                           p["dependent"])
        if cls:
            dep_classes.append((cls, rel.cohabiting and rel.lineal_ascendant))
            if rel.disability:
                disabled.append(D.relative_disability_kind(rel.disability, rel.cohabiting, spouse=False))
        else:
            specific_rel += D.specific_relative_deduction(rel_age, rel.total_income, p.values.get("specific_relative"))
    pers = p["personal"]
    has_spouse = case.spouse is not None
    has_child = any(cls and rel.child for rel, _, cls in dep_info)
    widow = D.widow_deduction(case.widow, case.female, has_spouse, case.widow_divorced, bool(dep_classes),
                              case.single_parent, total, pers)
    single_parent = D.single_parent_deduction(case.single_parent, has_spouse, has_child, total, pers)
    ded = {
        "ded_basic": D.basic_deduction(total, p["basic"]),
        "ded_spouse": spouse_ded,
        "ded_spouse_special": spouse_special,
        "ded_dependent": dependent,
        "ded_specific_relative": specific_rel,
        "ded_disability": sum(D.disability_deduction(k, pers) for k in disabled),
        "ded_widow": widow,
        "ded_single_parent": single_parent,
        "ded_working_student": D.working_student_deduction(case.working_student, total,
                                                           pension + case.real_estate + case.misc_other + case.dividend + separate_sum,
                                                           pers),
        "ded_social_insurance": case.social_insurance,
        "ded_small_enterprise": case.small_enterprise_mutual_aid,
        "ded_life_insurance": D.life_insurance_deduction(
            case.life_general_new, case.life_pension_new, case.life_medical_care_new, case.life_general_old,
            case.life_pension_old, p["life_insurance"]),
        "ded_earthquake": D.earthquake_insurance_deduction(case.earthquake_insurance,
                                                           case.long_term_damage_insurance_old,
                                                           p["earthquake_insurance"]),
        "ded_medical": D.medical_deduction(case.medical_paid, case.medical_reimbursed, gross_sum, p["medical"]),
    }
    ded["ded_total"] = sum(ded.values())
    r.update(ded)
    r.update(denied_widow=case.widow and not widow, denied_single_parent=case.single_parent and not single_parent,
             denied_working_student=case.working_student and not ded["ded_working_student"])

    # 課税標準と所得割
    sp = p["separate_rates"]
    taxable, taxable_sep = S.taxable_amounts(general, taxed_separate, ded["ded_total"], sp["order"],
                                             int(p["taxable_income_rounding"]))
    # 優良住宅地の造成等 (附則第34条の2) and 居住用財産 (附則第34条の3): parts of the 課税長期譲渡所得金額 at reduced rates
    left_at_long = max(0, max(0, ded["ded_total"] - general) - taxed_separate["land_short_term"])
    _, qualified, residential = S.long_term_parts(taxable_sep["land_long_term"], case.sep_long_term, left_at_long,
                                                  case.sep_long_term_qualified, case.sep_long_term_residential)
    r.update(taxable_land_long_term_qualified=qualified, taxable_land_long_term_residential=residential)
    city_sep, pref_sep = S.separate_levy(taxable_sep, m.designated_city, sp, (qualified, residential),
                                         p["reduced_long_term"])
    city = L.income_levy_gross(taxable, m.city_income_rate) + city_sep
    pref = L.income_levy_gross(taxable, m.pref_income_rate) + pref_sep
    r.update(taxable_income=taxable, **{f"taxable_{k}": v for k, v in taxable_sep.items()},
             city_levy_separate=city_sep, pref_levy_separate=pref_sep, city_levy_gross=city, pref_levy_gross=pref)
    difference = personal_difference(case, p, total, spouse_ded, spouse_special, dep_classes, disabled,
                                     ded["ded_working_student"], widow, single_parent)
    r["personal_difference"] = difference
    adj = C.adjustment_credit(taxable, total, difference, m.designated_city, p["adjustment"])
    city, r["adj_city"] = L.apply_credit(city, adj[0])
    pref, r["adj_pref"] = L.apply_credit(pref, adj[1])
    div = C.dividend_credit(case.dividend, taxable + sum(taxable_sep.values()), m.designated_city, p["dividend"])
    dn = p["donation"]
    sep_ratio = S.donation_separate_ratio(taxable_sep, p["donation_separate"], C.frac(dn["special_base"]),
                                          C.frac(dn["reconstruction_factor"]))
    don = C.donation_credit(case.donation_furusato, case.donation_other, gross_sum, taxable, difference, city, pref,
                            m.designated_city, dn, sep_ratio)
    special = C.donation_special_credit(case.donation_furusato, taxable, difference, city, pref, m.designated_city,
                                        dn, sep_ratio)
    onestop = C.onestop_credit(special, taxable, difference, dn) if case.donation_onestop else (0, 0)
    city, r["div_city"] = L.apply_credit(city, div[0])
    pref, r["div_pref"] = L.apply_credit(pref, div[1])
    hou = C.housing_loan_credit(case.housing_loan_credit, m.designated_city, p["housing_loan"])
    city, r["housing_city"] = L.apply_credit(city, hou[0])
    pref, r["housing_pref"] = L.apply_credit(pref, hou[1])
    city, r["donation_city"] = L.apply_credit(city, don[0])
    pref, r["donation_pref"] = L.apply_credit(pref, don[1])
    city, r["onestop_city"] = L.apply_credit(city, onestop[0])
    pref, r["onestop_pref"] = L.apply_credit(pref, onestop[1])

    # 非課税
    persons = L.household_count(spouse_same_livelihood, len(dep_classes))
    minor = legal_age_on(case.birth_date, dt.date(case.fiscal_year, 1, 1)) < int(p["exemption"]["minor_age"])
    personal_exempt = bool(case.disability) or minor or bool(ded["ded_widow"]) or bool(ded["ded_single_parent"])
    ex_pc = L.exempt_per_capita(total, persons, case.public_assistance, personal_exempt,
                                int(p["exemption"]["personal_income_limit"]), m.exempt_base, m.exempt_add,
                                m.exempt_dependent_add_per_capita)
    ex_il = ex_pc or L.exempt_income_levy(gross_sum, persons, m.income_exempt_base, m.exempt_add,
                                          m.exempt_dependent_add_income)
    # 所得割の非課税限度額に係る調整 (附則第3条の3第2項・第5項), then 配当割額・株式等譲渡所得割額控除
    limit = L.income_levy_limit(persons, m.income_exempt_base, m.exempt_add, m.exempt_dependent_add_income)
    cap_city, cap_pref = S.income_levy_limit_cap(gross_sum, limit, m.designated_city, p["income_levy_limit_adjustment"])
    r["limit_adj_city"] = 0 if ex_il else max(0, city - cap_city)
    r["limit_adj_pref"] = 0 if ex_il else max(0, pref - cap_pref)
    city, pref = city - r["limit_adj_city"], pref - r["limit_adj_pref"]
    wh = S.withholding_credit(case.withheld_dividend, case.withheld_stock_transfer, p["withholding_credit"])
    city, r["withheld_city"] = L.apply_credit(city, 0 if ex_il else wh[0])
    pref, r["withheld_pref"] = L.apply_credit(pref, 0 if ex_il else wh[1])
    unit = int(p["levy_rounding"])
    r["exempt_per_capita"], r["exempt_income_levy"] = ex_pc, ex_il
    r["city_income_levy"] = 0 if ex_il else L.truncate_levy(city, unit)
    r["pref_income_levy"] = 0 if ex_il else L.truncate_levy(pref, unit)
    r["city_per_capita"] = 0 if ex_pc else m.city_per_capita
    r["pref_per_capita"] = 0 if ex_pc else m.pref_per_capita
    r["forest_env_tax"] = 0 if ex_pc else m.forest_env_tax
    r["total"] = (r["city_income_levy"] + r["pref_income_levy"] + r["city_per_capita"] + r["pref_per_capita"]
                  + r["forest_env_tax"])
    return r
