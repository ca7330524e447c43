"""不詳日 and 暦上日以外の年月日 (住民記録システム標準仕様書 1.1.8, j80).

The forms are j80's 【不詳日入力一覧】 and its 暦上日以外 sentence (independent: the standard's list). The internal
days follow the rule the module states (the first day of the period the text names): those expectations are
**consistency** with that stated rule, except where the calendar alone decides (明治45年7月30日 is 1912-07-30).
"""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.common.recorded_date import SEIREKI, WAREKI, RecordedDate, UnreadableDate, display, parse

D = dt.date

# (typed, text held, internal day): one row per entry of j80's 不詳日入力一覧, 令和○○ filled in
LISTED = [
    ("令和5年頃", "令和5年頃", D(2023, 1, 1)),
    ("令和5年6月頃", "令和5年6月頃", D(2023, 6, 1)),
    ("令和5年6月15日頃", "令和5年6月15日頃", D(2023, 6, 15)),
    ("推定令和5年6月15日", "推定令和5年6月15日", D(2023, 6, 15)),
    ("推定令和5年6月", "推定令和5年6月", D(2023, 6, 1)),
    ("令和5年春", "令和5年春", D(2023, 3, 1)),
    ("令和5年6月上旬", "令和5年6月上旬", D(2023, 6, 1)),
    ("令和5年6月中旬頃", "令和5年6月中旬頃", D(2023, 6, 11)),
    ("令和5年 月日不詳", "令和5年\u3000月日不詳", D(2023, 1, 1)),
    ("令和5年12月 日不詳", "令和5年12月\u3000日不詳", D(2023, 12, 1)),
    ("令和5年12月1日から12月10日頃までの間", "令和5年12月1日から12月10日頃までの間", D(2023, 12, 1)),
    ("令和5年12月推定1日から10日までの間", "令和5年12月推定1日から10日までの間", D(2023, 12, 1)),
    ("令和5年12月1日頃から10日頃までの間", "令和5年12月1日頃から10日頃までの間", D(2023, 12, 1)),
]


@pytest.mark.parametrize(("typed", "text", "day"), LISTED, ids=[row[0] for row in LISTED])
def test_every_form_of_the_list_is_held_with_its_text_and_an_internal_day(typed: str, text: str, day: dt.date) -> None:
    """Independent (forms: j80 【不詳日入力一覧】; 「内部的には日付を保有しておくこと」); the internal day is the
    stated first-day rule (consistency)."""
    got = parse(typed)
    assert got == RecordedDate(day, text)
    assert got.is_unknown
    assert got.render() == text  # a certificate prints the 不詳 text, never a made-up day


def test_nengappi_fusho_needs_the_internal_day_from_the_caller() -> None:
    """Independent (j80 「年月日不詳」 and 「内部的には日付を保有しておくこと」): it names no period, so the clerk gives one."""
    with pytest.raises(UnreadableDate) as refused:
        parse("年月日不詳")
    assert "内部で使う日付" in refused.value.message
    assert parse("年月日不詳", internal=D(1950, 1, 1)) == RecordedDate(D(1950, 1, 1), "年月日不詳")


@pytest.mark.parametrize(("typed", "day"), [
    ("令和5年2月29日", D(2023, 2, 28)),
    ("明治45年7月30日", D(1912, 7, 30)),
    ("大正15年12月25日", D(1926, 12, 25)),
])
def test_days_not_on_the_calendar_that_j80_names_are_accepted(typed: str, day: dt.date) -> None:
    """Independent (j80: 「暦上日以外の年月日（例：うるう年でない年における２月29日）、明治45年７月30日及び大正15年12月25日の
    設定も許容する」); 1912-07-30 and 1926-12-25 are the days 大正 and 昭和 began (元号), 2023 is a common year."""
    got = parse(typed)
    assert got == RecordedDate(day, typed)
    assert got.render() == typed


def test_an_ordinary_day_has_no_text_and_renders_in_wareki_or_seireki() -> None:
    """Independent (j90: 和暦, a foreign resident's 生年月日 in 西暦)."""
    assert parse("令和5年6月1日") == RecordedDate(D(2023, 6, 1))
    assert parse("平成31年4月30日").render() == "平成31年4月30日"
    assert parse("2023年6月1日").render(seireki=True) == "2023年6月1日"
    assert display(D(2023, 6, 1), "") == "令和5年6月1日"
    assert display(D(2023, 6, 1), "令和5年6月頃") == "令和5年6月頃"


def test_full_width_digits_gannen_and_spaces_are_normalised() -> None:
    """Independent (JIS X 0208 全角数字 are the same numbers; 元年 is the first year, 元号法)."""
    assert parse("令和５年６月頃") == parse("令和5年6月頃")
    assert parse("令和1年頃").text == "令和元年頃"
    assert parse("平成元年　月日不詳").text == "平成元年\u3000月日不詳"
    assert parse("令和5年12月日不詳").text == "令和5年12月\u3000日不詳"


def test_an_era_period_starts_with_its_era() -> None:
    """Independent (令和 began 2019-05-01, 平成31年政令第143号): 令和元年頃 cannot be held as a day of 平成."""
    assert parse("令和元年頃").day == D(2019, 5, 1)
    assert parse("令和元年春").day == D(2019, 5, 1)


def test_winter_runs_into_the_next_year_and_between_may_too() -> None:
    """Independent (気象庁 予報用語: 冬は12月から2月): a day chosen in January of the next year is inside."""
    assert parse("令和5年冬", internal=D(2024, 1, 15)).day == D(2024, 1, 15)
    assert parse("令和5年12月25日から1月5日までの間", internal=D(2024, 1, 2)).day == D(2024, 1, 2)


def test_a_chosen_internal_day_must_lie_inside_the_period() -> None:
    """Independent: the text says 令和5年6月; 7月1日 is not in it."""
    assert parse("令和5年6月頃", internal=D(2023, 6, 30)).day == D(2023, 6, 30)
    with pytest.raises(UnreadableDate) as refused:
        parse("令和5年6月頃", internal=D(2023, 7, 1))
    assert "期間" in refused.value.message and "令和5年6月頃" in refused.value.message


def test_seireki_where_allowed_wareki_for_a_japanese_birth_date() -> None:
    """Independent (j80 last line: 1.1.1/1.1.2 の生年月日 excepted from 和暦・西暦どちらでも; j90: 日本人 和暦, 外国人 西暦)."""
    assert parse("2023年頃") == RecordedDate(D(2023, 1, 1), "2023年頃")
    with pytest.raises(UnreadableDate) as refused:
        parse("2023年頃", calendar_rule=WAREKI)
    assert "和暦" in refused.value.message and "2023年頃" in refused.value.message
    with pytest.raises(UnreadableDate, match="西暦"):
        parse("令和5年頃", calendar_rule=SEIREKI)
    assert parse("1990年6月頃", calendar_rule=SEIREKI).text == "1990年6月頃"


@pytest.mark.parametrize("typed", [
    "そのうち", "令和5年ごろ?", "令和5年13月頃", "令和5年2月32日", "平成32年頃", "令和5年6月30日から6月1日までの間",
    "平成31年5月1日", "昭和64年1月8日", "明治45年7月31日", "令和5年6月下旬から", "",
])
def test_anything_else_is_refused_naming_what_was_typed(typed: str) -> None:
    """Independent (j80 lists the forms; j80 「年月日は、暦上日に限り」 otherwise; house rule: say what was typed)."""
    with pytest.raises(UnreadableDate) as refused:
        parse(typed)
    assert f"「{typed}」" in refused.value.message
