"""The automated review, rule by rule. Each test names the article the rule applies."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from jichitai.declarations.domain import (
    RULES,
    RULESET_VERSION,
    Decision,
    Declaration,
    DeclarationError,
    Outcome,
    review,
)
from jichitai.declarations.domain.facts import Address, Claim, RelativeFacts
from jichitai.declarations.domain.limits import age_class, deduction_band, limits_for
from tests.declarations.domain.factories import (
    CHILD,
    PARENT,
    SPOUSE,
    TAXPAYER,
    declaration,
    facts,
    person,
    relative,
)


def codes(decision: Decision) -> set[str]:
    return {f.code for f in decision.findings if f.severity.value != "note"}


def test_clean_salary_declaration_is_accepted_with_the_ruleset_version():
    decision = review(declaration(), facts())
    assert decision.outcome is Outcome.ACCEPTED
    assert decision.ruleset_version == RULESET_VERSION
    assert codes(decision) == set()


def test_every_rule_has_a_code_basis_and_two_explanations():
    assert len(RULES) >= 20
    for code, r in RULES.items():
        assert r.code == code and len(code) == 4
        assert "法" in r.basis or "規則" in r.basis, code
        assert r.resident_text and r.clerk_text and r.resident_text != r.clerk_text


# --- identity and address: 番号法第16条, 地方税法第294条・第318条 ------------------------------------------


def test_id01_my_number_check_digit():
    bad = TAXPAYER[:-1] + str((int(TAXPAYER[-1]) + 1) % 10)
    decision = review(declaration(my_number=bad), facts())
    assert "ID01" in codes(decision) and decision.outcome is Outcome.RETURNED


def test_id02_not_in_registry_or_other_name_or_birth_goes_to_clerk():
    assert "ID02" in codes(review(declaration(), facts(person=None)))
    assert "ID02" in codes(review(declaration(name="神戸 太郎"), facts()))
    assert "ID02" in codes(review(declaration(birth_date="1981-05-01"), facts()))
    # Full-width/half-width spaces and kana folding are not a mismatch (common.text.search_key).
    assert "ID02" not in codes(review(declaration(name="神戸　花子"), facts()))


def test_id03_address_on_january_first():
    moved = facts(
        person=person(address_jan1=Address("281080020", "5-5"), address_now=Address("281100010", "1-2-3"))
    )
    assert "ID03" not in codes(review(declaration(), moved)), (
        "current address after a move within the city is fine"
    )
    elsewhere = facts(
        person=person(address_jan1=Address("281080020", "5-5"), address_now=Address("281080020", "5-5"))
    )
    assert review(declaration(), elsewhere).outcome is Outcome.CLERK
    not_resident = facts(person=person(address_jan1=None))
    assert "ID03" in codes(review(declaration(), not_resident))


# --- income against the reports: 地方税法第317条の6 -------------------------------------------------------


def test_in01_salary_tolerance_is_999_yen_either_way():
    assert "IN01" not in codes(
        review(declaration(declared={"salary": 4_000_999}, income={"salary": 4_000_999}), facts())
    )
    assert "IN01" in codes(
        review(
            declaration(declared={"salary": 3_999_000}, income={"salary": 3_999_000}),
            facts(salary_reported=4_000_000),
        )
    )
    assert "IN01" in codes(
        review(declaration(declared={"salary": 4_001_000}, income={"salary": 4_001_000}), facts())
    )


def test_in02_pension_against_pension_reports():
    d = declaration(
        pattern="pension_only",
        income={"salary": 0, "public_pension": 2_000_000},
        declared={"salary": 0, "pension": 1_800_000},
    )
    f = facts(salary_reported=None, pension_reported=2_000_000, pension_reports=1)
    decision = review(d, f)
    assert "IN02" in codes(decision)
    assert "AR02" in codes(decision), "the written pension differs from the income entered"


def test_in03_income_without_any_report_is_a_note_only():
    decision = review(declaration(), facts(salary_reported=None))
    assert decision.outcome is Outcome.ACCEPTED and "IN03" in decision.codes()


def test_in04_pattern_must_fit_the_income():
    d = declaration(pattern="salary_only", income={"business": 300_000})
    assert "IN04" in codes(review(d, facts()))
    assert "IN04" in codes(review(declaration(pattern="no_income"), facts(salary_reported=None)))


def test_in05_no_income_but_reports_received():
    d = declaration(pattern="no_income", income={"salary": 0}, declared={"salary": 0})
    assert review(d, facts(salary_reported=1_000_000)).outcome is Outcome.CLERK


# --- spouse and dependants: 地方税法第292条・第314条の2, 所得税法第85条 ------------------------------------

CHILD_REC = {
    "my_number": CHILD,
    "name": "神戸 一郎",
    "birth_date": "2005-04-01",
    "total_income": 0,
    "relation": "child",
    "cohabiting": True,
    "disability": None,
}


def child_facts(**over: Any) -> RelativeFacts:
    values: dict[str, Any] = {"name": "神戸 一郎", "birth": dt.date(2005, 4, 1)}
    values.update(over)
    return relative(CHILD, **values)


def test_fa01_relative_my_number_check_digit():
    d = declaration(dependents=[{**CHILD_REC, "my_number": "123456789012"}])
    assert "FA01" in codes(review(d, facts()))


def test_fa02_same_person_twice_or_self():
    d = declaration(dependents=[CHILD_REC, CHILD_REC])
    assert "FA02" in codes(review(d, facts(relatives={CHILD: child_facts()})))
    d = declaration(dependents=[{**CHILD_REC, "my_number": TAXPAYER}])
    assert "FA02" in codes(review(d, facts()))


def test_fa03_cohabiting_dependant_unknown_to_the_registry_or_dead():
    d = declaration(dependents=[CHILD_REC])
    assert "FA03" in codes(review(d, facts()))
    dead = child_facts(died_on=dt.date(2024, 12, 1))
    assert "FA03" in codes(review(d, facts(relatives={CHILD: dead})))
    died_during_year = child_facts(died_on=dt.date(2025, 6, 1))
    assert "FA03" not in codes(review(d, facts(relatives={CHILD: died_during_year}))), (
        "所得税法第85条第3項: 死亡時の現況"
    )


def test_fa08_dependant_living_elsewhere_is_a_note_for_the_inquiry():
    d = declaration(dependents=[{**CHILD_REC, "cohabiting": False}])
    decision = review(d, facts())
    assert decision.outcome is Outcome.ACCEPTED and "FA08" in decision.codes()


def test_fa04_age_class_judged_on_31_december():
    # Born 2003-01-01: 23 on 2025-12-31 (年齢計算ニ関スル法律: the day before the birthday) → 一般, not 特定.
    d = declaration(dependents=[{**CHILD_REC, "birth_date": "2003-01-02"}])
    assert "FA04" in codes(review(d, facts(relatives={CHILD: child_facts(birth=dt.date(2003, 1, 1))})))
    ticked = declaration(dependents=[{**CHILD_REC, "age_class": "elderly"}])
    assert "FA04" in codes(review(ticked, facts(relatives={CHILD: child_facts()})))
    assert "FA04" not in codes(
        review(declaration(dependents=[CHILD_REC]), facts(relatives={CHILD: child_facts()}))
    )


def test_age_class_boundaries():
    assert [age_class(a) for a in (15, 16, 18, 19, 22, 23, 69, 70)] == [
        "young",
        "general",
        "general",
        "specific",
        "specific",
        "general",
        "general",
        "elderly",
    ]


def test_fa05_income_over_the_limit_from_the_citys_own_data():
    d = declaration(dependents=[{**CHILD_REC, "birth_date": "1990-01-01"}])
    over = child_facts(birth=dt.date(1990, 1, 1), income=700_000)
    assert "FA05" in codes(review(d, facts(relatives={CHILD: over})))
    under = child_facts(birth=dt.date(1990, 1, 1), income=580_000)
    assert "FA05" not in codes(review(d, facts(relatives={CHILD: under})))


def test_fa05_spouse_special_band_changes():
    sp = {"my_number": SPOUSE, "name": "神戸 太郎", "birth_date": "1978-01-01", "total_income": 900_000}
    d = declaration(spouse=sp)
    same_band = relative(SPOUSE, name="神戸 太郎", birth=dt.date(1978, 1, 1), income=950_000)
    assert "FA05" not in codes(review(d, facts(relatives={SPOUSE: same_band})))
    next_band = relative(SPOUSE, name="神戸 太郎", birth=dt.date(1978, 1, 1), income=1_020_000)
    decision = review(d, facts(relatives={SPOUSE: next_band}))
    assert "FA05" in codes(decision)
    # the clerk reads the bands in Japanese (地方税法第314条の2第1項第10号の2: the steps of the 配偶者特別控除)
    (fa05,) = [f for f in decision.findings if f.code == "FA05"]
    assert "配偶者特別控除（" in fa05.clerk_message and "段階目）" in fa05.clerk_message
    assert "spouse_special" not in fa05.clerk_message


def test_deduction_bands_follow_the_r8_limits():
    lim = limits_for(2026)
    assert deduction_band("dependent", 40, 580_000, lim) == "dependent"
    assert deduction_band("dependent", 40, 580_001, lim) == "none"
    assert deduction_band("dependent", 20, 900_000, lim).startswith("specific_relative")
    assert deduction_band("dependent", 20, 1_230_001, lim) == "none"
    assert deduction_band("spouse", 40, 1_330_000, lim).startswith("spouse_special")
    assert deduction_band("spouse", 40, 1_330_001, lim) == "none"
    assert limits_for(2025).dependent_income == 480_000


def test_fa06_double_claim_of_a_dependant():
    d = declaration(dependents=[CHILD_REC])
    other = Claim("灘 父（宛名番号 000000000000123）", "dependent", "申告 R8-0000002")
    decision = review(d, facts(relatives={CHILD: child_facts(claims=(other,))}))
    assert "FA06" in codes(decision) and decision.outcome is Outcome.CLERK
    text = " ".join(f.clerk_message for f in decision.findings if f.code == "FA06")
    assert "灘 父（宛名番号 000000000000123）" in text and CHILD not in text  # named for the clerk, no 個人番号
    # the filer's own reports are not "another" claim: CityIndex.other_claims leaves them out before the rule runs
    assert "FA06" not in codes(review(d, facts(relatives={CHILD: child_facts(claims=())})))


def test_fa07_spouses_claiming_each_other():
    sp = {"my_number": SPOUSE, "name": "神戸 太郎", "birth_date": "1978-01-01", "total_income": 0}
    rf = RelativeFacts(
        SPOUSE,
        person(SPOUSE, name="神戸 太郎", kana="", birth_date=dt.date(1978, 1, 1)),
        known_income=0,
        claims_taxpayer_as_spouse=True,
    )
    assert "FA07" in codes(review(declaration(spouse=sp), facts(relatives={SPOUSE: rf})))


# --- deductions and attachments ------------------------------------------------------------------------


def test_de01_negative_amounts_are_returned():
    assert "DE01" in codes(review(declaration(deductions={"social_insurance": -1}), facts()))


def test_de02_reimbursement_over_paid():
    d = declaration(
        pattern="other",
        deductions={"medical_expenses": {"paid": 100_000, "reimbursed": 200_000}},
        attachments=[{"kind": "medical_detail"}],
    )
    assert "DE02" in codes(review(d, facts()))


def test_de03_medical_deduction_over_200man_goes_to_clerk():
    d = declaration(
        pattern="other",
        deductions={"medical_expenses": {"paid": 2_200_000, "reimbursed": 0}},
        attachments=[{"kind": "medical_detail"}],
    )
    assert "DE03" in codes(review(d, facts()))
    ok = declaration(
        pattern="other",
        deductions={"medical_expenses": {"paid": 2_050_000, "reimbursed": 0}},
        attachments=[{"kind": "medical_detail"}],
    )
    assert "DE03" not in codes(review(ok, facts()))


def test_de03_housing_loan_credit_cap_and_de04_social_insurance():
    assert "DE03" in codes(review(declaration(housing_loan_credit=200_000), facts()))
    assert "DE04" in codes(review(declaration(deductions={"social_insurance": 2_000_000}), facts()))


def test_de03_declared_life_insurance_deduction_over_its_70000_cap():
    """地方税法第314条の2第1項第5号: 生命保険料控除 (住民税) is at most 28,000円 a category and 70,000円 in all.

    Three categories at their maximum written as 84,000円: the engine caps it (the tax is right) but the figure
    the resident wrote is over the law's limit, so a clerk checks it."""
    life = {"general_new": 100_000, "pension_new": 100_000, "medical_care_new": 100_000}
    over = declaration(deductions={"life_insurance": life}, declared={"life_insurance_deduction": 84_000})
    decision = review(over, facts())
    assert decision.outcome is Outcome.CLERK
    (finding,) = [f for f in decision.findings if f.code == "DE03"]
    assert finding.detail == {"item": "生命保険料控除", "amount": 84_000, "cap": 70_000}
    assert "84,000円" in finding.resident_message and "70,000円" in finding.resident_message
    at_cap = declaration(deductions={"life_insurance": life}, declared={"life_insurance_deduction": 70_000})
    assert review(at_cap, facts()).outcome is Outcome.ACCEPTED
    not_written = declaration(deductions={"life_insurance": life})  # the portal leaves the figure to the engine
    assert "DE03" not in codes(review(not_written, facts()))


