"""Yen and statutory rounding. Money is ``int`` yen everywhere; rounding goes through these named helpers.

地方税法 第20条の4の2: 課税標準額の千円未満の端数切捨て, 確定金額の百円未満の端数切捨て.
"""

from __future__ import annotations

from fractions import Fraction

Yen = int


def floor_to(amount: int, unit: int) -> int:
    """Round down to a multiple of ``unit`` (切捨て). Negative amounts round toward zero's floor."""
    if unit <= 0:
        raise ValueError("unit must be positive")
    return (amount // unit) * unit


def ceil_to(amount: int, unit: int) -> int:
    """Round up to a multiple of ``unit`` (切上げ)."""
    if unit <= 0:
        raise ValueError("unit must be positive")
    return -((-amount) // unit) * unit


def times_rate_floor(amount: int, numerator: int, denominator: int) -> int:
    """``amount × numerator / denominator`` rounded down to the yen, computed exactly in integers."""
    return (amount * numerator) // denominator


def times_rate_ceil(amount: int, numerator: int, denominator: int) -> int:
    """``amount × numerator / denominator`` rounded up to the yen, computed exactly in integers."""
    return -((-amount * numerator) // denominator)


def rate(text: str) -> Fraction:
    """A rate written as in the law ("8%", "0.08", "3/100") as an exact fraction, never a float."""
    text = text.strip()
    if text.endswith("%"):
        return Fraction(text[:-1]) / 100
    return Fraction(text)


def format_yen(amount: int) -> str:
    """¥-less Japanese display: ``1,234,567円``."""
    return f"{amount:,}円"
