"""Published municipal 計算例 whose year lies outside the engine's fiscal years (2025, 2026): each rule they show
that the law has not changed since is checked against the page's own figures, by the scalar rule and, where a
whole case can carry it, by the column engine. Independent: the expected values are the pages' figures.

- 岐阜市「給与所得があって住宅ローン控除のある人」(平成27年度, 2015-01-30) https://www.city.gifu.lg.jp/21411.htm:
  人的控除の差の合計 300,000円 (配偶者・72歳の母 (別居)・17歳と18歳の子), 課税総所得 2,233,000円 → 調整控除 67,000円 ×
  市3%・県2% = 2,010円・1,340円 (地方税法第314条の6第1号ロ, 第37条第1号ロ; unchanged since 平成19年度).
- さいたま市「公的年金等受給者の場合」(平成30年度以降, 指定都市) http://www.city.saitama.jp/001/004/002/001/002/p014314.html:
  課税標準 440,000円 → 市 8% 35,200円・県 2% 8,800円, 調整控除 (200万円以下: 差 10万円 × 5%) 市 4,000円・県 1,000円.
  Its 公的年金等控除 120万円 and 基礎控除 33万円 are those of 令和2年度 and before: only these rules are taken from it.
- 「市・県民税の住宅ローン控除の計算」(平成23年度, a municipality's leaflet stored at
  https://paperzz.com/doc/5431502/ — the municipality is not named in the stored text): 所得税の課税総所得金額 1,000,000円,
  所得税額 50,000円; 住宅ローン控除可能額 200,000円 → min(150,000, 1,000,000 × 5% = 50,000, 97,500) = 50,000円 (地方税法
  附則第5条の4の2第5項・第6項). The leaflet's second case (可能額 70,000円 → 20,000円) as well.
"""

from __future__ import annotations

import datetime as dt

from jichitai.tax import parameters as P
from jichitai.tax.calc import calculate
from jichitai.tax.rules import credits as C

P26 = P.load(2026)
ORDINARY = {"designated_city": False, "city_income_rate": "0.06", "pref_income_rate": "0.04"}


def test_gifu_adjustment_credit_above_two_million() -> None:
    """Independent (岐阜市 平成27年度): {300,000 − (2,233,000 − 2,000,000)} = 67,000 → 市 2,010円・県 1,340円."""
    assert C.adjustment_credit(2_233_000, 4_660_000, 300_000, False, P26["adjustment"]) == (2_010, 1_340)


def test_gifu_family_personal_difference_is_300000_in_both_engines() -> None:
    """Independent (岐阜市): 基礎 5万 + 配偶者 5万 + 老人扶養 (別居の母 72歳) 10万 + 一般扶養 (17歳・18歳) 5万 × 2 = 30万;
    the answer's steps show the same sum (the column engine), equal to the scalar rule's (tests/tax/test_cases.py)."""
    case = {"fiscal_year": 2026, "municipality": ORDINARY, "taxpayer": {"birth_date": "1975-05-01"},
            "income": {"salary": 6_500_000}, "spouse": {"birth_date": "1977-05-01", "total_income": 0},
            "dependents": [{"birth_date": "1953-05-01", "total_income": 0, "relation": "parent", "cohabiting": False},
                           {"birth_date": "2008-05-01", "total_income": 0, "relation": "child", "cohabiting": True},
                           {"birth_date": "2007-05-01", "total_income": 0, "relation": "child", "cohabiting": True}]}
    steps = {s["rule"]: s["value"] for s in calculate(case)["steps"]}
    assert steps["人的控除額の差の合計"] == 300_000


def test_saitama_pension_example_rates_and_adjustment_in_a_designated_city() -> None:
    """Independent (さいたま市): 440,000円 × 8% / 2% = 35,200円 / 8,800円; 調整控除 min(100,000, 440,000) × 5% →
    市 4% 4,000円・県 1% 1,000円 (指定都市, 地方税法第314条の6 「100分の4」・第37条 「100分の1」)."""
    assert C.adjustment_credit(440_000, 1_300_000, 100_000, True, P26["adjustment"]) == (4_000, 1_000)
    # the page's household (本人 68歳, 配偶者 67歳 収入なし) with a 所得 giving its 課税標準 under today's 控除:
    # 1,200,000 − 配偶者控除 330,000 − 基礎控除 430,000 = 440,000
    case = {"fiscal_year": 2026, "municipality": {"designated_city": True}, "taxpayer": {"birth_date": "1957-05-01"},
            "income": {"business": 1_200_000}, "spouse": {"birth_date": "1958-05-01", "total_income": 0}}
    answer = calculate(case)
    assert answer["taxable_income"] == 440_000
    assert answer["tax_credits"]["adjustment"] == {"city": 4_000, "pref": 1_000}
    assert (answer["city_income_levy"], answer["pref_income_levy"]) == (31_200, 7_800)  # the page's 所得割額


def test_housing_loan_leaflet_cases() -> None:
    """Independent (the leaflet): 可能額 200,000円 → 50,000円 (5% of 1,000,000); 可能額 70,000円 → 20,000円."""
    hp = P26["housing_loan"]
    moved_in = dt.date(2010, 6, 1)  # 平成22年 (the leaflet's 前年 22年分): 5%, 97,500円
    first = C.resident_housing_loan_credit(200_000, 50_000, 1_000_000, moved_in, None, hp)
    assert (first.remaining, first.cap, first.amount) == (150_000, 50_000, 50_000)
    second = C.resident_housing_loan_credit(70_000, 50_000, 1_000_000, moved_in, None, hp)
    assert second.amount == 20_000


def test_housing_loan_credit_split_three_fifths_two_fifths_in_both_engines() -> None:
    """Independent (尾道市「住宅ローン控除」: 市民税 3/5・県民税 2/5; 地方税法附則第5条の4の2): the leaflet's 50,000円
    → 市 30,000円・県 20,000円, each within its levy."""
    case = {"fiscal_year": 2026, "municipality": ORDINARY, "taxpayer": {"birth_date": "1980-05-01"},
            "income": {"salary": 6_000_000}, "housing_loan_credit": 50_000}
    answer = calculate(case)
    assert answer["tax_credits"]["housing_loan"] == {"city": 30_000, "pref": 20_000}
