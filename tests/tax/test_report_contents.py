"""Issue 19 item 6: everything a 給与支払報告書 carries reaches the 賦課 — the 住民税 住宅借入金等特別税額控除
(地方税法附則第5条の4の2), the relatives' 障害者 marks, the 16歳未満扶養親族 and the 寡婦/ひとり親 marks (also on
the 公的年金等支払報告書). Expected values are independent: the formula as the municipalities publish it
(足利市, 士別市, 塩竈市: min(可能額 − 所得税で控除した額, 所得税の課税総所得金額等 × 5% 最高97,500円; 平成26年4月〜
令和3年12月入居の特定取得は 7% 最高136,500円)) and the statutory deduction amounts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.tax import parameters as P
from jichitai.tax.assessment import services as assessment
from jichitai.tax.assessment.inputs import case_from_reports
from jichitai.tax.models import Assessment
from jichitai.tax.rules.credits import resident_housing_loan_credit
from tests.tax.conftest import TARO, store_report
from tests.tax.test_reports import salary_row

HOUSING = P.load(2026)["housing_loan"]


@pytest.mark.parametrize(("available", "used", "taxable", "moved_in", "kind", "expected"), [
    # 所得税 took 120,000 of 300,000: 180,000 left; 2,000,000 × 5% = 100,000 → the 97,500円 ceiling
    (300_000, 120_000, 2_000_000, dt.date(2013, 5, 1), "住", 97_500),
    # a smaller 課税総所得金額等: 1,000,000 × 5% = 50,000
    (300_000, 120_000, 1_000_000, dt.date(2013, 5, 1), "住", 50_000),
    # 特定取得 moved in 令和元年: 7%, at most 136,500 (2,000,000 × 7% = 140,000)
    (300_000, 120_000, 2_000_000, dt.date(2019, 10, 1), "住特", 136_500),
    (300_000, 120_000, 1_500_000, dt.date(2019, 10, 1), "認特特", 105_000),
    # 特定取得 mark but moved in 令和4年 (not 特特特): 5%
    (300_000, 120_000, 2_000_000, dt.date(2022, 10, 1), "住特", 97_500),
    # what is left is smaller than the cap
    (200_000, 150_000, 2_000_000, dt.date(2016, 1, 1), "住", 50_000),
    # the 所得税 took all of it
    (200_000, 200_000, 2_000_000, dt.date(2016, 1, 1), "住", 0),
    # 平成19・20年入居 (所得税の15年特例) and 特定増改築等 are outside the 住民税 credit
    (300_000, 120_000, 2_000_000, dt.date(2008, 3, 1), "住", 0),
    (300_000, 120_000, 2_000_000, dt.date(2016, 1, 1), "増", 0),
    # no 居住開始年月日 on the report: not applied (記載がない場合は控除を受けられない)
    (300_000, 120_000, 2_000_000, None, "住", 0),
])
def test_resident_housing_loan_credit(available: int, used: int, taxable: int, moved_in: dt.date | None,
                                      kind: str, expected: int) -> None:
    assert resident_housing_loan_credit(available, used, taxable, moved_in, kind, HOUSING).amount == expected


def _main(**over: Any) -> dict[str, Any]:
    row = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in salary_row(**over).items()}
    return row


def test_the_housing_credit_on_the_report_reaches_the_case() -> None:
    """給与所得控除後 3,560,000 − 所得控除 1,180,000 = 課税総所得金額等 2,380,000; × 5% = 119,000 → 97,500."""
    case, notes = case_from_reports(2026, "1980-05-01", "1", [_main(
        housing_loan_credit_available=250_000, housing_loan_credit_used=98_000,
        housing_moved_in_on=dt.date(2012, 4, 1), housing_loan_kind="住")], [])
    assert case["housing_loan_credit"] == 97_500
    assert "住民税から 97,500円" in notes[0] and "附則第5条の4の2" in notes[0]


def test_relatives_disability_under_16_and_marks_reach_the_case() -> None:
    case, _ = case_from_reports(2026, "1980-05-01", "2", [_main(
        spouse=True, spouse_name="山田 花子", spouse_birth_date=dt.date(1982, 1, 1), spouse_total_income=0,
        spouse_disability="general", single_parent=False, widow=False,
        dep1_name="山田 一郎", dep1_birth_date=dt.date(1950, 1, 1), dep1_class="elderly_cohabiting_parent",
        dep1_cohabiting=True, dep1_disability="special_cohabiting",
        young1_name="山田 次郎", young1_birth_date=dt.date(2015, 6, 1), young1_disability="special")], [])
    assert case["spouse"]["disability"] == "general"
    assert [(d["birth_date"], d["disability"], d["cohabiting"]) for d in case["dependents"]] == [
        ("1950-01-01", "special_cohabiting", True), ("2015-06-01", "special", False)]


def test_the_widow_mark_on_a_pension_report_reaches_the_case() -> None:
    pension = {"pension_paid": 1_800_000, "widow": True, "disability": None, "social_insurance": 0}
    case, _ = case_from_reports(2026, "1950-05-01", "2", [], [pension])
    assert case["taxpayer"]["widow"] is True and case["taxpayer"]["single_parent"] is False


@pytest.mark.django_db
def test_the_assessment_applies_the_housing_credit_and_the_relatives_disability(city: dict[str, str]) -> None:
    """Taro (給与 5,000,000; 給与所得控除後 3,560,000, 所得控除 1,180,000 → 所得税の課税総所得金額等 2,380,000) with a
    同居特別障害者 dependant (住民税 同居特別障害者控除 53万円: 地方税法第314条の2第1項第6号・第4項) and 住宅ローン 可能額
    250,000, 所得税で 98,000 控除: the 住民税 credit is 97,500 (5%, 最高97,500円), split 市 4/5・県 1/5 (指定都市)."""
    store_report("fix.csv", salary_row(
        my_number=TARO, name="青木 太郎", kana="アオキ タロウ", submission="correction",
        housing_loan_credit_available=250_000, housing_loan_credit_used=98_000,
        housing_moved_in_on=dt.date(2012, 4, 1), housing_loan_kind="住",
        dep1_name="青木 一郎", dep1_birth_date=dt.date(1948, 2, 1), dep1_class="elderly_cohabiting_parent",
        dep1_cohabiting=True, dep1_disability="special_cohabiting"))
    assessment.run(2026)
    taro = Assessment.objects.get(atena_number=city["taro"]).explanation()
    assert taro["income_deductions"]["disability"] == 530_000
    steps = {s["rule"]: s["value"] for s in taro["steps"]}
    assert steps["住宅借入金等特別税額控除 (市民税)"] + steps["住宅借入金等特別税額控除 (県民税)"] == 97_500
    assert steps["住宅借入金等特別税額控除 (市民税)"] == 78_000
