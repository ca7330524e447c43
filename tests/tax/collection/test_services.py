"""The stored schedules of a 年度 from the current assessment versions (PostgreSQL): 当初 給与特徴 from the
employer of the 給与支払報告書, 普通徴収 without one, idempotent re-runs, an 更正 re-spread over what is not yet
due, and a 給与所得者異動届出書 switching the rest to 普通徴収. Expected values: consistency with the domain
functions (whose figures are checked against the statute in test_domain.py) plus the invariants the law fixes
(the sum of every schedule is the year's tax; nothing already due changes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.tax import report_intake, reports
from jichitai.tax.assessment import services as assessment
from jichitai.tax.collection import services as collection
from jichitai.tax.collection.models import CollectionInstalment, CollectionSchedule
from jichitai.tax.models import Assessment
from tests.tax.conftest import TARO, store_report
from tests.tax.test_reports import salary_row

pytestmark = pytest.mark.django_db
D = dt.date


def _schedule(atena: str, *, current: bool = True) -> tuple[CollectionSchedule, list[CollectionInstalment]]:
    s = CollectionSchedule.objects.filter(atena_number=atena, current=current).order_by("-assessment_version")[0]
    return s, list(s.instalments.order_by("position"))


def _second_payers_report() -> None:
    """Taro's 給与支払報告書 from a second payer (600,000円, no 年末調整): his assessment changes (更正)."""
    store_report("eltax-3.csv", salary_row(my_number=TARO, name="青木 太郎", kana="アオキ タロウ",
                                           payer_number=reports.make_corporate_number(400000000001),
                                           payer_name="副業株式会社", salary_paid=600_000, salary_income=0,
                                           year_end_adjusted=False, social_insurance=0))


def test_salary_earner_is_withheld_twelve_months_by_the_employer(city: dict[str, str]) -> None:
    assessment.run(2026)
    report = collection.build(2026, notice_on=D(2026, 5, 15))
    assert (report.considered, report.created, report.unchanged, report.refused) == (2, 2, 0, [])
    taro = Assessment.objects.get(atena_number=city["taro"])
    schedule, items = _schedule(city["taro"])
    assert schedule.salary_total == taro.total and schedule.ordinary_total == 0
    assert [i.label for i in items] == [f"{m}月分" for m in (6, 7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5)]
    assert {i.payer_number for i in items} == {"7000012050002"} and {i.payer_name for i in items} == {"株式会社みなと"}
    each = taro.total // 12 // 100 * 100
    assert [i.amount for i in items] == [taro.total - each * 11] + [each] * 11  # 第321条の5第1項
    hanako, none = _schedule(city["hanako"])
    assert hanako.annual == 0 and none == []
    again = collection.build(2026, notice_on=D(2026, 5, 15))
    assert (again.created, again.revised, again.unchanged) == (0, 0, 2)
    assert CollectionSchedule.objects.count() == 2


def test_revision_after_september_keeps_what_was_withheld(city: dict[str, str]) -> None:
    assessment.run(2026)
    collection.build(2026, notice_on=D(2026, 5, 15))
    _, before = _schedule(city["taro"])
    _second_payers_report()
    assessment.run(2026)
    report = collection.build(2026, notice_on=D(2026, 9, 15))
    assert (report.created, report.revised, report.unchanged) == (0, 1, 1)
    new_total = Assessment.objects.filter(atena_number=city["taro"]).order_by("-version")[0].total
    schedule, after = _schedule(city["taro"])
    assert schedule.assessment_version == 2 and schedule.annual == new_total
    assert [i.amount for i in after[:4]] == [i.amount for i in before[:4]]  # June–September already withheld
    assert sum(i.amount for i in after) == new_total and schedule.refund == 0
    assert after[4].amount >= after[5].amount == after[-1].amount  # remainder in October (第321条の5第1項)
    old, _ = _schedule(city["taro"], current=False)
    assert old.assessment_version == 1


