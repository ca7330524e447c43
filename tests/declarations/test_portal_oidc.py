"""The residents' portal sign-in through OpenID Connect: the identity provider's claims name one resident, and
only claims about the subject of the verified ID token are used (issue 18: nothing leaks to someone who is not
the person)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.declarations.actors import ResidentActor
from jichitai.declarations.portal.oidc import ResidentOIDC

pytestmark = pytest.mark.django_db


def test_only_the_id_tokens_subject_signs_in_as_a_resident(resident: Any, userinfo_endpoint: Any) -> None:
    """Independent: OpenID Connect Core 1.0 §2 (``sub`` REQUIRED in the ID token) and §5.3.2 (the UserInfo
    ``sub`` MUST exactly match the ID token's; if not, the UserInfo values MUST NOT be used). Before, a UserInfo
    answer for another subject signed in as whoever its name and birth date matched, and an ID token without a
    subject was accepted."""
    hanako = resident(name="神戸 花子", birth=dt.date(1980, 5, 1))
    backend = ResidentOIDC()
    backend.OIDC_OP_USER_ENDPOINT = userinfo_endpoint[1]
    userinfo_endpoint[0] = {"sub": "idp|7", "name": "神戸 花子", "birthdate": "1980-05-01"}
    actor = backend.get_or_create_user("at", "it", {"sub": "idp|7"})
    assert isinstance(actor, ResidentActor) and actor.atena_number == hanako["atena_number"]
    assert backend.get_or_create_user("at", "it", {"sub": "idp|8"}) is None  # her UserInfo, another's ID token
    assert backend.get_or_create_user("at", "it", {"name": "神戸 花子"}) is None  # no subject at all
    refused = {e.resource: e.detail["reason"] for e in AuditEntry.objects.filter(action="login", outcome="refused")}
    assert refused == {"resident-oidc:idp|8": "userinfo_subject_mismatch",
                       "resident-oidc:（subなし）": "subject_missing"}


def test_callbacks_without_their_state_cannot_fill_the_audit_chain(client: Any, settings: Any,
                                                                   a_minute_passes: Any) -> None:
    """Issue 18: anyone can call the sign-in's return address; a call without the state this browser was given
    (OpenID Connect Core 1.0 §3.1.2.7 / RFC 6749 §10.12) is refused and audited, folded per address and minute
    like every refusal that names nobody. Consistency (the bounds are ours)."""
    settings.CONFIG = dataclasses.replace(settings.CONFIG, oidc_issuer="https://idp.city.lg.jp",
                                          resident_oidc_client_id="portal")
    for _ in range(20):
        r = client.get("/declarations/portal/oidc/callback/", {"state": "forged", "code": "x"})
        assert r.status_code == 302
    refused = AuditEntry.objects.filter(action="login", outcome="refused", resource="resident-oidc")
    assert refused.count() == 1 and refused.get().detail["reason"] == "state"
    a_minute_passes()
    client.get("/declarations/portal/oidc/callback/", {"state": "forged"})
    assert refused.order_by("-seq").first().detail["folded"] == 19
