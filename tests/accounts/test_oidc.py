"""Optional single sign-on: an identity provider's subject maps to an existing, active member of staff only."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.accounts.backends import StaffOIDCBackend
from jichitai.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def backend(settings: Any) -> StaffOIDCBackend:
    settings.OIDC_RP_CLIENT_ID = "jichitai"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://idp.city.lg.jp/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://idp.city.lg.jp/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://idp.city.lg.jp/jwks"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    return StaffOIDCBackend()


def test_subject_then_staff_number_match_existing_staff(backend: StaffOIDCBackend, make_staff: Any) -> None:
    by_sub = make_staff(username="s1", oidc_subject="idp|123")
    by_name = make_staff(username="s2")
    assert list(backend.filter_users_by_claims({"sub": "idp|123"})) == [by_sub]
    assert list(backend.filter_users_by_claims({"sub": "idp|999", "preferred_username": "s2"})) == [by_name]


def test_inactive_or_unknown_people_get_no_account(backend: StaffOIDCBackend, make_staff: Any) -> None:
    make_staff(username="gone", oidc_subject="idp|1", is_active=False)
    assert not backend.filter_users_by_claims({"sub": "idp|1"}).exists()
    assert backend.create_user({"sub": "idp|stranger"}) is None  # never an account (the audit: the test below)


def _refusal(resource: str) -> Any:
    return AuditEntry.objects.filter(action="login", outcome="refused", resource=resource).get()


def test_a_login_is_refused_and_audited_unless_the_tokens_name_one_member_of_staff(
        backend: StaffOIDCBackend, userinfo_endpoint: Any, make_staff: Any) -> None:
    """Independent: OpenID Connect Core 1.0 §2 (``sub`` REQUIRED in the ID token) and §5.3.2 (the UserInfo
    ``sub`` MUST match the ID token's, else its values MUST NOT be used); house rule: every refusal audited, on the
    path a real login takes (``OIDC_CREATE_USER`` off: the library's branch for nobody only logs)."""
    staff = make_staff(username="k0001", oidc_subject="idp|1")
    make_staff(username="k0002", oidc_subject="idp|2")
    backend.OIDC_OP_USER_ENDPOINT = userinfo_endpoint[1]
    userinfo_endpoint[0] = {"sub": "idp|1"}
    assert backend.get_or_create_user("at", "it", {"sub": "idp|1"}) == staff  # the real path works
    assert backend.get_or_create_user("at", "it", {"preferred_username": "k0001"}) is None
    assert _refusal("oidc:（subなし）").detail["reason"] == "subject_missing"
    userinfo_endpoint[0] = {"sub": "idp|2", "preferred_username": "k0002"}  # another person's UserInfo
    assert backend.get_or_create_user("at", "it", {"sub": "idp|1"}) is None
    assert _refusal("oidc:idp|1").detail["reason"] == "userinfo_subject_mismatch"
    userinfo_endpoint[0] = {"sub": "idp|stranger"}
    assert backend.get_or_create_user("at", "it", {"sub": "idp|stranger"}) is None
    assert _refusal("oidc:idp|stranger").detail["reason"] == "no_staff_account"
