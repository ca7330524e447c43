"""The law of collection, from the statute: 給与の月割 (地方税法第321条の5), 普通徴収の期別 (第320条・第20条の4の2第6項),
納期限 (第20条の5第2項), 異動届 (第321条の7), 年金特徴 (第321条の7の2〜第321条の7の8) and 更正 re-spreads.

Unless a test says otherwise its expected figures are independent: worked by hand from the article cited (or a
published example named in the test), not produced by our code.
"""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.tax.collection.domain.calendar import collection_calendar, next_open_day, remittance_due
from jichitai.tax.collection.domain.instalment import CollectionError, split_remainder_first, total
from jichitai.tax.collection.domain.ordinary import full_prepayment, ordinary_schedule
from jichitai.tax.collection.domain.pension import (
    pension_continuing,
    pension_first_year,
    pension_withholding_subject,
)
from jichitai.tax.collection.domain.revision import respread
from jichitai.tax.collection.domain.salary import earner_change, lump_sum_rule, salary_schedule
from jichitai.tax.errors import UnsupportedFiscalYear

KOBE = "281000"
D = dt.date


def amounts(items) -> list[int]:  # type: ignore[no-untyped-def]
    return [i.amount for i in items]


# --- 給与からの特別徴収: 月割 (第321条の5第1項) ---

def test_monthly_amount_cuts_below_100_yen_and_puts_the_remainder_in_june() -> None:
    """100,000円 / 12 = 8,333円 → 8,300円 a month, June 100,000 − 8,300 × 11 = 8,700円 (第321条の5第1項)."""
    schedule = salary_schedule(100_000, 2026, payer="1234567890123")
    assert [i.label for i in schedule][:2] == ["6月分", "7月分"] and schedule[-1].label == "5月分"
    assert schedule[-1].month == D(2027, 5, 1)
    assert amounts(schedule) == [8_700] + [8_300] * 11
    assert total(schedule) == 100_000


@pytest.mark.parametrize(("annual", "june", "other"), [
    (1_200, 100, 100), (1_199, 1_199, 0), (60_000, 5_000, 5_000), (123_456, 11_256, 10_200), (0, 0, 0)])
def test_monthly_amount_variants(annual: int, june: int, other: int) -> None:
    """Whole-100 shares, a year below 1,200円 (each 月割 under 100円: all in June), an exact twelfth."""
    parts = amounts(salary_schedule(annual, 2026, payer="1"))
    assert parts == [june] + [other] * 11 and sum(parts) == annual


def test_withholding_is_remitted_by_the_10th_of_the_next_month() -> None:
    """納入期限 翌月10日 (第321条の5第1項); 2026-10-10 is a Saturday, 10-12 is 体育の日/スポーツの日 → 10-13."""
    schedule = salary_schedule(120_000, 2026, payer="1")
    assert schedule[0].due == D(2026, 7, 10)
    assert schedule[3].label == "9月分" and schedule[3].due == D(2026, 10, 13)


# --- 普通徴収: 期別 and 納期限 ---

def test_kobe_terms_fall_on_the_last_day_moved_past_weekends() -> None:
    """神戸市: 6月・8月・10月・翌1月 の末日 (city page); 2026-10-31 is a Saturday → 11-02, 2027-01-31 a Sunday
    → 02-01 (第20条の5第2項)."""
    cal = collection_calendar(KOBE, 2026)
    assert [(t.label, t.due) for t in cal.terms] == [
        ("第1期", D(2026, 6, 30)), ("第2期", D(2026, 8, 31)), ("第3期", D(2026, 11, 2)), ("第4期", D(2027, 2, 1))]


def test_year_end_and_holidays_are_closed_days() -> None:
    """施行令第6条の18: 12月29日〜1月3日 closed; 2027-01-04 is a Monday."""
    assert next_open_day(D(2026, 12, 31)) == D(2027, 1, 4)
    assert remittance_due(D(2026, 12, 1)) == D(2027, 1, 12)  # 1-10 Sunday, 1-11 成人の日


def test_instalments_cut_below_1000_yen_with_the_remainder_in_the_first_term() -> None:
    """50,500円 in 4 期: 12,625 → 12,000; 第1期 50,500 − 36,000 = 14,500円 (第20条の4の2第6項)."""
    schedule = ordinary_schedule(50_500, collection_calendar(KOBE, 2026))
    assert amounts(schedule) == [14_500, 12_000, 12_000, 12_000]


