"""Tax report files through the hub's file intake (給与支払報告書, 地方税法第317条の6第1項; 公的年金等支払報告書,
同条第4項): parsed once, stored for tax in the transaction that records the file, its log entry and its audit
entry; a file delivered twice is taken once; a file with one bad row stores nothing."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.hub import files
from jichitai.hub.models import ExchangedFile, MessageLogEntry
from jichitai.tax import report_intake, reports
from jichitai.tax.models import ReceivedReport
from tests.tax.test_report_intake_bulk import city_salary_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def payroll(make_system: Any) -> Any:
    system, _ = make_system(code="kojin_juminzei_test", feeds={"salary-report": None}, my_number=True)
    return system


def _file(rows: list[dict[str, Any]], encoding: str = "cp932") -> bytes:
    return reports.write_rows(reports.SALARY_REPORT, rows).encode(encoding)


def test_a_file_is_parsed_once_and_stored_with_the_hub_records(payroll: Any, monkeypatch: Any) -> None:
    calls: list[int] = []
    parse_rows = reports.parse_rows

    def counted(*args: Any) -> Any:
        calls.append(1)
        return parse_rows(*args)

    monkeypatch.setattr(reports, "parse_rows", counted)
    rows = city_salary_rows(2_000)
    got = files.receive(payroll, "salary-report", "kyuyo.csv", _file(rows))
    assert calls == [1]
    assert got.file.status == "accepted" and got.file.rows == 2_000 and not got.duplicate
    stored = ReceivedReport.objects.filter(source=f"hub:{got.file.pk}")
    assert stored.count() == 2_000
    v = report_intake.vault()
    assert sorted(stored.values_list("recipient_index", "amount")) == sorted(
        (v.blind_index(str(r["my_number"])), r["salary_paid"]) for r in rows)
    assert MessageLogEntry.objects.get(seq=got.file.log_seq or 0).count == 2_000
    assert AuditEntry.objects.filter(action="hub.file.send", outcome="ok").count() == 1


def test_a_file_delivered_twice_is_stored_once_and_the_same_rows_in_another_file_again(payroll: Any) -> None:
    rows = city_salary_rows(300)
    first = files.receive(payroll, "salary-report", "kyuyo.csv", _file(rows))
    again = files.receive(payroll, "salary-report", "kyuyo.csv", _file(rows))
    assert again.duplicate and again.file.pk == first.file.pk
    assert ExchangedFile.objects.filter(direction="in").count() == 1 and ReceivedReport.objects.count() == 300
    assert MessageLogEntry.objects.filter(kind="file_in_duplicate").count() == 1
    # the same rows in other bytes are another file, but the same reports: not stored again (issue 19 item 5)
    other = files.receive(payroll, "salary-report", "kyuyo-utf8.csv", _file(rows, "utf-8"))
    assert not other.duplicate and other.file.pk != first.file.pk
    assert ReceivedReport.objects.count() == 300
    # a 訂正 of one of them through the hub replaces it
    fixed = {**rows[0], "salary_paid": rows[0]["salary_paid"] + 1, "submission": "correction"}
    files.receive(payroll, "salary-report", "teisei.csv", _file([fixed]))
    assert ReceivedReport.in_force().count() == 300
    assert ReceivedReport.objects.get(status="superseded").amount == rows[0]["salary_paid"]


def test_a_salary_earner_change_file_reaches_the_tax_office(make_system: Any) -> None:
    """給与所得者異動届出書 (地方税法第321条の7) on its own feed."""
    import datetime as dt

    from jichitai.common.checkdigit import make_my_number
    from jichitai.tax.models import SalaryEarnerChange

    system, _ = make_system(code="kyuyo_idou_test", feeds={"salary-earner-change": None}, my_number=True)
    row = {"payer_number": "7000012050002", "payer_name": "株式会社みなと", "my_number": make_my_number(50000000077),
           "name": "山田 太郎", "kana": "ヤマダ タロウ", "birth_date": dt.date(1980, 5, 1),
           "address": "神戸市中央区加納町6丁目5番1号", "changed_on": dt.date(2026, 8, 31), "reason": "retired"}
    data = reports.write_rows(reports.SALARY_EARNER_CHANGE, [row]).encode("cp932")
    got = files.receive(system, "salary-earner-change", "idou.csv", data)
    assert got.file.status == "accepted"
    assert SalaryEarnerChange.objects.get().source == f"hub:{got.file.pk}"


def test_one_bad_row_in_a_large_file_stores_nothing(payroll: Any) -> None:
    rows = city_salary_rows(2_000)
    rows[1_500]["my_number"] = "123456789011"  # wrong check digit
    got = files.receive(payroll, "salary-report", "kyuyo.csv", _file(rows))
    assert got.file.status == "quarantined" and got.file.rows == 1_999
    assert [(p["line"], p["item"]) for p in got.file.problems] == [(1_502, "受給者個人番号")]
    assert not ReceivedReport.objects.exists()


def test_a_failure_after_the_rows_are_stored_leaves_neither_file_nor_rows(payroll: Any, monkeypatch: Any) -> None:
    from jichitai.audit import services as audit

    def unavailable(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(audit, "record", unavailable)
    with pytest.raises(RuntimeError):
        files.receive(payroll, "salary-report", "kyuyo.csv", _file(city_salary_rows(200)))
    assert not ExchangedFile.objects.exists() and not ReceivedReport.objects.exists()
    assert not MessageLogEntry.objects.filter(kind="file_in").exists()
