"""A 年月日 as the register records it: an ordinary date, or a 不詳日 or 暦上日以外の年月日 with an internal date.

住民記録システム標準仕様書 1.1.8 (j80) lets 生年月日, 住民となった年月日, 住所を定めた年月日, 外国人住民となった年月日
and the 出生・死亡・失踪 異動日 be a 不詳日 (its 不詳日入力一覧: 「令和○○年頃」 … 「…から…までの間」) or a 暦上日以外の
年月日 (2月29日 of a common year, 明治45年7月30日, 大正15年12月25日), to agree with the 戸籍; other systems receive them
「不詳」のまま, and the system keeps an internal date too (「内部的には日付を保有しておくこと」).

The internal date (:attr:`RecordedDate.day`) is the **first day of the period the text names**: 1月1日 for
「令和5年頃」 and 「令和5年 月日不詳」, the 1st for 「令和5年6月頃」, 11日 for 中旬, the 1st of the season's first month
for 春夏秋冬 (気象庁 予報用語: 春 3–5月, 夏 6–8月, 秋 9–11月, 冬 12–翌2月), the start of 「…から…までの間」. One rule
covers every form, the day always lies inside what the text says, and nothing is invented beyond it. The standard
leaves the value to the 住基ネット code definition, which is not at hand; a caller may give another day inside the
period (``internal=``). 「年月日不詳」 names no period: the caller must give the internal day. A 暦上日以外 day keeps
its month: 令和5年2月29日 is held as 2月28日 (the month's last day); 明治45年7月30日 and 大正15年12月25日 are real
days written in the era that had just ended (1912-07-30 is 大正元年7月30日, 1926-12-25 昭和元年12月25日), held as
those days.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from jichitai.common.errors import JichitaiError
from jichitai.common.wareki import ERAS, to_wareki

WAREKI = "wareki"  # 1.1.1 生年月日 (日本人住民): 和暦 only (j80 last line, j90)
SEIREKI = "seireki"  # 1.1.2 生年月日 (外国人住民): 西暦 (j90)
EITHER = "either"  # every other item: 「和暦・西暦どちらを用いても差し支えない」 (j80)

# j80: the two days the standard names beyond their era's end (the 戸籍 wrote the day of 改元 in the old era)
_BEYOND_ERA = {("明治", 45, 7, 30), ("大正", 15, 12, 25)}
_SEASONS = {"春": 3, "夏": 6, "秋": 9, "冬": 12}
_THIRDS = {"上旬": 1, "中旬": 11, "下旬": 21}


class UnreadableDate(JichitaiError, ValueError):
    """A 年月日 that is neither a date nor a form of the 不詳日入力一覧 (j80)."""

    code = "unreadable_date"


@dataclass(frozen=True)
class RecordedDate:
    """``day`` is the internal date (sorting, ages, tax); ``text`` the 不詳日 or 暦上日以外 as entered, normalised
    (半角 digits, 元年, one form per meaning), and "" for an ordinary date."""

    day: dt.date
    text: str = ""

    @property
    def is_unknown(self) -> bool:
        """True for a 不詳日 or a 暦上日以外の年月日: the internal day is not the day itself."""
        return bool(self.text)

    def render(self, *, seireki: bool = False) -> str:
        """For a certificate or a page: the text as entered, else the day in 和暦 (西暦 for ``seireki``, j90)."""
        if self.text:
            return self.text
        if seireki:
            return f"{self.day.year}年{self.day.month}月{self.day.day}日"
        return to_wareki(self.day)


def display(day: dt.date | None, text: str = "", *, seireki: bool = False) -> str:
    """A held date with its 不詳 text beside it, as people read it ("" when there is none)."""
    if day is None:
        return text
    return RecordedDate(day, text).render(seireki=seireki)


_YEAR = r"(?:(?P<era>明治|大正|昭和|平成|令和)(?P<ey>元|\d{1,2})|(?P<wy>\d{4}))年"
_DAY = r"(?P<m>\d{1,2})月(?P<d>\d{1,2})日"
_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(f"^{body}$")) for name, body in (
    ("date", _YEAR + _DAY),
    ("year_about", _YEAR + "頃"),
    ("month_about", _YEAR + r"(?P<m>\d{1,2})月頃"),
    ("day_about", _YEAR + _DAY + "頃"),
    ("estimated_day", "推定" + _YEAR + _DAY),
    ("estimated_month", "推定" + _YEAR + r"(?P<m>\d{1,2})月"),
    ("season", _YEAR + "(?P<season>[春夏秋冬])"),
    ("third", _YEAR + r"(?P<m>\d{1,2})月(?P<third>上旬|中旬|下旬)(?P<about>頃)?"),
    ("all_unknown", "年月日不詳"),
    ("month_day_unknown", _YEAR + " ?月日不詳"),
    ("day_unknown", _YEAR + r"(?P<m>\d{1,2})月 ?日不詳"),
    ("between", _YEAR + r"(?P<m>\d{1,2})月(?P<e1>推定)?(?P<d>\d{1,2})日(?P<a1>頃)?から"
                       r"(?:(?P<m2>\d{1,2})月)?(?P<e2>推定)?(?P<d2>\d{1,2})日(?P<a2>頃)?までの間"),
))


def _clean(text: str) -> str:
    """NFKC (全角 digits and spaces to 半角), every run of spaces to one, 〇 in a number to 0."""
    out = unicodedata.normalize("NFKC", text).strip()
    out = re.sub(r"\s+", " ", out)
    return out


def parse(text: str, *, calendar_rule: str = EITHER, internal: dt.date | None = None) -> RecordedDate:
    """Read what a clerk typed: an ordinary date (``令和5年6月1日``, ``R5.6.1`` is not read here — see
    :func:`jichitai.common.wareki.parse_wareki`), a 暦上日以外 day or a form of j80's 不詳日入力一覧. ``calendar_rule``
    says whether 和暦, 西暦 or either may be used; ``internal`` replaces the first-day rule with a day the caller
    chose (it must lie inside the period). Raises :class:`UnreadableDate` naming what was typed."""
    raw = text
    cleaned = _clean(text)
    for name, pattern in _FORMS:
        m = pattern.match(cleaned)
        if m:
            return _read(name, m, raw, calendar_rule, internal)
    raise UnreadableDate(
        f"「{raw}」は年月日として読めません。日付（令和5年6月1日）か、不詳日の書き方（令和5年頃、令和5年6月頃、"
        f"推定令和5年6月1日、令和5年春、令和5年6月上旬、年月日不詳、令和5年 月日不詳、令和5年6月 日不詳、"
        f"令和5年6月1日から6月10日頃までの間 など）で入力してください。", field="date", value=raw)


def _read(name: str, m: re.Match[str], raw: str, rule: str, internal: dt.date | None) -> RecordedDate:
    if name == "all_unknown":
        if internal is None:
            raise UnreadableDate(f"「{raw}」のときは内部で使う日付も入力してください（並べ替え・年齢の計算に使います）。",
                                 code="internal_date_required", field="date", value=raw)
        return RecordedDate(internal, "年月日不詳")
    year, year_text, lo, hi = _year(m, raw, rule)
    groups = m.groupdict()

    def within(first: dt.date, last: dt.date, words: str) -> RecordedDate:
        first, last = max(first, lo), min(last, hi)  # 「令和元年頃」 begins on 令和元年5月1日
        if first > last:
            raise UnreadableDate(f"「{raw}」は{year_text[:2]}の期間外です。", field="date", value=raw)
        return _within(first, last, words, raw, internal)

    month = int(groups["m"]) if groups.get("m") else None
    if month is not None and not 1 <= month <= 12:
        raise UnreadableDate(f"「{raw}」の月（{month}月）はありません。", field="date", value=raw)
    day_no = int(groups["d"]) if groups.get("d") else None
    if day_no is not None and not 1 <= day_no <= 31:
        raise UnreadableDate(f"「{raw}」の日（{day_no}日）はありません。", field="date", value=raw)

    if name == "date":
        assert month is not None and day_no is not None
        return _exact(year, year_text, month, day_no, m, raw, internal)
    if name in ("year_about", "month_day_unknown", "season"):
        if name == "season":
            first = dt.date(year, _SEASONS[groups["season"]], 1)
            last = (dt.date(year + 1, 3, 1) if groups["season"] == "冬" else dt.date(year, first.month + 3, 1)) \
                - dt.timedelta(days=1)
            words = f"{year_text}{groups['season']}"
        else:
            first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
            words = f"{year_text}頃" if name == "year_about" else f"{year_text}\u3000月日不詳"
        return within(first, last, words)
    assert month is not None
    month_first = dt.date(year, month, 1)
    month_last = dt.date(year, month, calendar.monthrange(year, month)[1])
    if name in ("month_about", "estimated_month", "day_unknown"):
        words = {"month_about": f"{year_text}{month}月頃", "estimated_month": f"推定{year_text}{month}月",
                 "day_unknown": f"{year_text}{month}月\u3000日不詳"}[name]
        return within(month_first, month_last, words)
    if name == "third":
        start = _THIRDS[groups["third"]]
        end = month_last.day if start == 21 else start + 9
        words = f"{year_text}{month}月{groups['third']}{groups['about'] or ''}"
        return within(dt.date(year, month, start), dt.date(year, month, end), words)
    assert day_no is not None
    day = _calendar_day(year, month, day_no)
    if name in ("day_about", "estimated_day"):
        words = (f"{year_text}{month}月{day_no}日頃" if name == "day_about" else f"推定{year_text}{month}月{day_no}日")
        return within(day, day, words)
    # between: 「令和○○年○○月○日から○○月○日頃までの間」 and its 推定/頃 variants
    month2 = int(groups["m2"]) if groups["m2"] else month
    day2_no = int(groups["d2"])
    if not 1 <= month2 <= 12 or not 1 <= day2_no <= 31:
        raise UnreadableDate(f"「{raw}」の終わりの日はありません。", field="date", value=raw)
    end_year = year + 1 if month2 < month else year  # 「12月25日から1月5日までの間」 runs into the next year
    until = _calendar_day(end_year, month2, day2_no)
    if until < day:
        raise UnreadableDate(f"「{raw}」は終わりの日が始まりの日より前です。", field="date", value=raw)
    words = (f"{year_text}{month}月{groups['e1'] or ''}{day_no}日{groups['a1'] or ''}から"
             f"{'' if not groups['m2'] else f'{month2}月'}{groups['e2'] or ''}{day2_no}日{groups['a2'] or ''}までの間")
    return within(day, until, words)


def _year(m: re.Match[str], raw: str, rule: str) -> tuple[int, str, dt.date, dt.date]:
    """The Gregorian year, its normalised words (``令和元年``, ``2023年``) and the days its era covers, the
    calendar rule checked."""
    era_name, era_year, western = m.group("era"), m.group("ey"), m.group("wy")
    if western:
        if rule == WAREKI:
            raise UnreadableDate(f"「{raw}」: 日本人住民の生年月日は和暦（令和・平成・昭和・大正・明治）で入力してください。",
                                 code="wareki_required", field="date", value=raw)
        return int(western), f"{int(western)}年", dt.date.min, dt.date.max
    if rule == SEIREKI:
        raise UnreadableDate(f"「{raw}」: 外国人住民の生年月日は西暦で入力してください。", code="seireki_required",
                             field="date", value=raw)
    era = next(e for e in ERAS if e.name == era_name)
    n = 1 if era_year == "元" else int(era_year)
    later = [e.start for e in ERAS if e.start > era.start]
    last_year = min(later).year - era.start.year + 1 if later else 99
    if n < 1 or n > last_year:
        raise UnreadableDate(f"「{raw}」: {era.name}{n}年はありません。", field="date", value=raw)
    end = min(later) - dt.timedelta(days=1) if later else dt.date.max
    return era.start.year + n - 1, f"{era.name}{'元' if n == 1 else n}年", era.start, end


def _calendar_day(year: int, month: int, day_no: int) -> dt.date:
    """The day itself, or the month's last day for a 暦上日以外 day (2月29日 of a common year, 4月31日)."""
    return dt.date(year, month, min(day_no, calendar.monthrange(year, month)[1]))


