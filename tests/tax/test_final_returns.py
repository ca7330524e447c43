"""Issue 19 item 7: 確定申告書 data through 国税連携 (地方税法第317条の3第1項: a 確定申告書 is the 住民税 申告).
Our layout (tax.final_returns.FINAL_RETURN, docs/tax-inputs.md) is taken in whole or not at all; the assessment
uses the latest return before any 住民税申告 or report; the declarations review knows who filed one (NE03).
Expected amounts are the figures written into the return (consistency) except the 住宅借入金等特別控除, which is
the statute's formula (independent: 附則第5条の4の2, as 足利市・士別市 publish it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.tax import report_intake, reports
from jichitai.tax.assessment import services as assessment
from jichitai.tax.assessment.returns import case_from_final_return
from jichitai.tax.calc import calculate
from jichitai.tax.final_returns import FINAL_RETURN
from jichitai.tax.models import Assessment, FinalReturn
from tests.tax.conftest import TARO


def final_return(**over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "income_year": 2025, "return_kind": "final", "filed_on": dt.date(2026, 3, 10), "my_number": TARO,
        "name": "青木 太郎", "kana": "アオキ タロウ", "birth_date": dt.date(1980, 5, 1),
        "address": "神戸市中央区加納町6丁目5番1号", "salary_revenue": 5_000_000, "business_revenue": 3_000_000,
        "business_income": 1_000_000, "real_estate_revenue": 1_200_000, "real_estate_income": 500_000,
        "misc_other_revenue": 300_000, "misc_other_income": 250_000, "social_insurance": 900_000,
        "life_general_new": 80_000, "medical_paid": 300_000, "medical_reimbursed": 50_000,
        "donation_furusato": 40_000, "other_income_collection": "ordinary",
    }
    row.update(over)
    return row


def send(name: str, *rows: dict[str, Any]) -> tuple[int, int]:
    return report_intake.store_file(FINAL_RETURN.name, reports.write_rows(FINAL_RETURN, list(rows)).encode("cp932"),
                                    name)


def _stored(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}


def test_incomes_by_kind_deductions_and_residents_tax_items_reach_the_case() -> None:
    case, notes = case_from_final_return(2026, "1980-05-01", "1", _stored(final_return(
        land_long_term=2_000_000, listed_dividend=100_000, withheld_dividend=5_000, disability="general",
        spouse_name="青木 花子", spouse_birth_date="1982-12-30", spouse_total_income=0,
        rel1_name="青木 一郎", rel1_birth_date="1950-01-01", rel1_relation="parent", rel1_cohabiting=True,
        rel1_disability="special_cohabiting")))
    assert case["income"] == {"salary": 5_000_000, "public_pension": 0, "business": 1_000_000, "real_estate": 500_000,
                              "misc_other": 250_000, "dividend": 0}
    assert case["separate_income"]["land_long_term"] == 2_000_000 and case["separate_income"]["listed_dividend"] == 100_000
    assert case["local_tax_withheld"] == {"dividend": 5_000, "stock_transfer": 0}
    assert case["deductions"]["medical_expenses"] == {"paid": 300_000, "reimbursed": 50_000}
    assert case["donations"] == {"furusato": 40_000, "other": 0}
    assert case["taxpayer"]["disability"] == "general"
    assert case["dependents"] == [{"birth_date": "1950-01-01", "total_income": 0, "cohabiting": True,
                                   "relation": "parent", "disability": "special_cohabiting"}]
    assert any("自分で納付" in n for n in notes)


def test_a_business_loss_offsets_real_estate_and_the_rest_is_noted() -> None:
    case, notes = case_from_final_return(2026, "1980-05-01", "1", _stored(final_return(
        business_income=-800_000, real_estate_income=500_000)))
    assert (case["income"]["business"], case["income"]["real_estate"]) == (0, 0)
    assert any("損失 300,000円" in n for n in notes)


def test_the_housing_credit_from_a_return() -> None:
    """可能額 300,000; 算出税額 150,000 (配当控除 0) → 所得税で 150,000 控除, 残り 150,000; 課税される所得金額
    2,000,000 × 5% = 100,000 → 最高 97,500円."""
    case, _ = case_from_final_return(2026, "1980-05-01", "1", _stored(final_return(
        housing_loan_credit_available=300_000, income_tax_computed=150_000, income_tax_taxable=2_000_000,
        housing_moved_in_on=dt.date(2013, 4, 1), housing_loan_kind="住")))
    assert case["housing_loan_credit"] == 97_500


def test_the_reduced_long_term_parts_and_the_carried_loss_reach_the_case_and_the_tax() -> None:
    """Consistency (the return's figures reach the case), then the statute (附則第34条の2 — 特定分 2,100万 in 神戸市, a 指定都市:
    2,000万 × 3.2% + 100万 × 4% = 680,000 ([D] 2:8 split); 附則第35条の2の6 — 繰越損失 60万 off 上場株式等 50万, then 10万 off
    the 配当 40万 → 課税配当 300,000 × 4%). The file is read back with its optional columns."""
    row = final_return(land_long_term=21_000_000, land_long_term_qualified=21_000_000, listed_stock=500_000,
                       listed_dividend=400_000, listed_stock_carryover=600_000)
    read = reports.read_file(FINAL_RETURN, reports.write_rows(FINAL_RETURN, [row]).encode("cp932"))
    assert read[0]["listed_stock_carryover"] == 600_000
    case, _ = case_from_final_return(2026, "1980-05-01", "1", _stored(row))
    assert case["separate_income"]["land_long_term_qualified"] == 21_000_000
    assert case["carryover"] == {"listed_stock_loss": 600_000}
    answer = calculate(case)
    assert answer["taxable_separate"]["land_long_term_qualified"] == 21_000_000
    assert answer["listed_stock_loss"]["carryover_used"] == 600_000
    assert answer["taxable_separate"]["listed_dividend"] == 300_000
    assert answer["income_levy_separate"]["city"] == 680_000 + 300_000 * 4 // 100


def test_the_schedules_losses_by_year_are_deducted_oldest_first_and_carried_forward_by_year() -> None:
    """Independent (租税特別措置法第37条の12の2第5項「翌年以後3年内」, 同法施行令第25条の11の2第8項「最も古い年」, 地方税法
    附則第35条の2の6). 令和7年分 (令和8年度) with the 付表's 前年から繰り越された損失: 本年の3年前分 (令和4年) 300,000, 2年前分
    (令和5年) 200,000, 前年分 (令和6年) 400,000; 上場株式等の譲渡所得等 350,000, 配当所得等 100,000.
    By hand: 900,000 available, 450,000 of income to absorb (譲渡所得等 first, then 配当所得等): 令和4年 300,000 all,
    令和5年 150,000 (50,000 left, its last year is 令和8年), 令和6年 untouched → carried forward 令和5年分 50,000 and
    令和6年分 400,000 = 450,000; nothing lapses; 課税譲渡・課税配当 0.
    With 譲渡所得等 200,000 only: 令和4年 200,000 of 300,000 — its 100,000 left lapses (令和4年+3 = 令和7年 is its last
    year) — and 令和5年 200,000, 令和6年 400,000 carried forward (600,000)."""
    row = final_return(listed_stock=350_000, listed_dividend=100_000, listed_stock_carryover=450_000,
                       listed_loss_carried_3=300_000, listed_loss_carried_2=200_000, listed_loss_carried_1=400_000)
    read = reports.read_file(FINAL_RETURN, reports.write_rows(FINAL_RETURN, [row]).encode("cp932"))
    assert [read[0][f"listed_loss_carried_{a}"] for a in (3, 2, 1)] == [300_000, 200_000, 400_000]
    case, notes = case_from_final_return(2026, "1980-05-01", "1", _stored(row))
    assert case["carryover"] == {"listed_stock_loss_by_year": [
        {"year": 2022, "amount": 300_000}, {"year": 2023, "amount": 200_000}, {"year": 2024, "amount": 400_000}]}
    assert any("古い年の順" in n and "附則第35条の2の6" in n for n in notes)
    loss = calculate(case)["listed_stock_loss"]
    assert (loss["carryover_used"], loss["lapsed"], loss["remaining"]) == (450_000, 0, 450_000)
    assert loss["carried_forward"] == {"two_years_before": 50_000, "year_before": 400_000, "income_year": 0,
                                       "years_not_given": 0}

    case, _ = case_from_final_return(2026, "1980-05-01", "1", _stored(final_return(
        listed_stock=200_000, listed_stock_carryover=200_000, listed_loss_carried_3=300_000,
        listed_loss_carried_2=200_000, listed_loss_carried_1=400_000)))
    answer = calculate(case)
    loss = answer["listed_stock_loss"]
    assert (loss["carryover_used"], loss["lapsed"], loss["remaining"]) == (200_000, 100_000, 600_000)
    assert (loss["carried_forward"]["two_years_before"], loss["carried_forward"]["year_before"]) == (200_000, 400_000)
    lapsed = next(s for s in answer["steps"] if s["rule"].startswith("3年前に生じた譲渡損失"))
    assert lapsed["value"] == 100_000 and "租税特別措置法第37条の12の2第5項" in lapsed["basis"]


def test_a_carryover_deducted_above_the_schedules_losses_is_refused_naming_the_item() -> None:
    """Consistency with the 付表: the 第三表's 差し引く繰越損失額 comes out of the losses the 付表 carries in, so it
    cannot exceed their sum (100,000 + 50,000)."""
    text = reports.write_rows(FINAL_RETURN, [final_return(listed_stock=500_000, listed_stock_carryover=200_000,
                                                          listed_loss_carried_2=100_000, listed_loss_carried_1=50_000)])
    with pytest.raises(reports.ReportFileError) as exc:
        reports.read_file(FINAL_RETURN, text.encode())
    assert exc.value.fields["problems"][0]["item"] == "上場株式等から差し引く繰越損失額"


def test_a_loss_and_a_bad_kind_are_read_or_refused_naming_the_item() -> None:
    text = reports.write_rows(FINAL_RETURN, [final_return(business_income=-800_000)])
    assert reports.read_file(FINAL_RETURN, text.encode())[0]["business_income"] == -800_000
    with pytest.raises(reports.ReportFileError) as exc:
        reports.read_file(FINAL_RETURN, text.replace(",確定,", ",更正,").encode())
    assert exc.value.fields["problems"][0]["item"] == "申告の種類"


@pytest.mark.django_db
def test_the_assessment_takes_the_latest_return_before_reports(city: dict[str, str]) -> None:
    assert send("kokuzei-1.csv", final_return()) == (1, 0)
    assert send("kokuzei-1b.csv", final_return()) == (0, 1)  # the same return again
    assessment.run(2026)
    taro = Assessment.objects.get(atena_number=city["taro"])
    first = FinalReturn.objects.get()
    assert taro.source == f"final_return:{first.pk}"
    assert taro.case["income"]["business"] == 1_000_000 and taro.case["income"]["real_estate"] == 500_000
    # 給与所得 (5,000,000: 3,560,000) + 事業 1,000,000 + 不動産 500,000 + 雑 250,000
    assert taro.total_income == 3_560_000 + 1_750_000
    send("kokuzei-2.csv", final_return(return_kind="amended", filed_on=dt.date(2026, 5, 1), business_income=1_200_000))
    assessment.run(2026)
    latest = Assessment.objects.filter(atena_number=city["taro"]).order_by("-version").first()
    assert latest is not None and latest.version == 2 and latest.case["income"]["business"] == 1_200_000


@pytest.mark.django_db
def test_the_return_comes_before_a_residents_tax_declaration_and_voids_the_onestop(
        city: dict[str, str], monkeypatch: Any) -> None:
    import jichitai.tax.assessment.inputs as inputs
    from tests.tax.test_onestop import notice
    from tests.tax.test_onestop import send as send_notice

    send("kokuzei-1.csv", final_return())
    send_notice("sapporo.csv", notice())
    declared = {"fiscal_year": 2026, "taxpayer": {"birth_date": "1980-05-01"}, "income": {"salary": 5_000_000}}
    monkeypatch.setattr(inputs, "declared_cases", lambda fy, atenas=None: {city["taro"]: ("declaration:R1:v1", declared)})
    person = inputs.people_of(2026, [(city["taro"], "1980-05-01", "1", "28110")])[0]
    assert person.source.startswith("final_return:") and person.case["income"]["business"] == 1_000_000
    assert any("住民税申告 (declaration:R1:v1) もありますが確定申告書によります" in n for n in person.notes)
    assert any("申告特例は無効" in n for n in person.notes)


@pytest.mark.django_db
def test_the_declarations_review_knows_who_filed_a_return(city: dict[str, str]) -> None:
    from jichitai.declarations.cityindex import CityIndex
    from jichitai.declarations.evidence import load_final_returns

    send("kokuzei-1.csv", final_return())
    taro = report_intake.vault().blind_index(TARO)
    index = CityIndex(fiscal_year=2026)
    load_final_returns(index, [taro, "someone-else"])
    assert index.final_returns == {taro}
