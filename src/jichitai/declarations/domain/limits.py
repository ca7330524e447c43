"""Figures the review compares against, by 年度 (fiscal year), each with its source.

The tax engine owns the computation (jichitai.tax); the review only needs the income limits that decide
whether a claimed spouse or dependant is deductible at all, and plausibility caps. Sources:
../shared/reference/juminzei-r8.md §2.3–2.6 (令和7年度税制改正: 扶養親族・同一生計配偶者
48万→58万, 特定親族特別控除 58万超123万以下, 配偶者特別控除 58万超133万以下) and §2.5 (生命保険料控除・地震保険料控除
の住民税の限度額); the caps the engine also applies are the same figures as the tax parameters (a test checks it).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    fiscal_year: int
    dependent_income: int  # 扶養親族・同一生計配偶者の合計所得金額の上限 (地方税法第292条第1項第7号・第9号)
    spouse_special_bands: tuple[int, ...]  # 配偶者特別控除の段階の上限 (同第314条の2第1項第10号の2)
    specific_relative_bands: tuple[int, ...]  # 特定親族特別控除の段階の上限 (令和8年度から); () before
    medical_deduction_cap: int = 2_000_000  # 医療費控除の限度額 (同第314条の2第1項第1号)
    mutual_aid_plausible: int = 1_656_000  # 小規模企業共済 84万 + iDeCo 最大81.6万 (年額)
    housing_loan_credit_cap: int = 136_500  # 住宅借入金等特別税額控除の上限 (地方税法附則第5条の4の2)
    # 生命保険料控除 (住民税): 一般・介護医療・個人年金 each at most 28,000円 (旧契約だけなら 35,000円), 合計 70,000円
    # (同第314条の2第1項第5号・第5項〜第7項; tax/parameters/deductions.yaml "life_insurance", from 2012 contracts).
    life_insurance_deduction_cap: int = 70_000
    # 地震保険料控除 (住民税): 地震保険料の1/2で25,000円まで, 旧長期損害保険料を合わせて 25,000円
    # (同第314条の2第1項第5号の2, 附則第5条の5; tax/parameters/deductions.yaml "earthquake_insurance").
    earthquake_insurance_deduction_cap: int = 25_000


# 配偶者特別控除 steps (住民税): 100万/105万/…/133万, unchanged by the 令和7年度改正 except its lower bound.
SPOUSE_SPECIAL_BANDS = (1_000_000, 1_050_000, 1_100_000, 1_150_000, 1_200_000, 1_250_000, 1_300_000, 1_330_000)

LIMITS: dict[int, Limits] = {
    2025: Limits(
        fiscal_year=2025,
        dependent_income=480_000,
        spouse_special_bands=SPOUSE_SPECIAL_BANDS,
        specific_relative_bands=(),
    ),
    2026: Limits(
        fiscal_year=2026,
        dependent_income=580_000,
        spouse_special_bands=SPOUSE_SPECIAL_BANDS,
        specific_relative_bands=(950_000, 1_000_000, 1_050_000, 1_100_000, 1_150_000, 1_200_000, 1_230_000),
    ),
}


def limits_for(fiscal_year: int) -> Limits:
    """The limits of ``fiscal_year``, or of the latest year before it that has them."""
    years = [y for y in LIMITS if y <= fiscal_year]
    if not years:
        raise KeyError(f"no review limits for fiscal year {fiscal_year}")
    return LIMITS[max(years)]


AGE_CLASSES = {
    "young": "年少扶養親族（16歳未満）",
    "general": "一般扶養親族",
    "specific": "特定扶養親族（19歳以上23歳未満）",
    "elderly": "老人扶養親族（70歳以上）",
}


def age_class(age: int) -> str:
    """地方税法第292条第1項第9号・第314条の2第1項第11号: the class by age on 12/31 of the income year."""
    if age < 16:
        return "young"
    if 19 <= age < 23:
        return "specific"
    if age >= 70:
        return "elderly"
    return "general"


def deduction_band(role: str, age: int, income: int, limits: Limits) -> str:
    """Which deduction (and which step of its table) a spouse or dependant with ``income`` gives.

    Two incomes in the same band give the same deduction; the review flags a relative whose income as the
    city knows it falls in another band than the one declared."""
    if income <= limits.dependent_income:
        return "spouse" if role == "spouse" else "dependent"
    if role == "spouse":
        i = bisect_left(limits.spouse_special_bands, income)
        return f"spouse_special:{i}" if i < len(limits.spouse_special_bands) else "none"
    if limits.specific_relative_bands and 19 <= age < 23:
        i = bisect_left(limits.specific_relative_bands, income)
        return f"specific_relative:{i}" if i < len(limits.specific_relative_bands) else "none"
    return "none"


BAND_LABELS = {"spouse": "配偶者控除", "dependent": "扶養控除", "spouse_special": "配偶者特別控除",
               "specific_relative": "特定親族特別控除", "none": "控除なし"}


def band_label(band: str) -> str:
    """A band as the clerk reads it: 「配偶者特別控除（3段階目）」, 「控除なし」."""
    kind, _, step = band.partition(":")
    label = BAND_LABELS.get(kind, kind)
    return f"{label}（{int(step) + 1}段階目）" if step else label
