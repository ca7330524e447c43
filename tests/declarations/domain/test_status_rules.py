"""Rules for every claim that changes the tax (issue 20 item 1), each from its statute.

Independent: the outcomes follow the definitions of 所得税法第2条第1項第28号〜第34号の4 (障害者, 特別障害者, 寡婦,
ひとり親, 勤労学生, 配偶者, 扶養親族), its 施行令第10条 (手帳の等級) and 施行規則第1条の3・第1条の4 (未届の配偶者),
地方税法第314条の2第1項 and 所得税基本通達73-8 (出産育児一時金). The amounts (国民年金 1年分, 一時金 48.8万円) are the
published figures the rules cite."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from jichitai.declarations.domain import Declaration, Outcome, review
from jichitai.declarations.domain.facts import Claim, DisabilityRecord, RelativeFacts
from tests.declarations.domain.factories import CHILD, HOME, OTHER, PARENT, SPOUSE, declaration, facts, person, record

FILER_HH = "S1"


def filer(**over: Any):
    values = {"household": FILER_HH, "relationship": "世帯主", "sex": "F"}
    values.update(over)
    return person(**values)


def member(my_number: str, relationship: str, *, sex: str = "M", birth: dt.date = dt.date(2015, 4, 1), **over: Any):
    values = {"name": f"神戸 {relationship}", "kana": "", "birth_date": birth, "household": FILER_HH,
              "relationship": relationship, "sex": sex, **over}
    return person(my_number, **values)


def decl(taxpayer: dict[str, Any] | None = None, **over: Any) -> Declaration:
    rec = record(**over)
    rec["case"]["taxpayer"].update(taxpayer or {})
    return Declaration.from_record(rec)


def codes(decision) -> dict[str, str]:
    return {f.code: f.severity.value for f in decision.findings if f.severity.value != "note"}


CHILD_ROW = {"my_number": CHILD, "name": "神戸 子", "birth_date": "2015-04-01", "total_income": 0,
             "relation": "child", "cohabiting": True}


# --- 寡婦 (所得税法第2条第1項第30号) ---------------------------------------------------------------------------

def test_st01_a_man_is_no_widow():
    decision = review(decl({"widow": True, "sex": "male"}), facts(person=filer(sex="M")))
    assert codes(decision).get("ST01") == "return"
    assert "女性が対象" in next(f for f in decision.findings if f.code == "ST01").resident_message


def test_st01_a_widow_with_a_husband_at_home_or_declared_is_not_accepted():
    at_home = facts(person=filer(), household=(member(SPOUSE, "夫（未届）"),))
    assert codes(review(decl({"widow": True}), at_home)).get("ST01") == "clerk"
    spouse = {"my_number": SPOUSE, "name": "神戸 夫", "birth_date": "1975-01-01", "total_income": 0}
    assert codes(review(decl({"widow": True}, spouse=spouse), facts(person=filer()))).get("ST01") == "return"


def test_st01_a_woman_alone_is_accepted_on_her_statement_as_the_law_allows():
    """所得税法第194条: 寡婦 is stated on the 申告書; no document is asked."""
    assert review(decl({"widow": True}), facts(person=filer())).outcome is Outcome.ACCEPTED


# --- ひとり親 (同第31号) ----------------------------------------------------------------------------------------

def test_st02_single_parent_with_a_child_at_home_is_accepted():
    f = facts(person=filer(), household=(member(CHILD, "子"),))
    assert "ST02" not in codes(review(decl({"single_parent": True}), f))


def test_st02_single_parent_with_a_child_claimed_is_accepted():
    assert "ST02" not in codes(review(decl({"single_parent": True}, dependents=[CHILD_ROW]), facts(person=filer())))


def test_st02_single_parent_without_a_child_or_with_a_partner_goes_to_a_clerk():
    assert codes(review(decl({"single_parent": True}), facts(person=filer()))).get("ST02") == "clerk"
    partner = facts(person=filer(), household=(member(CHILD, "子"), member(SPOUSE, "夫（未届）")))
    assert codes(review(decl({"single_parent": True}), partner)).get("ST02") == "clerk"


def test_st02_a_child_born_after_31_december_does_not_count():
    f = facts(person=filer(), household=(member(CHILD, "子", birth=dt.date(2026, 1, 5)),))
    assert codes(review(decl({"single_parent": True}), f)).get("ST02") == "clerk"


def test_st02_the_filer_is_a_child_of_the_head_and_her_own_child_is_the_heads_grandchild():
    """続柄 relative to the filer (kinship): 子 of the head files, the head's 孫 is her child."""
    f = facts(person=filer(relationship="子"), household=(member(PARENT, "世帯主"), member(CHILD, "孫")))
    assert "ST02" not in codes(review(decl({"single_parent": True}), f))


