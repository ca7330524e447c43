"""課税標準, 所得割, 均等割, 森林環境税 and the 非課税 tests."""

from __future__ import annotations

from fractions import Fraction

from jichitai.common.money import floor_to, times_rate_floor


def taxable_income(gross_income_sum: int, deductions_total: int, unit: int = 1000) -> int:
    """課税総所得金額 = 総所得金額等 − 所得控除 (地方税法第314条の3), 1,000円未満切捨て (第20条の4の2第1項)."""
    return floor_to(max(0, gross_income_sum - deductions_total), unit)


def income_levy_gross(taxable: int, r: Fraction) -> int:
    """算出所得割額 = 課税総所得金額 × 税率 (地方税法第314条の3: 市 8% in a 指定都市 / 6%; 第35条: 県 2% / 4%)."""
    return times_rate_floor(taxable, r.numerator, r.denominator)


def apply_credit(levy: int, credit: int) -> tuple[int, int]:
    """Subtract a 税額控除 from what is left of the levy: (levy after, credit actually used). Never below 0."""
    used = min(max(levy, 0), credit)
    return levy - used, used


def truncate_levy(amount: int, unit: int = 100) -> int:
    """確定税額の百円未満切捨て (地方税法第20条の4の2第3項)."""
    return floor_to(max(0, amount), unit)


def household_count(spouse_counts: bool, dependents: int) -> int:
    """非課税限度額の人数: 本人 + 同一生計配偶者 + 扶養親族 (年少扶養親族を含む; 特定親族は含まない)."""
    return 1 + int(spouse_counts) + dependents


def exempt_per_capita(total_income: int, persons: int, public_assistance: bool, personal_exempt: bool,
                      personal_income_limit: int, base: int, add: int, dependent_add: int) -> bool:
    """均等割 (and so all 住民税) 非課税 (地方税法第295条第1項・第3項, 市の条例):
    生活扶助 → 非課税; 障害者・未成年者・寡婦・ひとり親 with 合計所得 ≤ 135万 → 非課税;
    合計所得 ≤ base × 人数 + add (+ dependent_add when 人数 > 1) → 非課税."""
    if public_assistance:
        return True
    if personal_exempt and total_income <= personal_income_limit:
        return True
    limit = base * persons + add + (dependent_add if persons > 1 else 0)
    return total_income <= limit


def income_levy_limit(persons: int, base: int, add: int, dependent_add: int) -> int:
    """所得割の非課税限度額 (地方税法附則第3条の3第1項・第4項): 35万 × 人数 + 10万 (+ 32万 when 人数 > 1)."""
    return base * persons + add + (dependent_add if persons > 1 else 0)


def exempt_income_levy(gross_income_sum: int, persons: int, base: int, add: int, dependent_add: int) -> bool:
    """所得割 非課税 (地方税法附則第3条の3第1項・第4項): 総所得金額等 ≤ the 非課税限度額."""
    return gross_income_sum <= income_levy_limit(persons, base, add, dependent_add)
