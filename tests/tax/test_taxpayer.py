"""The tax office's taxpayer page on PostgreSQL: search by 宛名番号, 氏名, フリガナ and 個人番号 (with a 利用目的 from
registry/purposes.py, audited), every assessment version with its inputs in words, explanation and schedule, the
reports behind it, and the notices printed from it; 照会抑止 through the Shield. Expected values: consistency with
our own stored rows, plus the independent 給与所得 of 5,000,000円 (所得税法第28条: 3,560,000円)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.tax import reports
from jichitai.tax.assessment import services as assessment
from jichitai.tax.collection import services as collection
from jichitai.tax.models import Assessment
from tests.tax.conftest import TARO, store_report
from tests.tax.test_reports import salary_row

pytestmark = pytest.mark.django_db


def _two_versions() -> None:
    assessment.run(2026)
    collection.build(2026, notice_on=dt.date(2026, 5, 15))
    store_report("eltax-3.csv", salary_row(my_number=TARO, name="青木 太郎", kana="アオキ タロウ",
                                           payer_number=reports.make_corporate_number(400000000001),
                                           payer_name="副業株式会社", salary_paid=600_000, salary_income=0,
                                           year_end_adjusted=False, social_insurance=0))
    assessment.run(2026)
    collection.build(2026, notice_on=dt.date(2026, 9, 15))


def test_search_by_kana_name_number_and_my_number_with_a_purpose(city: dict[str, str], login_as: Any) -> None:
    client = login_as("tax_reviewer", department="shiminzei")
    for query in ({"kana": "アオキ"}, {"name": "青木"}, {"atena_number": city["taro"].lstrip("0")}):
        page = client.get("/tax/taxpayers/", query).content.decode()
        assert f"/tax/taxpayers/{city['taro']}/" in page, query
    refused = client.get("/tax/taxpayers/", {"my_number": TARO})
    assert refused.status_code == 400 and "利用目的" in refused.content.decode()
    refusal = AuditEntry.objects.get(action="tax.taxpayer.view", outcome="refused", detail__code="purpose_required")
    assert refusal.detail["criteria"] == {"my_number": "***"}  # its terms named, the 個人番号 masked (10.2)
    found = client.get("/tax/taxpayers/", {"my_number": TARO, "purpose": "chiho_zei"}).content.decode()
    assert f"/tax/taxpayers/{city['taro']}/" in found and TARO not in found
    entry = AuditEntry.objects.filter(action="tax.taxpayer.view", resource="search", outcome="ok").last()
    assert entry.detail["criteria"] == {"my_number": "***", "my_number_purpose": "chiho_zei"}


def test_the_page_shows_every_version_with_inputs_schedule_sources_and_prints_the_notices(
        city: dict[str, str], login_as: Any) -> None:
    _two_versions()
    client = login_as("tax_reviewer", department="shiminzei")
    html = client.get(f"/tax/taxpayers/{city['taro']}/").content.decode()
    v1, v2 = Assessment.objects.filter(atena_number=city["taro"]).order_by("version")
    assert "第2版（現在）" in html and "第1版" in html and f"{v1.total:,}円" in html and f"{v2.total:,}円" in html
    assert "給与収入" in html and "5,000,000円" in html and "給与支払報告書・公的年金等支払報告書" in html
    assert "副業株式会社" in html and "株式会社みなと" in html and "有効" in html  # the reports behind it
    assert "6月分" in html and "給与からの特別徴収" in html and "地方税法第314条の2" in html
    assert "兵庫県神戸市中央区加納町" in html and "281100001" not in html
    for url in (f"/tax/taxpayers/{city['taro']}/2026/notice.pdf",
                f"/tax/taxpayers/{city['taro']}/2026/notice.pdf?version=1",
                f"/tax/taxpayers/{city['taro']}/2026/tokucho/7000012050002.pdf"):
        pdf = client.get(url)
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf", url
    assert client.get(f"/tax/taxpayers/{city['taro']}/2026/tokucho/1234567890123.pdf").status_code == 404
    assert client.get("/tax/taxpayers/000000000000009/").status_code == 404
    assert f"/tax/certificates/?atena_number={city['taro']}&amp;fiscal_year=2026" in html
    assert AuditEntry.objects.filter(action="tax.notice.print", resource=f"resident:{city['taro']}").count() == 3


def test_view_suppression_of_a_co_resident_refuses_the_page(city: dict[str, str], login_as: Any,
                                                            protect: Any) -> None:
    """標準仕様書 3.1 (j410): the page shows 太郎's address, 花子's too; under her 照会抑止 it is refused and audited,
    and the search lists 太郎 by 宛名番号 only."""
    assessment.run(2026)
    protect(city["hanako"], "view")
    client = login_as("tax_reviewer", department="shiminzei")
    refused = client.get(f"/tax/taxpayers/{city['taro']}/")
    assert refused.status_code == 403 and "照会抑止" in refused.content.decode()
    assert "加納町" not in refused.content.decode()
    assert client.get(f"/tax/taxpayers/{city['taro']}/2026/notice.pdf").status_code == 403
    listed = client.get("/tax/taxpayers/", {"kana": "アオキ"}).content.decode()
    assert "照会抑止の対象者" in listed and "青木 太郎" not in listed


def test_a_counter_clerk_may_not_open_it(city: dict[str, str], login_as: Any) -> None:
    assert login_as("counter").get(f"/tax/taxpayers/{city['taro']}/").status_code == 403


def test_a_refund_is_shown_as_an_amount_a_person_reads(city: dict[str, str], login_as: Any) -> None:
    """A 更正 that leaves more already due than the new tax shows its 還付 as 「12,345円」 with the condition the
    schedule states (還付 only of what was paid), not as a bare integer. Consistency: the figure is set on our own
    stored schedule."""
    from jichitai.tax.models import CollectionSchedule

    assessment.run(2026)
    collection.build(2026, notice_on=dt.date(2026, 5, 15))
    CollectionSchedule.objects.filter(atena_number=city["taro"]).update(refund=12_345)
    client = login_as("tax_reviewer", department="shiminzei")
    html = client.get(f"/tax/taxpayers/{city['taro']}/").content.decode()
    assert "還付（納付済みの場合） 12,345円" in html and "12345円" not in html
