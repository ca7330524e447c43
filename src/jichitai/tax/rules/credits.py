"""税額控除: 調整控除, 配当控除, 住宅借入金等特別税額控除, 寄附金税額控除. Each returns (市民税分, 県民税分)
before the limit to the levy, which :func:`jichitai.tax.rules.levy.apply_credit` applies in the law's order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from jichitai.common.money import times_rate_ceil, times_rate_floor
from jichitai.tax.rules import frac


def ceil_frac(amount: int, r: Fraction) -> int:
    """``amount × r`` rounded up to the yen (a credit's 1円未満 is rounded in the taxpayer's favour)."""
    return times_rate_ceil(amount, r.numerator, r.denominator)


def floor_frac(amount: int, r: Fraction) -> int:
    return times_rate_floor(amount, r.numerator, r.denominator)


def split_shares(designated_city: bool, p: dict[str, Any]) -> tuple[Fraction, Fraction]:
    """市・県 shares of a credit: 指定都市 4/5・1/5, otherwise 3/5・2/5 (地方税法第314条の7, 第37条の2, 附則)."""
    s = p["designated" if designated_city else "ordinary"]
    return frac(s["city"]), frac(s["pref"])


def adjustment_credit(taxable_income: int, total_income: int, difference: int, designated_city: bool,
                      p: dict[str, Any]) -> tuple[int, int]:
    """調整控除 (地方税法第314条の6第1号, 第37条第1号). 人的控除額の差の合計 ``difference``:
    課税総所得 ≤ 200万: min(差, 課税総所得) × 5%; above: max(差 − (課税総所得 − 200万), 5万) × 5%
    (so at least 2,500円). Split 市4%・県1% in a 指定都市, else 3%・2%. None when 合計所得 > 2,500万."""
    if total_income > int(p["max_total_income"]) or taxable_income <= 0:
        return 0, 0
    threshold = int(p["threshold"])
    if taxable_income <= threshold:
        base = min(difference, taxable_income)
    else:
        base = max(difference - (taxable_income - threshold), int(p["floor"]))
    city_share = Fraction(4, 5) if designated_city else Fraction(3, 5)
    r = frac(p["rate"])
    return ceil_frac(base, r * city_share), ceil_frac(base, r * (1 - city_share))


def dividend_credit(dividend: int, taxable_income: int, designated_city: bool, p: dict[str, Any]) -> tuple[int, int]:
    """配当控除 (地方税法附則第5条): the dividend within the part of 課税総所得 up to 1,000万 at the higher rate
    (指定都市 市2.24%・県0.56%; else 1.6%・1.2%), the rest at half."""
    if dividend <= 0 or taxable_income <= 0:
        return 0, 0
    split_at = int(p["split_at"])
    high = min(dividend, max(0, split_at - max(0, taxable_income - dividend)))
    low = dividend - high
    rates = p["designated" if designated_city else "ordinary"]
    out = []
    for side in ("city", "pref"):
        hi, lo = (frac(x) for x in rates[side])
        out.append(ceil_frac(high, hi) + ceil_frac(low, lo))
    return out[0], out[1]


def housing_loan_credit(amount: int, designated_city: bool, p: dict[str, Any]) -> tuple[int, int]:
    """住宅借入金等特別税額控除 (地方税法附則第5条の4の2): the 住民税 amount split 市4/5・県1/5 in a 指定都市
    (else 3/5・2/5); each part is then limited to its levy."""
    if amount <= 0:
        return 0, 0
    c, q = split_shares(designated_city, p)
    return ceil_frac(amount, c), ceil_frac(amount, q)


@dataclass(frozen=True)
class ResidentHousingLoanCredit:
    """The 住民税 part of a 住宅借入金等特別控除 and how it was reached (for the assessment's explanation)."""

    amount: int          # 住民税から控除する額 (市・県 before the split)
    remaining: int       # 可能額 − 所得税で控除した額
    cap: int             # 課税総所得金額等 × rate, at most the cap amount
    rate: Fraction
    cap_amount: int
    reason: str = ""     # why nothing applies, when so


def resident_housing_loan_credit(available: int, used_in_income_tax: int, income_tax_taxable_total: int,
                                 moved_in_on: dt.date | None, kind: str | None,
                                 p: dict[str, Any]) -> ResidentHousingLoanCredit:
    """住民税の住宅借入金等特別税額控除額 (地方税法附則第5条の4の2第5項・第6項): the part of the 所得税's
    住宅借入金等特別控除可能額 that the 所得税 could not take (可能額 − 控除した額), at most 所得税の課税総所得金額等
    × 5% and 97,500円 — 7% and 136,500円 for a 特定取得 (区分 …特) moved into from 平成26年4月 to 令和3年12月 (and a
    特例特別特例取得 in 令和4年). Only for homes moved into in 平成11〜18年 or 平成21〜令和7年, not for 特定増改築等."""
    rate, cap_amount = frac(p["cap_rate"]), int(p["cap_amount"])

    def none(reason: str) -> ResidentHousingLoanCredit:
        return ResidentHousingLoanCredit(0, max(available - used_in_income_tax, 0), 0, rate, cap_amount, reason)

    if available <= 0:
        return none("")
    if moved_in_on is None:
        return none("居住開始年月日の記載がありません")
    if not any(dt.date.fromisoformat(a) <= moved_in_on <= dt.date.fromisoformat(b) for a, b in p["moved_in_periods"]):
        return none(f"{moved_in_on.year}年の入居は住民税の控除の対象外です")
    base, suffix = (kind or "住")[:1], (kind or "")[1:]
    if base in p["excluded_kinds"]:
        return none("特定増改築等の住宅借入金等特別控除は住民税の控除の対象外です")

    def within(period: list[str]) -> bool:
        return dt.date.fromisoformat(period[0]) <= moved_in_on <= dt.date.fromisoformat(period[1])

    if (suffix in ("特", "特特") and within(p["specified_moved_in"])) or (
            suffix == "特特特" and within(p["special_special_moved_in"])):
        rate, cap_amount = frac(p["specified_cap_rate"]), int(p["specified_cap_amount"])
    remaining = max(available - used_in_income_tax, 0)
    cap = min(floor_frac(max(income_tax_taxable_total, 0), rate), cap_amount)
    return ResidentHousingLoanCredit(min(remaining, cap), remaining, cap, rate, cap_amount)


def income_tax_rate_for_donation(taxable_income: int, difference: int, p: dict[str, Any]) -> Fraction:
    """所得税の税率 used by the ふるさと 特例控除: read at (課税総所得金額 − 人的控除差調整額); below 0 → 0."""
    x = taxable_income - difference
    r = Fraction(0)
    for band in p["income_tax_bands"]:
        if x > int(band["above"]):
            r = frac(band["rate"])
    return r


def onestop_credit(special: tuple[int, int], taxable_income: int, difference: int,
                   p: dict[str, Any]) -> tuple[int, int]:
    """申告特例控除額 (ワンストップ特例; 地方税法附則第7条の2 道府県民税, 第7条の3 市町村民税): for ふるさと納税 notified
    by 申告特例通知書 instead of declared, the 所得税's share is taken from the 住民税 as well: each side's 特例控除額
    × (所得税率 × 1.021) / (90% − 所得税率 × 1.021), 所得税率 read as for the 特例控除."""
    rt = income_tax_rate_for_donation(taxable_income, difference, p)
    rf = frac(p["reconstruction_factor"])
    r = rt * rf / (frac(p["special_base"]) - rt * rf)
    return ceil_frac(special[0], r), ceil_frac(special[1], r)


def donation_special_credit(furusato: int, taxable_income: int, difference: int, city_levy_after_adjustment: int,
                            pref_levy_after_adjustment: int, designated_city: bool, p: dict[str, Any],
                            separate_ratio: Fraction | None = None) -> tuple[int, int]:
    """特例控除 (ふるさと納税; 地方税法第314条の7第2項, 第37条の2第2項): (ふるさと − 2,000) × (90% − 所得税率 × 1.021)
    × share, each side limited to 20% of that side's 所得割 after 調整控除; with 分離課税の所得 the lower
    ``separate_ratio`` if it is lower."""
    floor_amt = int(p["floor"])
    if furusato <= floor_amt:
        return 0, 0
    city_share, pref_share = split_shares(designated_city, p)
    ratio = frac(p["special_base"]) - income_tax_rate_for_donation(taxable_income, difference, p) * frac(
        p["reconstruction_factor"])
    if separate_ratio is not None:
        ratio = min(ratio, separate_ratio)
    cap = frac(p["special_cap"])
    return (
        min(ceil_frac(furusato - floor_amt, ratio * city_share), floor_frac(max(city_levy_after_adjustment, 0), cap)),
        min(ceil_frac(furusato - floor_amt, ratio * pref_share), floor_frac(max(pref_levy_after_adjustment, 0), cap)),
    )


def donation_credit(furusato: int, other: int, gross_income_sum: int, taxable_income: int, difference: int,
                    city_levy_after_adjustment: int, pref_levy_after_adjustment: int, designated_city: bool,
                    p: dict[str, Any], separate_ratio: Fraction | None = None) -> tuple[int, int]:
    """寄附金税額控除 (地方税法第314条の7, 第37条の2).
    基本控除: (min(寄附金, 総所得金額等 × 30%) − 2,000) × 10%, split 市・県.
    特例控除 (ふるさと納税): (ふるさと − 2,000) × (90% − 所得税率 × 1.021) × share, each side limited to
    20% of that side's 所得割 after 調整控除; with 分離課税の所得 the lower ``separate_ratio`` if it is lower."""
    city_share, pref_share = split_shares(designated_city, p)
    floor_amt = int(p["floor"])
    base = min(furusato + other, floor_frac(max(gross_income_sum, 0), frac(p["income_cap"]))) - floor_amt
    basic = (0, 0)
    if base > 0:
        r = frac(p["basic_rate"])
        basic = (ceil_frac(base, r * city_share), ceil_frac(base, r * pref_share))
    special = donation_special_credit(furusato, taxable_income, difference, city_levy_after_adjustment,
                                      pref_levy_after_adjustment, designated_city, p, separate_ratio)
    return basic[0] + special[0], basic[1] + special[1]
