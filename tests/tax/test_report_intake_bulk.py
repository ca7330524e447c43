"""Storing report files set-based (給与支払報告書, 地方税法第317条の6第1項; 公的年金等支払報告書, 同条第4項): a file of a
few thousand rows is stored completely, each row with its amount, its 個人番号 only as ciphertext and blind index;
a file delivered again from the same source is stored once, the same rows from another source are that source's
rows; a recipient twice in one file is stored once (the first row)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from jichitai.common.checkdigit import make_my_number
from jichitai.tax import report_intake, reports
from jichitai.tax.models import ReceivedReport
from tests.tax.test_reports import salary_row

pytestmark = pytest.mark.django_db

ROWS = 3_000


def city_salary_rows(n: int = ROWS, seed: int = 317) -> list[dict[str, Any]]:
    """``n`` recipients of two employers, some with a spouse and a dependant who have their own 個人番号."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        paid = rng.randrange(1_000_000, 12_000_000, 1000)
        row = salary_row(my_number=make_my_number(40000000000 + i), name=f"受給者 {i}", salary_paid=paid,
                         salary_income=paid * 7 // 10, withholding_tax=paid // 50,
                         payer_number="7000012050002" if i % 2 else reports.make_corporate_number(100000000000 + i % 7),
                         birth_date=dt.date(1960 + i % 40, 1 + i % 12, 1 + i % 28))
        if i % 3 == 0:
            row.update(spouse=True, spouse_name=f"配偶者 {i}", spouse_my_number=make_my_number(50000000000 + i))
            row.update(dep1_name=f"扶養 {i}", dep1_my_number=make_my_number(60000000000 + i),
                       dep1_birth_date=dt.date(2005, 4, 1), dep1_class="specific", dep1_cohabiting=True)
        rows.append(row)
    return rows


def _file(rows: list[dict[str, Any]], encoding: str = "cp932") -> bytes:
    return reports.write_rows(reports.SALARY_REPORT, rows).encode(encoding)


def test_a_file_of_thousands_of_rows_is_stored_completely() -> None:
    rows = city_salary_rows()
    assert report_intake.store_file("salary_report", _file(rows), "eltax-big.csv") == (ROWS, 0)
    v = report_intake.vault()
    stored = list(ReceivedReport.objects.order_by("id"))
    assert len(stored) == ROWS
    assert [s.line for s in stored] == list(range(2, ROWS + 2))  # ids follow the file's order
    for row, s in zip(rows, stored, strict=True):
        mn = str(row["my_number"])
        index = v.blind_index(mn)
        assert (s.kind, s.income_year, s.payer_number, s.source) == ("salary_report", 2025, row["payer_number"],
                                                                      "eltax-big.csv")
        assert s.amount == row["salary_paid"] == s.data["salary_paid"]
        assert s.recipient_index == index and v.decrypt(s.recipient_my_number) == mn
        assert mn not in s.recipient_my_number and mn not in str(s.data)
        assert s.data["my_number"] == f"bi:{index}"
        assert s.data["birth_date"] == str(row["birth_date"])
        assert s.received_at is not None and s.superseded_by_id is None
        if row.get("spouse_my_number"):
            assert s.data["spouse_my_number"] == f"bi:{v.blind_index(str(row['spouse_my_number']))}"
            assert s.data["dep1_my_number"] == f"bi:{v.blind_index(str(row['dep1_my_number']))}"
            assert s.data["dep1_birth_date"] == "2005-04-01" and s.data["dep1_class"] == "specific"
        else:
            assert s.data["spouse_my_number"] is None and s.data["dep1_birth_date"] is None
    picked = rows[1234]
    assert [r.amount for r in report_intake.reports_for(str(picked["my_number"]), 2025)] == [picked["salary_paid"]]


def test_the_data_is_the_parsed_row_with_each_my_number_replaced() -> None:
    """What ``data`` held when each row was stored by itself: the parsed row, dates in ISO form, each 個人番号
    as ``bi:`` and its blind index (the assessment and the review read these keys)."""
    (row,) = city_salary_rows(1)
    report_intake.store_file("salary_report", _file([row]), "one.csv")
    (parsed,) = reports.read_file(reports.SALARY_REPORT, _file([row]))
    v = report_intake.vault()
    expected = {k: (x.isoformat() if isinstance(x, dt.date) else x) for k, x in parsed.items()}
    for key in ("my_number", "spouse_my_number", "dep1_my_number"):
        expected[key] = "bi:" + v.blind_index(parsed[key])
    assert ReceivedReport.objects.get().data == expected


def test_a_file_stored_twice_from_one_source_or_re_sent_from_another_is_stored_once() -> None:
    """Consistency: an identical re-send is idempotent (issue 19 item 5: it used to be stored again and summed)."""
    rows = city_salary_rows(500)
    data = _file(rows)
    assert report_intake.store_file("salary_report", data, "eltax-1.csv") == (500, 0)
    assert report_intake.store_file("salary_report", data, "eltax-1.csv") == (0, 500)
    assert ReceivedReport.objects.count() == 500
    # the same rows (other bytes) from another source: the same reports, not stored again
    assert report_intake.store_file("salary_report", _file(rows, "utf-8"), "eltax-2.csv") == (0, 500)
    assert ReceivedReport.objects.count() == 500
    # a longer version of the first file adds only its new rows
    more = rows + city_salary_rows(510)[500:]
    assert report_intake.store_file("salary_report", _file(more), "eltax-3.csv") == (10, 500)
    assert ReceivedReport.in_force().count() == 510


def test_a_recipient_twice_in_one_file_is_stored_once_the_first_row() -> None:
    mn = make_my_number(40000099999)
    first, again = salary_row(my_number=mn, salary_paid=4_000_000), salary_row(my_number=mn, salary_paid=4_500_000)
    other_payer = salary_row(my_number=mn, payer_number=reports.make_corporate_number(200000000001),
                             salary_paid=1_000_000, salary_income=450_000, withholding_tax=0)
    assert report_intake.store_file("salary_report", _file([first, again, other_payer]), "dup.csv") == (2, 1)
    stored = {(r.payer_number, r.line): r.amount for r in ReceivedReport.objects.all()}
    assert stored == {("7000012050002", 2): 4_000_000, (other_payer["payer_number"], 4): 1_000_000}


def test_a_pension_report_file_stores_the_pension_paid() -> None:
    mn = make_my_number(40000088888)
    row = {"income_year": 2025, "payer_number": "7000012050002", "payer_name": "日本年金機構", "my_number": mn,
           "name": "年金 太郎", "kana": "ネンキン タロウ", "birth_date": dt.date(1950, 1, 1),
           "address": "神戸市中央区加納町6丁目5番1号", "pension_paid": 2_400_000, "withholding_tax": 0, "spouse": False}
    data = reports.write_rows(reports.PENSION_REPORT, [row]).encode("cp932")
    assert report_intake.store_file("pension_report", data, "nenkin.csv") == (1, 0)
    assert [r.amount for r in report_intake.reports_for(mn, 2025, "pension_report")] == [2_400_000]
