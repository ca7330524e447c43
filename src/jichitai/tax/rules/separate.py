"""分離課税 (申告分離課税の所得) and the credits that go with it: 上場株式等の配当等 (地方税法附則第33条の2),
土地建物等の長期・短期譲渡所得 (附則第34条, 第35条) with the reduced rates of 優良住宅地の造成等 (附則第34条の2) and
居住用財産 (附則第34条の3), 一般株式等・上場株式等の譲渡所得等 (附則第35条の2, 第35条の2の2), the 損益通算 and
繰越控除 of 上場株式等に係る譲渡損失 (附則第35条の2の6); 配当割額控除・株式等譲渡所得割額控除 (第37条の4, 第314条の9)."""

from __future__ import annotations

from dataclasses import dataclass
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


# the output columns of ``ListedLoss.carried_forward``: what is carried to the following years by the year the loss
# arose — the income year's, the 1st and the 2nd year before it — and what is left of a sum given without its years
CARRIED_FORWARD = ("listed_loss_left_0y", "listed_loss_left_1y", "listed_loss_left_2y", "listed_loss_left_undated")
CARRY_YEARS = 3  # 前年前3年内 (地方税法附則第35条の2の6; 租税特別措置法第37条の12の2第5項: 翌年以後3年内)


@dataclass(frozen=True)
class ListedLoss:
    """上場株式等に係る譲渡損失 applied (地方税法附則第35条の2の6)."""

    listed_stock: int      # 上場株式等に係る譲渡所得等 after the 繰越控除
    dividend_netted: int   # 上場株式等に係る配当所得等 after the 損益通算 (what 合計所得金額 counts)
    listed_dividend: int   # … after the 繰越控除 too (what is taxed)
    offset: int            # 損益通算: the year's loss deducted from the 配当所得等
    carryover_used: int    # 繰越控除: the loss brought in deducted from the 譲渡所得等 and then the 配当所得等
    remaining: int         # what is left to carry to the following years (the year's and the brought-in)
    lapsed: int = 0        # the unused loss of the 3rd year before: its period ends with this year
    expired: int = 0       # losses given that arose more than 3 years before: not deducted
    expired_years: tuple[int, ...] = ()
    # ``remaining`` by the year the loss arose, as the next 付表 lists it: the income year's own loss left after the
    # 損益通算, then what is left of the 1st and the 2nd year before (the 2nd's last year is the next), and of a sum
    # brought in without its years
    carried_forward: tuple[int, int, int, int] = (0, 0, 0, 0)


def carried_by_age(by_year: tuple[tuple[int, int], ...], income_year: int) -> tuple[list[int], int, tuple[int, ...]]:
    """Losses by the year they arose → (the amounts of the 3rd, 2nd and 1st year before the income year, oldest
    first; the sum of those older than 3 years; their years): only a loss of the 前年前3年内 is brought in."""
    within = [0] * CARRY_YEARS
    expired, years = 0, []
    for year, amount in by_year:
        age = income_year - year
        if 1 <= age <= CARRY_YEARS:
            within[CARRY_YEARS - age] += amount
        elif age > CARRY_YEARS:
            expired += amount
            years.append(year)
    return within, expired, tuple(years)


def listed_stock_loss(listed_stock: int, listed_dividend: int, loss: int, brought_in: int,
                      by_year: tuple[tuple[int, int], ...] = (), income_year: int = 0) -> ListedLoss:
    """損益通算 and 繰越控除 of 上場株式等に係る譲渡損失 (地方税法附則第35条の2の6; 租税特別措置法第37条の12の2 の例):
    the year's ``loss`` comes off the 上場株式等に係る配当所得等 (申告分離) up to that amount (第1項); the losses brought
    in from the 3 preceding years come off the 上場株式等に係る譲渡所得等 first, then what is left of the 配当所得等
    (措法第37条の12の2第5項), the oldest year first (租税特別措置法施行令第25条の11の2第8項). ``brought_in`` is a sum
    whose years are not given (taken as within the period); ``by_year`` gives (年, amount): what is older than
    3 years is not deducted, and what is left of the 3rd year's loss cannot be carried further."""
    within, expired, expired_years = carried_by_age(by_year, income_year)
    offset = min(loss, listed_dividend)
    netted = listed_dividend - offset
    brought = brought_in + sum(within)
    from_stock = min(brought, listed_stock)
    from_dividend = min(brought - from_stock, netted)
    used = from_stock + from_dividend
    left = carried_left(used, brought_in, within)  # the undated sum, then the oldest year first
    lapsed = left[0]
    return ListedLoss(listed_stock - from_stock, netted, netted - from_dividend, offset, used,
                      loss - offset + brought - used - lapsed, lapsed, expired, expired_years,
                      (loss - offset, left[2], left[1], left[3]))


