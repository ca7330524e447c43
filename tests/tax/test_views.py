"""The 区別集計 page (issue 5: a summary by ward of the annual assessment, 地方税法第319条の2): counts and totals of
所得割/均等割 per 区 from the current versions, a Vega-Lite chart from our own static files, guarded by
``allowed("tax.summary")`` and linked from the navigation."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.common.checkdigit import make_my_number
from jichitai.registry.domain import NewPerson
from jichitai.registry.services import apply
from jichitai.tax.assessment import services as assessment
from jichitai.tax.models import Assessment
from tests.registry.conftest import move_in_command
from tests.tax.conftest import store_report
from tests.tax.test_reports import salary_row

pytestmark = pytest.mark.django_db

SABURO = make_my_number(30000000011)


@pytest.fixture
def assessed(city: dict[str, str], make_staff: Any) -> dict[str, str]:
    """The ``city`` plus 東灘 三郎 (東灘区 since 2025, salary 8,000,000), assessed for 2026."""
    done = apply(move_in_command(moved_on=dt.date(2025, 3, 1), notified_on=dt.date(2025, 3, 2), town_code="281010001",
                                 persons=(NewPerson("東灘 三郎", "ヒガシナダ サブロウ", dt.date(1975, 7, 7), "M", "世帯主",
                                                    my_number=SABURO),)), actor=make_staff(roles=["counter"]))
    store_report("eltax-4.csv", salary_row(my_number=SABURO, name="東灘 三郎", kana="ヒガシナダ サブロウ",
                                           salary_paid=8_000_000, social_insurance=1_100_000))
    assessment.run(2026)
    return {**city, "saburo": done.atena_numbers[0]}


def cells(html: str, ward_code: str) -> list[str]:
    row = re.search(rf'<tr data-ward="{ward_code}">(.*?)</tr>', html, re.S)
    assert row, ward_code
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row.group(1), re.S)]


def test_the_tax_office_sees_each_ward_and_the_city_total(assessed: dict[str, str], login_as: Any) -> None:
    client = login_as("tax_reviewer")
    response = client.get("/tax/summary/?year=2026")
    assert response.status_code == 200
    html = response.content.decode()
    assert "令和8年度" in html
    saburo = Assessment.objects.get(atena_number=assessed["saburo"])
    taro = Assessment.objects.get(atena_number=assessed["taro"])
    # 東灘区 (28101) comes before 中央区 (28110); its one taxpayer's amounts, to the yen
    assert cells(html, "28101") == ["東灘区", "1", "1", "1", f"{saburo.city_income_levy:,}", f"{saburo.pref_income_levy:,}",
                                    f"{saburo.city_per_capita + saburo.pref_per_capita:,}",
                                    f"{saburo.forest_env_tax:,}", f"{saburo.total:,}"]
    assert html.index('data-ward="28101"') < html.index('data-ward="28110"')
    # 中央区: Taro liable, Hanako (no income) 非課税
    assert cells(html, "28110")[:4] == ["中央区", "2", "1", "1"] and cells(html, "28110")[-1] == f"{taro.total:,}"
    foot = re.search(r"<tfoot>(.*?)</tfoot>", html, re.S)
    assert foot and f"{saburo.total + taro.total:,}" in foot.group(1) and "市計" in foot.group(1)
    # the chart's data are the same figures, drawn by our own Vega files (no CDN)
    spec = json.loads(re.search(r'<script id="spec-ward-summary" type="application/json">(.*?)</script>', html,
                                re.S).group(1))  # type: ignore[union-attr]
    drawn = {(v["区"], v["区分"]): v["税額（円）"] for v in spec["data"]["values"]}
    assert drawn[("東灘区", "市民税所得割")] == saburo.city_income_levy
    assert drawn[("中央区", "均等割")] == taro.city_per_capita + taro.pref_per_capita
    assert "/static/vendor/vega/vega-lite.min.js" in html and "https://" not in html.replace(spec["$schema"], "")
    assert AuditEntry.objects.filter(action="tax.summary", resource="tax:ward-summary:2026", outcome="ok").exists()


def test_the_page_shows_the_current_version_after_a_correction(assessed: dict[str, str], login_as: Any) -> None:
    """更正: the page sums the newest version of each person, never both."""
    corrected = {"fiscal_year": 2026, "taxpayer": {"birth_date": "1975-07-07"}, "income": {"salary": 12_000_000}}
    assessment.apply_declaration(atena_number=assessed["saburo"], fiscal_year=2026, case=corrected,
                                 source="declaration:R08-9:v1")
    newest = Assessment.objects.get(atena_number=assessed["saburo"], version=2)
    html = login_as("tax_reviewer").get("/tax/summary/").content.decode()
    assert cells(html, "28101")[1] == "1" and cells(html, "28101")[-1] == f"{newest.total:,}"


def test_a_year_without_assessments_says_so(login_as: Any) -> None:
    html = login_as("tax_reviewer").get("/tax/summary/?year=2025").content.decode()
    assert "2025年度の賦課はまだありません" in html and "vega" not in html


def test_others_are_refused_and_the_link_is_only_for_the_tax_office(assessed: dict[str, str], login_as: Any,
                                                                    client: Any) -> None:
    assert client.get("/tax/summary/").status_code == 302  # anonymous: to the login page
    counter = login_as("counter")
    assert counter.get("/tax/summary/").status_code == 403
    assert AuditEntry.objects.filter(action="tax.summary", outcome="refused").exists()
    assert "/tax/summary/" not in counter.get("/accounts/").content.decode()
    tax = login_as("tax_reviewer")
    assert 'href="/tax/summary/"' in tax.get("/accounts/").content.decode()
    assert tax.post("/tax/summary/").status_code == 405
