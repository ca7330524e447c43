"""The rules of 個人住民税 as pure functions on one taxpayer, each named after its legal concept with the
article in its docstring. Integer yen; rounding through :mod:`jichitai.common.money`. The parameters come
from :mod:`jichitai.tax.parameters` (one fiscal year's values). These scalar functions are the reference:
:mod:`jichitai.tax.calc` computes the same law over whole columns, and a property test holds them equal.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from typing import Any

from jichitai.common.money import rate

# 障害者 kinds of the case format, and the integer codes the columns use.
DISABILITY_CODES = {None: 0, "general": 1, "special": 2, "special_cohabiting": 3}
DISABILITY_KEYS = ("", "general", "special", "special_cohabiting")


@lru_cache(maxsize=512)
def frac(value: Any) -> Fraction:
    """A parameter's rate ("4%", "1/5", "1.021") as an exact fraction."""
    return rate(str(value))


def tier_index(income: int, tiers: list[int]) -> int:
    """Index of the first tier whose upper bound (以下) holds ``income``; ``len(tiers)`` when above all."""
    for i, upper in enumerate(tiers):
        if income <= upper:
            return i
    return len(tiers)