def test_de03_declared_earthquake_insurance_deduction_over_its_25000_cap():
    """地方税法第314条の2第1項第5号の2: 地震保険料控除 (住民税) is half the premium, at most 25,000円."""
    over = declaration(
        deductions={"earthquake_insurance": 60_000}, declared={"earthquake_insurance_deduction": 30_000}
    )
    assert "DE03" in codes(review(over, facts()))
    ok = declaration(
        deductions={"earthquake_insurance": 60_000}, declared={"earthquake_insurance_deduction": 25_000}
    )
    assert "DE03" not in codes(review(ok, facts()))


def test_review_caps_are_the_tax_engines_caps():
    """The caps the review compares against are the ones the engine applies (tax/parameters/deductions.yaml)."""
    from jichitai.tax import parameters

    for year in parameters.SUPPORTED_YEARS:
        law, lim = parameters.load(year), limits_for(year)
        assert lim.life_insurance_deduction_cap == law["life_insurance"]["total_cap"]
        assert lim.earthquake_insurance_deduction_cap == law["earthquake_insurance"]["total_cap"]
        assert lim.medical_deduction_cap == law["medical"]["cap"]


def test_de05_de06_required_attachments():
    med = declaration(pattern="other", deductions={"medical_expenses": {"paid": 300_000, "reimbursed": 0}})
    decision = review(med, facts())
    assert "DE05" in codes(decision) and decision.outcome is Outcome.RETURNED
    attached = dataclasses.replace(
        med,
        attachments=(
            *med.attachments,
            *declaration(attachments=[{"kind": "medical_detail", "filename": "meisai.pdf",
                                       "lines": [{"provider": "神戸中央病院", "amount": 300_000}]}]).attachments,
        ),
    )
    assert review(attached, facts()).outcome is Outcome.ACCEPTED
    gift = declaration(pattern="other", donations={"furusato": 30_000})
    assert "DE06" in codes(review(gift, facts()))


