"""閲覧の状況の公表 (registry/inspection_disclosure.py) on PostgreSQL.

independent: what is published and what is not, from 住民基本台帳法第11条第3項 (国等: 機関の名称, 請求事由の概要),
第11条の2第12項 (申出者の氏名, 法人はその名称及び代表者又は管理人の氏名, 利用目的の概要; 第1項第3号の居住関係の確認は
除く) and 省令第3条 (閲覧の年月日, 閲覧に係る住民の範囲); the 年度 as the period, as cities publish it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from jichitai.audit.models import AuditEntry
from jichitai.common.errors import PermissionRefused
from jichitai.common.wareki import fiscal_year_of, to_wareki
from jichitai.registry import inspection, inspection_disclosure
from jichitai.registry.domain.inspection import Criteria
from tests.registry.test_inspection import KANO, application, street  # noqa: F401  (street: fixture)

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 12, 1)


@pytest.fixture
def three_lists(street: Any, clerk: Any) -> None:  # noqa: F811
    """A 法人's research list (40歳以上の女), a 区役所's official list, and a private 居住関係の確認."""
    inspection.make(actor=clerk, criteria=Criteria((KANO, "281100002"), ON, age_from=40, sex="F"),
                    application=application(representative="学長 神戸 太郎"), output="csv")
    inspection.make(actor=clerk, criteria=Criteria((KANO,), ON), output="csv", application=application(
        requester_kind="official", requester_name="兵庫県警察本部", purpose_kind="official",
        purpose="法令で定める事務の遂行のため（警察法第2条）"))
    inspection.make(actor=clerk, criteria=Criteria((KANO,), ON), output="csv", application=application(
        requester_name="訴訟 一郎", purpose_kind="residence", purpose="訴訟の相手方の居住関係の確認"))


def this_year() -> tuple[dt.date, dt.date]:
    return inspection_disclosure.fiscal_year_bounds(fiscal_year_of(timezone.localdate()))


def test_the_published_items_and_the_one_left_out(three_lists: None, clerk: Any) -> None:
    made = inspection_disclosure.report(clerk, *this_year())
    today = timezone.localdate()
    assert [r.cells(n) for n, r in enumerate(made.rows, start=1)] == [
        ["1", "個人又は法人", "神戸大学 社会調査研究室（学長 神戸 太郎）", "市民意識調査の対象者の抽出", to_wareki(today),
         "中央区加納町、中央区三宮町のうち令和8年12月1日現在で40歳以上・女性"],
        ["2", "国又は地方公共団体の機関", "兵庫県警察本部", "法令で定める事務の遂行のため（警察法第2条）", to_wareki(today),
         "中央区加納町"],
    ]
    assert made.left_out == 1 and "訴訟" not in str(made.rows)
    entry = AuditEntry.objects.get(action="registry.inspection", resource="inspection:disclosure")
    assert entry.detail["count"] == 2


def test_another_year_is_empty_and_the_period_is_the_fiscal_year(three_lists: None, clerk: Any) -> None:
    start, end = inspection_disclosure.fiscal_year_bounds(2024)
    made = inspection_disclosure.report(clerk, start, end)
    assert made.rows == [] and made.left_out == 0
    assert made.period == "令和6年4月1日から令和7年3月31日まで"


def test_only_the_clerks_who_handle_the_inspection_make_it(make_staff: Callable[..., Any]) -> None:
    """consistency: the one permission check, refusal audited."""
    with pytest.raises(PermissionRefused):
        inspection_disclosure.report(make_staff(roles=["analyst"]), *this_year())
    assert AuditEntry.objects.filter(resource="inspection:disclosure", outcome="refused").exists()


def test_the_page_and_the_file_for_the_web_site(three_lists: None, login_as: Callable[..., Any]) -> None:
    client = login_as("counter")
    page = client.get("/registry/inspection/disclosure/").content.decode()
    assert "閲覧の状況" in page and "神戸大学 社会調査研究室（学長 神戸 太郎）" in page and "公表の対象外 1件" in page
    assert "訴訟" not in page and "281100002" not in page           # words, not 町字コード
    got = client.get("/registry/inspection/disclosure/", {"format": "csv"})
    assert got["Content-Disposition"].endswith(f'etsuran-jokyo-{fiscal_year_of(timezone.localdate())}.csv"')
    text = got.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == inspection_disclosure.HEADER and len(rows) == 3
    bad = client.get("/registry/inspection/disclosure/", {"year": "令和"})
    assert bad.status_code == 400 and "年度は平成18年度から" in bad.content.decode()
    form = client.get("/registry/inspection/").content.decode()
    assert "/registry/inspection/disclosure/" in form and "代表者又は管理人の氏名" in form
