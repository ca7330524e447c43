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
    assert backend.create_user({"sub": "idp|stranger"}) is None
    assert AuditEntry.objects.filter(action="login", outcome="refused", resource="oidc:idp|stranger").exists()
