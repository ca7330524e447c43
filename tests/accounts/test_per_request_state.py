"""Who asks, and what they may do, is read afresh on every request (issue 24 item 7): the staff member, their
roles and their confirmed authenticator devices come in one query (accounts.backends.load_staff) and the actions
their roles grant are worked out once a request (policy._granted), yet nothing a request knows outlives it.

Consistency tests against our own safeguards (DESIGN.md §5 and §10: one permission check ``allowed``; 住民記録
システム標準仕様書 10.3: access by role, two factors): a removed role, a disabled account or a reset second
factor count from the very next request, and every navigation entry is shown and served only when ``allowed``
says so for that person."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse

from jichitai.accounts import roles as R
from jichitai.accounts.management.commands.seed_demo_staff import DEPARTMENT_DUTIES
from jichitai.accounts.models import Role
from jichitai.accounts.navigation import ENTRIES
from jichitai.accounts.policy import ACTIONS, allowed
from tests.staff_login import log_in_verified

pytestmark = pytest.mark.django_db


def _role(code: str) -> Role:
    return Role.objects.get_or_create(code=code, defaults={"name": R.ROLES[code]})[0]


def test_a_removed_role_is_refused_on_the_next_request_and_a_granted_one_counts(login_as: Any) -> None:
    client = login_as(R.COUNTER_CLERK)
    page = client.get("/")
    assert client.get("/registry/").status_code == 200 and 'href="/registry/"' in page.content.decode()
    client.staff.roles.set([_role(R.ANALYST)])        # the 窓口 role taken away (as a role change applies it)
    assert client.get("/registry/").status_code == 403
    assert 'href="/registry/"' not in client.get("/").content.decode()
    client.staff.roles.add(_role(R.COUNTER_CLERK))    # and given back
    assert client.get("/registry/").status_code == 200


def test_a_disabled_account_is_refused_on_the_next_request(login_as: Any) -> None:
    client = login_as(R.COUNTER_CLERK)
    assert client.get("/registry/").status_code == 200
    type(client.staff).objects.filter(pk=client.staff.pk).update(is_active=False)
    response = client.get("/registry/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_reset_second_factor_is_refused_on_the_next_request(login_as: Any) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = login_as(R.COUNTER_CLERK)
    assert client.get("/registry/").status_code == 200
    TOTPDevice.objects.filter(user=client.staff).update(confirmed=False)  # 二要素認証のリセット's effect
    response = client.get("/registry/")
    assert response.status_code == 302 and "/accounts/otp/" in response["Location"]
    TOTPDevice.objects.filter(user=client.staff).update(confirmed=True)
    assert client.get("/registry/").status_code == 302  # the session forgot the device: a code is asked again


def test_another_staff_members_device_does_not_verify_a_session(login_as: Any, make_staff: Any) -> None:
    from django_otp import DEVICE_ID_SESSION_KEY

    from tests.staff_login import enrolled_device

    client = login_as(R.COUNTER_CLERK)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = enrolled_device(make_staff(roles=[R.COUNTER_CLERK])).persistent_id
    session.save()
    assert "/accounts/otp/" in client.get("/registry/")["Location"]


def _entries() -> list[tuple[Any, str]]:
    out = []
    for entry in ENTRIES:
        try:
            out.append((entry, reverse(entry.url_name)))
        except NoReverseMatch:
            continue
    return out


def _department(action: str) -> str:
    duty = ACTIONS[action].duty
    return next((d for d, duties in DEPARTMENT_DUTIES.items() if duty in duties), "shimin") if duty else "shimin"


def test_each_navigation_link_is_shown_and_served_only_when_allowed(client: Any, make_staff: Any) -> None:
    """For every navigation entry and every role alone: the link is on the home page exactly when ``allowed``
    grants the entry's action, and a person it refuses does not reach the page (403, or the admin's own
    refusal)."""
    entries = _entries()
    assert len(entries) >= 10  # the walk covers the menu, not an empty list
    checked = refused = 0
    for role in R.ROLES:
        staff = make_staff(roles=[role], department=next(
            (_department(e.action) for e, _ in entries if role in ACTIONS[e.action].roles
             and ACTIONS[e.action].duty), "shimin"))
        log_in_verified(client, staff)
        home = client.get("/").content.decode()
        for entry, url in entries:
            shown = f'href="{url}"' in home
            assert shown == allowed(staff, entry.action), (role, entry.url_name)
            checked += 1
            # Django's admin is entered under its own action (admin.enter: an auditor enters it to read the log's
            # tables) though its menu link is for admin.access: the URL is refused by that action's answer
            guard = "admin.enter" if url.startswith("/admin/") else entry.action
            if not allowed(staff, guard):
                response = client.get(url)
                assert response.status_code in (302, 403), (role, url, response.status_code)
                if response.status_code == 302:  # only Django's admin answers by sending to its login
                    assert url.startswith("/admin/") and "/accounts/otp/" not in response["Location"]
                refused += 1
        client.logout()
    assert checked == len(R.ROLES) * len(entries) and refused > 0
