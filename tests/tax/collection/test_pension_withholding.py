"""年金からの特別徴収 in the stored schedules (地方税法第321条の7の2〜第321条の7の8): the 年金保険者's notice of the
老齢等年金給付 and the 介護保険料 withholding arrives on the hub's feed ``pension-withholding-target``; a 65歳以上
person whose pension tax qualifies has it withheld — the first year half by 普通徴収 (第1期・第2期) and half in
October, December and February; a continuing year 仮徴収 (half of last year's pension tax, April–August) and
本徴収 of the rest. Otherwise it stays 普通徴収 with the reason in words.

Expected amounts are hand arithmetic from the statute's rules (independent) — each test says which; the
service test checks the figures against the stored assessment (consistency)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.common.checkdigit import make_my_number
from jichitai.registry.domain import NewPerson
from jichitai.registry.services import apply
from jichitai.tax import report_intake, reports
from jichitai.tax.assessment import services as assessment
from jichitai.tax.collection import employer_files
from jichitai.tax.collection import services as collection
from jichitai.tax.collection.domain.calendar import collection_calendar
from jichitai.tax.collection.models import CollectionSchedule
from jichitai.tax.models import Assessment, PensionWithholdingTarget
from jichitai.tax.reports import ReportFileError
from tests.registry.conftest import move_in_command

D = dt.date
NENKIN = "7000012050002"  # a valid 法人番号 (the 国税庁's published example) standing in for the 年金保険者

# a pensioner without salary: 所得割 60,000円, 均等割 5,000円 — all of it on the pension income
PENSIONER = {"total": 65_000, "city_income_levy": 36_000, "pref_income_levy": 24_000, "total_income": 1_500_000,
             "salary_income": 0, "pension_income": 1_500_000, "notes": [],
             "case": {"taxpayer": {"birth_date": "1955-03-10"}}}


def _plan(pension: collection.PensionPayer | None, a: dict[str, Any] | None = None) -> tuple[Any, int, list[str]]:
    return collection.plan(dict(a or PENSIONER), calendar=collection_calendar("281000", 2026),
                           notice_on=D(2026, 6, 10), employer=None, change=None, previous=None, pension=pension)


def _by(items: Any, method: str) -> list[tuple[int, int]]:
    return [(i.month.month, i.amount) for i in items if i.method == method and i.amount]


def test_first_year_half_ordinary_in_the_first_two_terms_half_from_october() -> None:
    """First year (第321条の7の2第2項): 65,000円 → 32,500 普通徴収 in 第1期・第2期 (Kobe cuts a 期 to 1,000円, the
    remainder in 第1期: 16,500 + 16,000) and 32,500 withheld in October, December, February (cut to 100円, the
    remainder first: 10,900 + 10,800 + 10,800). Independent (hand arithmetic)."""
    items, refund, notes = _plan(collection.PensionPayer(NENKIN, "日本年金機構", 2_400_000, True))
    assert _by(items, "pension") == [(10, 10_900), (12, 10_800), (2, 10_800)]
    assert [i.amount for i in items if i.method == "ordinary"] == [16_500, 16_000]
    assert {i.payer_name for i in items if i.method == "pension"} == {"日本年金機構"}
    assert sum(i.amount for i in items) == 65_000 and refund == 0
    assert any("年金から特別徴収" in n and "初年度" in n for n in notes)


def test_continuing_year_provisional_half_of_last_year_then_the_rest() -> None:
    """Continuing (第321条の7の8第1項): last year's pension tax 60,000円 → 仮徴収 30,000 in April, June, August
    (10,000 each); 本徴収 65,000 − 30,000 = 35,000 in October, December, February (11,800 + 11,600 + 11,600);
    nothing 普通徴収. Independent (hand arithmetic)."""
    items, refund, _ = _plan(collection.PensionPayer(NENKIN, "日本年金機構", 2_400_000, True, previous_pension_tax=60_000))
    assert _by(items, "pension") == [(4, 10_000), (6, 10_000), (8, 10_000), (10, 11_800), (12, 11_600), (2, 11_600)]
    assert not _by(items, "ordinary") and refund == 0


def test_provisional_beyond_this_years_tax_is_refund_due() -> None:
    """仮徴収 100,000 (half of last year's 200,000) against this year's 65,000: 本徴収 nothing, 35,000 還付 due.
    Independent (hand arithmetic; 第321条の7の8)."""
    items, refund, notes = _plan(collection.PensionPayer(NENKIN, "日本年金機構", 2_400_000, True,
                                                         previous_pension_tax=200_000))
    assert sum(a for _, a in _by(items, "pension")) == 100_000 and refund == 35_000
    assert any("還付" in n for n in notes)


@pytest.mark.parametrize(("payer", "a", "reason"), [
    (None, PENSIONER, "通知されていません"),
    (collection.PensionPayer(NENKIN, "日本年金機構", 2_400_000, False), PENSIONER, "介護保険料が年金から特別徴収されていない"),
    (collection.PensionPayer(NENKIN, "日本年金機構", 170_000, True), PENSIONER, "18万円未満"),
])
def test_not_subject_stays_ordinary_with_the_reason(payer: Any, a: dict[str, Any], reason: str) -> None:
    """第321条の7の2: a 老齢等年金給付 under 180,000円, no 介護保険料 withheld, or no notice at all: everything
    普通徴収, the reason written on the schedule. Independent (the statute's conditions)."""
    items, _, notes = _plan(payer, a)
    assert not _by(items, "pension") and sum(i.amount for i in items) == 65_000
    assert any(reason in n for n in notes), notes


def test_born_on_2_april_is_65_on_1_april_and_born_on_3_april_is_not() -> None:
    """年齢計算ニ関スル法律: born 1961-04-02 reaches 65 at the end of 2026-04-01, so is 65歳以上 on 4月1日 and subject;
    born 1961-04-03 is 64 then, so the tax on the pension income is no 年金特徴 matter at all (第321条の7の2第1項:
    only 65歳以上): 普通徴収 without a pension note. Independent (the statute)."""
    payer = collection.PensionPayer(NENKIN, "日本年金機構", 2_400_000, True)
    items, _, _ = _plan(payer, {**PENSIONER, "case": {"taxpayer": {"birth_date": "1961-04-02"}}})
    assert _by(items, "pension")
    items, _, notes = _plan(payer, {**PENSIONER, "case": {"taxpayer": {"birth_date": "1961-04-03"}}})
    assert not _by(items, "pension") and sum(i.amount for i in items) == 65_000
    assert not any("年金" in n for n in notes)


def test_the_feed_file_is_checked() -> None:
    """The hub's file (reports.PENSION_WITHHOLDING_TARGET): a value other than 有/無 is refused, 有 reads as
    withheld. Consistency."""
    row = {"fiscal_year": 2026, "payer_number": NENKIN, "payer_name": "日本年金機構",
           "my_number": make_my_number(30000000101), "name": "山本 一郎", "kana": "ヤマモト イチロウ",
           "birth_date": D(1955, 3, 10), "address": "神戸市中央区加納町6丁目5番1号", "old_age_pension": 2_400_000,
           "nursing_premium_withheld": True}
    data = reports.write_rows(reports.PENSION_WITHHOLDING_TARGET, [row]).encode("cp932")
    bad = data.decode("cp932").replace(",有", ",たぶん").encode("cp932")
    with pytest.raises(ReportFileError):
        reports.read_file(reports.PENSION_WITHHOLDING_TARGET, bad)
    assert reports.read_file(reports.PENSION_WITHHOLDING_TARGET, data)[0]["nursing_premium_withheld"] is True


@pytest.mark.django_db
def test_the_stored_schedule_withholds_from_the_pension(city: dict[str, str], make_staff: Any, tmp_path: Any) -> None:
    """A resident born 1955 with a 公的年金等支払報告書 and the 年金保険者's notice: the stored schedule's pension
    part is the assessment's tax on the pension income (no salary: all of it), first year half 普通徴収; the
    same notice sent twice is stored once; a second 年度 with last year's schedule would take 仮徴収 (the domain
    tests above). Consistency with the stored assessment."""
    mine = make_my_number(30000000201)
    clerk = make_staff(roles=["counter"])
    moved = apply(move_in_command(moved_on=D(2024, 4, 1), notified_on=D(2024, 4, 2), town_code="281010001", persons=(
        NewPerson("山本 一郎", "ヤマモト イチロウ", D(1955, 3, 10), "M", "世帯主", my_number=mine),)), actor=clerk)
    atena = moved.atena_numbers[0]
    base = {"my_number": mine, "name": "山本 一郎", "kana": "ヤマモト イチロウ", "birth_date": D(1955, 3, 10),
            "address": "神戸市中央区加納町6丁目5番1号"}
    report_intake.store_file("pension_report", reports.write_rows(reports.PENSION_REPORT, [{
        "income_year": 2025, "payer_number": NENKIN, "payer_name": "日本年金機構", **base,
        "pension_paid": 3_300_000, "withholding_tax": 0, "social_insurance": 150_000, "spouse": False}]).encode("cp932"),
        "nenkin.csv")
    target = reports.write_rows(reports.PENSION_WITHHOLDING_TARGET, [{
        "fiscal_year": 2026, "payer_number": NENKIN, "payer_name": "日本年金機構", **base,
        "old_age_pension": 3_300_000, "nursing_premium_withheld": True}]).encode("cp932")
    assert report_intake.store_file("pension_withholding_target", target, "tokucho-1.csv") == (1, 0)
    assert report_intake.store_file("pension_withholding_target", target, "tokucho-2.csv") == (0, 1)
    assert PensionWithholdingTarget.objects.count() == 1
    assessment.run(2026)
    collection.build(2026, notice_on=D(2026, 6, 10))
    taxed = Assessment.objects.get(atena_number=atena)
    schedule = CollectionSchedule.objects.get(atena_number=atena, current=True)
    items = list(schedule.instalments.order_by("position"))
    pension = [i for i in items if i.method == "pension"]
    assert taxed.total > 0 and schedule.pension_tax == taxed.total  # no salary: all of it is on the pension
    assert [i.month.month for i in pension] == [10, 12, 2] and {i.payer_name for i in pension} == {"日本年金機構"}
    assert schedule.pension_total == taxed.total - taxed.total // 2
    assert sum(i.amount for i in items) == taxed.total
    # the 年金保険者's file (第321条の7の5第1項): one row, the 本徴収 months, the year's withheld amount
    (path,) = employer_files.write_all(2026, tmp_path, kind=employer_files.PENSION)
    assert path == tmp_path / "nenkin" / f"{NENKIN}.csv"
    header, row = [line.split(",") for line in path.read_text(encoding="utf-8-sig").splitlines()]
    assert header[7:14] == ["年金所得に係る特別徴収税額（年額）", "4月分", "6月分", "8月分", "10月分", "12月分", "2月分"]
    assert row[4:6] == [atena, "山本 一郎"] and int(row[7]) == schedule.pension_total
    assert [int(v) for v in row[8:14]] == [0, 0, 0, *(i.amount for i in pension)]
