"""Which part of the year's tax each method collects (地方税法第321条の3, 第321条の7の2).

A 給与所得者 (第321条の3第1項) has the 所得割 and 均等割 withheld by the employer; the 所得割 on other income is
added to it (第321条の3第2項) except the part on the 公的年金等に係る所得 of a person 65歳以上 on 4月1日, which
is collected from the pension (第321条の7の2) or, when the person is not subject to that, by 普通徴収. Without an
employer everything else is 普通徴収. The pension part is the 所得割 apportioned by the pension income's share of
the 総所得金額 (cut to 100円), with the 均等割 when no employer withholds it ([U] the 施行令's exact
apportionment was not read: this is the proportional rule cities publish).
"""

from __future__ import annotations

from dataclasses import dataclass

from jichitai.common.money import floor_to


@dataclass(frozen=True)
class MethodSplit:
    salary: int
    pension: int  # withheld from the pension
    ordinary: int
    pension_part: int  # the tax on the pension income of a 65歳以上 person, whichever method collects it


def split_by_method(*, total: int, income_levy: int, salary_income: int, pension_income: int, total_income: int,
                    aged_65: bool, has_employer: bool, pension_withholding: bool,
                    other_ordinary: bool = False) -> MethodSplit:
    """The year's ``total`` as 給与特徴 + 年金特徴 + 普通徴収 (amounts in yen, summing to ``total``).

    ``salary_income`` and ``pension_income`` are the 所得 (after 給与所得控除 / 公的年金等控除). ``other_ordinary``:
    the taxpayer asked (確定申告書・住民税申告書 「自分で納付」) that the 所得割 on income other than salary and
    pension be 普通徴収 rather than added to the 給与特徴 (第321条の3第2項 ただし書); it is apportioned like the
    pension part."""
    pension_part = 0
    if aged_65 and pension_income > 0 and total_income > 0:
        pension_part = floor_to(income_levy * min(pension_income, total_income) // total_income, 100)
        if not (has_employer and salary_income > 0):
            pension_part += total - income_levy  # the 均等割 (and 森林環境税): no employer withholds them
    rest = total - pension_part
    salary = rest if has_employer and salary_income > 0 else 0
    if salary and other_ordinary and total_income > 0:
        other = max(total_income - salary_income - pension_income, 0)
        salary -= floor_to(income_levy * other // total_income, 100)
    pension = pension_part if pension_withholding else 0
    ordinary = total - salary - pension
    return MethodSplit(salary, pension, ordinary, pension_part)