def test_a_leaver_switched_to_ordinary_pays_the_rest_in_the_open_terms(city: dict[str, str]) -> None:
    assessment.run(2026)
    taro = Assessment.objects.get(atena_number=city["taro"])
    each = taro.total // 12 // 100 * 100
    collected = taro.total - each * 11 + each  # June and July withheld
    row: dict[str, Any] = {
        "payer_number": "7000012050002", "payer_name": "株式会社みなと", "my_number": TARO, "name": "青木 太郎",
        "kana": "アオキ タロウ", "birth_date": D(1980, 5, 1), "address": "神戸市中央区加納町6丁目5番1号",
        "changed_on": D(2026, 7, 31), "reason": "retired", "annual_tax": taro.total, "collected": collected,
        "uncollected": taro.total - collected, "rest_collection": "ordinary"}
    report_intake.store_file(reports.SALARY_EARNER_CHANGE.name,
                             reports.write_rows(reports.SALARY_EARNER_CHANGE, [row]).encode("cp932"), "idou.csv")
    collection.build(2026, notice_on=D(2026, 5, 15))
    schedule, items = _schedule(city["taro"])
    assert [i.label for i in items if i.method == "salary"] == ["6月分", "7月分"]
    ordinary = [i for i in items if i.method == "ordinary"]
    assert [i.label for i in ordinary] == ["第1期", "第2期", "第3期", "第4期"]  # notice before 第1期's 納期限
    assert schedule.ordinary_total == taro.total - collected and schedule.salary_total == collected
    assert any("給与所得者異動届出書" in n for n in schedule.notes)


def test_without_an_employer_everything_is_ordinary(city: dict[str, str]) -> None:
    """Taro assessed, then his only 給与支払報告書 withdrawn (取消): no 特別徴収義務者, the year is 普通徴収 in the
    city's four 期 (第319条の2, 第320条), 1,000円未満 in 第1期 (第20条の4の2第6項)."""
    from jichitai.tax.models import ReceivedReport

    assessment.run(2026)
    ReceivedReport.objects.update(status="withdrawn")
    collection.build(2026, notice_on=D(2026, 5, 15))
    schedule, items = _schedule(city["taro"])
    assert schedule.annual > 0 and schedule.salary_total == 0 and schedule.ordinary_total == schedule.annual
    assert [(i.label, i.due) for i in items] == [("第1期", D(2026, 6, 30)), ("第2期", D(2026, 8, 31)),
                                                 ("第3期", D(2026, 11, 2)), ("第4期", D(2027, 2, 1))]
    each = schedule.annual // 4 // 1000 * 1000
    assert [i.amount for i in items] == [schedule.annual - each * 3] + [each] * 3


def test_the_command_stores_the_schedules_and_writes_each_employers_file(city: dict[str, str], tmp_path: Any) -> None:
    """``jichitai tax collection``: one CSV per 特別徴収義務者 with each employee's 12 monthly amounts (June first,
    summing to the 特別徴収税額), names in words and no address."""
    import csv
    import io

    from django.core.management import call_command

    assessment.run(2026)
    out = io.StringIO()
    call_command("tax", "collection", "--fiscal-year", "2026", "--on", "2026-05-15", "--out", str(tmp_path),
                 "--pdf", stdout=out)
    assert "新規 2" in out.getvalue() and "特別徴収義務者 1 件" in out.getvalue()
    assert "特別徴収税額決定通知書 1 件, 納税通知書 0 件" in out.getvalue()  # Taro withheld, Hanako owes nothing
    assert (tmp_path / "employers" / "7000012050002.pdf").read_bytes().startswith(b"%PDF")
    taro = Assessment.objects.get(atena_number=city["taro"])
    with open(tmp_path / "7000012050002.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:8] == ["市区町村コード", "年度", "特別徴収義務者法人番号", "特別徴収義務者名称", "宛名番号", "氏名",
                           "フリガナ", "特別徴収税額（年額）"]
    assert rows[0][8] == "6月分" and rows[0][19] == "5月分" and "住所" not in "".join(rows[0])
    (row,) = rows[1:]
    assert row[0] == "281000" and row[4:7] == [city["taro"], "青木 太郎", "アオキ タロウ"]
    months = [int(x) for x in row[8:20]]
    assert int(row[7]) == taro.total == sum(months) and months[1:] == [taro.total // 12 // 100 * 100] * 11


def test_a_bad_date_is_refused_in_words() -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="日付"):
        call_command("tax", "collection", "--fiscal-year", "2026", "--on", "2026-13-01")
    with pytest.raises(CommandError, match="--out"):
        call_command("tax", "collection", "--fiscal-year", "2026", "--pdf")


