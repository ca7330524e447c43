"""Headless chromium (標準仕様書 1.1.10 j100, 4.0.4 j490, 4.0.5 j500): the 世帯主 of a household of three dies; the
clerk is first told to name a new 世帯主 or choose 「世帯主を定めない」, chooses the latter, sees 「世帯主未設定」 on the
household page and in the 対象者リスト, and prints the 世帯主変更依頼通知書 addressed to the 妻."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.registry.domain import NewPerson
from jichitai.registry.models import Household
from jichitai.registry.services import apply
from tests.registry.conftest import move_in_command
from tests.registry.counter_browser import receive
from tests.staff_login import browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_head_dies_household_left_without_head_and_notice(live_server: Any, page: Any, screenshot: Any,
                                                          towns: Any, make_staff: Any, tmp_path: Path) -> None:
    base = live_server.url
    clerk = make_staff(roles=["counter"], username="c0201")
    applied = apply(move_in_command(persons=(
        NewPerson("青木 太郎", "アオキ タロウ", dt.date(1980, 1, 7), "M", "世帯主"),
        NewPerson("青木 梅", "アオキ ウメ", dt.date(1950, 3, 3), "F", "母"),
        NewPerson("青木 花子", "アオキ ハナコ", dt.date(1982, 12, 30), "F", "妻"),
    )), actor=clerk)
    setai = applied.setai_numbers[0]
    browser_login(page, base, "c0201", "correct-horse-battery")
    page.wait_for_url(f"{base}/accounts/")

    page.goto(f"{base}/registry/changes/death/?setai={setai}")
    page.locator("input[name=moved_on]").fill("令和8年11月10日")  # 「死亡日」 and 「死亡日の不詳日」 both match the label
    page.get_by_label("届出日").fill("令和8年11月12日")
    page.get_by_label("死亡した方").select_option(label="青木 太郎（世帯主）")
    receive(page)
    page.get_by_role("button", name="入力内容を確認").click()
    assert "世帯主を定めない" in page.locator(".alert").first.inner_text()  # j490: the alert, nothing recorded
    page.get_by_label(re.compile("^世帯主を定めない")).check()
    page.get_by_role("button", name="入力内容を確認").click()
    assert "世帯主未設定となります" in page.content()
    page.get_by_role("button", name="記録する").click()
    # j490: 「引き続いて、4.0.5（世帯主変更依頼通知書）の処理が行えること」 — the household page follows
    page.wait_for_url(f"{base}/registry/households/{setai}/")
    assert Household.objects.get(pk=setai).head_atena_number == ""
    assert "世帯主未設定" in page.locator("dl.record").inner_text()
    screenshot("registry-household-head-unset")
    with page.expect_download() as download:
        page.get_by_role("link", name="世帯主変更依頼通知書を印刷").click()
    pdf = tmp_path / "notice.pdf"
    download.value.save_as(pdf)
    text = "".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                  check=True).stdout.split())
    assert "世帯主変更依頼通知書" in text and "青木花子様" in text and "令和8年11月10日" in text

    page.get_by_role("link", name="対象者リスト").click()
    row = page.locator("tr", has_text=setai)
    assert "青木 太郎" in row.inner_text() and "青木 花子" in row.inner_text() and "令和8年11月10日" in row.inner_text()
    screenshot("registry-head-unset-list")
    assert AuditEntry.objects.filter(action="registry.head_notice", detail__kind="request").exists()
