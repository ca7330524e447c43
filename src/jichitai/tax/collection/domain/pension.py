"""公的年金からの特別徴収 (地方税法第321条の7の2〜第321条の7の8): who is subject and what the pension payer
withholds in April, June, August (仮徴収) and October, December, February (本徴収).

Only the tax on the 公的年金等に係る所得 is withheld from the pension (第321条の7の2第1項); the caller passes it.
Amounts of each withholding are cut to 100円 with the remainder in the first payment of the series
([U] 端数: the statute's 支払回数割 rule was not read; Kobe and the published examples use equal thirds).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jichitai.common.wareki import legal_age_on
from jichitai.tax.collection.domain.calendar import CollectionCalendar, fiscal_month, remittance_due
from jichitai.tax.collection.domain.instalment import Instalment, split_remainder_first
from jichitai.tax.collection.domain.ordinary import ordinary_instalments

PENSION_UNIT = 100
MIN_OLD_AGE_PENSION = 180_000  # 老齢等年金給付の年額 18万円未満は対象外 (第321条の7の2第2項, 施行令第48条の9の10 [U] 条番号)
PROVISIONAL_MONTHS = (4, 6, 8)  # 仮特別徴収 (第321条の7の8第1項)
MAIN_MONTHS = (10, 12, 2)  # 本徴収 (第321条の7の2第1項: 10月1日から翌年3月31日までの支払)


@dataclass(frozen=True)
class PensionEligibility:
    subject: bool
    reasons: tuple[str, ...]  # why not, in words


def pension_withholding_subject(*, birth_date: dt.date, fiscal_year: int, old_age_pension: int,
                                nursing_premium_withheld: bool, pension_tax: int) -> PensionEligibility:
    """Whether the tax on a person's pension income is withheld from the pension (地方税法第321条の7の2).

    Subject: 65歳以上 on the first day of the 年度 (4月1日, age by 年齢計算ニ関スル法律), receiving 老齢等年金給付
    of 180,000円 a year or more, from which the 介護保険料 is withheld (施行令 [U] 条番号), with the year's
    pension tax not above the 老齢等年金給付's annual amount (第321条の7の2第2項). Residence on 1月1日 is the
    assessment's own condition and not repeated here.
    """
    reasons = []
    if legal_age_on(birth_date, dt.date(fiscal_year, 4, 1)) < 65:
        reasons.append("4月1日に65歳未満")
    if old_age_pension < MIN_OLD_AGE_PENSION:
        reasons.append("老齢等年金給付の年額が18万円未満")
    if not nursing_premium_withheld:
        reasons.append("介護保険料が年金から特別徴収されていない")
    if pension_tax > old_age_pension:
        reasons.append("年金に係る税額が老齢等年金給付の年額を超える")
    if pension_tax <= 0:
        reasons.append("年金に係る税額がない")
    return PensionEligibility(not reasons, tuple(reasons))


def _series(amount: int, fiscal_year: int, months: tuple[int, ...], kind: str, payer: str) -> list[Instalment]:
    firsts = [fiscal_month(fiscal_year, m) for m in months]
    parts = split_remainder_first(amount, len(firsts), PENSION_UNIT)
    return [Instalment("pension", f"{m.month}月分（{kind}）", m, remittance_due(m), part, payer)
            for m, part in zip(firsts, parts, strict=True)]


@dataclass(frozen=True)
class PensionSchedule:
    provisional: tuple[Instalment, ...]  # 4・6・8月 仮徴収
    main: tuple[Instalment, ...]  # 10・12・2月 本徴収
    ordinary: tuple[Instalment, ...] = ()  # the first year's 1期・2期 普通徴収
    refund: int = 0  # 仮徴収 beyond the year's tax: 還付 due


def pension_first_year(pension_tax: int, calendar: CollectionCalendar, *, payer: str) -> PensionSchedule:
    """The first year of withholding (地方税法第321条の7の2第1項・第2項): half of the pension tax by 普通徴収 in
    the first two 期 (6月・8月), the rest withheld in October, December and February."""
    half = pension_tax // 2
    ordinary = ordinary_instalments(half, calendar.terms[:2], calendar.ordinary_rounding)
    main = _series(pension_tax - half, calendar.fiscal_year, MAIN_MONTHS, "本徴収", payer)
    return PensionSchedule((), tuple(main), tuple(ordinary))


def pension_continuing(pension_tax: int, previous_pension_tax: int, fiscal_year: int, *,
                       payer: str) -> PensionSchedule:
    """A continuing year: 仮特別徴収 of half the previous year's pension tax in April, June and August
    (地方税法第321条の7の8第1項, as changed from 平成28年10月: 前年度の年税額の2分の1), and the rest of this year's
    pension tax in October, December and February (第321条の7の2第1項). 仮徴収 above the year's tax is 還付 due and
    nothing is withheld in the 本徴収 months."""
    provisional_total = previous_pension_tax // 2
    provisional = _series(provisional_total, fiscal_year, PROVISIONAL_MONTHS, "仮徴収", payer)
    rest = pension_tax - provisional_total
    main = _series(max(rest, 0), fiscal_year, MAIN_MONTHS, "本徴収", payer)
    return PensionSchedule(tuple(provisional), tuple(main), (), max(-rest, 0))
