"""所得金額: 給与所得, 公的年金等に係る雑所得, 所得金額調整控除, 合計所得金額, 総所得金額等."""

from __future__ import annotations

from typing import Any

from jichitai.common.money import floor_to, times_rate_ceil, times_rate_floor


def salary_income(salary: int, bands: list[dict[str, Any]]) -> int:
    """給与所得 = 給与等の収入金額 − 給与所得控除額 (地方税法第32条第2項・第313条第2項, 所得税法第28条).

    Below 660万円 the law reads the amount off 所得税法別表第五, whose rows step by 4,000 yen from 190万円
    (令和8年度; 180万円 before): the income of a row is the formula applied to the row's lower bound,
    ``floor_to(salary, 4000)``. The band table (incl. the 65万円 最低保障 from 令和8年度) is a parameter.
    """
    band = bands[0]
    for b in bands:
        if salary >= int(b["lower"]):
            band = b
    kind = band["kind"]
    if kind == "zero":
        return 0
    if kind == "minus":
        amount = salary + int(band["add"])
    elif kind == "const":
        amount = int(band["add"])
    elif kind == "step4000":
        amount = times_rate_floor(floor_to(salary, 4000), int(band["num"]), int(band["den"])) + int(band["add"])
    elif kind == "rate":
        amount = times_rate_floor(salary, int(band["num"]), int(band["den"])) + int(band["add"])
    else:
        raise ValueError(f"unknown salary band kind {kind!r}")
    return max(0, amount)


def pension_column(other_income: int, p: dict[str, Any]) -> int:
    """公的年金等控除の列: 公的年金等に係る雑所得以外の合計所得金額 1,000万以下 / 2,000万以下 / 超 → 0, 1, 2."""
    return sum(1 for bound in p["other_income_bounds"] if other_income > int(bound))


def pension_income(pension: int, age: int, other_income: int, p: dict[str, Any]) -> int:
    """公的年金等に係る雑所得 = 収入金額 − 公的年金等控除額 (所得税法第35条第2項第1号・第4項,
    租税特別措置法第41条の15の3). ``age`` is taken on 12月31日 of the income year; 65歳以上 has the larger
    minimum. The deduction shrinks by 10万円 per column of other income above 1,000万 / 2,000万. 1円未満切捨て.
    """
    if pension <= 0:
        return 0
    table = p["age_65_or_over"] if age >= int(p["age_threshold"]) else p["under_65"]
    band = table[0]
    for b in table:
        if pension >= int(b["lower"]):
            band = b
    shift = pension_column(other_income, p) * int(p["other_income_shift"])
    amount = times_rate_floor(pension, int(band["num"]), int(band["den"])) - (int(band["minus"]) - shift)
    return max(0, amount)


def income_adjustment(salary: int, salary_income_: int, pension_income_: int, qualifies_child_or_disability: bool,
                      p: dict[str, Any]) -> int:
    """所得金額調整控除 (租税特別措置法第41条の3の3; 住民税 地方税法附則第3条の3の2).

    第1項: 給与等の収入金額が850万円を超え、本人・同一生計配偶者・扶養親族が特別障害者であるか23歳未満の
    扶養親族がいる者: (min(収入, 1,000万) − 850万) × 10% (1円未満切上げ).
    第2項: 給与所得と公的年金等に係る雑所得の双方があり合計が10万円を超える者:
    min(給与所得, 10万) + min(年金所得, 10万) − 10万. Never more than the 給与所得.
    """
    first = 0
    if qualifies_child_or_disability and salary > int(p["salary_threshold"]):
        first = times_rate_ceil(min(salary, int(p["salary_cap"])) - int(p["salary_threshold"]),
                                int(p["num"]), int(p["den"]))
    first = min(first, salary_income_)
    second = 0
    if salary_income_ - first > 0 and pension_income_ > 0:
        cap = int(p["both_cap"])
        second = max(0, min(salary_income_ - first, cap) + min(pension_income_, cap) - int(p["both_floor"]))
    return min(first + second, salary_income_)


def total_income(salary_income_after_adjustment: int, pension_income_: int, business: int, misc_other: int,
                 dividend: int) -> int:
    """合計所得金額 (地方税法第292条第1項第13号): the sum of the 総合課税 incomes (no 繰越控除 here).
    With no 分離課税 and no 繰越 losses in the case format it equals the 総所得金額等 (地方税法第313条)."""
    return salary_income_after_adjustment + pension_income_ + business + misc_other + dividend
