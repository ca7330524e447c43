"""分離課税 (申告分離課税の所得) and the credits that go with it: 上場株式等の配当等 (地方税法附則第33条の2),
土地建物等の長期・短期譲渡所得 (附則第34条, 第35条), 一般株式等・上場株式等の譲渡所得等 (附則第35条の2, 第35条の2の2);
配当割額控除・株式等譲渡所得割額控除 (第37条の4, 第314条の9)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from jichitai.common.money import floor_to, times_rate_floor
from jichitai.tax.rules import frac
from jichitai.tax.rules.credits import ceil_frac

KINDS = ("land_short_term", "land_long_term", "general_stock", "listed_stock", "listed_dividend")
# each kind (case format ``separate_income.<kind>``) → the Case attribute and taxpayer column holding it
ATTRS = {"land_short_term": "sep_short_term", "land_long_term": "sep_long_term", "general_stock": "sep_general_stock",
         "listed_stock": "sep_listed_stock", "listed_dividend": "sep_listed_dividend"}


def taxable_amounts(general_income: int, separate: dict[str, int], deductions_total: int, order: list[str],
                    unit: int = 1000) -> tuple[int, dict[str, int]]:
    """課税総所得金額 and each 課税分離所得金額: 所得控除 come off the 総所得金額 first, what is left over off the
    分離課税の所得 in the law's order (附則第33条の2第2項, 第34条第2項 … の読替); each 1,000円未満切捨て
    (第20条の4の2第1項)."""
    left = deductions_total
    taxable_general = max(0, general_income - left)
    left = max(0, left - general_income)
    out: dict[str, int] = {}
    for kind in order:
        amount = separate.get(kind, 0)
        out[kind] = floor_to(max(0, amount - left), unit)
        left = max(0, left - amount)
    return floor_to(taxable_general, unit), out


def separate_levy(taxable: dict[str, int], designated_city: bool, p: dict[str, Any]) -> tuple[int, int]:
    """市・県 所得割 on the 課税分離所得金額, each kind at its own rate (1円未満切捨て per kind)."""
    rates = p["designated" if designated_city else "ordinary"]
    city = pref = 0
    for kind, amount in taxable.items():
        c, q = frac(rates[kind]["city"]), frac(rates[kind]["pref"])
        city += times_rate_floor(amount, c.numerator, c.denominator)
        pref += times_rate_floor(amount, q.numerator, q.denominator)
    return city, pref


def withholding_credit(dividend_withheld: int, stock_withheld: int, p: dict[str, Any]) -> tuple[int, int]:
    """配当割額控除・株式等譲渡所得割額控除 (第314条の9: 市 × 3/5; 第37条の4: 県 × 2/5), 1円未満切上げ."""
    w = dividend_withheld + stock_withheld
    if w <= 0:
        return 0, 0
    return ceil_frac(w, frac(p["city"])), ceil_frac(w, frac(p["pref"]))


def donation_separate_ratio(taxable: dict[str, int], p: dict[str, Any], base: Fraction,
                            factor: Fraction) -> Fraction | None:
    """The lowest 特例控除 ratio the 分離課税の所得 bring (短期: 90% − 30% × 1.021; others 90% − 15% × 1.021), or
    None without any (地方税法第314条の7第11項 and the 附則 読替)."""
    ratios = []
    if taxable.get("land_short_term", 0) > 0:
        ratios.append(base - frac(p["land_short_term"]) * factor)
    if any(v > 0 for k, v in taxable.items() if k != "land_short_term"):
        ratios.append(base - frac(p["other"]) * factor)
    return min(ratios) if ratios else None


def income_levy_limit_cap(gross_income_sum: int, limit: int, designated_city: bool,
                          p: dict[str, Any]) -> tuple[int, int]:
    """所得割の非課税限度額に係る調整 (地方税法附則第3条の3第2項・第5項): above the 所得割 非課税限度額 the
    所得割 is at most (総所得金額等 − 限度額), 市 6/10・県 4/10 of it (指定都市 8/10・2/10), 1円未満切捨て: the
    tax never brings what is left below the limit."""
    s = p["designated" if designated_city else "ordinary"]
    excess = max(0, gross_income_sum - limit)
    c, q = frac(s["city"]), frac(s["pref"])
    return times_rate_floor(excess, c.numerator, c.denominator), times_rate_floor(excess, q.numerator, q.denominator)
