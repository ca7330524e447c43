"""The counter's form for the 本籍地's notice of 氏名の振り仮名 (住基法第9条第2項), in headless chromium: recorded
through the confirmation, shown on the resident page beside (not instead of) the search フリガナ; a reading not in
片仮名 refused in words with nothing recorded.

**Independent**: the expected readings are what the notice says (typed in ひらがな, held in 片仮名: 戸籍法第13条第1項
第2号); the refusal is the statute's 片仮名 rule."""

from __future__ import annotations

import re
from typing import Any

import pytest

from jichitai.registry.models import Resident, ResidentHistory
from tests.registry.counter_browser import receive
from tests.staff_login import browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _open_form(page: Any, live_server: Any, make_staff: Any, household: Any, username: str) -> None:
    make_staff(roles=["counter"], username=username)
    browser_login(page, live_server.url, username, "correct-horse-battery")
    page.wait_for_url(f"{live_server.url}/accounts/")
    page.goto(f"{live_server.url}/registry/households/{household.setai_numbers[0]}/")
    page.get_by_role("link", name="氏名の振り仮名（本籍地からの通知）").click()
    page.get_by_label("対象の方").select_option(label="青木 太郎（世帯主）")
    page.get_by_label("戸籍に記載された日（異動日）").fill("令和8年5月26日")
    page.get_by_label("通知を受けた日").fill("令和8年5月28日")
    page.get_by_label("通知をした本籍地の市区町村").fill("大阪市北区")


def test_notice_recorded_and_shown_apart_from_the_search_kana(
    live_server: Any, page: Any, household: Any, make_staff: Any, screenshot: Any
) -> None:
    _open_form(page, live_server, make_staff, household, "c0401")
    page.get_by_label("氏の振り仮名").fill("あおき")
    page.get_by_label("名の振り仮名").fill("たろう")
    receive(page)
    page.get_by_role("button", name="入力内容を確認").click()
    assert "まだ記録されていません" in page.content(), page.locator(".alert").all_inner_texts()
    confirm = page.locator("main").inner_text()
    assert "氏の振り仮名" in confirm and "アオキ" in confirm and "タロウ" in confirm
    screenshot("registry-furigana-confirm")
    page.get_by_role("button", name="記録する").click()
    page.wait_for_url(re.compile(r".*/registry/residents/\d+/$"))
    record = page.locator("dl.record").inner_text()
    assert re.search(r"氏の振り仮名\s*アオキ", record) and re.search(r"名の振り仮名\s*タロウ", record)
    assert re.search(r"フリガナ\s*アオキ タロウ", record)
    assert "氏名の振り仮名の記載（本籍地からの通知）" in page.locator("#hist-h + table").inner_text()
    taro = Resident.objects.get(pk=household.atena_numbers[0])
    assert (taro.furigana_shi, taro.furigana_mei) == ("アオキ", "タロウ")


def test_reading_not_in_katakana_is_refused_in_words(
    live_server: Any, page: Any, household: Any, make_staff: Any
) -> None:
    _open_form(page, live_server, make_staff, household, "c0402")
    page.get_by_label("名の振り仮名").fill("Taro")
    receive(page)
    page.get_by_role("button", name="入力内容を確認").click()
    text = page.locator("main").inner_text()
    assert "名の振り仮名は片仮名で記載します" in text and "「T」" in text
    assert "furigana" not in text and "invalid" not in text
    assert not ResidentHistory.objects.filter(reason__startswith="furigana").exists()
