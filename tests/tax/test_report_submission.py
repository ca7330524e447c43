"""Issue 19 item 5: the 提出区分 of a re-sent 給与支払報告書 / 公的年金等支払報告書 (eLTAX 個人別明細書: 新規・追加・訂正・
取消; 板橋区 FAQ 1061113: re-sending as 新規 doubles the 支払金額). Expected values are independent where they
follow the 提出区分's meaning (a 訂正 replaces, a 取消 withdraws, an identical re-send changes nothing) and are
the figures written into the files; the clerk's decisions are consistency checks of our queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.common.checkdigit import make_my_number
from jichitai.tax import report_intake, report_review, reports
from jichitai.tax.assessment import services as assessment
from jichitai.tax.models import Assessment, ReceivedReport, SalaryEarnerChange
from tests.tax.conftest import TARO
from tests.tax.test_reports import salary_row

pytestmark = pytest.mark.django_db

MN = make_my_number(50000000001)


def send(name: str, *rows: dict[str, Any], layout: reports.Layout = reports.SALARY_REPORT) -> tuple[int, int]:
    return report_intake.store_file(layout.name, reports.write_rows(layout, list(rows)).encode("cp932"), name)


def in_force(my_number: str = MN, kind: str | None = None) -> list[int]:
    return [r.amount for r in report_intake.reports_for(my_number, 2025, kind)]


def test_a_correction_replaces_the_payers_earlier_report() -> None:
    send("a.csv", salary_row(my_number=MN, salary_paid=5_000_000))
    assert send("b.csv", salary_row(my_number=MN, salary_paid=5_200_000, submission="correction")) == (1, 0)
    assert in_force() == [5_200_000]
    first, second = ReceivedReport.objects.order_by("id")
    assert (first.status, first.superseded_by_id) == ("superseded", second.pk)
    assert (second.status, second.submission) == ("in_force", "correction")


def test_a_cancellation_withdraws_it_and_a_later_new_report_stands() -> None:
    send("a.csv", salary_row(my_number=MN))
    send("b.csv", salary_row(my_number=MN, submission="cancellation"))
    assert in_force() == []
    first = ReceivedReport.objects.order_by("id").first()
    assert first is not None and first.status == "withdrawn"
    assert send("b2.csv", salary_row(my_number=MN, submission="cancellation")) == (0, 1)  # the same 取消 again
    send("c.csv", salary_row(my_number=MN, salary_paid=4_000_000))
    assert in_force() == [4_000_000]


@pytest.mark.parametrize("submission", [None, "new", "addition", "correction"])
def test_an_identical_re_send_is_idempotent(submission: str | None) -> None:
    send("a.csv", salary_row(my_number=MN))
    assert send("again.csv", salary_row(my_number=MN, submission=submission)) == (0, 1)
    assert in_force() == [5_000_000] and ReceivedReport.objects.count() == 1


@pytest.mark.parametrize("submission", [None, "addition"])
def test_a_second_different_report_from_the_same_payer_is_held_not_summed(submission: str | None) -> None:
    send("a.csv", salary_row(my_number=MN, salary_paid=5_000_000))
    assert send("b.csv", salary_row(my_number=MN, salary_paid=5_300_000, submission=submission)) == (1, 0)
    assert in_force() == [5_000_000]
    held = ReceivedReport.objects.get(status="held")
    assert "訂正・取消の指定がありません" in held.hold_reason
    # another payer's report of the same person is a second income: both stand
    other = reports.make_corporate_number(300000000001)
    send("c.csv", salary_row(my_number=MN, payer_number=other, salary_paid=1_000_000, salary_income=450_000,
                             withholding_tax=0, year_end_adjusted=False))
    assert sorted(in_force()) == [1_000_000, 5_000_000]


@pytest.mark.parametrize("submission", ["correction", "cancellation"])
def test_a_correction_or_cancellation_with_nothing_to_correct_is_held(submission: str) -> None:
    send("a.csv", salary_row(my_number=MN, submission=submission))
    assert in_force() == []
    assert ReceivedReport.objects.get().hold_reason.endswith("の対象となる報告がありません")


def test_a_pension_report_correction_replaces_the_earlier_one() -> None:
    row = {"income_year": 2025, "payer_number": "7000012050002", "payer_name": "日本年金機構", "my_number": MN,
           "name": "年金 太郎", "kana": "ネンキン タロウ", "birth_date": dt.date(1950, 1, 1),
           "address": "神戸市中央区加納町6丁目5番1号", "pension_paid": 2_400_000, "withholding_tax": 0, "spouse": False}
    send("n1.csv", row, layout=reports.PENSION_REPORT)
    send("n2.csv", {**row, "pension_paid": 2_350_000, "submission": "correction"}, layout=reports.PENSION_REPORT)
    assert in_force(kind="pension_report") == [2_350_000]


def test_a_file_without_the_submission_item_is_read_as_new() -> None:
    text = reports.write_rows(reports.SALARY_REPORT, [salary_row(my_number=MN)])
    header, line = text.splitlines()[:2]
    cells = [(h, v) for h, v in zip(header.split(","), line.split(","), strict=True) if h != "提出区分"]
    data = (",".join(h for h, _ in cells) + "\r\n" + ",".join(v for _, v in cells) + "\r\n").encode()
    assert report_intake.store_file("salary_report", data, "old-layout.csv") == (1, 0)
    assert ReceivedReport.objects.get().submission == "new"


def test_a_bad_submission_is_refused_naming_the_item() -> None:
    text = reports.write_rows(reports.SALARY_REPORT, [salary_row(my_number=MN)]).replace("\r\n,", "\r\n修正,", 1)
    with pytest.raises(reports.ReportFileError) as exc:
        report_intake.store_file("salary_report", text.encode(), "bad.csv")
    assert exc.value.fields["problems"][0]["item"] == "提出区分"
    assert ReceivedReport.objects.count() == 0


def test_the_clerk_adopts_or_rejects_a_held_report(make_staff: Any) -> None:
    clerk = make_staff(roles=["tax_reviewer"])
    send("a.csv", salary_row(my_number=MN, salary_paid=5_000_000))
    send("b.csv", salary_row(my_number=MN, salary_paid=5_300_000))
    held = report_review.held_reports()
    assert [(h.name, h.rows[0]) for h in held] == [("山田 太郎", ("支払金額", 5_000_000, 5_300_000))]
    report_review.decide(clerk, held[0].id, "adopt")
    assert in_force() == [5_300_000]
    assert ReceivedReport.objects.get(amount=5_000_000).superseded_by_id == held[0].id
    send("c.csv", salary_row(my_number=MN, salary_paid=5_400_000))
    report_review.decide(clerk, report_review.held_reports()[0].id, "reject")
    assert in_force() == [5_300_000] and report_review.held_reports() == []
    with pytest.raises(report_review.ReviewError):
        report_review.decide(clerk, held[0].id, "adopt")  # decided already
    assert AuditEntry.objects.filter(action="tax.reports.review").count() == 2


def test_the_assessment_takes_the_corrected_report(city: dict[str, str]) -> None:
    """Taro's report (conftest: 5,000,000) corrected to 6,000,000, then the same again as 新規: assessed once on
    6,000,000 (the 給与収入 was doubled before)."""
    send("fix.csv", salary_row(my_number=TARO, name="青木 太郎", kana="アオキ タロウ", salary_paid=6_000_000,
                               salary_income=4_360_000, submission="correction"))
    send("dup.csv", salary_row(my_number=TARO, name="青木 太郎", kana="アオキ タロウ", salary_paid=6_000_000,
                               salary_income=4_360_000))
    assessment.run(2026)
    taro = Assessment.objects.get(atena_number=city["taro"])
    assert taro.case["income"]["salary"] == 6_000_000
    assert not any("確認待ち" in n for n in taro.notes)
    send("other.csv", salary_row(my_number=TARO, name="青木 太郎", kana="アオキ タロウ", salary_paid=6_100_000,
                                 salary_income=4_440_000))  # neither 訂正 nor 取消: held, and said so
    from jichitai.tax.assessment.inputs import people_of

    person = people_of(2026, [(city["taro"], "1980-05-01", "1", "28110")])[0]
    assert person.case["income"]["salary"] == 6_000_000
    assert any("確認待ちの支払報告書があります" in n for n in person.notes)


def test_a_salary_earner_change_is_stored_once() -> None:
    row = {"payer_number": "7000012050002", "payer_name": "株式会社みなと", "my_number": MN, "name": "山田 太郎",
           "kana": "ヤマダ タロウ", "birth_date": dt.date(1980, 5, 1), "address": "神戸市中央区加納町6丁目5番1号",
           "changed_on": dt.date(2026, 8, 31), "reason": "retired", "annual_tax": 240_000, "collected": 40_000,
           "uncollected": 200_000, "rest_collection": "ordinary"}
    assert send("idou.csv", row, layout=reports.SALARY_EARNER_CHANGE) == (1, 0)
    assert send("idou2.csv", row, layout=reports.SALARY_EARNER_CHANGE) == (0, 1)
    change = SalaryEarnerChange.objects.get()
    assert (change.reason, change.changed_on, change.data["uncollected"]) == ("retired", dt.date(2026, 8, 31), 200_000)
    assert MN not in str(change.data) and report_intake.vault().decrypt(change.recipient_my_number) == MN
    bad = {**row, "rest_collection": "new_employer"}
    with pytest.raises(reports.ReportFileError, match="誤り"):
        send("idou3.csv", bad, layout=reports.SALARY_EARNER_CHANGE)


def test_the_held_reports_page(login_as: Any) -> None:
    send("a.csv", salary_row(my_number=MN, salary_paid=5_000_000))
    send("b.csv", salary_row(my_number=MN, salary_paid=5_300_000))
    client = login_as("tax_reviewer")
    html = client.get("/tax/reports/held/").content.decode()
    assert "山田 太郎" in html and "5,000,000円" in html and "5,300,000円" in html
    held = ReceivedReport.objects.get(status="held")
    bad = client.post("/tax/reports/held/", {"report": held.pk, "decision": "maybe"})
    assert bad.status_code == 400 and "採用または不採用を選んでください" in bad.content.decode()
    assert client.post("/tax/reports/held/", {"report": held.pk, "decision": "adopt"}).status_code == 302
    assert in_force() == [5_300_000]
    assert login_as("counter").get("/tax/reports/held/").status_code == 403
