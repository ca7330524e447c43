"""給与支払報告書 (地方税法第317条の6) and 公的年金等支払報告書 (第317条の13) CSV layouts: whole file or nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.common.checkdigit import make_my_number
from jichitai.tax import reports as r


def salary_row(**over: object) -> dict[str, object]:
    row: dict[str, object] = {
        "income_year": 2025, "payer_number": "7000012050002", "payer_name": "株式会社みなと",
        "my_number": make_my_number(10000000001), "name": "山田 太郎", "kana": "ヤマダ タロウ",
        "birth_date": dt.date(1980, 5, 1), "address": "神戸市中央区加納町6丁目5番1号",
        "salary_paid": 5_000_000, "salary_income": 3_560_000, "deductions_total": 1_180_000,
        "withholding_tax": 98_000, "year_end_adjusted": True, "social_insurance": 700_000, "spouse": False,
    }
    row.update(over)
    return row


def test_corporate_number_check_digit() -> None:
    # 法人番号の指定等に関する省令 第2条; 7000012050002 is the 国税庁's own published number
    assert r.is_valid_corporate_number("7000012050002")
    assert not r.is_valid_corporate_number("8000012050002")
    assert r.is_valid_corporate_number(r.make_corporate_number(123456789012))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_round_trip_in_every_accepted_encoding(encoding: str) -> None:
    text = r.write_rows(r.SALARY_REPORT, [salary_row(), salary_row(my_number=make_my_number(10000000002))])
    rows = r.read_file(r.SALARY_REPORT, text.encode(encoding))
    assert [row["salary_paid"] for row in rows] == [5_000_000, 5_000_000]
    assert rows[0]["birth_date"] == dt.date(1980, 5, 1)
    assert rows[0]["year_end_adjusted"] is True


def test_a_bad_file_is_refused_whole_naming_each_line_and_item() -> None:
    text = r.write_rows(r.SALARY_REPORT, [
        salary_row(),
        salary_row(my_number="123456789012"),                 # wrong check digit
        salary_row(salary_income=6_000_000),                  # more than paid
    ])
    text = text.replace("98000", "-5", 1)                    # negative amount on line 2
    with pytest.raises(r.ReportFileError) as err:
        r.read_file(r.SALARY_REPORT, text.encode())
    problems = {(p["line"], p["item"]) for p in err.value.fields["problems"]}
    assert problems == {(2, "源泉徴収税額"), (3, "受給者個人番号"), (4, "給与所得控除後の金額")}
    assert "ファイル全体を受け付けませんでした" in err.value.message


def test_missing_header_item_is_named() -> None:
    text = r.write_rows(r.PENSION_REPORT, []).replace("支払金額,", "")
    rows, problems = r.parse_rows(r.PENSION_REPORT, text)
    assert rows == [] and problems[0].item == "支払金額"


def test_undecodable_bytes_are_refused_not_guessed() -> None:
    with pytest.raises(r.ReportFileError):
        r.read_file(r.SALARY_REPORT, b"\x80\x81\xff\xfe" * 10)


def test_dependants_from_both_groups() -> None:
    row = salary_row(dep1_name="山田 一郎", dep1_my_number=make_my_number(3), dep1_birth_date=dt.date(2004, 4, 1),
                     dep1_class="specific", young1_name="山田 二郎", young1_birth_date=dt.date(2015, 1, 1))
    rows = r.read_file(r.SALARY_REPORT, r.write_rows(r.SALARY_REPORT, [row]).encode())
    deps = list(r.dependants(rows[0]))
    assert [(d["name"], d["class"]) for d in deps] == [("山田 一郎", "specific"), ("山田 二郎", "under16")]
