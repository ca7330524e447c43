"""The annual assessment (賦課, 地方税法第319条の2 / 第294条): everyone registered on 1月1日 of the 年度
(賦課期日, 地方税法第318条), their reports of the income year, in bulk; idempotent re-runs; a changed input
(更正) adds a version and never overwrites one; the same figures by NumPy and by Spark's mapInArrow; the 区別集計
and the 税額決定通知書."""

from __future__ import annotations

import datetime as dt
import io
import random
import subprocess
from typing import Any

import pytest

from jichitai.common.checkdigit import make_my_number
from jichitai.registry.domain import NewPerson
from jichitai.registry.services import apply, load_towns
from jichitai.tax import report_intake, reports
from jichitai.tax.assessment import services as assessment
from jichitai.tax.models import Assessment
from tests.registry.conftest import TOWNS, move_in_command
from tests.tax.conftest import TARO, store_report
from tests.tax.test_reports import salary_row

pytestmark = pytest.mark.django_db

def test_everyone_registered_on_january_first_is_assessed_once(city: dict[str, str]) -> None:
    report = assessment.run(2026)
    assert (report.considered, report.created, report.corrected, report.unchanged) == (2, 2, 0, 0)
    taro = Assessment.objects.get(atena_number=city["taro"])
    assert taro.version == 1 and taro.source == "reports" and taro.ward_code == "28110"
    assert taro.total_income == 3_560_000          # 給与所得: 5,000,000 − 給与所得控除 1,440,000 (R8 table)
    assert taro.taxable and taro.city_income_levy > 0 and taro.total > 0
    hanako = Assessment.objects.get(atena_number=city["hanako"])
    assert hanako.source == "none" and hanako.total == 0 and not hanako.taxable  # 非課税: no income
    assert not Assessment.objects.filter(atena_number=city["jiro"]).exists()     # not a resident on 1月1日
    again = assessment.run(2026)
    assert (again.created, again.corrected, again.unchanged) == (0, 0, 2)
    assert Assessment.objects.count() == 2


def test_a_changed_input_adds_a_version_and_keeps_the_first(city: dict[str, str]) -> None:
    assessment.run(2026)
    first = Assessment.objects.get(atena_number=city["taro"])
    store_report("eltax-3.csv", salary_row(my_number=TARO, name="青木 太郎", kana="アオキ タロウ",
                                      payer_number=reports.make_corporate_number(400000000001),  # another payer
                                      payer_name="副業株式会社", salary_paid=600_000,
                                      salary_income=0, year_end_adjusted=False, social_insurance=0))
    report = assessment.run(2026)
    assert (report.created, report.corrected, report.unchanged) == (0, 1, 1)
    versions = list(Assessment.objects.filter(atena_number=city["taro"]).order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].pk == first.pk and versions[0].total == first.total          # never overwritten
    assert versions[1].total > first.total and versions[1].inputs_hash != first.inputs_hash
    summary = {w["ward_code"]: w for w in assessment.ward_summary(2026)}
    assert summary["28110"]["assessed"] == 2 and summary["28110"]["total"] == versions[1].total  # current versions


def test_the_notice_is_a_pdf_with_the_amounts(city: dict[str, str]) -> None:
    """税額決定通知書 on Typst read back with pdftotext (consistency for the amounts; the 送付先 in words with its
    郵便番号, issue 21 item 7)."""
    from jichitai.common.money import format_yen
    from jichitai.tax.notices import render_pdf

    assessment.run(2026)
    taro = Assessment.objects.get(atena_number=city["taro"])
    pdf = render_pdf(taro)
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    page = "".join(text.decode().split())  # pdftotext spaces some characters apart
    assert "税額決定通知書" in page and "青木太郎" in page and format_yen(taro.total) in page and "令和8年度" in page
    assert "〒650-0001" in page and "兵庫県神戸市中央区加納町" in page and "281100001" not in page  # 送付先 in words
    assert "神戸市長" in page and "審査請求" in page and taro.parameters_version not in page  # no internal strings


