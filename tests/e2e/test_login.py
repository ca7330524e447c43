"""Issue 2, done means: the login page's demo accounts reach their role's home page (headless chromium), through
the second factor (issue 18 item 4): password, then the TOTP code; the first login enrols an authenticator app."""

from __future__ import annotations

from typing import Any

import pytest

from tests.staff_login import browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_demo_accounts_reach_their_home_page(live_server: Any, page: Any, screenshot: Any) -> None:
    from django.core.management import call_command

    from jichitai.accounts.management.commands.seed_demo_staff import DEMO_STAFF

    call_command("seed_demo_staff")
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    screenshot("login")
    for username, full_name, _dept, _roles, password in DEMO_STAFF[:3] + DEMO_STAFF[-2:]:
        browser_login(page, live_server.url, username, password)
        page.wait_for_url(f"{live_server.url}/accounts/")
        assert full_name in page.content()
        screenshot(f"home-{username}")
        page.get_by_role("button", name="ログアウト").click()
        page.wait_for_url("**/accounts/login/")


def test_wrong_password_shows_a_japanese_message(live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("職員番号").fill("nobody")
    page.get_by_label("パスワード").fill("wrong-password")
    page.get_by_role("button", name="ログイン").click()
    assert page.get_by_role("alert").inner_text() == "職員番号またはパスワードが正しくありません。"


def test_first_login_enrols_an_authenticator_app_from_a_qr_code_drawn_locally(
        live_server: Any, page: Any, screenshot: Any, make_staff: Any) -> None:
    """住民記録システム標準仕様書 10.3 (二要素認証): a member of staff without a device registers one on first login;
    the QR code is an inline SVG drawn by the platform (no image fetched from anywhere)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jichitai.accounts import twofactor

    staff = make_staff(roles=["counter"], username="shinjin", password="correct-horse-battery")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("職員番号").fill("shinjin")
    page.get_by_label("パスワード").fill("correct-horse-battery")
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url("**/accounts/otp/enrol/**")
    assert page.locator("figure.otp-qr svg").count() == 1
    screenshot("otp-enrol")
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert page.locator("code.otp-secret").inner_text() == twofactor.secret_base32(device)
    page.get_by_label("確認コード").fill(twofactor.current_code(device))
    page.get_by_role("button", name="登録してログイン").click()
    assert page.locator("ol.recovery-codes code").count() == twofactor.RECOVERY_CODES  # shown once, here
    screenshot("otp-recovery-codes")
    page.get_by_role("link", name="保管しました。続ける").click()
    page.wait_for_url(f"{live_server.url}/accounts/")
    assert TOTPDevice.objects.get(user=staff).confirmed
    assert all(u.startswith(live_server.url) for u in requests), [u for u in requests if not u.startswith(live_server.url)]
