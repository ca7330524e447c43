"""Headless chromium (標準仕様書 4.1.4.3 j740 事実上の世帯主): on the household page a clerk records the 事実上の世帯主;
the page says it will be printed in the 備考 and lists the 記載 with who and when; then deletes it."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.registry import de_facto_heads
from jichitai.registry.services import apply
from tests.registry.conftest import move_in_command
from tests.staff_login import browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_clerk_records_and_deletes_the_de_facto_head(live_server: Any, page: Any, screenshot: Any, towns: Any,
                                                     make_staff: Any) -> None:
    """Independent (j740: 事実上の世帯主を管理し、備考（Ｃ類型）へその者の氏名が記載できること): an empty name is refused in
    Japanese; 「SMITH JOHN」 is recorded and shown with the 備考's words; 削除 leaves 「記載なし」 and the history."""
    base = live_server.url
    clerk = make_staff(roles=["counter"], username="c0740", full_name="窓口 四郎")
    setai = apply(move_in_command(), actor=clerk).setai_numbers[0]
    browser_login(page, base, "c0740", "correct-horse-battery")
    page.wait_for_url(f"{base}/accounts/")
    page.goto(f"{base}/registry/households/{setai}/")
    assert page.locator("#de-facto-head").inner_text() == "記載なし"
    page.get_by_role("button", name="事実上の世帯主を記載").click()
    assert "事実上の世帯主の氏名を入力してください" in page.content()
    page.get_by_label("事実上の世帯主の氏名（法適用外の外国人、施設長等）").fill("SMITH JOHN")
    page.get_by_role("button", name="事実上の世帯主を記載").click()
    assert "備考に「事実上の世帯主　SMITH JOHN」と記載されます" in page.locator("#de-facto-head").inner_text()
    screenshot("registry-household-de-facto-head")
    page.get_by_role("button", name="削除する").click()
    assert page.locator("#de-facto-head").inner_text() == "記載なし"
    page.locator("#df-h ~ details summary").click()
    history = page.locator("#df-h ~ details table").inner_text()
    assert "SMITH JOHN" in history and "（削除）" in history and "窓口 四郎" in history
    assert de_facto_heads.name_of(setai) == "" and len(de_facto_heads.history_of(setai)) == 2