def test_small_tax_is_all_in_the_first_term() -> None:
    """5,000円 / 4 = 1,250 → 1,000円 each, 第1期 2,000円; 3,900円 / 4 under 1,000円: all in 第1期."""
    cal = collection_calendar(KOBE, 2026)
    assert amounts(ordinary_schedule(5_000, cal)) == [2_000, 1_000, 1_000, 1_000]
    assert amounts(ordinary_schedule(3_900, cal)) == [3_900, 0, 0, 0]


def test_full_prepayment_is_the_whole_year_by_the_first_deadline() -> None:
    """全期前納 (第321条第1項): the year's tax by 第1期's 納期限; after it, the later 期 together."""
    schedule = ordinary_schedule(50_500, collection_calendar(KOBE, 2026))
    whole = full_prepayment(schedule)
    assert (whole.label, whole.amount, whole.due) == ("全期前納", 50_500, D(2026, 6, 30))
    later = full_prepayment(schedule, on=D(2026, 7, 15))
    assert (later.label, later.amount, later.due) == ("第2期〜第4期前納", 36_000, D(2026, 8, 31))
    with pytest.raises(CollectionError):
        full_prepayment(schedule, on=D(2027, 3, 1))


def test_a_city_without_terms_is_refused() -> None:
    with pytest.raises(UnsupportedFiscalYear, match="納期"):
        collection_calendar("999999", 2026)
    with pytest.raises(UnsupportedFiscalYear):
        collection_calendar(KOBE, 2020)


def test_split_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        split_remainder_first(-1, 4, 1000)
    with pytest.raises(ValueError):
        split_remainder_first(100, 0, 1000)


# --- 給与所得者異動届出書 (第321条の7) ---

def _worker() -> list:  # type: ignore[type-arg]
    return salary_schedule(120_000, 2026, payer="1111111111111", payer_name="旧社")


def test_transfer_moves_the_remaining_months_to_the_new_employer() -> None:
    """Left 2026-09-20, September withheld: October–May (8 × 10,000円) go to the new 特別徴収義務者."""
    effect = earner_change(_worker(), last_withheld=D(2026, 9, 1), changed_on=D(2026, 9, 20),
                           rest="new_employer", new_payer="2222222222222", new_payer_name="新社")
    assert amounts(effect.kept) == [10_000] * 4 and {i.payer for i in effect.kept} == {"1111111111111"}
    assert effect.moved[0].label == "10月分" and len(effect.moved) == 8
    assert {i.payer for i in effect.moved} == {"2222222222222"} and effect.rest == 80_000


def test_lump_sum_collects_the_rest_with_the_last_pay() -> None:
    """一括徴収 (第321条の5第2項): left 2027-02-15, February withheld → March–May 30,000円 in February."""
    effect = earner_change(_worker(), last_withheld=D(2027, 2, 1), changed_on=D(2027, 2, 15), rest="lump_sum")
    assert effect.lump_sum is not None
    assert (effect.lump_sum.amount, effect.lump_sum.label, effect.lump_sum.due) == (
        30_000, "2月分（一括徴収）", D(2027, 3, 10))
    assert lump_sum_rule(D(2027, 2, 15)) == "required" and lump_sum_rule(D(2026, 7, 1)) == "on_request"
    with pytest.raises(CollectionError, match="5月"):
        earner_change(_worker(), last_withheld=D(2027, 4, 1), changed_on=D(2027, 5, 20), rest="lump_sum")


def test_switch_to_ordinary_spreads_the_rest_over_the_open_terms() -> None:
    """Left 2026-07-31 with July withheld: 100,000円 rest; notice 2026-09-10 → 第3期・第4期 open,
    50,000円 each (第321条の7第2項, 第20条の4の2第6項)."""
    cal = collection_calendar(KOBE, 2026)
    effect = earner_change(_worker(), last_withheld=D(2026, 7, 1), changed_on=D(2026, 7, 31), rest="ordinary",
                           calendar=cal, notice_on=D(2026, 9, 10))
    assert [(i.label, i.amount) for i in effect.ordinary] == [("第3期", 50_000), ("第4期", 50_000)]
    late = earner_change(_worker(), last_withheld=D(2027, 1, 1), changed_on=D(2027, 1, 31), rest="ordinary",
                         calendar=cal, notice_on=D(2027, 2, 20), occasional_due=D(2027, 3, 31))
    assert [(i.label, i.amount, i.due) for i in late.ordinary] == [("随時", 40_000, D(2027, 3, 31))]


def test_new_employer_without_number_is_refused() -> None:
    with pytest.raises(CollectionError) as err:
        earner_change(_worker(), last_withheld=D(2026, 9, 1), changed_on=D(2026, 9, 1), rest="new_employer")
    assert err.value.fields["field"] == "new_payer_number"


