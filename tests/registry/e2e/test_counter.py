"""Issue 3, done means (headless chromium): a counter clerk records a 転入 of a household of two (標準仕様書 4.1
異動の入力, with the confirmation step of j540), finds the new residents by kana (j300 検索), and issues a
住民票の写し (世帯連記式, 5.0 証明書の交付) as a PDF with a 発行番号, recorded in the 交付履歴 (j360)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.registry.models import CertificateIssuance, Resident, ResidentHistory
from tests.registry.counter_browser import pick_town, receive
from tests.staff_login import browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page: Any, base: str, username: str) -> None:
    browser_login(page, base, username, "correct-horse-battery")
    page.wait_for_url(f"{base}/accounts/")


def test_clerk_records_a_move_in_and_issues_a_certificate(live_server: Any, page: Any, screenshot: Any,
                                                          towns: Any, make_staff: Any, tmp_path: Path) -> None:
    base = live_server.url
    make_staff(roles=["counter"], username="c0001", full_name="窓口 一郎")
    _login(page, base, "c0001")

    # 転入届: the form, then the confirmation page, where nothing is written yet.
    page.goto(f"{base}/registry/")
    page.get_by_role("link", name="転入を入力").click()
    page.get_by_label("異動日").fill("令和8年11月2日")
    page.get_by_label("届出日").fill("令和8年11月5日")
    page.get_by_label("転入前住所（国外は国名等）").fill("大阪府大阪市北区梅田1丁目")
    page.get_by_label("転入前住所の市区町村コード（国内転入）").fill("27127")
    pick_town(page, "650-0021", "三宮町")
    page.locator('[name="banchi"]').fill("3番地")
    page.get_by_label("方書").fill("三宮ハイツ5号")
    for prefix, name, kana, birth, sex, rel in (("p1", "山田 一郎", "ヤマダ イチロウ", "平成2年4月5日", "M", "世帯主"),
                                                ("p2", "山田 春子", "ヤマダ ハルコ", "1992-06-07", "F", "妻")):
        page.locator(f'[name="{prefix}-name"]').fill(name)
        page.locator(f'[name="{prefix}-kana"]').fill(kana)
        page.locator(f'[name="{prefix}-birth_date"]').fill(birth)
        page.locator(f'[name="{prefix}-sex"]').select_option(sex)
        page.locator(f'[name="{prefix}-relationship"]').select_option(rel)
    receive(page)
    page.get_by_role("button", name="入力内容を確認").click()
    assert "まだ記録されていません" in page.content()
    assert "中央区三宮町3番地" in page.content()
    screenshot("registry-move-in-confirm")
    assert not Resident.objects.exists()
    page.get_by_role("button", name="記録する").click()
    page.wait_for_url(re.compile(r".*/registry/residents/\d+/$"))
    assert "国内転入" in page.content()
    head = Resident.objects.get(name="山田 一郎")
    assert ResidentHistory.objects.filter(reason="move_in_domestic").count() == 2
    screenshot("registry-resident")

    # 検索 by kana typed in hiragana (folded to katakana), then the household's certificate.
    page.goto(f"{base}/registry/")
    page.get_by_label(re.compile("フリガナ")).first.fill("やまだ はるこ")
    page.get_by_role("button", name="検索").click()
    page.get_by_role("link", name=Resident.objects.get(name="山田 春子").atena_number).click()
    page.get_by_role("link", name="住民票の写しを交付").first.click()
    assert page.get_by_label(re.compile("山田 一郎")).is_checked()
    page.get_by_label("使用目的").fill("勤務先への提出")
    receive(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="交付する（PDF）").click()
    pdf = tmp_path / "juminhyo.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    issuance = CertificateIssuance.objects.get()
    assert "山田 一郎" in text and "山田 春子" in text and "令和" in text
    assert issuance.issue_number.split("-")[1] in text and head.atena_number in issuance.atena_numbers
    assert AuditEntry.objects.filter(action="registry.certificate.issue", outcome="ok").exists()

    # The resident's page shows the issuance (交付履歴) to the clerk.
    page.goto(f"{base}/registry/residents/{head.atena_number}/")
    assert issuance.issue_number in page.content()
    screenshot("registry-resident-with-issuance")
