"""Age in completed years, the same on every engine.

``age_at(birth, on)`` = year difference, minus one when the month-day of ``on`` comes before the month-day of
``birth``. It is computed from year, month and day parts only, because a raw year difference differs by
engine: ``delta(unit="year")`` gave 35 on DuckDB and 34 on Spark for a birth on 1990-05-06 measured at
2025-04-01 (DuckDB counts year boundaries; platform-anchors.md).

Legal rule (年齢計算ニ関スル法律, 民法第143条): age increases at the end of the day before the birthday, so on
the birthday itself the person is a year older; someone born on 29 February becomes older at the end of
28 February, i.e. on 1 March in a common year — exactly what the month-day comparison gives.

``birth_ym`` semantics: the lounge zone keeps only the first day of the birth month. Marts measure ages "on
the eve" of a reference date that is the first day of a month (``age_at(birth_ym, ref − 1 day)``): then
everyone born in an earlier month is exact, and of those born in the reference month only people born on the
1st (already a year older by law) are counted one year too young. Measuring on the reference date itself
would instead age everyone born later in that month a year too early.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

BAND_WIDTH = 5
TOP_BAND = 100  # 100歳以上 is one band


def age_at(birth: ir.DateValue, on: ir.DateValue | dt.date) -> ir.IntegerValue:
    """Completed years of age of ``birth`` on ``on`` (column or date)."""
    when = ibis.literal(on, type="date") if isinstance(on, dt.date) else on
    years = when.year() - birth.year()
    before_birthday = (when.month() * 100 + when.day()) < (birth.month() * 100 + birth.day())
    return (years - before_birthday.ifelse(1, 0)).cast("int32")


def age_band(age: ir.IntegerValue) -> ir.IntegerValue:
    """The lower bound of the five-year band (0, 5, … 95, 100 for 100 and over)."""
    return ((ibis.least(age, TOP_BAND) // BAND_WIDTH) * BAND_WIDTH).cast("int32")


def eve(reference: dt.date) -> dt.date:
    return reference - dt.timedelta(days=1)


def band_label(band: int) -> str:
    return f"{band}歳以上" if band >= TOP_BAND else f"{band}〜{band + BAND_WIDTH - 1}歳"


BANDS = tuple(range(0, TOP_BAND + 1, BAND_WIDTH))