CHILD_ATENA = "0000000042"


def earning_child(income: int | None):
    """The filer and her 子 at home; ``income``: the child's 総所得金額等 from the child's own reports."""
    child = member(CHILD, "子", birth=dt.date(2005, 6, 1), atena_number=CHILD_ATENA)
    return facts(person=filer(), household=(child,),
                 household_income={} if income is None else {CHILD_ATENA: income})


def test_st02_a_child_at_home_counts_only_within_the_income_limit():
    """Independent. 所得税法第2条第1項第31号・同法施行令第11条の2 (地方税法第292条第1項が住民税に同じ定義を置く): the child's
    総所得金額等 must be 58万円以下 (令和7年分以降, 令和8年度の住民税). 給与収入 1,230,000円 − 給与所得控除 650,000円
    (所得税法第28条第3項, 令和7年度改正後の最低額) = 580,000円 → qualifies; 1,240,000円 → 590,000円 → does not."""
    assert "ST02" not in codes(review(decl({"single_parent": True}), earning_child(580_000)))
    decision = review(decl({"single_parent": True}), earning_child(590_000))
    assert codes(decision).get("ST02") == "clerk"
    finding = next(f for f in decision.findings if f.code == "ST02")
    assert "590,000円" in finding.clerk_message and "580,000円" in finding.clerk_message


def test_st02_the_limit_was_480_000_yen_before_reiwa_8():
    """Independent. 令和6年分まで (令和7年度の住民税) the limit was 48万円 (旧所得税法施行令第11条の2)."""
    rec = decl({"single_parent": True})
    rec = dataclasses.replace(rec, fiscal_year=2025)
    assert rec.fiscal_year == 2025
    assert codes(review(rec, earning_child(490_000))).get("ST02") == "clerk"
    assert "ST02" not in codes(review(rec, earning_child(480_000)))


def test_st02_a_child_whose_income_the_city_cannot_know_still_counts():
    """Independent of our code's figures: with no report for the child the review cannot know the income; the
    child counts as before (the filer's statement, 所得税法第194条)."""
    assert "ST02" not in codes(review(decl({"single_parent": True}), earning_child(None)))


def test_st02_a_claimed_child_whose_reports_exceed_the_limit_does_not_count():
    """Independent. The same limit for a child claimed on the declaration: declared 0円, but the child's own
    給与支払報告書 give 590,000円 (> 580,000円)."""
    f = facts(person=filer(), relatives={CHILD: RelativeFacts(CHILD, None, known_income=590_000,
                                                               income_source="給与支払報告書")})
    assert codes(review(decl({"single_parent": True}, dependents=[CHILD_ROW]), f)).get("ST02") == "clerk"


def test_st02_salary_income_figures_are_the_engines():
    """Independent check of the figures above against the engine's own 給与所得控除 for 令和8年度
    (tax/parameters/income.yaml salary_income, 所得税法第28条第3項): 1,230,000 → 580,000; 1,240,000 → 590,000."""
    from jichitai.declarations.taxlink import total_income

    assert total_income(2026, dt.date(2005, 6, 1), {"salary": 1_230_000}) == 580_000
    assert total_income(2026, dt.date(2005, 6, 1), {"salary": 1_240_000}) == 590_000


