"""Headless chromium (標準仕様書 2.2.3 j370 文字コード照会: 「拡大して入力・照会ができるとともに、文字コードの照会が
できること」): from a resident page the clerk looks up the characters of the name and address; each is drawn
enlarged in the registry's font (IPAmj明朝, an SVG from the document engine) with its code points, its JIS X 0213
面区点, whether it is a 行政事務標準文字 and how the search treats it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.registry.domain import NewPerson
from jichitai.registry.services import apply
from tests.registry.conftest import move_in_command
from tests.staff_login import browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_clerk_enlarges_a_names_characters_and_reads_their_codes(live_server: Any, page: Any, screenshot: Any,
                                                                    towns: Any, make_staff: Any) -> None:
    """Independent on the codes (Unicode: 髙 U+9AD9, 葛 U+845B with the MJ sequence selector U+E0102; JIS X 0208's 橋
    is 22区22点 hence JIS X 0213 1面22区22点); consistency on the page's wording."""
    base = live_server.url
    clerk = make_staff(roles=["counter"], username="c0370", full_name="窓口 四郎")
    atena = apply(move_in_command(persons=(NewPerson(
        "髙橋 葛\U000e0102子", "タカハシ カツコ", dt.date(1970, 1, 2), "F", "世帯主"),)), actor=clerk).atena_numbers[0]
    browser_login(page, base, "c0370", "correct-horse-battery")
    page.wait_for_url(f"{base}/accounts/")
    page.goto(f"{base}/registry/residents/{atena}/")
    page.get_by_role("button", name="氏名・住所の文字を拡大・文字コード照会").click()
    table = page.locator("table.moji-table")
    rows = table.locator("tbody tr")
    first = rows.nth(0).inner_text()
    assert "U+9AD9" in first and "「高」として検索" in first and "なし" in first  # 髙: in no JIS standard
    assert "U+6A4B" in rows.nth(1).inner_text() and "1面22区22点" in rows.nth(1).inner_text()  # 橋
    sequence = rows.nth(2).inner_text()
    assert "U+845B U+E0102" in sequence and "あり" in sequence
    glyph = rows.nth(2).locator("img.moji-glyph")
    response = page.request.get(base + glyph.get_attribute("src"))
    assert glyph.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0  # drawn by the browser
    assert response.status == 200 and response.headers["content-type"] == "image/svg+xml"
    assert b"<path" in response.body()  # drawn as outlines, not text: the MJ shape whatever the PC's fonts
    page.locator("#moji-text").fill("亜")
    page.get_by_role("button", name="照会", exact=True).click()
    assert "1面16区01点" in table.inner_text()
    screenshot("registry-moji-lookup")