def carried_left(used: int, undated: int, within: list[int]) -> tuple[int, int, int, int]:
    """What the 繰越控除 ``used`` leaves of each loss brought in: (3rd year before, 2nd, 1st, the undated sum).
    The oldest is deducted first (租税特別措置法施行令第25条の11の2第8項); the undated sum, whose years are not given,
    before them all. What is left of the 3rd year's loss lapses (翌年以後3年内: 同法第37条の12の2第5項)."""
    take = used
    out = []
    for amount in (undated, *within):
        part = min(amount, take)
        out.append(amount - part)
        take -= part
    return out[1], out[2], out[3], out[0]


def long_term_parts(taxable_long: int, long_amount: int, left: int, qualified: int,
                    residential: int) -> tuple[int, int, int]:
    """The 課税長期譲渡所得金額 ``taxable_long`` (what the 所得控除 ``left`` over by the income before it left of
    ``long_amount``, 千円未満切捨て) split into (一般所得分, 特定所得分 = 優良住宅地の造成等 (附則第34条の2), 軽課所得分 =
    居住用財産 (附則第34条の3)): the 所得控除 come off the 一般 part first, then the 特定, then the 軽課, and the
    千円未満 off the 一般 part first [D]."""
    general = long_amount - qualified - residential
    left_q = max(0, left - general)
    q_left = max(0, qualified - left_q)
    r_left = max(0, residential - max(0, left_q - qualified))
    r_taxed = min(r_left, taxable_long)
    q_taxed = min(q_left, taxable_long - r_taxed)
    return taxable_long - q_taxed - r_taxed, q_taxed, r_taxed


def bracket_levy(amount: int, threshold: int, rates: list[str]) -> int:
    """A levy of two bands: ``rates[0]`` up to ``threshold``, ``rates[1]`` above (附則第34条の2: 2,000万円 → 32万円 +
    超える部分 × 2% for the 県 …), 1円未満切捨て."""
    low, high = frac(rates[0]), frac(rates[1])
    return (times_rate_floor(min(amount, threshold), low.numerator, low.denominator)
            + times_rate_floor(max(0, amount - threshold), high.numerator, high.denominator))


def separate_levy(taxable: dict[str, int], designated_city: bool, p: dict[str, Any],
                  reduced: tuple[int, int] = (0, 0), rp: dict[str, Any] | None = None) -> tuple[int, int]:
    """市・県 所得割 on the 課税分離所得金額, each kind at its own rate (1円未満切捨て per kind); of the 課税長期譲渡所得金額
    the 特定所得分 and 軽課所得分 ``reduced`` at the reduced rates ``rp`` (附則第34条の2, 第34条の3)."""
    side = "designated" if designated_city else "ordinary"
    rates = p[side]
    city = pref = 0
    for kind, amount in taxable.items():
        if kind == "land_long_term":
            amount -= sum(reduced)
        c, q = frac(rates[kind]["city"]), frac(rates[kind]["pref"])
        city += times_rate_floor(amount, c.numerator, c.denominator)
        pref += times_rate_floor(amount, q.numerator, q.denominator)
    if rp is not None:
        for part, amount in zip(("qualified", "residential"), reduced, strict=True):
            if amount > 0:
                band = rp[part]
                city += bracket_levy(amount, int(band["threshold"]), band[side]["city"])
                pref += bracket_levy(amount, int(band["threshold"]), band[side]["pref"])
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
