"""When a payment is due: the city's 普通徴収 納期 (from parameters/collection.yaml) and the holiday rule.

地方税法第20条の5第2項 (with 施行令第6条の18): a 納期限 that falls on a Sunday, a 国民の祝日, a Saturday or
12月29日〜1月3日 is the next day that is none of these. The 国民の祝日 come from ``jpholiday``.
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jpholiday
import yaml

from jichitai.tax.errors import UnsupportedFiscalYear

PARAMETERS = Path(__file__).resolve().parents[2] / "parameters" / "collection.yaml"


def _closed(day: dt.date) -> bool:
    year_end = (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)
    return day.weekday() >= 5 or year_end or jpholiday.is_holiday(day)


@lru_cache(maxsize=4096)
def next_open_day(day: dt.date) -> dt.date:
    """``day`` moved past 土日祝・年末年始 (地方税法第20条の5第2項, 施行令第6条の18). Remembered: a city's schedules
    ask for the same few dozen dates hundreds of thousands of times (jpholiday: 20 µs a look-up)."""
    while _closed(day):
        day += dt.timedelta(days=1)
    return day


def month_start(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, _cal.monthrange(year, month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@lru_cache(maxsize=1024)
def remittance_due(month: dt.date) -> dt.date:
    """納入期限 of a withholding made in ``month``: the 10th of the next month (地方税法第321条の5第1項 給与;
    第321条の7の5 / 第321条の7の8 公的年金), moved past a closed day."""
    return next_open_day(add_months(month, 1).replace(day=10))


def fiscal_month(fiscal_year: int, month: int) -> dt.date:
    """The first day of ``month`` inside the 年度 (April ``fiscal_year`` to March of the next year)."""
    return month_start(fiscal_year if month >= 4 else fiscal_year + 1, month)


@dataclass(frozen=True)
class Term:
    label: str
    month: dt.date
    due: dt.date


@dataclass(frozen=True)
class CollectionCalendar:
    """A city's 普通徴収 納期 for one 年度 and the rounding of the 期別 amounts, with their legal source."""

    municipality_code: str
    fiscal_year: int
    terms: tuple[Term, ...]
    ordinary_rounding: int
    source: str
    city_name: str = ""
    payment_places: str = ""  # 納付場所 printed on each 納付書 (the city's wording; empty: a generic one)


@lru_cache(maxsize=1)
def _read() -> dict[str, Any]:
    with open(PARAMETERS, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, dict)
    return data


def collection_calendar(municipality_code: str, fiscal_year: int) -> CollectionCalendar:
    """The city's calendar for ``fiscal_year``: each 期 due on the last day of its month, moved past closed
    days. A city or year without parameters is refused, never guessed."""
    city = _read()["municipalities"].get(municipality_code)
    if city is None:
        raise UnsupportedFiscalYear(f"団体コード{municipality_code}の普通徴収の納期が定められていません。",
                                    parameter="collection.ordinary_terms")
    chosen = None
    for entry in sorted(city["history"], key=lambda e: int(e["from"])):
        if int(entry["from"]) <= fiscal_year:
            chosen = entry["value"]
    if chosen is None:
        raise UnsupportedFiscalYear(f"{fiscal_year}年度の{city['name']}の普通徴収の納期が定められていません。",
                                    parameter="collection.ordinary_terms", fiscal_year=fiscal_year)
    terms = []
    for term in chosen["ordinary_terms"]:
        month = fiscal_month(fiscal_year, int(term["month"]))
        terms.append(Term(str(term["label"]), month, next_open_day(month_end(month.year, month.month))))
    return CollectionCalendar(municipality_code, fiscal_year, tuple(terms), int(chosen["ordinary_rounding"]),
                              " ".join(str(chosen["source"]).split()), str(city["name"]),
                              " ".join(str(chosen.get("payment_places", "")).split()))
