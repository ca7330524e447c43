"""Headless chromium (標準仕様書 1.1.19 j190 郵便物送付コード): on a 外国人住民's resident page a clerk records
「通称のみ」; the page then says so with the name the mail will carry and lists the setting with who and when."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.registry import mailing_codes
from jichitai.registry.domain import NewPerson
from jichitai.registry.services import apply
from tests.registry.conftest import move_in_command
from tests.staff_login import browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_clerk_records_tsusho_only_on_the_resident_page(live_server: Any, page: Any, screenshot: Any, towns: Any,
                                                        make_staff: Any) -> None:
    """Independent (j190: 「通称のみを希望するか、本名のみを希望するか」 managed per person): after 「通称のみ」 the page
    shows 「郵便物の宛名: 王 麗 様」 and the history row names the clerk; the stored code is 通称のみ."""
    base = live_server.url
    clerk = make_staff(roles=["counter"], username="c0419", full_name="窓口 三郎")
    wang = apply(move_in_command(persons=(NewPerson(
        "WANG LI", "ワン リー", dt.date(1995, 2, 3), "F", "世帯主", resident_kind="foreign", nationality="中国",
        residence_status="留学", residence_period="2年", residence_until=dt.date(2027, 3, 31),
        residence_card_number="AB12345678CD", tsusho="王 麗", tsusho_kana="オウ レイ"),)), actor=clerk).atena_numbers[0]
    browser_login(page, base, "c0419", "correct-horse-battery")
    page.wait_for_url(f"{base}/accounts/")
    page.goto(f"{base}/registry/residents/{wang}/")
    assert "指定なし（郵便物の宛名: WANG LI 様）" in page.locator("#mailing-code").inner_text()
    page.get_by_label("郵便物の宛名の記載").select_option(label="通称のみ")
    page.get_by_role("button", name="郵便物送付コードを設定").click()
    assert "郵便物送付コードを「通称のみ」にしました" in page.content()
    assert "通称のみ（郵便物の宛名: 王 麗 様）" in page.locator("#mailing-code").inner_text()
    page.locator("#mailing-h ~ details summary").click()
    history = page.locator("#mailing-h ~ details table").inner_text()
    assert "通称のみ" in history and "窓口 三郎" in history and "令和" in history
    screenshot("registry-resident-mailing-code")
    page.get_by_role("button", name="郵便物送付コードを設定").click()  # the same again: refused in Japanese
    assert "既に「通称のみ」です" in page.content()
    assert mailing_codes.code_of(wang).value == "tsusho" and len(mailing_codes.history_of(wang)) == 1