# --- arithmetic and need -------------------------------------------------------------------------------


def test_ar01_written_tax_against_computed_tax():
    d = declaration(declared={"total_tax": 200_000})
    assert "AR01" in codes(review(d, facts(computed_total_tax=210_000)))
    assert "AR01" not in codes(review(d, facts(computed_total_tax=200_099)))
    assert "AR01" in codes(review(d, facts(computed_total_tax=200_100)))


def test_ne01_declaration_not_needed_is_noted_not_blocking():
    """地方税法第317条の2第1項ただし書: salary only, 年末調整 done, the same tax without the declaration."""
    decision = review(declaration(), facts(salary_year_end_adjusted=True, computed_total_tax=150_000,
                                           tax_without_declaration=150_000))
    assert decision.outcome is Outcome.ACCEPTED and "NE01" in decision.codes()


def test_ne02_second_declaration_for_the_same_year():
    assert review(declaration(), facts(earlier_declarations=1)).outcome is Outcome.CLERK


def test_bad_input_raises_the_context_error():
    with pytest.raises(DeclarationError):
        Declaration.from_record({"pattern": "nonsense", "case": {"fiscal_year": 2026}})
    with pytest.raises(DeclarationError):
        declaration(birth_date="令和")


def test_clerk_outranks_return():
    d = declaration(
        pattern="other", deductions={"medical_expenses": {"paid": 300_000, "reimbursed": 0}}, name="別人"
    )
    assert review(d, facts()).outcome is Outcome.CLERK


def test_parent_living_elsewhere_with_valid_number_accepted():
    d = declaration(
        dependents=[
            {
                "my_number": PARENT,
                "name": "神戸 父",
                "birth_date": "1950-01-01",
                "total_income": 400_000,
                "relation": "parent",
                "cohabiting": False,
            }
        ]
    )
    assert review(d, facts()).outcome is Outcome.ACCEPTED