def _exact(year: int, year_text: str, month: int, day_no: int, m: re.Match[str], raw: str,
           internal: dt.date | None) -> RecordedDate:
    """A full 年月日: ordinary, or 暦上日以外 (a day its month lacks; the two era days j80 names)."""
    words = f"{year_text}{month}月{day_no}日"
    held = _calendar_day(year, month, day_no)
    era_name = m.group("era")
    if era_name:
        era = next(e for e in ERAS if e.name == era_name)
        later = [e.start for e in ERAS if e.start > era.start]
        era_year = held.year - era.start.year + 1
        beyond = bool(later) and held >= min(later)
        if held < era.start:
            raise UnreadableDate(f"「{raw}」: {era.name}は{to_wareki(era.start)}から始まります。", field="date",
                                 value=raw)
        if beyond and (era.name, era_year, month, day_no) not in _BEYOND_ERA:
            raise UnreadableDate(f"「{raw}」は{era.name}の期間外です。", field="date", value=raw)
        if beyond:
            return _within(held, held, words, raw, internal)
    if held.day != day_no:  # 暦上日以外
        return _within(held, held, words, raw, internal)
    if internal is not None and internal != held:
        raise UnreadableDate(f"「{raw}」は暦上の日付です。内部の日付は同じ日でなければなりません。", field="date", value=raw)
    return RecordedDate(held)


def _within(first: dt.date, last: dt.date, words: str, raw: str, internal: dt.date | None) -> RecordedDate:
    """The 不詳日 with the first day of its period, or the caller's day if it lies inside the period."""
    if internal is None:
        return RecordedDate(first, words)
    if not first <= internal <= last:
        raise UnreadableDate(
            f"内部の日付（{to_wareki(internal)}）が「{raw}」の期間（{to_wareki(first)}〜{to_wareki(last)}）の外です。",
            code="internal_date_outside", field="date", value=raw)
    return RecordedDate(internal, words)