def _text(pdf: bytes) -> str:
    import subprocess

    assert pdf.startswith(b"%PDF")
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def test_the_tax_notice_prints_the_terms_and_the_address_in_words(city: dict[str, str]) -> None:
    """納税通知書 read back with pdftotext: 〒 and the 町字 name (never its code), the four 期 with 和暦 納期限, 全期前納."""
    from jichitai.registry.models import Resident, Town
    from jichitai.tax.collection.notices import ordinary_notice_pdf
    from jichitai.tax.models import ReceivedReport

    assessment.run(2026)
    ReceivedReport.objects.update(status="withdrawn")
    collection.build(2026, notice_on=D(2026, 5, 15))
    page = "".join(_text(ordinary_notice_pdf(2026, city["taro"], on=D(2026, 6, 1))).split())  # pdftotext spaces digits
    resident = Resident.objects.get(atena_number=city["taro"])
    town = Town.objects.get(code=resident.town_code)
    assert "納税通知書" in page and "令和8年度" in page and "青木太郎" in page and "〒650-0001" in page
    assert town.name in page and resident.town_code not in page and "兵庫県神戸市" in page
    schedule, items = _schedule(city["taro"])
    for label, due in (("第1期", "令和8年6月30日"), ("第3期", "令和8年11月2日"), ("第4期", "令和9年2月1日")):
        assert label in page and due in page
    assert f"{items[0].amount:,}円" in page and f"{schedule.annual:,}円" in page and "全期前納" in page


def test_the_employer_notice_lists_each_employees_months(city: dict[str, str]) -> None:
    from jichitai.tax.collection.notices import employer_notice_pdf

    assessment.run(2026)
    collection.build(2026, notice_on=D(2026, 5, 15))
    page = _text(employer_notice_pdf(2026, "7000012050002", on=D(2026, 5, 15)))
    taro = Assessment.objects.get(atena_number=city["taro"])
    each = taro.total // 12 // 100 * 100
    assert "特別徴収義務者用" in page and "株式会社みなと" in page and "青木 太郎" in page
    assert f"{taro.total:,}" in page and f"{taro.total - each * 11:,}" in page and f"{each:,}" in page
    assert "6月" in page and "5月" in page


def test_revision_when_the_employer_withholds_no_more_counts_what_was_withheld() -> None:
    """120,000円 withheld 10,000 a month; 更正 noticed 2026-09-15 with the same 120,000円 now all 普通徴収 (no
    employer): June–September 40,000 withheld count, 80,000 over 第3期・第4期 (第2期 due 08-31 passed), no 還付.
    Independent (hand arithmetic; 第20条の4の2第6項)."""
    from jichitai.tax.collection.domain.calendar import collection_calendar
    from jichitai.tax.collection.domain.salary import salary_schedule

    cal = collection_calendar("281000", 2026)
    before = salary_schedule(120_000, 2026, payer="1111111111111")
    items, refund, _ = collection._revised(before, 0, 120_000, cal, D(2026, 9, 15), None, [])
    assert [(i.method, i.amount) for i in items if i.amount] == [("salary", 10_000)] * 4 + [
        ("ordinary", 40_000), ("ordinary", 40_000)]
    assert [i.label for i in items if i.method == "ordinary"] == ["第3期", "第4期"] and refund == 0
    items, refund, notes = collection._revised(before, 0, 30_000, cal, D(2026, 9, 15), None, [])
    assert sum(i.amount for i in items) == 40_000 and refund == 10_000 and "還付" in notes[-1]


def test_the_employee_notice_shows_the_months_the_employer_withholds(city: dict[str, str]) -> None:
    """納税義務者用 (第321条の4第2項): read back with pdftotext; June carries the 100円未満 remainder."""
    from jichitai.tax.collection.notices import employee_notice_pdfs

    assessment.run(2026)
    collection.build(2026, notice_on=D(2026, 5, 15))
    ((atena, pdf),) = list(employee_notice_pdfs(2026, "7000012050002", on=D(2026, 5, 15)))
    page = "".join(_text(pdf).split())
    taro = Assessment.objects.get(atena_number=city["taro"])
    each = taro.total // 12 // 100 * 100
    assert atena == city["taro"] and "納税義務者用" in page and "青木太郎" in page and "株式会社みなと" in page
    first_half = "".join(f"{m}月分" for m in (6, 7, 8, 9, 10, 11)) + f"{taro.total - each * 11:,}円" + f"{each:,}円" * 5
    second_half = "".join(f"{m}月分" for m in (12, 1, 2, 3, 4, 5)) + f"{each:,}円" * 6
    assert first_half in page and second_half in page