FATHER = "神戸 一郎（宛名番号 0000000077）"  # a claimant as the clerk sees them (CityIndex.label)


def test_st02_a_child_at_home_claimed_by_another_taxpayer_does_not_count():
    """Independent. 所得税法施行令第11条の2 (地方税法第292条第1項第12号 refers to it): the ひとり親's child must be
    someone 「他の者の同一生計配偶者又は扶養親族とされている者以外」. The only child at home is claimed as 扶養親族 on
    another person's 給与支払報告書 → no qualifying child → a clerk, who reads both names and the relation in
    words; the child's 個人番号 is in no text."""
    child = member(CHILD, "子", atena_number=CHILD_ATENA)
    claimed = facts(person=filer(), household=(child,),
                    household_claims={CHILD_ATENA: (Claim(FATHER, "dependent", "給与支払報告書"),)})
    decision = review(decl({"single_parent": True}), claimed)
    assert codes(decision).get("ST02") == "clerk"
    finding = next(f for f in decision.findings if f.code == "ST02")
    assert "子 神戸 子 → 神戸 一郎（宛名番号 0000000077）の扶養親族（給与支払報告書）" in finding.clerk_message
    assert "ほかの方の扶養親族" in finding.resident_message and "一郎" not in finding.resident_message
    assert CHILD not in finding.clerk_message + finding.resident_message
    # the same child unclaimed qualifies (the rule is not firing for another reason)
    assert "ST02" not in codes(review(decl({"single_parent": True}), facts(person=filer(), household=(child,))))


def test_st02_a_child_claimed_on_the_declaration_and_by_someone_else_does_not_count():
    """Independent. The same condition for a child written on the declaration: another 申告 claims the child
    as 扶養親族 (施行令第11条の2) → a clerk; a second child nobody else claims makes the claim good again."""
    f = facts(person=filer(), relatives={CHILD: RelativeFacts(CHILD, None, other_claims=(
        Claim(FATHER, "dependent", "申告 R8-000123"),))})
    assert codes(review(decl({"single_parent": True}, dependents=[CHILD_ROW]), f)).get("ST02") == "clerk"
    # the same child also at home, claimed there by the same person: one child, named once for the clerk
    at_home = dataclasses.replace(f, person=filer(), household=(member(CHILD, "子", atena_number=CHILD_ATENA,
                                                                     name="神戸 子"),),
                                  household_claims={CHILD_ATENA: f.relatives[CHILD].other_claims})
    finding = next(x for x in review(decl({"single_parent": True}, dependents=[CHILD_ROW]), at_home).findings
                   if x.code == "ST02")
    assert finding.clerk_message.count("子 神戸 子 →") == 1
    second = {**CHILD_ROW, "my_number": OTHER, "name": "神戸 次男"}
    assert "ST02" not in codes(review(decl({"single_parent": True}, dependents=[CHILD_ROW, second]), f))


def test_st02_a_child_who_is_someones_spouse_does_not_count():
    """Independent. 施行令第11条の2: nor another's 同一生計配偶者 (a married child claimed by their spouse)."""
    child = member(CHILD, "子", atena_number=CHILD_ATENA, birth=dt.date(2004, 4, 1))
    f = facts(person=filer(), household=(child,),
              household_claims={CHILD_ATENA: (Claim(FATHER, "spouse", "確定申告書（国税連携）"),)})
    decision = review(decl({"single_parent": True}), f)
    assert codes(decision).get("ST02") == "clerk"
    assert "同一生計配偶者" in next(f for f in decision.findings if f.code == "ST02").clerk_message


# --- 障害者 (同第28号・第29号, 施行令第10条) --------------------------------------------------------------------

BOOK_1 = DisabilityRecord("身体", "1級", special=True, valid_from=dt.date(2010, 1, 1))
BOOK_4 = DisabilityRecord("身体", "4級", special=False, valid_from=dt.date(2010, 1, 1))


