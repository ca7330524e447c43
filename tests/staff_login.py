"""Logging staff in from tests, through the second factor: the Django test client (a verified session) and the
browser (the real two steps: password, then the current TOTP code of the account's device)."""

from __future__ import annotations

from typing import Any


def log_in_verified(client: Any, staff: Any) -> Any:
    """What a real two-step login leaves behind, without typing a code: the session logged in, and bound (as
    ``django_otp.login`` binds it after a right code) to a confirmed TOTP device of that member of staff.
    The second-factor check stays on; tests/accounts/test_two_factor.py goes through the real steps."""
    from django_otp import DEVICE_ID_SESSION_KEY

    device = enrolled_device(staff)
    client.force_login(staff, backend="jichitai.accounts.backends.LockoutBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client.staff = staff
    return client


def enrolled_device(staff: Any) -> Any:
    """The member of staff's confirmed TOTP device, registered now if they have none (as if enrolled before)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=staff, confirmed=True).order_by("id").first()
    return device or TOTPDevice.objects.create(user=staff, name="jichitai", confirmed=True)


def current_code(staff: Any) -> str:
    """The code the member of staff's authenticator app would show now."""
    from jichitai.accounts import twofactor

    return twofactor.current_code(enrolled_device(staff))


def browser_login(page: Any, base: str, username: str, password: str) -> None:
    """Log in through the login page as a person does: 職員番号 and パスワード, then the 確認コード."""
    from jichitai.accounts.models import Staff

    staff = Staff.objects.get(username=username)
    enrolled_device(staff)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("職員番号").fill(username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url("**/accounts/otp/**")
    page.get_by_label("確認コード").fill(current_code(staff))
    page.get_by_role("button", name="確認").click()
