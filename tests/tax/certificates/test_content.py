"""What a 課税（非課税）証明書 says (tax.certificates.content, pure): the items the municipal certificates carry
(下野市税務証明等取扱規程 第3条; the published 市県民税課税証明書 samples) from an assessment's answer and case."""

from __future__ import annotations

import pytest

from jichitai.tax import parameters as P
from jichitai.tax.calc import calculate
from jichitai.tax.certificates import content as C

CASE = {
    "fiscal_year": 2026,
    "taxpayer": {"birth_date": "1980-05-01", "sex": "male", "disability": None, "widow": False,
                 "single_parent": False, "working_student": False, "public_assistance": False},
    "income": {"salary": 5_000_000, "public_pension": 0, "business": 0, "misc_other": 0},
    "deductions": {"social_insurance": 700_000, "small_enterprise_mutual_aid": 0,
                   "life_insurance": {"general_new": 0, "pension_new": 0, "medical_care_new": 0, "general_old": 0,
                                      "pension_old": 0},
                   "earthquake_insurance": 0, "long_term_damage_insurance_old": 0,
                   "medical_expenses": {"paid": 0, "reimbursed": 0}},
    "spouse": {"birth_date": "1982-12-30", "total_income": 0, "disability": None},
    "dependents": [
        {"birth_date": "2012-04-01", "total_income": 0, "cohabiting": True, "relation": "child", "disability": None},
        {"birth_date": "2005-06-01", "total_income": 0, "cohabiting": True, "relation": "child", "disability": None},
        {"birth_date": "1950-01-10", "total_income": 0, "cohabiting": True, "relation": "parent", "disability": None},
        {"birth_date": "1990-01-10", "total_income": 900_000, "cohabiting": True, "relation": "other",
         "disability": None},
    ],
    "donations": {"furusato": 0, "other": 0}, "housing_loan_credit": 0,
}


def _content(case: dict) -> C.CertificateContent:  # type: ignore[type-arg]
    p = P.load(2026)
    counts = C.dependent_counts(case, 2026, dict(p["dependent"]), int(p["dependent_income_limit"]))
    return C.content(calculate(case), case, counts)


def test_a_salary_earners_certificate_prints_income_deductions_dependents_and_tax() -> None:
    """Independent where the statute fixes the figure: 給与所得 of 5,000,000円 is 5,000,000 − (5,000,000 × 20 % +
    440,000) = 3,560,000円 (所得税法第28条第3項, 地方税法第32条第2項); 配偶者控除 33万 (第314条の2第1項第10号);
    扶養親族 by age on 12月31日 of 2025 (第292条第1項第9号): 13歳 → 年少, 20歳 → 特定 (19–22), 75歳 parent
    living together → 老人 and 同居老親等, a relative with 合計所得 90万 (> 58万) → none. Tax figures: consistency
    with the engine's answer."""
    c = _content(CASE)
    assert c.title == "令和8年度 市民税・県民税 課税証明書" and c.income_year == "令和7年分" and not c.exempt
    assert c.incomes == [("給与", "5,000,000円", "3,560,000円")] and c.total_income == "3,560,000円"
    assert ("配偶者控除", "330,000円") in c.deductions and ("社会保険料控除", "700,000円") in c.deductions
    assert c.spouse == "有"
    assert dict(c.dependents) == {"一般": "0人", "特定": "1人", "老人": "1人", "うち同居老親等": "1人", "16歳未満": "1人"}
    answer = calculate(CASE)
    assert ("年税額", f"{answer['total']:,}円") in c.taxes
    assert ("市民税 均等割額", "3,400円") in c.taxes and ("県民税 均等割額", "1,800円") in c.taxes  # 神戸市 条例
    assert c.deduction_total == f"{answer['income_deductions']['total']:,}円"


def test_no_income_is_a_hikazei_certificate_with_its_legal_reason() -> None:
    """Independent: 合計所得金額 0 is at or under the 均等割 非課税限度額 (地方税法第295条第1項第2号・第3項: 35万円
    ×人数 + 10万円 + …, 市税条例), so neither 均等割 nor 所得割 is due and the certificate is a 非課税証明書 with the
    article (下野市規程 第3条(2): 非課税の根拠法令)."""
    case = {**CASE, "income": {"salary": 0, "public_pension": 0, "business": 0, "misc_other": 0}, "spouse": None,
            "dependents": [], "deductions": {**CASE["deductions"], "social_insurance": 0}}  # type: ignore[dict-item]
    c = _content(case)
    assert c.exempt and c.title == "令和8年度 市民税・県民税 非課税証明書"
    assert "地方税法第295条第1項" in c.exempt_reason and c.incomes == [] and c.total_income == "0円"
    assert ("年税額", "0円") in c.taxes and c.spouse == "無"


@pytest.mark.parametrize(("address", "city"), [
    ("大阪府大阪市北区梅田1丁目", "大阪府大阪市"),          # a 政令指定都市 assesses, not its 区
    ("東京都千代田区永田町1丁目7番1号", "東京都千代田区"),  # Tokyo's 特別区 assess themselves (地方税法第734条)
    ("東京都八王子市元本郷町3丁目24番1号", "東京都八王子市"),
    ("三重県四日市市諏訪町1番5号", "三重県四日市市"),        # the name itself ends in 市
    ("北海道虻田郡倶知安町北1条東3丁目", "北海道虻田郡倶知安町"),
    ("兵庫県明石市中崎1丁目5番1号", "兵庫県明石市"),
    ("", ""),
])
def test_the_city_to_ask_is_read_from_the_address(address: str, city: str) -> None:
    """Independent: the municipality that levies 個人住民税 is the 市町村 (and Tokyo's 特別区) of the address on
    1月1日 (地方税法第294条第1項・第318条, 第734条); the addresses are real town halls."""
    assert C.municipality_of(address) == city