def test_st03_own_disability_on_the_citys_record_is_accepted():
    f = facts(person=filer(disabilities=(BOOK_1,)), welfare_data=True)
    assert "ST03" not in codes(review(decl({"disability": "special"}), f))


def test_st03_special_claimed_on_a_general_grade_goes_to_a_clerk():
    f = facts(person=filer(disabilities=(BOOK_4,)), welfare_data=True)
    assert codes(review(decl({"disability": "special"}), f)).get("ST03") == "clerk"


def test_st03_no_record_no_copy_is_returned_with_a_copy_goes_to_a_clerk():
    f = facts(person=filer(), welfare_data=True)
    assert codes(review(decl({"disability": "general"}), f)).get("ST03") == "return"
    copy = decl({"disability": "general"}, attachments=[{"kind": "disability_certificate", "filename": "t.jpg"}])
    assert codes(review(copy, f)).get("ST03") == "clerk"


def test_st03_an_expired_book_is_no_record():
    old = DisabilityRecord("精神", "2級", special=False, valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2024, 6, 30))
    f = facts(person=filer(disabilities=(old,)), welfare_data=True)
    assert codes(review(decl({"disability": "general"}), f)).get("ST03") == "return"


# --- 勤労学生 (同第32号) ----------------------------------------------------------------------------------------

def test_st04_a_student_of_twenty_is_accepted_on_the_statement_older_goes_to_a_clerk():
    young = decl({"working_student": True, "birth_date": "2005-05-01"}, birth_date="2005-05-01")
    f = facts(person=filer(birth_date=dt.date(2005, 5, 1)))
    assert "ST04" not in codes(review(young, f))
    assert codes(review(decl({"working_student": True}), facts(person=filer()))).get("ST04") == "clerk"


# --- 配偶者, 同居, 親族の障害, 親族でない同居者 ------------------------------------------------------------------

def rel_facts(my_number: str, p) -> dict[str, RelativeFacts]:
    return {my_number: RelativeFacts(my_number=my_number, person=p)}


def test_fa10_the_spouse_claimed_is_the_sons_mother_in_the_registry():
    """A son (子 of the head) claims the head's 妻 as his spouse: she is his mother (民法第739条: no marriage)."""
    mother = member(SPOUSE, "妻", sex="F", birth=dt.date(1955, 1, 1))
    mother = dataclasses.replace(mother, name="神戸 花子")
    spouse = {"my_number": SPOUSE, "name": "神戸 花子", "birth_date": "1955-01-01", "total_income": 0}
    f = facts(person=filer(relationship="子", sex="M"), relatives=rel_facts(SPOUSE, mother))
    decision = review(decl(spouse=spouse), f)
    assert codes(decision).get("FA10") == "clerk"
    assert "母" in next(x for x in decision.findings if x.code == "FA10").resident_message


def test_fa11_an_elderly_parent_claimed_as_cohabiting_lives_elsewhere():
    """同居老親等 (租税特別措置法第41条の16) needs 同居: the registry holds the parent at another address."""
    from jichitai.declarations.domain.facts import Address

    elsewhere = Address("281100020", "9-9-9")
    parent = person(PARENT, name="神戸 父", kana="", birth_date=dt.date(1945, 1, 1), household="S2",
                    address_jan1=elsewhere, address_now=elsewhere)
    row = {"my_number": PARENT, "name": "神戸 父", "birth_date": "1945-01-01", "total_income": 0,
           "relation": "parent", "cohabiting": True}
    decision = review(decl(dependents=[row]), facts(person=filer(), relatives=rel_facts(PARENT, parent)))
    assert codes(decision).get("FA11") == "clerk"
    same = dataclasses.replace(parent, address_jan1=HOME, address_now=HOME)
    assert "FA11" not in codes(review(decl(dependents=[row]), facts(person=filer(), relatives=rel_facts(PARENT, same))))


