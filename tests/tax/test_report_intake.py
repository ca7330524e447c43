"""Storing accepted 給与支払報告書 files: whole file or nothing, My Number never stored in clear, idempotent."""

from __future__ import annotations

import pytest

from jichitai.common.checkdigit import make_my_number
from jichitai.tax import report_intake, reports
from jichitai.tax.models import ReceivedReport
from tests.tax.test_reports import salary_row

pytestmark = pytest.mark.django_db


def test_store_file_keeps_no_clear_my_number_and_is_idempotent() -> None:
    mn = make_my_number(20000000001)
    data = reports.write_rows(reports.SALARY_REPORT, [salary_row(my_number=mn)]).encode("cp932")
    report_intake.store_file("salary_report", data, "eltax-2026-0001.csv")
    report_intake.store_file("salary_report", data, "eltax-2026-0001.csv")
    assert ReceivedReport.objects.count() == 1
    stored = ReceivedReport.objects.get()
    assert mn not in str(stored.data) and mn not in stored.recipient_my_number
    assert report_intake.vault().decrypt(stored.recipient_my_number) == mn
    assert [r.amount for r in report_intake.reports_for(mn, 2025)] == [5_000_000]


def test_bad_file_stores_nothing() -> None:
    good = salary_row(my_number=make_my_number(20000000002))
    bad = salary_row(my_number="123456789011")
    data = reports.write_rows(reports.SALARY_REPORT, [good, bad]).encode()
    with pytest.raises(reports.ReportFileError):
        report_intake.store_file("salary_report", data, "bad.csv")
    assert ReceivedReport.objects.count() == 0