def _random_cases(n: int, seed: int = 11) -> list[Any]:
    from jichitai.tax.case import parse_case

    rng = random.Random(seed)
    out = []
    for _ in range(n):
        born = dt.date(rng.randint(1935, 2005), rng.randint(1, 12), rng.randint(1, 28))
        case: dict[str, Any] = {
            "fiscal_year": 2026, "taxpayer": {"birth_date": born.isoformat()},
            "income": {"salary": rng.choice([0, 0, 900_000, 1_100_000, 2_500_000, 4_800_000, 9_000_000]),
                       "public_pension": rng.choice([0, 0, 800_000, 2_200_000])},
            "deductions": {"social_insurance": rng.randint(0, 800_000)},
            "spouse": None if rng.random() < 0.5 else {"birth_date": "1970-01-01", "total_income": rng.choice([0, 580_000, 1_000_000])},
            "dependents": [{"birth_date": f"{rng.randint(2000, 2020)}-04-01", "total_income": 0, "cohabiting": True,
                            "relation": "child", "disability": None} for _ in range(rng.randint(0, 3))],
        }
        out.append(parse_case(case))
    return out


@pytest.mark.spark
def test_spark_mapinarrow_gives_the_same_assessment_as_numpy() -> None:
    from jichitai.tax import parameters as P

    cases = _random_cases(400)
    m = P.municipality("281000", 2026)
    numpy_out = assessment.compute(cases, 2026, m, "numpy")
    spark_out = assessment.compute(cases, 2026, m, "spark")
    for column, values in numpy_out.items():
        assert [int(v) for v in values] == [int(v) for v in spark_out[column]], column


def test_declarations_in_bulk_one_version_each_and_twice_the_same_person_in_order(city: dict[str, str]) -> None:
    """The review hands its accepted declarations over in one batch; a person twice in a batch (a declaration
    and its correction) gets two versions, in the order given."""
    case = {"fiscal_year": 2026, "taxpayer": {"birth_date": "1982-12-30"}, "income": {"business": 1_500_000}}
    corrected = {**case, "income": {"business": 1_800_000}}
    refs = assessment.apply_declarations([
        assessment.Declared(city["hanako"], 2026, case, "declaration:R08-1:v1"),
        assessment.Declared(city["taro"], 2026, case, "declaration:R08-2:v1"),
        assessment.Declared(city["hanako"], 2026, corrected, "declaration:R08-1:v2"),
    ])
    assert refs == [f"assessment:2026:{city['hanako']}:v1", f"assessment:2026:{city['taro']}:v1",
                    f"assessment:2026:{city['hanako']}:v2"]
    hanako = list(Assessment.objects.filter(atena_number=city["hanako"]).order_by("version"))
    assert [a.source for a in hanako] == ["declaration:R08-1:v1", "declaration:R08-1:v2"]
    assert hanako[1].total_income > hanako[0].total_income > 0