def test_fa12_a_relatives_special_disability_needs_the_record_or_a_copy():
    row = {**CHILD_ROW, "disability": "special_cohabiting"}
    kid = member(CHILD, "子", name="神戸 子")
    assert codes(review(decl(dependents=[row]), facts(person=filer(), welfare_data=True,
                                                     relatives=rel_facts(CHILD, kid)))).get("FA12") == "return"
    booked = dataclasses.replace(kid, disabilities=(BOOK_1,))
    assert "FA12" not in codes(review(decl(dependents=[row]), facts(person=filer(), welfare_data=True,
                                                                   relatives=rel_facts(CHILD, booked))))


def test_fa13_a_lodger_is_no_relative():
    lodger = member(OTHER, "同居人", name="神戸 同居")
    row = {"my_number": OTHER, "name": "神戸 同居", "birth_date": "2015-04-01", "total_income": 0,
           "relation": "other", "cohabiting": True}
    assert codes(review(decl(dependents=[row]), facts(person=filer(), relatives=rel_facts(OTHER, lodger)))
                 ).get("FA13") == "clerk"


# --- 社会保険料 (地方税法第314条の2第1項第3号, 所得税法施行令第262条) ------------------------------------------------

def test_de07_social_insurance_within_what_the_city_knows_is_accepted():
    f = facts(reported_social_insurance=400_000, kokuho_tax_paid=200_000)
    assert "DE07" not in codes(review(declaration(), f))


def test_de07_more_than_known_goes_to_a_clerk_unless_the_pension_certificate_covers_it():
    f = facts(reported_social_insurance=400_000)
    assert codes(review(declaration(), f)).get("DE07") == "clerk"
    certified = declaration(attachments=[{"kind": "insurance_certificate", "filename": "nenkin.pdf"}])
    assert "DE07" not in codes(review(certified, f))  # 200,000円 ≤ 国民年金 1年分 210,120円
    too_much = declaration(deductions={"social_insurance": 900_000},
                           attachments=[{"kind": "insurance_certificate", "filename": "nenkin.pdf"}])
    assert codes(review(too_much, f)).get("DE07") == "clerk"


# --- 医療費と出産育児一時金 (所得税基本通達73-8) ---------------------------------------------------------------------

def test_de08_a_birth_in_the_household_means_the_lump_sum_is_subtracted():
    d = declaration(pattern="other", deductions={"medical_expenses": {"paid": 600_000, "reimbursed": 0}},
                    attachments=[{"kind": "medical_detail", "filename": "m.pdf"}])
    f = facts(births=(dt.date(2025, 6, 1),))
    assert codes(review(d, f)).get("DE08") == "clerk"
    ok = declaration(pattern="other", deductions={"medical_expenses": {"paid": 600_000, "reimbursed": 500_000}},
                     attachments=[{"kind": "medical_detail", "filename": "m.pdf"}])
    assert "DE08" not in codes(review(ok, f))
    assert "DE08" not in codes(review(d, facts()))



def test_st03_a_copy_in_another_name_is_said_to_the_resident():
    """Consistency: a 手帳 copy read by OCR whose name is not the filer's (folded: 異体字, spaces) tells the resident
    the name could not be read and the clerk that it is not there; the filer's own name in a variant form (髙 for
    高, a full-width space) counts as the filer's."""
    f = facts(person=filer(), welfare_data=True)

    def copy(text: str) -> Any:
        return decl({"disability": "general"}, name="高橋 花子", attachments=[
            {"kind": "disability_certificate", "filename": "t.jpg", "ocr": {"text": text, "confidence": 85}}])

    other = next(x for x in review(copy("身体障害者手帳\n氏名 須磨 一郎\n4級"), f).findings if x.code == "ST03")
    assert "お名前を読み取れませんでした" in other.resident_message and "氏名 見当たらない" in other.clerk_message
    own = next(x for x in review(copy("身体障害者手帳\n氏名 髙橋　花子\n4級"), f).findings if x.code == "ST03")
    assert "お名前" not in own.resident_message and "氏名 一致" in own.clerk_message
