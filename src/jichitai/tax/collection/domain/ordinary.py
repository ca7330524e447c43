"""普通徴収: the taxpayer pays the year's tax in the city's 期 (地方税法第319条の2, 第320条)."""

from __future__ import annotations

import datetime as dt

from jichitai.tax.collection.domain.calendar import CollectionCalendar, Term
from jichitai.tax.collection.domain.instalment import CollectionError, Instalment, split_remainder_first


def ordinary_instalments(amount: int, terms: tuple[Term, ...] | list[Term], unit: int) -> list[Instalment]:
    """``amount`` over ``terms``: 期別 amounts cut to ``unit`` with the remainder in the first 期
    (地方税法第20条の4の2第6項)."""
    if not terms:
        raise CollectionError("普通徴収の納期がありません。", field="terms")
    parts = split_remainder_first(amount, len(terms), unit)
    return [Instalment("ordinary", t.label, t.month, t.due, part) for t, part in zip(terms, parts, strict=True)]


def ordinary_schedule(amount: int, calendar: CollectionCalendar) -> list[Instalment]:
    """The 納税通知書's 期別 schedule of the year's 普通徴収 税額 (地方税法第319条の2第1項, 第320条)."""
    return ordinary_instalments(amount, calendar.terms, calendar.ordinary_rounding)


def full_prepayment(schedule: list[Instalment], *, on: dt.date | None = None) -> Instalment:
    """全期前納: paying, by the 納期限 of the first 期 still open on ``on``, that 期 and every later one at once
    (地方税法第321条第1項: 納期の到来していない税額を前納できる). Kobe grants no 前納報奨金, so the amount is the sum."""
    open_terms = [i for i in schedule if on is None or i.due >= on]
    if not open_terms:
        raise CollectionError("前納できる期がありません（すべての納期限が過ぎています）。", field="on")
    first = open_terms[0]
    label = "全期" if len(open_terms) == len(schedule) else f"{first.label}〜{open_terms[-1].label}"
    return Instalment("ordinary", f"{label}前納", first.month, first.due, sum(i.amount for i in open_terms))