# --- 公的年金からの特別徴収 ---

def test_who_is_subject_to_pension_withholding() -> None:
    """第321条の7の2: 65歳以上 on 4月1日 (born 1961-04-02 is 65 on 2026-04-01 under 年齢計算ニ関スル法律),
    老齢等年金 18万円以上, 介護保険料 withheld, tax not above the pension."""
    ok = pension_withholding_subject(birth_date=D(1961, 4, 2), fiscal_year=2026, old_age_pension=1_200_000,
                                     nursing_premium_withheld=True, pension_tax=30_000)
    assert ok.subject and ok.reasons == ()
    young = pension_withholding_subject(birth_date=D(1961, 4, 3), fiscal_year=2026, old_age_pension=1_200_000,
                                        nursing_premium_withheld=True, pension_tax=30_000)
    assert not young.subject and young.reasons == ("4月1日に65歳未満",)
    small = pension_withholding_subject(birth_date=D(1950, 1, 1), fiscal_year=2026, old_age_pension=179_999,
                                        nursing_premium_withheld=False, pension_tax=180_000)
    assert small.reasons == ("老齢等年金給付の年額が18万円未満", "介護保険料が年金から特別徴収されていない",
                             "年金に係る税額が老齢等年金給付の年額を超える")


def test_first_year_half_ordinary_half_withheld_from_october() -> None:
    """初年度 (倉敷市・名古屋市の説明): 60,000円 → 普通徴収 第1期・第2期 15,000円, 10・12・2月 10,000円."""
    schedule = pension_first_year(60_000, collection_calendar(KOBE, 2026), payer="年金機構")
    assert [(i.label, i.amount) for i in schedule.ordinary] == [("第1期", 15_000), ("第2期", 15_000)]
    assert [(i.label, i.amount) for i in schedule.main] == [
        ("10月分（本徴収）", 10_000), ("12月分（本徴収）", 10_000), ("2月分（本徴収）", 10_000)]
    assert schedule.main[-1].month == D(2027, 2, 1) and schedule.provisional == ()


@pytest.mark.parametrize(("previous", "current", "provisional", "main"), [
    (60_000, 60_000, 10_000, 10_000),
    (60_000, 36_000, 10_000, 2_000),
    (36_000, 60_000, 6_000, 14_000),
])
def test_continuing_year_provisional_is_half_last_year(previous: int, current: int, provisional: int,
                                                       main: int) -> None:
    """The published example of 富加町 (平準化, 第321条の7の8): 年度 N..N+2 with 60,000 / 36,000 / 60,000円."""
    schedule = pension_continuing(current, previous, 2026, payer="年金機構")
    assert amounts(schedule.provisional) == [provisional] * 3 and amounts(schedule.main) == [main] * 3
    assert [i.month for i in schedule.provisional] == [D(2026, 4, 1), D(2026, 6, 1), D(2026, 8, 1)]
    assert schedule.refund == 0


def test_provisional_above_the_year_tax_is_refund_due() -> None:
    """前年度 60,000円 (仮徴収 30,000円), this year's pension tax 24,000円: 本徴収 0, 還付 6,000円."""
    schedule = pension_continuing(24_000, 60_000, 2026, payer="年金機構")
    assert amounts(schedule.main) == [0, 0, 0] and schedule.refund == 6_000


def test_pension_thirds_cut_below_100_yen_first_payment_takes_the_rest() -> None:
    """55,000円 previous: 仮徴収 27,500 / 3 = 9,166 → 9,100, April 9,300 ([U] 端数 rule: consistency)."""
    schedule = pension_continuing(55_000, 55_000, 2026, payer="年金機構")
    assert amounts(schedule.provisional) == [9_300, 9_100, 9_100]
    assert total(schedule.provisional) + total(schedule.main) == 55_000


# --- 更正: re-spread of what is not yet due ---

def test_salary_revision_after_september_changes_only_later_months() -> None:
    """120,000 → 150,000円 noticed 2026-09-15: June–September 40,000 kept; 110,000 over October–May (8 months):
    13,750 → 13,700, October 13,700 + 400 = 14,100 (第321条の6, 第321条の5第1項)."""
    revision = respread(_worker(), 150_000, notice_on=D(2026, 9, 15), ordinary_unit=1000)
    assert amounts(revision.instalments) == [10_000] * 4 + [14_100] + [13_700] * 7
    assert (revision.fixed, revision.refund) == (40_000, 0) and total(revision.instalments) == 150_000