def test_plan_takes_the_returns_choice_of_ordinary_for_other_income() -> None:
    """A 確定申告書 with 「自分で納付」 (its note on the assessment): the business share of the 所得割 is 普通徴収 in
    the four 期, the rest withheld by the employer (第321条の3第2項 ただし書). Consistency with split_by_method."""
    from jichitai.tax.assessment.returns import OTHER_INCOME_ORDINARY_NOTE
    from jichitai.tax.collection.domain.calendar import collection_calendar

    a = {"total": 200_000, "city_income_levy": 155_040, "pref_income_levy": 38_760, "total_income": 4_000_000,
         "salary_income": 3_000_000, "pension_income": 0, "case": {"taxpayer": {"birth_date": "1980-05-01"}},
         "notes": [OTHER_INCOME_ORDINARY_NOTE]}
    items, refund, notes = collection.plan(a, calendar=collection_calendar("281000", 2026), notice_on=D(2026, 5, 15),
                                           employer=collection.Employer("7000012050002", "株式会社みなと"),
                                           change=None, previous=None)
    assert sum(i.amount for i in items if i.method == "salary") == 151_600
    assert [i.amount for i in items if i.method == "ordinary"] == [12_400, 12_000, 12_000, 12_000]  # 48,400 in 4 期
    assert refund == 0 and any("ただし書" in n for n in notes)


def test_after_a_revision_the_employee_notice_is_a_change_notice(city: dict[str, str]) -> None:
    """更正 (a second payer's report) after September: the 納税義務者用 notice becomes the 変更通知書, showing the former
    year's tax, the new one and the months (June–September unchanged)."""
    from jichitai.tax.collection.notices import employee_notice_pdfs

    assessment.run(2026)
    collection.build(2026, notice_on=D(2026, 5, 15))
    first = Assessment.objects.get(atena_number=city["taro"])
    _second_payers_report()
    assessment.run(2026)
    collection.build(2026, notice_on=D(2026, 9, 15))
    new_total = Assessment.objects.filter(atena_number=city["taro"]).order_by("-version")[0].total
    ((_, pdf),) = list(employee_notice_pdfs(2026, "7000012050002", on=D(2026, 9, 15)))
    page = "".join(_text(pdf).split())
    assert "特別徴収税額の変更通知書（納税義務者用）" in page and "決定通知書" not in page
    assert f"変更前の年税額{first.total:,}円" in page and f"年税額{new_total:,}円" in page


def test_the_employer_change_notice_lists_only_the_changed_employees(city: dict[str, str]) -> None:
    """After Taro's 更正 noticed 2026-09-15, the employer's 変更通知書 lists him with the new months (June–September
    as before); a date with no change is refused in words."""
    from jichitai.common.errors import NotFound
    from jichitai.tax.collection.notices import employer_change_notice_pdf

    assessment.run(2026)
    collection.build(2026, notice_on=D(2026, 5, 15))
    with pytest.raises(NotFound, match="変更はありません"):
        employer_change_notice_pdf(2026, "7000012050002", notice_on=D(2026, 5, 15))
    _second_payers_report()
    assessment.run(2026)
    collection.build(2026, notice_on=D(2026, 9, 15))
    page = "".join(_text(employer_change_notice_pdf(2026, "7000012050002", notice_on=D(2026, 9, 15))).split())
    _, items = _schedule(city["taro"])
    assert "特別徴収税額の変更通知書（特別徴収義務者用）" in page and "青木太郎" in page
    assert f"{items[4].amount:,}" in page and "合計（1人）" in page


