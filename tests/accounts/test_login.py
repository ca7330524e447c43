"""Login with argon2 passwords, lock-out after repeated failures, Japanese messages that help no attacker,
CSRF on every form, the content security policy, and a home page per role (issue 2)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import Client

from jichitai.accounts.views import BAD_LOGIN, LOCKED
from jichitai.audit.models import AuditEntry
from tests.staff_login import current_code

pytestmark = pytest.mark.django_db


def _post_login(client: Client, username: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2(make_staff: Any) -> None:
    staff = make_staff(roles=["counter"])
    assert identify_hasher(staff.password).algorithm == "argon2"


def test_login_reaches_the_role_home_page(make_staff: Any, client: Client) -> None:
    staff = make_staff(roles=["tax_reviewer"], username="zeimu", password="correct-horse-battery")
    response = _post_login(client, "zeimu", "correct-horse-battery")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/")
    response = client.post(response["Location"], {"code": current_code(staff)})
    assert response.status_code == 302 and response["Location"] == "/accounts/"
    page = client.get("/accounts/").content.decode()
    assert "税務審査" in page
    assert AuditEntry.objects.filter(action="login", outcome="ok", actor="staff:zeimu").exists()


def test_wrong_password_gives_one_message_for_unknown_and_known_users(make_staff: Any, client: Client) -> None:
    make_staff(username="known", password="correct-horse-battery")
    a = _post_login(client, "known", "wrong-password").content.decode()
    b = _post_login(client, "unknown-user", "wrong-password").content.decode()
    assert BAD_LOGIN in a and BAD_LOGIN in b
    assert AuditEntry.objects.filter(action="login", outcome="refused").count() == 2


def test_lockout_after_five_failures_even_with_the_right_password(make_staff: Any, client: Client) -> None:
    make_staff(username="target", password="correct-horse-battery")
    for _ in range(5):
        _post_login(client, "target", "guess")
    response = _post_login(client, "target", "correct-horse-battery")
    assert response.status_code == 401 and LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unknown_names_lock_out_the_same_way(client: Client) -> None:
    for _ in range(5):
        _post_login(client, "ghost", "guess")
    assert LOCKED in _post_login(client, "ghost", "guess").content.decode()


def test_a_locked_out_flood_writes_one_entry_a_minute(client: Client, a_minute_passes: Any) -> None:
    """Issue 18 (the audit chain is one hash chain): after the lock-out, every further attempt from the address
    is refused at once; the first of each minute per address and lock scope is audited (naming the name tried),
    the rest counted and reported by the next entry. Consistency (the bounds are ours, docs/security.md)."""
    for _ in range(5):
        _post_login(client, "ghost", "guess")
    for _ in range(30):
        assert LOCKED in _post_login(client, "ghost", "guess").content.decode()
    locked = AuditEntry.objects.filter(action="login", outcome="refused", detail__reason="locked")
    assert locked.count() == 1 and locked.get().resource == "staff:ghost"
    a_minute_passes()
    _post_login(client, "ghost", "guess")
    assert locked.count() == 2 and locked.order_by("-seq").first().detail["folded"] == 29


def test_forms_need_a_csrf_token(make_staff: Any) -> None:
    make_staff(username="csrf", password="correct-horse-battery")
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "csrf", "password": "correct-horse-battery"})
    assert response.status_code == 403


def test_security_headers(client: Client) -> None:
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "http" not in csp  # no outside origin anywhere
    assert response["X-Frame-Options"] == "DENY"
    assert response.cookies["csrftoken"]["samesite"] == "Strict"


def test_every_role_has_a_home_page(login_as: Any) -> None:
    from jichitai.accounts import roles as R

    for code, label in R.ROLES.items():
        page = login_as(code).get("/accounts/").content.decode()
        assert label in page, code


def test_inactive_staff_cannot_log_in(make_staff: Any, client: Client) -> None:
    make_staff(username="retired", password="correct-horse-battery", is_active=False)
    assert BAD_LOGIN in _post_login(client, "retired", "correct-horse-battery").content.decode()


def test_admin_for_sysadmin_refused_for_others_and_changes_audited(login_as: Any, make_staff: Any) -> None:
    clerk = login_as("counter")
    assert clerk.get("/admin/accounts/department/").status_code == 403
    assert AuditEntry.objects.filter(action="admin.enter", outcome="refused").exists()
    admin = login_as("sysadmin")
    assert admin.get("/admin/accounts/department/").status_code == 200
    response = admin.post("/admin/accounts/department/add/", {"code": "kokuho", "name": "国保年金課"})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="admin.add", resource__startswith="accounts.Department:").exists()


def test_the_auditor_opens_the_audit_log_in_the_admin_read_only_and_nothing_else(login_as: Any) -> None:
    """Issue 18 item 9: the auditor could not open the audit pages in the admin."""
    auditor = login_as("auditor")
    assert auditor.get("/admin/audit/auditentry/").status_code == 200
    assert auditor.get("/admin/audit/seal/").status_code == 200
    assert auditor.get("/admin/audit/auditentry/add/").status_code == 403
    assert auditor.get("/admin/accounts/staff/").status_code == 403
    assert "accounts/staff" not in auditor.get("/admin/").content.decode()
    admin = login_as("sysadmin")
    assert admin.get("/admin/audit/auditentry/").status_code == 200
    assert admin.get("/admin/audit/auditentry/add/").status_code == 403


def test_the_auditor_browses_and_verifies_the_log(login_as: Any) -> None:
    auditor = login_as("auditor")
    page = auditor.get("/audit/?outcome=ok").content.decode()
    assert "アクセスログ" in page
    result = auditor.post("/audit/verify/").content.decode()
    assert "改ざんはありません" in result
    assert login_as("counter").get("/audit/").status_code == 403


def test_our_stylesheet_is_served_from_our_own_static_files(client: Client) -> None:
    from django.contrib.staticfiles import finders

    assert finders.find("jichitai/jichitai.css")
    page = client.get("/accounts/login/").content.decode()
    assert '<link rel="stylesheet" href="/static/jichitai/jichitai.css">' in page
    assert "http://" not in page and "https://" not in page