def _population(make_staff: Any, households: int = 30, seed: int = 5) -> int:
    """A small random city on 1月1日 2026: households of one to four (世帯主, 妻, 子), salaries, pensions, a
    spouse and children on the head's 給与支払報告書; returns the number of residents."""
    rng = random.Random(seed)
    load_towns(TOWNS)
    clerk = make_staff(roles=["counter"])
    salary: list[dict[str, object]] = []
    pension: list[dict[str, object]] = []
    serial = 31_000_000_000
    residents = 0
    for h in range(households):
        size = rng.choice([1, 1, 2, 3, 4])
        head_born = dt.date(rng.randint(1940, 1998), rng.randint(1, 12), rng.randint(1, 28))
        members = [("世帯主", head_born, "M")]
        if size >= 2:
            members.append(("妻", head_born + dt.timedelta(days=rng.randint(-900, 900)), "F"))
        members += [("子", dt.date(rng.randint(2004, 2023), rng.randint(1, 12), rng.randint(1, 28)), rng.choice("MF"))
                    for _ in range(size - 2)]
        persons = []
        for n, (rel, born, sex) in enumerate(members):
            serial += 1
            persons.append(NewPerson(f"試験 {h}の{n}", "シケン タロウ", born, sex, rel, my_number=make_my_number(serial)))
        apply(move_in_command(moved_on=dt.date(2024, 4, 1), notified_on=dt.date(2024, 4, 2), persons=tuple(persons),
                              town_code=rng.choice(TOWNS)["code"]), actor=clerk)
        residents += len(persons)
        head, *others = persons
        age = 2025 - head.birth_date.year
        if age < 70 and rng.random() < 0.8:
            paid = rng.choice([1_000_000, 1_100_000, 1_625_000, 3_300_000, 5_000_000, 8_500_000, 12_000_000])
            row: dict[str, object] = {"my_number": head.my_number, "name": head.name, "kana": head.kana,
                                      "birth_date": head.birth_date, "salary_paid": paid, "salary_income": 0,
                                      "withholding_tax": paid // 50, "social_insurance": paid * 14 // 100,
                                      "life_general_new": rng.choice([0, 40_000, 120_000]),
                                      "earthquake_insurance_deduction": rng.choice([0, 20_000])}
            wife = next((p for p in others if p.relationship == "妻"), None)
            if wife is not None and rng.random() < 0.6:
                row.update(spouse=True, spouse_name=wife.name, spouse_birth_date=wife.birth_date,
                           spouse_total_income=rng.choice([0, 480_000, 1_000_000]))
            for n, child in enumerate([p for p in others if p.relationship == "子"], start=1):
                young = child.birth_date.year > 2009
                key = "young" if young else "dep"
                row.update({f"{key}{n}_name": child.name, f"{key}{n}_birth_date": child.birth_date,
                            f"{key}{n}_cohabiting": True, f"{key}{n}_class": "under16" if young else "general"})
            salary.append(salary_row(**row))
        if age >= 65:
            pension.append({"income_year": 2025, "payer_number": "7000012050002", "payer_name": "日本年金機構",
                            "my_number": head.my_number, "name": head.name, "kana": head.kana,
                            "birth_date": head.birth_date, "address": "神戸市中央区加納町6丁目5番1号",
                            "pension_paid": rng.choice([700_000, 1_500_000, 2_400_000, 3_300_000]),
                            "withholding_tax": 0, "social_insurance": rng.randint(0, 200_000), "spouse": False})
    store_report("eltax-city.csv", *salary)
    report_intake.store_file("pension_report", reports.write_rows(reports.PENSION_REPORT, pension).encode("cp932"),
                             "nenkin-city.csv")
    return residents


def _stored() -> dict[str, dict[str, Any]]:
    money = ("total_income", "taxable_income", "city_income_levy", "pref_income_levy", "city_per_capita",
             "pref_per_capita", "forest_env_tax", "total", "taxable", "version", "inputs_hash")
    return {a.atena_number: {"result": a.explanation(), **{k: getattr(a, k) for k in money}}
            for a in Assessment.objects.select_related("rule_set")}


@pytest.mark.spark
@pytest.mark.slow
def test_the_assess_command_on_spark_stores_what_numpy_stores(make_staff: Any) -> None:
    """Issue 5: ``jichitai tax assess --engine spark`` (PySpark mapInArrow) from PostgreSQL gives the assessment
    the NumPy engine gives, yen for yen and step for step (地方税法第319条の2 賦課; 第318条 賦課期日)."""
    from django.core.management import call_command

    residents = _population(make_staff)
    out = io.StringIO()
    call_command("tax", "assess", "--fiscal-year", "2026", "--engine", "spark", stdout=out)
    assert f"(spark): 対象 {residents:,} 人, 新規 {residents:,}" in out.getvalue()
    assert set(Assessment.objects.values_list("engine", flat=True)) == {"spark"}
    by_spark = _stored()
    assert sum(a["taxable"] for a in by_spark.values()) > 5 and sum(a["total"] for a in by_spark.values()) > 0
    assert any(a["result"]["income_deductions"]["spouse"] for a in by_spark.values())      # the reports reached it
    assert any(a["result"]["income_deductions"]["dependent"] for a in by_spark.values())

    Assessment.objects.all().delete()
    call_command("tax", "assess", "--fiscal-year", "2026", stdout=io.StringIO())
    assert set(Assessment.objects.values_list("engine", flat=True)) == {"numpy"}
    by_numpy = _stored()
    assert by_spark.keys() == by_numpy.keys() and len(by_spark) == residents
    differ = [atena for atena in by_spark if by_spark[atena] != by_numpy[atena]]
    assert differ == [], by_spark[differ[0]]


