"""給与からの特別徴収: the employer withholds 12 monthly amounts, June to next May (地方税法第321条の3〜第321条の7).

The 月割額 is the year's 特別徴収税額 divided by 12 with 100円未満 cut; the remainder is in June, the first month
(第321条の5第1項). A 給与所得者異動届出書 (第321条の7) moves what is not yet withheld: to the new employer
(特別徴収継続), at once with the last pay (一括徴収, 第321条の5第2項) or to 普通徴収 (第321条の7第2項).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from jichitai.tax.collection.domain.calendar import CollectionCalendar, add_months, fiscal_month, remittance_due
from jichitai.tax.collection.domain.instalment import (
    CollectionError,
    Instalment,
    split_remainder_first,
)
from jichitai.tax.collection.domain.ordinary import ordinary_instalments

MONTHLY_UNIT = 100  # 百円未満の端数 (地方税法第321条の5第1項)


def salary_months(fiscal_year: int, first: dt.date | None = None) -> list[dt.date]:
    """The 徴収月 of the year from ``first`` (June by default) to May of the next year."""
    start = first or fiscal_month(fiscal_year, 6)
    last = dt.date(fiscal_year + 1, 5, 1)
    months = []
    month = start
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    if not months:
        raise CollectionError(f"{first}からは{fiscal_year}年度の特別徴収月がありません。", field="first")
    return months


def salary_schedule(amount: int, fiscal_year: int, *, payer: str, payer_name: str = "",
                    first: dt.date | None = None) -> list[Instalment]:
    """The 月割額 of ``amount`` (地方税法第321条の5第1項): each month the amount / months with 100円未満 cut, every
    remainder in the first month (June, or ``first`` when the withholding starts later in the year)."""
    months = _salary_terms(fiscal_year, first)
    parts = split_remainder_first(amount, len(months), MONTHLY_UNIT)
    return [Instalment("salary", label, m, due, part, payer, payer_name)
            for (label, m, due), part in zip(months, parts, strict=True)]


@lru_cache(maxsize=256)
def _salary_terms(fiscal_year: int, first: dt.date | None) -> tuple[tuple[str, dt.date, dt.date], ...]:
    """(label, 徴収月, 納入期限) of each month of :func:`salary_months`, worked out once per start month (a city's
    schedules share a handful)."""
    return tuple((f"{m.month}月分", m, remittance_due(m)) for m in salary_months(fiscal_year, first))


REST = {"new_employer": "特別徴収継続", "lump_sum": "一括徴収", "ordinary": "普通徴収"}


def lump_sum_rule(changed_on: dt.date) -> str:
    """Whether 一括徴収 of the rest is ``required``, ``on_request`` or ``not_available`` for a worker who left on
    ``changed_on`` (地方税法第321条の5第2項): 6月1日〜12月31日 on the worker's request; 1月1日〜4月30日 required
    (when the last pay covers it); in May nothing is left after the May withholding."""
    if 6 <= changed_on.month <= 12:
        return "on_request"
    if 1 <= changed_on.month <= 4:
        return "required"
    return "not_available"


@dataclass(frozen=True)
class EarnerChangeEffect:
    """What a 給与所得者異動届出書 makes of one worker's schedule: ``kept`` (withheld by the old employer),
    ``moved`` (the rest, to the new employer, same 月割額), ``lump_sum`` (one withholding of the rest), or
    ``ordinary`` (the rest as 普通徴収 期)."""

    kept: tuple[Instalment, ...]
    moved: tuple[Instalment, ...] = ()
    lump_sum: Instalment | None = None
    ordinary: tuple[Instalment, ...] = ()

    @property
    def rest(self) -> int:
        return sum(i.amount for i in self.moved + self.ordinary) + (self.lump_sum.amount if self.lump_sum else 0)


def earner_change(schedule: list[Instalment], *, last_withheld: dt.date, changed_on: dt.date, rest: str,
                  new_payer: str = "", new_payer_name: str = "", calendar: CollectionCalendar | None = None,
                  notice_on: dt.date | None = None, occasional_due: dt.date | None = None) -> EarnerChangeEffect:
    """Apply a 給与所得者異動届出書 (地方税法第321条の7) to a worker's 給与特徴 ``schedule``.

    Months up to ``last_withheld`` (the last 徴収月 the old employer withheld) stay with it. The rest:
    ``new_employer`` — the same months and 月割額 move to the new 特別徴収義務者; ``lump_sum`` — withheld at
    once in ``last_withheld``'s month (第321条の5第2項; refused when the law gives no 一括徴収, i.e. in May);
    ``ordinary`` — 普通徴収 over the city's 期 whose 納期限 is on or after ``notice_on`` (the 納税通知書's date,
    第321条の7第2項 → 第319条の2), remainder first; if no 期 is left, one 随時 期 due ``occasional_due``.
    """
    if rest not in REST:
        raise CollectionError(f"未徴収税額の徴収方法「{rest}」は扱えません（特別徴収継続・一括徴収・普通徴収）。",
                              field="rest_collection")
    month = last_withheld.replace(day=1)
    kept = tuple(i for i in schedule if i.month <= month)
    remaining = [i for i in schedule if i.month > month]
    amount = sum(i.amount for i in remaining)
    if rest == "new_employer":
        if not new_payer:
            raise CollectionError("特別徴収継続には新しい勤務先の法人番号が必要です。", field="new_payer_number")
        moved = tuple(Instalment("salary", i.label, i.month, i.due, i.amount, new_payer, new_payer_name)
                      for i in remaining)
        return EarnerChangeEffect(kept, moved=moved)
    if rest == "lump_sum":
        if lump_sum_rule(changed_on) == "not_available":
            raise CollectionError("5月の異動には一括徴収はありません（地方税法第321条の5第2項）。", field="changed_on")
        payer = schedule[0].payer if schedule else ""
        name = schedule[0].payer_name if schedule else ""
        lump = Instalment("salary", f"{month.month}月分（一括徴収）", month, remittance_due(month), amount, payer, name)
        return EarnerChangeEffect(kept, lump_sum=lump)
    if calendar is None or notice_on is None:
        raise CollectionError("普通徴収への切替には市の納期と通知日が必要です。", field="calendar")
    return EarnerChangeEffect(kept, ordinary=tuple(ordinary_rest(amount, calendar, notice_on, occasional_due)))


def ordinary_rest(amount: int, calendar: CollectionCalendar, notice_on: dt.date,
                  occasional_due: dt.date | None) -> list[Instalment]:
    """``amount`` as 普通徴収 over the 期 still open on ``notice_on``; a single 随時 期 when none is left."""
    if amount == 0:
        return []
    open_terms = [t for t in calendar.terms if t.due >= notice_on]
    if open_terms:
        return ordinary_instalments(amount, open_terms, calendar.ordinary_rounding)
    if occasional_due is None:
        raise CollectionError("残りの納期がないため随時の納期限が必要です。", field="occasional_due")
    return [Instalment("ordinary", "随時", occasional_due.replace(day=1), occasional_due, amount)]
