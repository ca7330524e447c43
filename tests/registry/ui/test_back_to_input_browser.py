"""Headless chromium: the clerk fills a 転入 of two, goes to the confirmation page (j540) and back with
「入力に戻る」, and finds every field as typed (it used to come back empty); the corrected 届出 is then recorded."""

from __future__ import annotations

import re
from typing import Any

import pytest

from jichitai.registry.models import Resident
from tests.registry.counter_browser import pick_town, receive
from tests.staff_login import browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TYPED = {
    "moved_on": "令和8年11月2日", "notified_on": "令和8年11月5日",
    "previous_address": "大阪府大阪市北区梅田1丁目", "previous_municipality_code": "27127",
    "banchi": "3番地", "katagaki": "三宮ハイツ5号",
    "p1-name": "山田 一郎", "p1-kana": "ヤマダ イチロウ", "p1-birth_date": "平成2年4月5日",
    "p2-name": "山田 春子", "p2-kana": "ヤマダ ハルコ", "p2-birth_date": "1992-06-07",
}
CHOSEN = {"p1-sex": "M", "p2-sex": "F", "p1-relationship": "世帯主", "p2-relationship": "妻"}


def test_back_to_input_keeps_a_move_in_typed(live_server: Any, page: Any, screenshot: Any, towns: Any,
                                             make_staff: Any) -> None:
    base = live_server.url
    make_staff(roles=["counter"], username="c0101")
    browser_login(page, base, "c0101", "correct-horse-battery")
    page.wait_for_url(f"{base}/accounts/")

    page.goto(f"{base}/registry/changes/move-in/")
    for name, value in TYPED.items():
        page.locator(f'[name="{name}"]').fill(value)
    for name, value in CHOSEN.items():
        page.locator(f'[name="{name}"]').select_option(value)
    pick_town(page, "さんのみや", "三宮町")
    receive(page)
    page.get_by_role("button", name="入力内容を確認").click()
    assert "まだ記録されていません" in page.content() and "中央区三宮町3番地" in page.content()

    page.get_by_role("button", name="入力に戻る").click()
    page.wait_for_selector('h1:has-text("転入の入力")')
    screenshot("registry-move-in-back-to-input")
    for name, value in {**TYPED, **CHOSEN, "town_code": "281100002"}.items():
        assert page.locator(f'[name="{name}"]').input_value() == value, name
    assert page.locator('[name="p3-name"]').input_value() == ""
    assert not Resident.objects.exists()

    # correct one item and record
    page.locator('[name="banchi"]').fill("4番地")
    page.get_by_role("button", name="入力内容を確認").click()
    assert "中央区三宮町4番地" in page.content()
    page.get_by_role("button", name="記録する").click()
    page.wait_for_url(re.compile(r".*/registry/residents/\d+/$"))
    assert set(Resident.objects.values_list("banchi", flat=True)) == {"4番地"}
    assert Resident.objects.count() == 2
