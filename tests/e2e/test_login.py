"""Issue 2, done means: the login page's demo accounts reach their role's home page (headless chromium)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_demo_accounts_reach_their_home_page(live_server: Any, page: Any, screenshot: Any) -> None:
    from django.core.management import call_command

    from jichitai.accounts.management.commands.seed_demo_staff import DEMO_STAFF

    call_command("seed_demo_staff")
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    screenshot("login")
    for username, full_name, _dept, _roles, password in DEMO_STAFF[:3] + DEMO_STAFF[-2:]:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("職員番号").fill(username)
        page.get_by_label("パスワード").fill(password)
        page.get_by_role("button", name="ログイン").click()
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
