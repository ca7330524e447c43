"""和暦 (Japanese era) dates and the fiscal year (年度, April to March).

Era start dates: 明治 1868-01-25 (as used by registry systems; 明治改元 was 1868-10-23 but dates before it are
written in 明治 by convention), 大正 1912-07-30, 昭和 1926-12-25, 平成 1989-01-08, 令和 2019-05-01
(元号法, 平成31年政令第143号 for 令和). The first year of an era is written 元年.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    start: dt.date


ERAS: tuple[Era, ...] = (
    Era("令和", "R", dt.date(2019, 5, 1)),
    Era("平成", "H", dt.date(1989, 1, 8)),
    Era("昭和", "S", dt.date(1926, 12, 25)),
    Era("大正", "T", dt.date(1912, 7, 30)),
    Era("明治", "M", dt.date(1868, 1, 25)),
)

_KANJI_DIGITS = "〇一二三四五六七八九"


def era_of(day: dt.date) -> tuple[Era, int]:
    """The era and the year within it (1 for 元年)."""
    for era in ERAS:
        if day >= era.start:
            return era, day.year - era.start.year + 1
    raise ValueError(f"{day} is before 明治")


def to_wareki(day: dt.date, *, gannen: bool = True) -> str:
    """``令和8年1月1日``; the first year is ``元年`` unless ``gannen`` is False."""
    era, year = era_of(day)
    y = "元" if (year == 1 and gannen) else str(year)
    return f"{era.name}{y}年{day.month}月{day.day}日"


def to_wareki_year(year: int) -> str:
    """``令和8年`` for the Gregorian year 2026 (taken at 31 December)."""
    era, y = era_of(dt.date(year, 12, 31))
    return f"{era.name}{'元' if y == 1 else y}年"


def fiscal_year_label(fiscal_year: int) -> str:
    """``令和8年度`` for fiscal year 2026 (April 2026 to March 2027)."""
    era, y = era_of(dt.date(fiscal_year, 4, 1))
    return f"{era.name}{'元' if y == 1 else y}年度"


def fiscal_year_of(day: dt.date) -> int:
    """The 年度 containing ``day``: 2026 for any day from 2026-04-01 to 2027-03-31."""
    return day.year if day.month >= 4 else day.year - 1


_WAREKI_RE = re.compile(r"^(明治|大正|昭和|平成|令和|[MTSHR])\s*(元|\d{1,2})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?$")


def parse_wareki(text: str) -> dt.date:
    """Parse ``令和8年1月1日``, ``R8.1.1`` or ``平成元年1月8日``. Raises ``ValueError`` on an impossible date
    or a date outside its era."""
    import unicodedata

    m = _WAREKI_RE.match(unicodedata.normalize("NFKC", text).strip())
    if not m:
        raise ValueError(f"和暦の日付として読めません: {text}")
    mark, ytext, month, day = m.groups()
    era = next(e for e in ERAS if mark in (e.name, e.letter))
    year = 1 if ytext == "元" else int(ytext)
    result = dt.date(era.start.year + year - 1, int(month), int(day))
    if result < era.start:
        raise ValueError(f"{era.name}は{to_wareki(era.start)}から始まります: {text}")
    later = [e for e in ERAS if e.start > era.start]
    if later and result >= min(e.start for e in later):
        raise ValueError(f"{text} は{era.name}の期間外です")
    return result


_YEAR_RE = re.compile(r"^(?:(明治|大正|昭和|平成|令和|[MTSHR])\s*(元|\d{1,2})|(\d{4}))\s*年?$")


def parse_wareki_year(text: str) -> int:
    """The Gregorian year of ``令和5年``, ``R5``, ``平成元年`` or ``2023`` (年 optional). Raises ``ValueError`` on a
    year its era never had (``平成32年``)."""
    import unicodedata

    m = _YEAR_RE.match(unicodedata.normalize("NFKC", text).strip().upper())
    if not m:
        raise ValueError(f"年として読めません: {text}")
    mark, ytext, western = m.groups()
    if western:
        return int(western)
    era = next(e for e in ERAS if mark in (e.name, e.letter))
    year = era.start.year + (1 if ytext == "元" else int(ytext)) - 1
    later = [e.start for e in ERAS if e.start > era.start]
    if int(ytext if ytext != "元" else 1) < 1 or (later and dt.date(year, 1, 1) >= min(later)):
        raise ValueError(f"{text} は{era.name}の期間外です")
    return year


def kanji_number(n: int) -> str:
    """Simple kanji numerals for certificates (一〇 style is not used; 二十三)."""
    if n == 0:
        return "〇"
    units = [(1000, "千"), (100, "百"), (10, "十")]
    out = ""
    for value, mark in units:
        q, n = divmod(n, value)
        if q:
            out += ("" if q == 1 else _KANJI_DIGITS[q]) + mark
    if n:
        out += _KANJI_DIGITS[n]
    return out


def age_on(birth: dt.date, on: dt.date) -> int:
    """Calendar age in completed years on ``on``: one year more on each birthday. A 29 February birth
    counts its birthday on 1 March in common years."""
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


def legal_age_on(birth: dt.date, on: dt.date) -> int:
    """Age under 年齢計算ニ関スル法律 (明治35年法律第50号) with 民法第143条: a year is completed at the end of
    the day before the birthday, so on ``on`` a person has the calendar age of the following day. This is
    the age tax law uses (所得税法第85条 の「その年12月31日の現況」: born 1 January 1956 is 70 on 31 December 2025).
    """
    return age_on(birth, on + dt.timedelta(days=1))
