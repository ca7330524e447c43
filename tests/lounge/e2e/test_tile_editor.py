"""Issue 25 item 4 (「chart type per tile」), in headless chromium (/usr/bin/chromium): a staff member builds a
dashboard of a KPI tile and a bar tile in the tile editor by keyboard and clicks — no script of ours runs on
the form — saves it and sees both; the form passes axe-core's WCAG 2.1 A/AA rules (JIS X 8341-3:2016 AA)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.a11y import violations
from tests.lounge.e2e.test_dashboards import charts_drawn, login, watch

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page whose Content-Security-Policy lets the test inject axe-core, as tests/declarations/e2e/
    test_portal_a11y.py; that the charts draw under the site's own policy is tests/lounge/e2e/test_dashboards.py's."""
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    yield context.new_page()
    context.close()


def test_a_kpi_tile_and_a_bar_tile_built_by_keyboard_and_clicks(live_server: Any, page: Any, screenshot: Any,
                                                                make_staff: Any, lounge: Any) -> None:
    base = live_server.url
    problems = watch(page)
    make_staff(roles=["analyst"], username="tiles1", full_name="政策 一郎")
    login(page, base, "tiles1")
    page.goto(f"{base}/lounge/")
    page.get_by_role("link", name="ダッシュボードを作る").click()
    page.get_by_label("タイトル", exact=True).fill("世帯の状況")
    assert violations(page) == []

    # tile 1: 世帯数 as a KPI — the indicator chosen, then its choices shown (反映) by keyboard
    first = page.get_by_role("group", name="1枚目のタイル")
    first.get_by_label("指標", exact=True).select_option(label="世帯数（世帯人員別）")
    first.get_by_role("button", name="1枚目のタイルに指標の選択を反映").focus()
    page.keyboard.press("Enter")
    first = page.get_by_role("group", name="1枚目のタイル")
    first.get_by_label("表示の種類").select_option(label="KPI（数値）")
    first.get_by_label("タイトル（空欄なら指標名）").fill("世帯数（全体）")

    # tile 2: added (Space on the button), 世帯人員 across as bars
    page.get_by_role("button", name="タイルを追加").focus()
    page.keyboard.press("Space")
    second = page.get_by_role("group", name="2枚目のタイル")
    assert second.get_by_label("指標", exact=True).input_value() == "households"  # the last tile's indicator
    second.get_by_label("表示の種類").select_option(label="棒グラフ")
    second.get_by_label("横軸の区分（棒グラフ・表）").select_option(label="世帯人員")
    second.get_by_label("タイトル（空欄なら指標名）").fill("世帯人員別の世帯数")
    assert page.get_by_role("group", name="1枚目のタイル").get_by_label("タイトル（空欄なら指標名）").input_value() == "世帯数（全体）"
    assert violations(page) == []
    screenshot("lounge-tile-editor")

    # Enter in a text field saves (the form's default button), it does not press 反映 or 削除
    second.get_by_label("タイトル（空欄なら指標名）").press("Enter")
    page.wait_for_url("**/lounge/d/*/")
    assert page.get_by_role("heading", name="世帯の状況").is_visible()
    kpi = page.locator(".kpi", has=page.get_by_role("heading", name="世帯数（全体）"))
    assert re.fullmatch(r"[\d,]+世帯", kpi.locator(".kpi-figure").inner_text())
    panel = page.locator('section.panel[data-kind="bar"]', has=page.get_by_role("heading", name="世帯人員別の世帯数"))
    assert panel.count() == 1
    assert charts_drawn(page) == 1
    assert panel.locator("[data-spec] canvas").count() == 1
    screenshot("lounge-tile-editor-saved")
    assert problems == []
