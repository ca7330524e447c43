"""Issue 22 item 5, the counter as a clerk uses it, in a real browser (headless chromium): the 町字 picker by かな
and by 郵便番号, a 転居 sent with the form's defaults untouched, a 転入 with errors and the one summary at the top,
and a 続柄 change through the editor (標準仕様書 4.1 異動の入力, j540 入力確認, j730 続柄の変更)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from jichitai.registry.models import Resident, ResidentHistory
from tests.registry.counter_browser import pick_town, receive
from tests.staff_login import browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page: Any, live_server: Any, make_staff: Any, username: str) -> str:
    base = live_server.url
    make_staff(roles=["counter"], username=username)
    browser_login(page, base, username, "correct-horse-battery")
    page.wait_for_url(f"{base}/accounts/")
    return str(base)


def test_town_picker_finds_a_town_by_kana_and_by_postcode(live_server: Any, page: Any, towns: Any,
                                                          make_staff: Any, screenshot: Any) -> None:
    """Independent: the towns and their よみ/郵便番号 are the fixture's 住所辞書 rows (Kobe's published codes)."""
    base = _login(page, live_server, make_staff, "c0201")
    page.goto(f"{base}/registry/changes/move-in/")
    select = page.locator('[name="town_code"]')
    assert select.locator("option").count() == 1                      # no long drop-down: only the prompt
    query = page.get_by_label("町字の検索（かな・郵便番号）")
    query.fill("さんのみや")                                           # hiragana against the dictionary's カナ
    expect(select).to_have_value("281100002")
    assert "三宮町" in select.locator("option:checked").inner_text()
    query.fill("6500001")                                              # 郵便番号 of 加納町
    expect(select).to_have_value("281100001")
    query.fill("中央区")                                               # two towns, in 町字 order (code order)
    expect(select.locator("option")).to_have_count(3)
    assert [o.strip() for o in select.locator("option").all_inner_texts()[1:]] == [
        "中央区 加納町（〒650-0001）", "中央区 三宮町（〒650-0021）"]
    assert "該当 2件" in page.locator(".town-status").inner_text()
    screenshot("registry-town-picker")


def test_move_within_with_the_defaults_untouched_is_recorded(live_server: Any, page: Any, household: Any,
                                                             make_staff: Any) -> None:
    """Consistency: the whole household moves (the ticked default), into a new household at the new address,
    not refused as a move into the household it already is (the old form pre-filled that)."""
    base = _login(page, live_server, make_staff, "c0202")
    setai = household.setai_numbers[0]
    page.goto(f"{base}/registry/households/{setai}/")
    page.get_by_role("link", name="転居").click()
    assert page.locator('[name="setai_number"]').input_value() == ""
    page.get_by_label("異動日").fill("令和8年11月20日")
    pick_town(page, "すみよし", "住吉宮町")
    page.locator('[name="banchi"]').fill("2番地")
    receive(page)
    page.get_by_role("button", name="入力内容を確認").click()
    assert "まだ記録されていません" in page.content(), page.locator(".alert").all_inner_texts()
    page.get_by_role("button", name="記録する").click()
    page.wait_for_url(re.compile(r".*/registry/residents/\d+/$"))
    moved = Resident.objects.filter(pk__in=household.atena_numbers)
    assert {(r.town_code, r.banchi) for r in moved} == {("281010001", "2番地")}
    assert ResidentHistory.objects.filter(reason="move_within").count() == 2
    history = page.locator("#hist-h + table").inner_text()             # words, not codes: the town by name,
    assert "東灘区住吉宮町2番地" in history and "281010001" not in history  # no 異動ID (a UUID)
    change_id = str(ResidentHistory.objects.filter(reason="move_within").first().change_id)
    assert change_id not in page.locator("body").inner_text()  # read by no one (a link's address may carry it)
    assert "本人（個人番号カード）" in history


def test_move_in_with_errors_shows_one_summary_and_quiet_empty_slots(live_server: Any, page: Any, towns: Any,
                                                                    make_staff: Any, screenshot: Any) -> None:
    """Consistency: the errors are the form's own (性別 not chosen, a date it cannot read); slots 3 and 4, left
    empty, say nothing."""
    base = _login(page, live_server, make_staff, "c0203")
    page.goto(f"{base}/registry/changes/move-in/")
    assert page.locator('[name="p1-sex"]').input_value() == ""        # no default sex
    assert page.locator('[name="p1-relationship"]').input_value() == "世帯主"
    assert page.locator('[name="p2-relationship"]').input_value() == ""
    page.get_by_label("異動日").fill("令和8年11月2日")
    page.get_by_label("転入前住所（国外は国名等）").fill("大阪府大阪市北区梅田1丁目")
    pick_town(page, "かのう", "加納町")
    page.locator('[name="banchi"]').fill("1番地")
    page.locator('[name="p1-name"]').fill("川西 一郎")
    page.locator('[name="p1-birth_date"]').fill("平成2年4月5日")
    page.locator('[name="p2-name"]').fill("川西 次郎")
    page.locator('[name="p2-birth_date"]').fill("平成99年13月1日")
    page.locator('[name="p2-sex"]').select_option("M")
    receive(page)
    page.get_by_role("button", name="入力内容を確認").click()
    summary = page.locator(".error-summary")
    assert summary.count() == 1
    text = summary.inner_text()
    assert "入力内容に誤りがあります（2件）" in text
    assert "異動者1の性別" in text and "異動者2の生年月日" in text and "平成99年はありません" in text  # 平成 ended in 31
    assert "生年月日: 生年月日" not in text  # the item is named once
    assert "birth_date" not in page.content().split("<form")[0]
    for slot in (3, 4):
        assert page.locator(f'fieldset:has([name="p{slot}-name"]) .errorlist').count() == 0
    assert summary.get_by_role("link", name="異動者1の性別").get_attribute("href") == "#id_p1-sex"
    assert page.locator('[name="town_code"]').input_value() == "281100001"  # the town kept as chosen
    screenshot("registry-move-in-error-summary")
    assert not Resident.objects.exists()


def test_head_change_with_the_relationship_editor(live_server: Any, page: Any, household: Any,
                                                  make_staff: Any) -> None:
    """Consistency: 世帯主変更 to the wife, the former head's 続柄 set to 夫 with the per-person select."""
    base = _login(page, live_server, make_staff, "c0204")
    setai = household.setai_numbers[0]
    page.goto(f"{base}/registry/households/{setai}/")
    page.get_by_role("link", name="世帯主変更", exact=True).click()  # not 「世帯主変更通知書を印刷」
    page.get_by_label("異動日").fill("令和8年11月25日")
    wife = Resident.objects.get(name="青木 花子")
    page.get_by_label("新しい世帯主").select_option(wife.atena_number)
    page.get_by_label("青木 太郎の新しい続柄").select_option("夫")
    page.get_by_label("青木 花子の新しい続柄").select_option("世帯主")
    receive(page)
    page.get_by_role("button", name="入力内容を確認").click()
    assert "まだ記録されていません" in page.content(), page.locator(".alert").all_inner_texts()
    page.get_by_role("button", name="記録する").click()
    page.wait_for_load_state()
    rel = dict(Resident.objects.values_list("name", "relationship"))
    assert rel == {"青木 太郎": "夫", "青木 花子": "世帯主"}