def test_the_assessment_in_chunks_stores_what_one_pass_stores(city: dict[str, str]) -> None:
    """Consistency: the city streamed one resident at a time (chunk=1) gives the same versions as one chunk, and a
    re-run in chunks of two finds every input unchanged."""
    one = assessment.run(2026, chunk=1)
    assert (one.considered, one.created) == (2, 2)
    stored = sorted(Assessment.objects.values_list("atena_number", "total", "inputs_hash"))
    Assessment.objects.all().delete()
    whole = assessment.run(2026, chunk=10_000)
    assert sorted(Assessment.objects.values_list("atena_number", "total", "inputs_hash")) == stored
    again = assessment.run(2026, chunk=2)
    assert (whole.created, again.unchanged, again.created) == (2, 2, 0)


@pytest.mark.django_db(transaction=True)
def test_the_assessment_in_worker_processes_stores_what_one_process_stores(city: dict[str, str]) -> None:
    """``run(workers=2)`` (chunks assessed by two forked processes, each with its own connection; committed data,
    hence a transactional test) stores for each person the same version, figures and notes as the serial run,
    and counts the same; a re-run in two processes finds everyone unchanged. Consistency (the serial run is
    checked against the law above)."""
    fields = ("atena_number", "version", "source", "inputs_hash", "figures", "notes", "total", "taxable")
    serial = assessment.run(2026, chunk=1, workers=1)
    one = sorted(Assessment.objects.values_list(*fields))
    Assessment.objects.all().delete()
    parallel = assessment.run(2026, chunk=1, workers=2)
    assert sorted(Assessment.objects.values_list(*fields)) == one and len(one) == 2
    assert (parallel.considered, parallel.created, parallel.refused) == (serial.considered, serial.created, []) == (
        2, 2, [])
    again = assessment.run(2026, chunk=1, workers=2)
    assert (again.considered, again.unchanged, again.created) == (2, 2, 0)


def test_the_bulk_assessment_takes_a_return_with_land_and_shares(city: dict[str, str]) -> None:
    """A 確定申告書 as the synthetic city writes them (jichitai.synth.separate_returns: 居住用財産の長期譲渡,
    上場株式等 with a carried loss, 株式等譲渡所得割額, 配当 in 申告分離) through the bulk path, chunked and whole.
    Independent where the statute fixes it: 繰越損失 500,000 off 上場株式等 2,000,000 (附則第35条の2の6); the
    株式等譲渡所得割額 100,000 credited 市 3/5・県 2/5 (第314条の9, 第37条の4). The rest: consistency with the
    one-case engine."""
    from jichitai.tax.calc import calculate
    from tests.tax.test_final_returns import final_return, send

    send("kokuzei-sep.csv", final_return(land_long_term=10_000_000, land_long_term_residential=10_000_000,
                                         listed_stock=2_000_000, listed_stock_carryover=500_000,
                                         listed_dividend=300_000, withheld_stock_transfer=100_000))
    assessment.run(2026, chunk=1)
    taro = Assessment.objects.get(atena_number=city["taro"])
    assert taro.source.startswith("final_return:")
    answer = calculate(taro.case)
    assert answer["taxable_separate"]["land_long_term_residential"] == 10_000_000
    assert answer["listed_stock_loss"]["carryover_used"] == 500_000
    assert answer["taxable_separate"]["listed_stock"] == 1_500_000
    assert answer["tax_credits"]["withholding"] == {"city": 60_000, "pref": 40_000}
    assert taro.total == answer["total"] and taro.total_income == answer["total_income"]
    Assessment.objects.all().delete()
    assessment.run(2026, chunk=10_000)
    assert Assessment.objects.get(atena_number=city["taro"]).total == answer["total"]
