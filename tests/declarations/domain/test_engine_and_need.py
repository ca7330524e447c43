"""The review never accepts what the engine cannot compute (AR03), a relative born after the income year's
12月31日 (FA09), and the 申告不要 note only when the declaration changed nothing (NE01).

Expected values: independent where a test names an article (the rule of law decides the outcome); the texts
are checked for words a resident and a clerk can read (consistency with our own tables)."""

from __future__ import annotations

import re

from jichitai.declarations.domain import Outcome, review
from jichitai.declarations.domain.facts import EngineRefusal
from jichitai.declarations.domain.rules.filing import field_label
from tests.declarations.domain.factories import CHILD, declaration, facts

CHILD_ROW = {"my_number": CHILD, "name": "神戸 一郎", "birth_date": "2026-01-02", "total_income": 0,
             "relation": "child", "cohabiting": True}
RAW = re.compile(r"\b(dependents|spouse|taxpayer|relation|birth_date|child|parent|other)\b")


def finding(decision, code):
    return next(f for f in decision.findings if f.code == code)


def test_ar03_a_case_the_engine_refuses_is_never_accepted_and_the_reason_is_in_words():
    """A case the engine refuses cannot be assessed (地方税法第317条の2第1項: the declaration is the basis of the
    assessment); a relation the engine cannot take is a form fault: to a clerk, not back to the resident."""
    d = declaration(dependents=[{**CHILD_ROW, "birth_date": "2010-04-01", "relation": "spouse"}])
    refusal = EngineRefusal("dependents[0].relation", "dependents[0].relation の値 'spouse' は使えません "
                            "(child, parent, grandparent, other)。")
    decision = review(d, facts(engine_refusal=refusal))
    assert decision.outcome is Outcome.CLERK
    f = finding(decision, "AR03")
    assert "扶養親族「神戸 一郎」さんの続柄" in f.resident_message
    assert "扶養親族「神戸 一郎」さんの続柄" in f.clerk_message
    assert not RAW.search(f.resident_message) and not RAW.search(f.clerk_message)
    assert CHILD not in f.resident_message + f.clerk_message  # a dependant's 個人番号 is never printed


def test_ar03_a_figure_the_resident_typed_goes_back_to_them():
    d = declaration(dependents=[CHILD_ROW])
    refusal = EngineRefusal("dependents[0].birth_date", "dependents[0].birth_date が2025年12月31日より後です "
                            "(配偶者・扶養親族は所得の年の12月31日の現況で判定します: 地方税法第314条の2)。")
    decision = review(d, facts(engine_refusal=refusal))
    assert "AR03" in decision.codes()
    assert finding(decision, "AR03").severity.value == "return"
    assert "提出し直して" in finding(decision, "AR03").resident_message


def test_ar03_without_a_refusal_nothing_and_the_engines_unavailability_goes_to_a_clerk():
    assert "AR03" not in review(declaration(), facts()).codes()
    decision = review(declaration(), facts(engine_refusal=EngineRefusal("", "税額計算エンジンが利用できません")))
    assert decision.outcome is Outcome.CLERK


def test_field_labels_name_the_person_and_the_item():
    d = declaration(dependents=[CHILD_ROW], spouse={"my_number": CHILD, "name": "神戸 太郎",
                                                     "birth_date": "1980-01-01", "total_income": 0})
    assert field_label("taxpayer.widow", d) == "あなたの寡婦"
    assert field_label("spouse.total_income", d) == "配偶者「神戸 太郎」さんの合計所得金額"
    assert field_label("deductions.medical_expenses.paid", d) == "支払った医療費"
    assert field_label("dependents[5].birth_date", d) == "扶養親族の生年月日"


def test_fa09_a_child_born_on_1_january_of_the_year_is_not_a_dependant_of_the_income_year():
    """地方税法第314条の2第1項第11号 and its 判定時期 (前年12月31日の現況), 所得税法第85条第3項: a child born on
    2026-01-02 did not exist on 2025-12-31 and is no dependant for 令和8年度 (negative age)."""
    decision = review(declaration(dependents=[CHILD_ROW]), facts())
    assert decision.outcome is not Outcome.ACCEPTED and "FA09" in decision.codes()
    assert finding(decision, "FA09").severity.value == "return"
    f = finding(decision, "FA09")
    assert "令和8年1月2日" in f.resident_message and "令和7年12月31日" in f.resident_message
    assert "令和9年度" in f.resident_message


def test_fa09_a_child_born_on_31_december_is_a_dependant():
    """Born on 12月31日 of the income year: alive on the day of judgement (所得税法第85条第3項)."""
    d = declaration(dependents=[{**CHILD_ROW, "birth_date": "2025-12-31"}])
    assert "FA09" not in review(d, facts()).codes()


def test_ne01_not_when_the_declaration_changes_the_tax():
    """地方税法第317条の2第1項ただし書 exempts a filer whose 年末調整 covered everything; a declaration that
    lowers the tax (a dependant, 医療費 the report does not carry) was needed."""
    changed = facts(salary_year_end_adjusted=True, computed_total_tax=120_000, tax_without_declaration=150_000)
    assert "NE01" not in review(declaration(), changed).codes()
    unknown = facts(salary_year_end_adjusted=True, computed_total_tax=120_000)
    assert "NE01" not in review(declaration(), unknown).codes()


def test_ne01_not_without_the_year_end_adjustment_or_with_other_income():
    same = {"computed_total_tax": 150_000, "tax_without_declaration": 150_000}
    assert "NE01" not in review(declaration(), facts(salary_year_end_adjusted=False, **same)).codes()
    other = declaration(pattern="other", income={"misc_other": 50_000})
    assert "NE01" not in review(other, facts(salary_year_end_adjusted=True, **same)).codes()
    both = facts(salary_year_end_adjusted=True, pension_reported=800_000, pension_reports=1, **same)
    assert "NE01" not in review(declaration(), both).codes()


def test_ne01_pension_only_with_the_same_tax():
    d = declaration(pattern="pension_only", income={"salary": 0, "public_pension": 1_800_000},
                    declared={"salary": 0, "pension": 1_800_000})
    f = facts(salary_reported=None, salary_reports=0, pension_reported=1_800_000, pension_reports=1,
              computed_total_tax=30_000, tax_without_declaration=30_000)
    decision = review(d, f)
    assert "NE01" in decision.codes()
    assert "30,000円" in finding(decision, "NE01").resident_message


def test_no_rule_text_prints_a_personal_number():
    """Issue 20 item 6: a finding names the person, never their 個人番号 (番号法第19条: no provision beyond need)."""
    from jichitai.declarations.domain import RULES

    for code, r in RULES.items():
        for text in (r.resident_text, r.clerk_text):
            assert "{my_number}" not in text and "{me}" not in text, code


def test_ar03_widow_and_single_parent_together_go_back_in_words():
    """所得税法第2条第1項第30号: a 寡婦 is someone who is not a ひとり親 — both claimed is the resident's to fix."""
    refusal = EngineRefusal("taxpayer.widow", "寡婦とひとり親は同時に該当しません。")
    decision = review(declaration(), facts(engine_refusal=refusal))
    f = finding(decision, "AR03")
    assert f.severity.value == "return" and "どちらか一方" in f.resident_message
    assert "widow" not in f.resident_message + f.clerk_message