def test_bulk_issuance_prints_each_notice_as_it_prints_alone(city: dict[str, str], tmp_path: Any) -> None:
    """The bulk issuance (issuance.write_pdfs: batches read together, one Typst compilation per employer and per
    batch of 納税通知書) prints, page for page, what each notice prints alone — the employees' 納税義務者用 notices
    before and after an 更正 (the 変更前 amount read for the batch), and a 納税通知書 with its address. Consistency
    (the single notices are checked against the law above)."""
    from jichitai.tax.collection import issuance
    from jichitai.tax.collection.notices import employee_notice_pdfs

    assessment.run(2026)
    collection.build(2026, notice_on=D(2026, 5, 15))
    assert issuance.write_pdfs(2026, tmp_path / "may", on=D(2026, 5, 15)) == (1, 0)
    ((_, alone),) = list(employee_notice_pdfs(2026, "7000012050002", on=D(2026, 5, 15)))
    bulk = (tmp_path / "may" / "employers" / "7000012050002_納税義務者用.pdf").read_bytes()
    assert _text(bulk) == _text(alone) and "決定通知書（納税義務者用）" in "".join(_text(bulk).split())
    _second_payers_report()
    assessment.run(2026)
    collection.build(2026, notice_on=D(2026, 9, 15))
    issuance.write_pdfs(2026, tmp_path / "sep", on=D(2026, 9, 15))
    ((_, alone),) = list(employee_notice_pdfs(2026, "7000012050002", on=D(2026, 9, 15)))
    bulk = (tmp_path / "sep" / "employers" / "7000012050002_納税義務者用.pdf").read_bytes()
    assert _text(bulk) == _text(alone) and "変更前の年税額" in "".join(_text(bulk).split())


def test_a_large_employers_employee_notices_come_in_parts(city: dict[str, str], tmp_path: Any,
                                                          monkeypatch: Any) -> None:
    """An employer of more employees than a compilation takes gets its 納税義務者用 notices in numbered parts, in the
    order of the employer's notice, each printing what the notice prints alone (Kobe's own payroll is thousands:
    one compilation of them grew Typst's memory past 4 GB). Consistency."""
    from jichitai.tax.collection import issuance
    from jichitai.tax.collection.notices import employee_notice_pdfs
    from tests.tax.conftest import HANAKO

    store_report("eltax-4.csv", salary_row(my_number=HANAKO, name="青木 花子", kana="アオキ ハナコ",
                                           salary_paid=1_500_000, salary_income=950_000))
    assessment.run(2026)
    collection.build(2026, notice_on=D(2026, 5, 15))
    monkeypatch.setattr(issuance, "BATCH", 1)
    assert issuance.write_pdfs(2026, tmp_path, on=D(2026, 5, 15))[0] == 1
    parts = sorted((tmp_path / "employers").glob("7000012050002_納税義務者用_*.pdf"))
    assert [p.name for p in parts] == ["7000012050002_納税義務者用_001.pdf", "7000012050002_納税義務者用_002.pdf"]
    assert not (tmp_path / "employers" / "7000012050002_納税義務者用.pdf").exists()
    alone = [pdf for _, pdf in employee_notice_pdfs(2026, "7000012050002", on=D(2026, 5, 15))]
    assert [_text(p.read_bytes()) for p in parts] == [_text(pdf) for pdf in alone]


def test_bulk_issuance_batches_the_tax_notices_in_atena_order(city: dict[str, str], tmp_path: Any,
                                                              monkeypatch: Any) -> None:
    """納税通知書 in files of issuance.BATCH, named by their first and last 宛名番号, each notice as it prints
    alone (consistency)."""
    from jichitai.tax.collection import issuance
    from jichitai.tax.collection.notices import ordinary_notice_pdf
    from jichitai.tax.models import ReceivedReport

    assessment.run(2026)
    ReceivedReport.objects.update(status="withdrawn")
    collection.build(2026, notice_on=D(2026, 5, 15))
    monkeypatch.setattr(issuance, "BATCH", 1)
    assert issuance.write_pdfs(2026, tmp_path, on=D(2026, 6, 1)) == (0, 1)
    (path,) = (tmp_path / "nouzei").iterdir()
    assert path.name == f"00001_{city['taro']}-{city['taro']}.pdf"
    assert _text(path.read_bytes()) == _text(ordinary_notice_pdf(2026, city["taro"], on=D(2026, 6, 1)))
