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
from jichitai.tax.rules import tier_index

if TYPE_CHECKING:
    from jichitai.tax.case import Case
    from jichitai.tax.parameters import Municipality, Parameters


def personal_difference(case: Case, p: Parameters, taxpayer_income: int, spouse_ded: int, spouse_special: int,
                        dep_classes: list[tuple[str, bool]], disabled_kinds: list[int],
                        working_student: int) -> int:
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
    if D.single_parent_deduction(case.single_parent, taxpayer_income, p["personal"]):
        total += int(diff["single_parent_mother" if case.female else "single_parent_father"])
    if D.widow_deduction(case.widow, case.single_parent, taxpayer_income, p["personal"]):
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
    other_income = case.business + case.misc_other + case.dividend
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
    pension = I.pension_income(case.public_pension, age, gross_salary_income - first_adj + other_income,
                               p["pension_income"])
    adjustment = I.income_adjustment(case.salary, gross_salary_income, pension, qualifies, p["income_adjustment"])
    salary_income = gross_salary_income - adjustment
    total = I.total_income(salary_income, pension, case.business, case.misc_other, case.dividend)
    r.update(salary_income_gross=gross_salary_income, income_adjustment=adjustment, salary_income=salary_income,
             pension_income=pension, total_income=total, gross_income_sum=total)

    # 所得控除
    spouse_ded = spouse_special = 0
    disabled: list[int] = [case.disability] if case.disability else []
    if case.spouse is not None:
        s_age = legal_age_on(case.spouse.birth_date, year_end)
        spouse_ded = D.spouse_deduction(total, case.spouse.total_income, s_age, limit, p["spouse"])
        spouse_special = D.spouse_special_deduction(total, case.spouse.total_income, p["spouse_special"])
        if spouse_same_livelihood and case.spouse.disability:
            disabled.append(case.spouse.disability)
    dependent = specific_rel = 0
    dep_classes: list[tuple[str, bool]] = []
    for rel, rel_age, cls in dep_info:
        dependent += D.dependent_deduction(rel_age, rel.total_income, rel.cohabiting, rel.lineal_ascendant, limit,
                                           p["dependent"])
        if cls:
            dep_classes.append((cls, rel.cohabiting and rel.lineal_ascendant))
            if rel.disability:
                disabled.append(rel.disability)
        else:
            specific_rel += D.specific_relative_deduction(rel_age, rel.total_income, p.values.get("specific_relative"))
    pers = p["personal"]
    ded = {
        "ded_basic": D.basic_deduction(total, p["basic"]),
        "ded_spouse": spouse_ded,
        "ded_spouse_special": spouse_special,
        "ded_dependent": dependent,
        "ded_specific_relative": specific_rel,
        "ded_disability": sum(D.disability_deduction(k, pers) for k in disabled),
        "ded_widow": D.widow_deduction(case.widow, case.single_parent, total, pers),
        "ded_single_parent": D.single_parent_deduction(case.single_parent, total, pers),
        "ded_working_student": D.working_student_deduction(case.working_student, total,
                                                           pension + case.misc_other + case.dividend, pers),
        "ded_social_insurance": case.social_insurance,
        "ded_small_enterprise": case.small_enterprise_mutual_aid,
        "ded_life_insurance": D.life_insurance_deduction(
            case.life_general_new, case.life_pension_new, case.life_medical_care_new, case.life_general_old,
            case.life_pension_old, p["life_insurance"]),
        "ded_earthquake": D.earthquake_insurance_deduction(case.earthquake_insurance,
                                                           case.long_term_damage_insurance_old,
                                                           p["earthquake_insurance"]),
        "ded_medical": D.medical_deduction(case.medical_paid, case.medical_reimbursed, total, p["medical"]),
    }
    ded["ded_total"] = sum(ded.values())
    r.update(ded)

    # 課税標準と所得割
    taxable = L.taxable_income(total, ded["ded_total"], int(p["taxable_income_rounding"]))
    city = L.income_levy_gross(taxable, m.city_income_rate)
    pref = L.income_levy_gross(taxable, m.pref_income_rate)
    r.update(taxable_income=taxable, city_levy_gross=city, pref_levy_gross=pref)
    difference = personal_difference(case, p, total, spouse_ded, spouse_special, dep_classes, disabled,
                                     ded["ded_working_student"])
    r["personal_difference"] = difference
    adj = C.adjustment_credit(taxable, total, difference, m.designated_city, p["adjustment"])
    city, r["adj_city"] = L.apply_credit(city, adj[0])
    pref, r["adj_pref"] = L.apply_credit(pref, adj[1])
    div = C.dividend_credit(case.dividend, taxable, m.designated_city, p["dividend"])
    don = C.donation_credit(case.donation_furusato, case.donation_other, total, taxable, difference, city, pref,
                            m.designated_city, p["donation"])
    city, r["div_city"] = L.apply_credit(city, div[0])
    pref, r["div_pref"] = L.apply_credit(pref, div[1])
    hou = C.housing_loan_credit(case.housing_loan_credit, m.designated_city, p["housing_loan"])
    city, r["housing_city"] = L.apply_credit(city, hou[0])
    pref, r["housing_pref"] = L.apply_credit(pref, hou[1])
    city, r["donation_city"] = L.apply_credit(city, don[0])
    pref, r["donation_pref"] = L.apply_credit(pref, don[1])

    # 非課税
    persons = L.household_count(spouse_same_livelihood, len(dep_classes))
    minor = legal_age_on(case.birth_date, dt.date(case.fiscal_year, 1, 1)) < int(p["exemption"]["minor_age"])
    personal_exempt = bool(case.disability) or minor or bool(ded["ded_widow"]) or bool(ded["ded_single_parent"])
    ex_pc = L.exempt_per_capita(total, persons, case.public_assistance, personal_exempt,
                                int(p["exemption"]["personal_income_limit"]), m.exempt_base, m.exempt_add,
                                m.exempt_dependent_add_per_capita)
    ex_il = ex_pc or L.exempt_income_levy(total, persons, m.income_exempt_base, m.exempt_add,
                                          m.exempt_dependent_add_income)
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
