"""Headless chromium (標準仕様書 1.1.15 j150): a clerk writes a メモ on the resident page, a supervisor corrects it,
the clerk deletes it; the page shows who wrote each version and when (和暦), and the history stays after the
削除. The 備考 is not touched."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.registry.models import Resident, ResidentMemo
from jichitai.registry.services import apply
from tests.registry.conftest import move_in_command
from tests.staff_login import browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    browser_login(page, base, username, "correct-horse-battery")
    page.wait_for_url(f"{base}/accounts/")


def test_memo_written_corrected_deleted_with_its_history(live_server: Any, page: Any, screenshot: Any, towns: Any,
                                                         make_staff: Any) -> None:
    base = live_server.url
    clerk = make_staff(roles=["counter"], username="c0301", full_name="窓口 一郎")
    make_staff(roles=["supervisor"], username="s0301", full_name="係長 花子")
    taro = apply(move_in_command(), actor=clerk).atena_numbers[0]
    url = f"{base}/registry/residents/{taro}/"

    _login(page, base, "c0301")
    page.goto(url)
    page.get_by_role("button", name="メモを記入する").click()  # empty: refused in Japanese, nothing kept
    assert "メモを入力してください" in page.content() and not ResidentMemo.objects.exists()
    page.get_by_label("メモを記入").fill("郵便物は勤務先気付を希望（本人申出）")
    page.get_by_role("button", name="メモを記入する").click()
    memo = page.locator("article.memo")
    assert "郵便物は勤務先気付を希望（本人申出）" in memo.inner_text() and "記入: 窓口 一郎 令和" in memo.inner_text()

    _login(page, base, "s0301")
    page.goto(url)
    page.locator("article.memo summary", has_text="修正・削除").click()
    page.locator("article.memo textarea").fill("郵便物は勤務先気付を希望（令和8年12月まで）")
    page.get_by_role("button", name="修正する").click()
    memo = page.locator("article.memo")
    assert "（令和8年12月まで）" in memo.inner_text() and "修正: 係長 花子" in memo.inner_text()
    assert "最初の記入: 窓口 一郎" in memo.inner_text()
    screenshot("registry-resident-memo")

    _login(page, base, "c0301")
    page.goto(url)
    page.locator("article.memo summary", has_text="修正・削除").click()
    page.get_by_role("button", name="削除する").click()
    assert "メモはありません" in page.content()
    page.locator("details.memo summary").first.click()
    page.locator("details.memo details summary").first.click()
    history = page.locator("details.memo table").inner_text()
    for seen in ("記入", "修正", "削除", "窓口 一郎", "係長 花子", "勤務先気付を希望（本人申出）"):
        assert seen in history, seen
    assert Resident.objects.get(pk=taro).note == ""