def test_ordinary_revision_after_the_first_term() -> None:
    """50,500 → 80,000円 noticed 2026-07-10 (第1期 due 06-30 passed): 14,500 kept; 65,500 over 3 期 →
    21,833 → 21,000, 第2期 23,500."""
    schedule = ordinary_schedule(50_500, collection_calendar(KOBE, 2026))
    revision = respread(schedule, 80_000, notice_on=D(2026, 7, 10), ordinary_unit=1000)
    assert amounts(revision.instalments) == [14_500, 23_500, 21_000, 21_000]


def test_reduction_below_what_was_due_is_refund() -> None:
    """50,500 → 20,000円 after 第2期 (26,500 due): 第3期・第4期 0, 還付 6,500円; nothing due changes."""
    schedule = ordinary_schedule(50_500, collection_calendar(KOBE, 2026))
    revision = respread(schedule, 20_000, notice_on=D(2026, 9, 5), ordinary_unit=1000)
    assert amounts(revision.instalments) == [14_500, 12_000, 0, 0] and revision.refund == 6_500


def test_increase_after_the_last_term_is_one_occasional_instalment() -> None:
    """After 第4期 (due 2027-02-01) an increase of 10,000円 is one 随時 期; a withholding with no month left is
    refused (the caller switches it to 普通徴収)."""
    schedule = ordinary_schedule(50_500, collection_calendar(KOBE, 2026))
    revision = respread(schedule, 60_500, notice_on=D(2027, 2, 10), ordinary_unit=1000,
                        occasional_due=D(2027, 3, 31))
    assert [(i.label, i.amount) for i in revision.instalments][-1] == ("随時", 10_000)
    with pytest.raises(CollectionError, match="普通徴収"):
        respread(_worker(), 130_000, notice_on=D(2027, 5, 20), ordinary_unit=1000)


# --- which method collects which part (第321条の3, 第321条の7の2) ---

def test_split_salary_earner_takes_everything_with_the_other_income() -> None:
    """第321条の3第2項: other income's 所得割 added to the 給与特徴 of a worker under 65."""
    from jichitai.tax.collection.domain.split import split_by_method

    s = split_by_method(total=200_000, income_levy=193_800, salary_income=3_000_000, pension_income=500_000,
                        total_income=3_500_000, aged_65=False, has_employer=True, pension_withholding=False)
    assert (s.salary, s.pension, s.ordinary, s.pension_part) == (200_000, 0, 0, 0)


def test_split_pension_part_of_a_65_year_old_is_not_withheld_from_salary() -> None:
    """65歳以上: the 所得割 on the pension income (193,800 × 1/4 = 48,450 → 48,400) leaves the 給与特徴; with no
    employer the 均等割 (6,200) goes with it, other income's levy stays 普通徴収."""
    from jichitai.tax.collection.domain.split import split_by_method

    worker = split_by_method(total=200_000, income_levy=193_800, salary_income=3_000_000, pension_income=1_000_000,
                             total_income=4_000_000, aged_65=True, has_employer=True, pension_withholding=True)
    assert (worker.salary, worker.pension, worker.ordinary) == (151_600, 48_400, 0)
    retired = split_by_method(total=200_000, income_levy=193_800, salary_income=0, pension_income=1_000_000,
                              total_income=4_000_000, aged_65=True, has_employer=False, pension_withholding=True)
    assert (retired.salary, retired.pension, retired.ordinary) == (0, 54_600, 145_400)
    not_subject = split_by_method(total=200_000, income_levy=193_800, salary_income=0, pension_income=1_000_000,
                                  total_income=4_000_000, aged_65=True, has_employer=False, pension_withholding=False)
    assert (not_subject.pension, not_subject.ordinary) == (0, 200_000)


def test_split_other_income_by_ordinary_when_the_return_asks_for_it() -> None:
    """第321条の3第2項 ただし書 (確定申告書「自分で納付」): 給与所得 3,000,000, 事業所得 1,000,000 → the 所得割 on the
    business share, 193,800 × 1/4 = 48,450 → 48,400円, is 普通徴収; the rest stays with the employer."""
    from jichitai.tax.collection.domain.split import split_by_method

    s = split_by_method(total=200_000, income_levy=193_800, salary_income=3_000_000, pension_income=0,
                        total_income=4_000_000, aged_65=False, has_employer=True, pension_withholding=False,
                        other_ordinary=True)
    assert (s.salary, s.ordinary) == (151_600, 48_400)
    same = split_by_method(total=200_000, income_levy=193_800, salary_income=3_000_000, pension_income=0,
                           total_income=4_000_000, aged_65=False, has_employer=True, pension_withholding=False)
    assert (same.salary, same.ordinary) == (200_000, 0)
