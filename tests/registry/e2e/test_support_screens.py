"""Headless chromium, 標準仕様書 3.4 (j440) and 3.1 (j410): a counter clerk drafts a 支援措置 from the protected
person's page; a supervisor approves it on the 支援措置 page; the co-resident's page then warns that their
household is protected; a third party's 住民票の写し for the co-resident is refused on screen; the attempt shows
in the responsible staff's list; and a measure past its 終了日 is listed first as still in force."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.registry.models import Suppression
from tests.browser import SCREENSHOTS
from tests.registry.conftest import move_in_command
from tests.registry.counter_browser import receive
from tests.staff_login import browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page: Any, base: str, username: str) -> None:
    browser_login(page, base, username, "correct-horse-battery")
    page.wait_for_url(f"{base}/accounts/")


def test_support_measure_is_drafted_approved_and_protects_the_household(
        live_server: Any, browser: Any, page: Any, screenshot: Any, towns: Any, make_staff: Any) -> None:
    from jichitai.registry.services import apply

    base = live_server.url
    clerk = make_staff(roles=["counter"], username="c0301", full_name="窓口 三郎")
    make_staff(roles=["supervisor", "support_officer"], username="s0301", full_name="支援 花子")
    moved_in = apply(move_in_command(), actor=clerk)
    (taro, hanako), setai = moved_in.atena_numbers, moved_in.setai_numbers[0]

    # the clerk drafts the measure from 花子's page
    _login(page, base, "c0301")
    page.goto(f"{base}/registry/residents/{hanako}/")
    page.get_by_role("link", name="支援措置の申出を起案").click()
    page.get_by_label("申出の内容・理由").fill("配偶者からの暴力（DV）による支援措置の申出")
    page.get_by_role("button", name="起案する").click()
    page.wait_for_url(f"{base}/registry/residents/{hanako}/")
    assert "起案しました" in page.content()
    assert not Suppression.objects.exists()  # nothing in force before 決裁

    # the 支援措置責任者 approves it
    boss = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900}).new_page()
    _login(boss, base, "s0301")
    boss.goto(f"{base}/registry/suppressions/")
    assert "決裁待ちの申請（1件）" in boss.content() and "支援措置の開始" in boss.content()
    boss.get_by_role("button", name="決裁").click()
    boss.wait_for_selector("text=決裁しました")
    assert "設定中の抑止（1件）" in boss.content()
    row = Suppression.objects.get()
    assert (row.atena_number, row.kind, row.ends_on) == (hanako, "support", dt.date.today().replace(
        year=dt.date.today().year + 1) - dt.timedelta(days=1))

    # 太郎's page warns; a third party's 住民票の写し of 太郎 alone is refused on screen
    page.goto(f"{base}/registry/residents/{taro}/")
    assert "同じ世帯又は住所に支援措置の対象者がいます" in page.content()
    page.goto(f"{base}/registry/households/{setai}/certificate/")
    page.locator(f'[name="members"][value="{hanako}"]').uncheck()
    page.locator('[name="requester_kind"]').select_option("third_party")
    page.get_by_label("請求者氏名").fill("債権者 一郎")
    receive(page)
    page.get_by_role("button", name="交付する（PDF）").click()
    page.wait_for_selector("text=第三者からの請求には交付できません")
    screenshot("registry-support-third-party-refused")

    # the attempt is in the responsible staff's list, naming whom it protects
    boss.goto(f"{base}/registry/suppressions/attempts/")
    assert "拒否" in boss.content() and hanako in boss.content() and f"resident:{taro}" in boss.content()

    # past its 終了日 the measure stays in force and is listed first
    Suppression.objects.filter(pk=row.pk).update(ends_on=dt.date.today() - dt.timedelta(days=1))
    boss.goto(f"{base}/registry/suppressions/")
    assert "終了日を過ぎた抑止（1件）" in boss.content() and "自動的に終了しません" in boss.content()
    boss.screenshot(path=str(SCREENSHOTS / "registry-support-overdue.png"), full_page=True)
    boss.context.close()


def test_j410_the_support_officer_lifts_an_inquiry_suppression_for_a_while_on_screen(
        live_server: Any, browser: Any, page: Any, screenshot: Any, towns: Any, make_staff: Any) -> None:
    """Independent (j410): 「抑止が終了していない者について、抑止の一時解除ができること…一時解除後、一定時間経過後に
    自動で抑止状態に戻ること」. The clerk is refused 花子's page (照会抑止); the 支援措置責任者 lifts it on the 支援措置
    page with the purpose, choosing the clerk by name and 所属 (the list offers neither a bare 職員番号 nor the
    責任者 themselves); the clerk's page opens while a colleague at the next counter is still refused; when the
    time is over (the lift's times moved into the past: nobody acts) it is refused again; the lift, its reason
    and the clerk in words are in the 責任者's list."""
    from django.utils import timezone

    from jichitai.registry import suppression
    from jichitai.registry.models import TemporaryLift
    from jichitai.registry.services import apply

    base = live_server.url
    clerk = make_staff(roles=["counter"], username="c0302", full_name="窓口 四郎")
    colleague = make_staff(roles=["counter"], username="c0303", full_name="窓口 五郎")
    officer = make_staff(roles=["supervisor", "support_officer"], username="s0302", full_name="支援 七海")
    hanako = apply(move_in_command(), actor=clerk).atena_numbers[1]
    suppression.set_suppression(officer, hanako, "view", "本人からの照会抑止の申出", dt.date.today())

    _login(page, base, "c0302")
    page.goto(f"{base}/registry/residents/{hanako}/")
    assert "照会抑止が設定されています" in page.content()

    boss = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900}).new_page()
    _login(boss, base, "s0302")
    boss.goto(f"{base}/registry/suppressions/")
    boss.get_by_label("目的・理由").fill("本人の委任状を審査し、代理人に交付するため")
    choice = boss.get_by_label("事務を行う担当職員")
    offered = choice.locator("option").all_inner_texts()
    assert "窓口 四郎（shimin課）" in offered and "窓口 五郎（shimin課）" in offered
    assert not any("支援 七海" in o or "c0302" in o for o in offered)  # not oneself; words, not a 職員番号
    choice.select_option(label="窓口 四郎（shimin課）")
    boss.get_by_role("button", name="一時解除（30分）").click()
    boss.wait_for_selector("text=自動で抑止に戻ります")
    assert "一時解除中（令和" in boss.content() and "担当職員: 窓口 四郎（shimin課）" in boss.content()
    boss.screenshot(path=str(SCREENSHOTS / "registry-suppression-lifted-for-a-while.png"), full_page=True)

    page.goto(f"{base}/registry/residents/{hanako}/")
    assert "照会抑止が設定されています" not in page.content() and "青木 花子" in page.content()
    next_counter = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900}).new_page()
    _login(next_counter, base, colleague.username)
    next_counter.goto(f"{base}/registry/residents/{hanako}/")
    assert "照会抑止が設定されています" in next_counter.content() and "青木 花子" not in next_counter.content()
    next_counter.context.close()

    now = timezone.now()
    TemporaryLift.objects.update(starts_at=now - dt.timedelta(minutes=31), ends_at=now - dt.timedelta(minutes=1))
    page.goto(f"{base}/registry/residents/{hanako}/")
    assert "照会抑止が設定されています" in page.content()

    boss.goto(f"{base}/registry/suppressions/attempts/")
    assert "抑止の一時解除" in boss.content() and "代理人に交付するため" in boss.content()
    assert "窓口 四郎（shimin課）" in boss.content()
    boss.context.close()
