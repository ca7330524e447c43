"""OAuth 2.0 for system-to-system access, as 地方公共団体情報システム共通機能標準仕様書 第2.7版 2.2 (庁内データ連携機能)
sets it: Client Credentials Grant, client authentication ``client_secret_jwt`` (``client_secret_basic`` as the
interim), short-lived Bearer access tokens only, checked by introspection, revoked through the revocation API,
authentication per business system, scopes ``業務システムID:リソース名:操作名``.

The client side is Authlib's own client code (``OAuth2Session`` over HTTP against the live test server, and its
``client_secret_jwt_sign`` for assertions sent through Django's test client), not requests we craft by hand.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
from typing import Any

import pytest
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import ClientSecretJWT, client_secret_jwt_sign
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from jichitai.hub import oauth

pytestmark = pytest.mark.django_db

TOKEN = "/api/hub/oauth/token"
INTROSPECT = "/api/hub/oauth/introspect"
REVOKE = "/api/hub/oauth/revoke"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@pytest.fixture
def oauth_system(make_system: Any) -> Any:
    """``oauth_system(code, feeds)`` → (system, client secret)."""

    def make(code: str = "kojin_juminzei_x", feeds: Any = None, **kw: Any) -> tuple[Any, str]:
        system, _ = make_system(code=code, feeds=feeds if feeds is not None else {"atena-delta": None}, **kw)
        secret = oauth.issue_client_secret(system)
        system.save()
        return system, secret

    return make


def _assertion(client_id: str, secret: str, url: str = "http://testserver" + TOKEN, **kw: Any) -> str:
    value = client_secret_jwt_sign(OctKey.import_key(secret), client_id, url, **kw)
    return value.decode() if isinstance(value, bytes) else value


def _jwt_token(client: Any, client_id: str, secret: str, scope: str | None = None, **kw: Any) -> Any:
    data = {"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": _assertion(client_id, secret, **kw)}
    if scope is not None:
        data["scope"] = scope
    return client.post(TOKEN, data)


def _basic(client_id: str, secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def _audits(action: str, outcome: str | None = None) -> list[Any]:
    from jichitai.audit.models import AuditEntry

    qs = AuditEntry.objects.filter(action=action)
    if outcome:
        qs = qs.filter(outcome=outcome)
    return list(qs.order_by("seq"))


def test_token_by_client_secret_jwt_has_no_refresh_token_and_is_short_lived(client: Any, oauth_system: Any) -> None:
    """Independent: 標準仕様書 2.2 — Client Credentials, client_secret_jwt, Bearer only, no refresh token, short
    lifetime; RFC 6749 §4.4.3 (no refresh token SHOULD be included), §5.1 (token_type, expires_in, no-store)."""
    system, secret = oauth_system()
    r = _jwt_token(client, system.code, secret)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["token_type"] == "Bearer" and "refresh_token" not in body
    assert 0 < body["expires_in"] <= 300
    assert body["scope"] == "juki:atena-delta:read"
    assert r["Cache-Control"] == "no-store"
    issued = _audits("hub.oauth.token", "ok")
    assert len(issued) == 1 and issued[0].actor == f"system:{system.code}"
    assert issued[0].detail["method"] == "client_secret_jwt" and issued[0].detail["scope"] == "juki:atena-delta:read"


def test_an_assertion_is_used_once_and_must_be_signed_with_the_secret_for_this_server(
        client: Any, oauth_system: Any) -> None:
    """Independent: RFC 7523 §3 — aud must identify the authorisation server (item 3), the signature must verify
    (item 9), a jti may be refused when replayed (item 7); each refusal is audited (standard 2.2 + house rule)."""
    system, secret = oauth_system()
    assertion = _assertion(system.code, secret)
    data = {"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE, "client_assertion": assertion}
    assert client.post(TOKEN, data).status_code == 200
    replay = client.post(TOKEN, data)
    assert replay.status_code in (400, 401) and replay.json()["error"] == "invalid_client"
    wrong_key = _jwt_token(client, system.code, secret[:-2] + "xx")
    assert wrong_key.json()["error"] == "invalid_client"
    other_server = _jwt_token(client, system.code, secret, url="https://elsewhere.example/token")
    assert other_server.json()["error"] == "invalid_client"
    unknown = _jwt_token(client, "no-such-system", secret)
    assert unknown.json()["error"] == "invalid_client"
    # each is a signal, but a caller that did not authenticate is nobody: the first refusal of a minute per address,
    # claimed client and error is written at once, the others counted and reported by the next (issue 18)
    refused = _audits("hub.oauth.token", "refused")
    assert [(e.resource, e.detail["error"]) for e in refused] == [
        (f"hub.client:{system.code}", "invalid_client"), ("hub.client:no-such-system", "invalid_client")]


def test_a_flood_of_wrong_credentials_cannot_fill_the_audit_chain(client: Any, oauth_system: Any,
                                                                  a_minute_passes: Any) -> None:
    """Issue 18 (the audit chain is one hash chain: every entry waits for its head): refusals of callers that did
    not authenticate — wrong assertions at the token endpoint, made-up Bearer tokens at a feed — write the first
    of each minute per address, claim and error at once and count the rest, which the next entry reports; a
    client that did authenticate has a name, and each of its refusals is audited. Consistency (the bounds are
    our own choice, as the API's anonymous refusals: docs/security.md)."""
    system, secret = oauth_system()
    for _ in range(25):
        assert _jwt_token(client, system.code, secret[:-2] + "xx").json()["error"] == "invalid_client"
        assert client.get("/api/hub/feeds/atena-delta", HTTP_AUTHORIZATION="Bearer made-up").status_code == 401
    assert len(_audits("hub.oauth.token", "refused")) == 1 and len(_audits("hub.authenticate", "refused")) == 1
    first = _audits("hub.oauth.token", "refused")[0]
    assert first.resource == f"hub.client:{system.code}" and first.detail["address"] == "127.0.0.1"
    a_minute_passes()
    _jwt_token(client, system.code, secret[:-2] + "xx")
    client.get("/api/hub/feeds/atena-delta", HTTP_AUTHORIZATION="Bearer made-up")
    assert _audits("hub.oauth.token", "refused")[-1].detail["folded"] == 24  # nothing lost: counted, reported
    assert _audits("hub.authenticate", "refused")[-1].detail["folded"] == 24
    for _ in range(3):  # authenticated, asking for what it was not granted (RFC 6749 §5.2 invalid_scope)
        assert _jwt_token(client, system.code, secret, scope="juki:nothing:read").json()["error"] == "invalid_scope"
    named = [e for e in _audits("hub.oauth.token", "refused") if e.detail["error"] == "invalid_scope"]
    assert len(named) == 3 and {e.resource for e in named} == {f"hub.client:{system.code}"}


def test_alg_none_and_asymmetric_algorithms_are_refused(client: Any, oauth_system: Any) -> None:
    """Independent: RFC 7523 §2.2 / RFC 7518 §3.2 — client_secret_jwt is an HMAC with the shared secret; an
    unsigned JWT (alg none) never authenticates."""
    system, secret = oauth_system()
    head = base64.urlsafe_b64encode(json.dumps({"alg": "none"}).encode()).rstrip(b"=").decode()
    now = int(time.time())
    claims = {"iss": system.code, "sub": system.code, "aud": "http://testserver" + TOKEN, "exp": now + 60,
              "jti": "x1"}
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    r = client.post(TOKEN, {"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
                            "client_assertion": f"{head}.{body}."})
    assert r.json()["error"] == "invalid_client"
    rsa = RSAKey.generate_key(2048)
    signed = jwt.encode({"alg": "RS256"}, {**claims, "jti": "x2"}, rsa, algorithms=["RS256"])
    r = client.post(TOKEN, {"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
                            "client_assertion": signed})
    assert r.json()["error"] == "invalid_client"
    assert _jwt_token(client, system.code, secret, alg="HS512").status_code == 200  # any HMAC-SHA2 is fine


def test_one_client_authentication_method_per_request(client: Any, oauth_system: Any) -> None:
    """Independent: RFC 6749 §2.3 (a client MUST NOT use more than one authentication method in a request) and
    RFC 7521 §4.2 (an unsupported client_assertion_type is invalid_client): a valid Basic header does not carry
    an assertion of another type or a second method."""
    system, secret = oauth_system()
    odd = client.post(TOKEN, {"grant_type": "client_credentials", "client_assertion_type": "AAA",
                              "client_assertion": ""}, **_basic(system.code, secret))
    assert odd.status_code == 400 and odd.json()["error"] == "invalid_client"
    both = client.post(TOKEN, {"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
                               "client_assertion": _assertion(system.code, secret)}, **_basic(system.code, secret))
    assert both.status_code == 400 and both.json()["error"] == "invalid_request"
    assert [e.detail["error"] for e in _audits("hub.oauth.token", "refused")] == ["invalid_client", "invalid_request"]


def test_client_secret_basic_is_tolerated_until_the_city_switches_it_off(client: Any, oauth_system: Any) -> None:
    """Independent: 標準仕様書 2.2 — client_secret_basic allowed as an interim (RFC 6749 §2.3.1); the city
    switches it off per system, after which only client_secret_jwt works (RFC 6749 §5.2 invalid_client, 401)."""
    system, secret = oauth_system()
    assert client.post(TOKEN, {"grant_type": "client_credentials"}, **_basic(system.code, secret)).status_code == 200
    system.oauth_basic_allowed = False
    system.save()
    r = client.post(TOKEN, {"grant_type": "client_credentials"}, **_basic(system.code, secret))
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    assert _jwt_token(client, system.code, secret).status_code == 200
    wrong = client.post(TOKEN, {"grant_type": "client_credentials"}, **_basic(system.code, "nope"))
    assert wrong.status_code == 401


def test_scopes_come_from_the_grants(client: Any, oauth_system: Any, make_event: Any) -> None:
    """Independent: 標準仕様書 2.2 — scope ``${提供側業務システムの業務システムID}:${リソース名}:${操作名}``; RFC 6749
    §3.3 (no scope asked: the server's default, here every granted scope) and §5.2 invalid_scope; RFC 6750 §3.1
    insufficient_scope when a token lacks the operation's scope."""
    system, secret = oauth_system(feeds={"atena-delta": None, "atena-full": None, "salary-report": None})
    everything = _jwt_token(client, system.code, secret).json()["scope"].split()
    assert sorted(everything) == ["juki:atena-delta:read", "juki:atena-full:read", "kojin_juminzei:salary-report:write"]
    r = _jwt_token(client, system.code, secret, scope="juki:atena-delta:read juki:atena-extract:read")
    assert r.status_code == 400 and r.json()["error"] == "invalid_scope"
    narrow = _jwt_token(client, system.code, secret, scope="juki:atena-delta:read").json()["access_token"]
    make_event("100000001")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {narrow}"}
    ok = client.get("/api/hub/feeds/atena-delta", **bearer)
    assert ok.status_code == 200 and len(ok.json()["events"]) == 1
    other = client.get("/api/hub/feeds/atena-full", **bearer)
    assert other.status_code == 403 and other.json()["code"] == "insufficient_scope"
    assert other.json()["fields"]["scope"] == "juki:atena-full:read"
    assert other["WWW-Authenticate"] == 'Bearer realm="hub", error="insufficient_scope", scope="juki:atena-full:read"'
    assert client.get("/hub/feeds/atena-full", **bearer).status_code == 403
    assert _audits("hub.oauth.scope", "refused")


def test_a_grant_withdrawn_after_issuance_is_refused_at_once(client: Any, oauth_system: Any) -> None:
    """Consistency: a token never outlives its grants (the route still asks the grant, docs/hub.md)."""
    from jichitai.hub.models import Grant

    system, secret = oauth_system()
    token = _jwt_token(client, system.code, secret).json()["access_token"]
    Grant.objects.filter(system=system).delete()
    r = client.get("/api/hub/feeds/atena-delta", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 403 and r.json()["code"] == "feed_refused"
    assert _jwt_token(client, system.code, secret).json()["error"] == "invalid_scope"  # no grant, no token


def test_expired_revoked_and_unknown_tokens_are_refused(client: Any, oauth_system: Any) -> None:
    """Independent: RFC 6750 §3.1 invalid_token (expired, revoked) → 401; RFC 7009 §2.1–2.2 revocation by the
    client the token was issued to (200), another client refused; an unknown token also answers 200."""
    from jichitai.hub.models import AccessToken

    system, secret = oauth_system()
    other, other_secret = oauth_system(code="other_system")
    token = _jwt_token(client, system.code, secret).json()["access_token"]
    pull = "/api/hub/feeds/atena-delta"
    assert client.get(pull, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    r = client.post(REVOKE, {"token": token, "client_assertion_type": ASSERTION_TYPE,
                             "client_assertion": _assertion(other.code, other_secret)})
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    assert client.get(pull, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    r = client.post(REVOKE, {"token": token}, **_basic(system.code, secret))
    assert r.status_code == 200
    assert client.get(pull, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert client.post(REVOKE, {"token": "never-issued"}, **_basic(system.code, secret)).status_code == 200
    assert len(_audits("hub.oauth.revoke", "ok")) == 1 and _audits("hub.oauth.revoke", "refused")

    token2 = _jwt_token(client, system.code, secret).json()["access_token"]
    AccessToken.objects.filter(token_sha256=oauth.token_hash(token2)).update(
        expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    r = client.get(pull, HTTP_AUTHORIZATION=f"Bearer {token2}")
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"
    assert r["WWW-Authenticate"] == 'Bearer realm="hub", error="invalid_token"'  # RFC 6750 §3.1
    assert client.get("/hub/feeds/atena-delta", HTTP_AUTHORIZATION=f"Bearer {token2}")["WWW-Authenticate"] == (
        'Bearer realm="hub", error="invalid_token"')
    assert client.get(pull)["WWW-Authenticate"] == 'Bearer realm="hub"'  # no credentials: no error code (§3.1)
    assert client.get(pull, HTTP_AUTHORIZATION="Bearer made-up-token").status_code == 401
    # revoked, expired ×2, never issued: one entry for the minute (nobody authenticated); no credentials: another
    assert [e.detail["method"] for e in _audits("hub.authenticate", "refused")] == ["oauth", "none"]


def test_introspection(client: Any, oauth_system: Any) -> None:
    """Independent: RFC 7662 §2.1–2.2 — the caller authenticates; active true with scope, client_id, exp, iat;
    active false (and nothing else) for a revoked, unknown or not-permitted token. A providing system (its
    業務システムID first in the scope, 標準仕様書 2.2) may introspect the tokens presented to it."""
    system, secret = oauth_system()
    from jichitai.hub.models import System

    provider = System.objects.get(code="juki")  # the 住民記録 system of the catalogue: the atena feeds' provider
    provider_secret = oauth.issue_client_secret(provider)
    provider.save()
    _, stranger_secret = oauth_system(code="stranger", feeds={})
    token = _jwt_token(client, system.code, secret).json()["access_token"]
    own = client.post(INTROSPECT, {"token": token}, **_basic(system.code, secret)).json()
    assert own["active"] is True and own["client_id"] == system.code and own["scope"] == "juki:atena-delta:read"
    assert own["exp"] - own["iat"] == 300 and own["token_type"] == "Bearer"
    as_provider = client.post(INTROSPECT, {"token": token, "client_assertion_type": ASSERTION_TYPE,
                                           "client_assertion": _assertion("juki", provider_secret)}).json()
    assert as_provider["active"] is True
    assert client.post(INTROSPECT, {"token": token}, **_basic("stranger", stranger_secret)).json() == {"active": False}
    unauthenticated = client.post(INTROSPECT, {"token": token})
    assert unauthenticated.status_code in (400, 401) and unauthenticated.json()["error"] == "invalid_client"
    hint = client.post(INTROSPECT, {"token": token, "token_type_hint": "refresh_token"}, **_basic(system.code, secret))
    assert hint.status_code == 400 and hint.json()["error"] == "unsupported_token_type"  # RFC 7009 §2.2.1
    client.post(REVOKE, {"token": token}, **_basic(system.code, secret))
    assert client.post(INTROSPECT, {"token": token}, **_basic(system.code, secret)).json() == {"active": False}
    refused = _audits("hub.oauth.introspect", "refused")
    assert len(refused) == 4  # stranger, unauthenticated, refresh_token hint, revoked; not the active answers
    # 10.2: each names what it is about — the client claimed, or (claiming none) the endpoint called
    assert sorted(e.resource for e in refused) == sorted([f"POST {INTROSPECT}", "hub.client:stranger",
                                                          f"hub.client:{system.code}", f"hub.client:{system.code}"])


def test_the_transition_can_be_switched_off_per_system(client: Any, oauth_system: Any) -> None:
    """Consistency: API keys and mTLS stay as a documented transition; with ``legacy_auth_allowed`` off the
    system's key and certificate are refused (401, audited with the reason) while its tokens still work."""
    from jichitai.hub.models import System

    system, secret = oauth_system()
    key = system.issue_api_key()
    system.client_cert_sha256 = "ab" * 32
    system.save()
    pull = "/api/hub/feeds/atena-delta"
    assert client.get(pull, HTTP_X_HUB_KEY=key).status_code == 200
    System.objects.filter(pk=system.pk).update(legacy_auth_allowed=False)
    assert client.get(pull, HTTP_X_HUB_KEY=key).status_code == 401
    assert client.get(pull, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    assert client.get(pull, HTTP_X_CLIENT_CERT_SHA256="ab" * 32, HTTP_X_CLIENT_CERT_VERIFY="SUCCESS").status_code == 401
    ended = [e for e in _audits("hub.authenticate", "refused") if e.detail.get("reason") == "transition_ended"]
    assert [e.detail["method"] for e in ended] == ["api_key", "api_key", "mtls"]
    token = _jwt_token(client, system.code, secret).json()["access_token"]
    assert client.get(pull, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_a_token_pull_is_audited_once(client: Any, oauth_system: Any, make_event: Any) -> None:
    """Consistency: using a token adds no audit entry of its own (no flood): the PULL's entry is the one."""
    from jichitai.audit.models import AuditEntry

    system, secret = oauth_system()
    token = _jwt_token(client, system.code, secret).json()["access_token"]
    make_event("100000002")
    before = AuditEntry.objects.count()
    for _ in range(3):
        assert client.get("/api/hub/feeds/atena-delta", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    assert AuditEntry.objects.count() - before == 3
    assert set(AuditEntry.objects.filter(seq__gt=0).order_by("-seq").values_list("action", flat=True)[:3]) == {
        "hub.feed.pull"}


def test_the_openapi_document_declares_the_client_credentials_flow(client: Any) -> None:
    """Independent: OpenAPI 3 Security Scheme Object, type oauth2 with a clientCredentials flow (tokenUrl,
    scopes); every documented scope has the standard's three parts."""
    doc = client.get("/api/openapi.json").json()
    scheme = doc["components"]["securitySchemes"]["HubOAuth2"]
    flow = scheme["flows"]["clientCredentials"]
    assert scheme["type"] == "oauth2" and flow["tokenUrl"] == TOKEN
    assert "juki:atena-delta:read" in flow["scopes"]
    assert all(len(s.split(":")) == 3 for s in flow["scopes"])
    pull = doc["paths"]["/api/hub/feeds/{feed}"]["get"]
    assert {"HubOAuth2": []} in pull["security"] and {"SystemAuth": []} in pull["security"]
    assert {"/api/hub/oauth/token", "/api/hub/oauth/introspect", "/api/hub/oauth/revoke"} <= set(doc["paths"])


def test_an_oauth_client_library_over_http(live_server: Any, oauth_system: Any, make_event: Any,
                                           monkeypatch: Any) -> None:
    """Independent: an unmodified OAuth 2.0 client (Authlib's ``OAuth2Session`` with its ``ClientSecretJWT``
    client authentication, RFC 7523 §2.2) gets a token from the running server, pulls the feed with it as a
    Bearer token (RFC 6750 §2.1), introspects it (RFC 7662) and revokes it (RFC 7009)."""
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # the test server speaks plain HTTP on loopback
    system, secret = oauth_system()
    make_event("100000003")
    token_url = live_server.url + TOKEN
    session = OAuth2Session(system.code, OctKey.import_key(secret),
                            token_endpoint_auth_method=ClientSecretJWT(token_url),
                            scope="juki:atena-delta:read")
    token = session.fetch_token(token_url, grant_type="client_credentials")
    assert token["token_type"] == "Bearer" and "refresh_token" not in token
    r = session.get(live_server.url + "/api/hub/feeds/atena-delta")
    assert r.status_code == 200 and [e["atena_number"] for e in r.json()["events"]] == ["100000003"]
    basic = OAuth2Session(system.code, secret, token_endpoint_auth_method="client_secret_basic")
    assert basic.introspect_token(live_server.url + INTROSPECT, token["access_token"]).json()["active"] is True
    assert basic.revoke_token(live_server.url + REVOKE, token["access_token"]).status_code == 200
    assert session.get(live_server.url + "/api/hub/feeds/atena-delta").status_code == 401
    session.close()  # no kept-alive connection (and so no server thread holding the test database)
    basic.close()


def test_the_operator_issues_a_client_secret_from_the_command_line(client: Any, oauth_system: Any) -> None:
    """Consistency: ``jichitai hub client-secret SYSTEM`` prints a new secret once, which then authenticates
    (the old one no longer does), and the change is audited without the secret."""
    import io

    from django.core.management import call_command

    system, old = oauth_system()
    out = io.StringIO()
    call_command("hub", "client-secret", system.code, stdout=out)
    new = out.getvalue().split("client_secret ")[1].split()[0]
    assert client.post(TOKEN, {"grant_type": "client_credentials"}, **_basic(system.code, new)).status_code == 200
    assert client.post(TOKEN, {"grant_type": "client_credentials"}, **_basic(system.code, old)).status_code == 401
    entry = _audits("admin.change")[-1]
    assert entry.detail == {"fields": ["oauth_client_secret"]} and new not in str(entry.detail)


def test_the_admin_shows_the_switches_and_issues_a_secret(login_as: Any, oauth_system: Any, client: Any) -> None:
    """Consistency: the two per-system switches (client_secret_basic, the key/mTLS transition) are on the
    system's admin page; the admin action shows a new client secret once, which authenticates, audited."""
    import re

    system, _ = oauth_system()
    staff = login_as("sysadmin")
    page = staff.get(f"/admin/hub/system/{system.pk}/change/").content.decode()
    assert 'name="oauth_basic_allowed"' in page and 'name="legacy_auth_allowed"' in page
    assert "による認証（暫定）" in page and "APIキー・相互TLSによる接続（移行期間）" in page  # Django capitalises "client_…"
    r = staff.post("/admin/hub/system/", {"action": "issue_client_secret", "_selected_action": [system.pk]},
                   follow=True)
    shown = re.search(r"この画面でのみ表示）: ([A-Za-z0-9_-]{43})", r.content.decode())
    assert shown is not None
    staff.logout()
    ok = client.post(TOKEN, {"grant_type": "client_credentials"}, **_basic(system.code, shown.group(1)))
    assert ok.status_code == 200
    assert any(e.detail.get("fields") == ["oauth_client_secret"] for e in _audits("admin.change"))
    tokens = staff.get("/admin/hub/accesstoken/")
    assert tokens.status_code in (200, 302)


def test_the_common_functions_need_their_grant_and_with_a_token_their_scope(client: Any, oauth_system: Any,
                                                                            make_system: Any) -> None:
    """標準仕様書 2.2 (access per business system, scopes per resource and operation) for the common functions:
    a system not granted 住登外者宛名番号管理 is refused its API whatever it authenticates with (403, audited); a
    granted one is served with its key, and with a token only when the token carries ``hub:jutogai:use`` — a token
    asked for another scope is refused (insufficient_scope). Independent (the standard's rule)."""
    body = {"name": "渡邊 明", "birth_date": "1966-06-06", "sex": "1", "match": "partial"}
    _, stranger_key = make_system(feeds={"atena-delta": None})
    r = client.post("/api/jutogai/search", body, content_type="application/json", HTTP_X_HUB_KEY=stranger_key)
    assert r.status_code == 403 and _audits("jutogai.search", "refused")
    system, secret = oauth_system(code="kokuho_x", feeds={"atena-delta": None, "jutogai": None})
    narrow = _jwt_token(client, system.code, secret, scope="hub:atena-delta:read")
    if narrow.status_code != 200:  # the provider of atena-delta is 住民記録
        narrow = _jwt_token(client, system.code, secret, scope="juki:atena-delta:read")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {narrow.json()['access_token']}"}
    r = client.post("/api/jutogai/search", body, content_type="application/json", **bearer)
    assert r.status_code == 403 and "insufficient_scope" in r.get("WWW-Authenticate", "")
    wide = _jwt_token(client, system.code, secret, scope="hub:jutogai:use")
    assert wide.status_code == 200, wide.content
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {wide.json()['access_token']}"}
    r = client.post("/api/jutogai/search", body, content_type="application/json", **bearer)
    assert r.status_code == 200 and r.json()["count"] == 0


def test_the_one_permission_check_consults_the_citys_grant_and_the_tokens_scope(make_system: Any) -> None:
    """One permission check (DESIGN 5): ``allowed(system, "jutogai.search"/"togo.convert")`` itself answers the
    standard's access per business system (共通機能標準仕様書 2.2) — no grant, no call; a grant of 住登外者 gives no
    統合宛名; a token presented without ``…:jutogai:use`` takes away what the grant gave. Staff stay governed by
    their roles. Independent (the standard's rule, not our code's output)."""
    from jichitai.accounts.policy import allowed
    from jichitai.hub.scopes import scope_for

    stranger, _ = make_system(feeds={"atena-delta": None})
    assert not allowed(stranger, "jutogai.search") and not allowed(stranger, "togo.convert")
    granted, _ = make_system(feeds={"jutogai": None})
    assert allowed(granted, "jutogai.search") and allowed(granted, "jutogai.number")
    assert not allowed(granted, "togo.convert") and not allowed(granted, "togo.link")
    granted.presented_scopes = [scope_for("atena-delta", "read")]
    assert not allowed(granted, "jutogai.search")
    granted.presented_scopes = [scope_for("jutogai", "use")]
    assert allowed(granted, "jutogai.search")


def test_a_system_holds_at_most_the_cap_of_live_tokens_and_is_told_so(client: Any, oauth_system: Any,
                                                                       settings: Any) -> None:
    """A cap on live access tokens per system: past it the token endpoint answers an RFC 6749 §5.2 error object
    (400, ``error`` and an ASCII ``error_description`` a client can log), audited; a revoked or expired token frees
    its place; another system is not affected. Independent (RFC 6749 §5.2's error shape; the cap's figure is ours,
    set here)."""
    import datetime as dt

    from jichitai.hub.models import AccessToken

    settings.HUB_TOKEN_LIMIT = 3
    system, secret = oauth_system()
    tokens = [_jwt_token(client, system.code, secret).json()["access_token"] for _ in range(3)]
    refused = _jwt_token(client, system.code, secret)
    assert refused.status_code == 400 and refused["Cache-Control"] == "no-store"
    body = refused.json()
    assert body["error"] == "invalid_request" and "3 live access tokens" in body["error_description"]
    assert body["error_description"].isascii()
    assert AccessToken.objects.filter(system=system).count() == 3
    assert any(e.detail.get("error") == "invalid_request" for e in _audits("hub.oauth.token", "refused"))
    other, other_secret = oauth_system(code="other_x")
    assert _jwt_token(client, other.code, other_secret).status_code == 200
    revoked = client.post(REVOKE, {"token": tokens[0]}, **_basic(system.code, secret))
    if revoked.status_code != 200:  # basic not allowed for this system: revoke with an assertion
        revoked = client.post(REVOKE, {"token": tokens[0], "client_assertion_type": ASSERTION_TYPE,
                                       "client_assertion": _assertion(system.code, secret)})
    assert revoked.status_code == 200
    assert _jwt_token(client, system.code, secret).status_code == 200
    AccessToken.objects.filter(system=system).update(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert _jwt_token(client, system.code, secret).status_code == 200


def test_expired_and_revoked_tokens_are_purged_by_the_command(client: Any, oauth_system: Any) -> None:
    """``jichitai hub purge-tokens`` (timer jichitai-hub-tokens) deletes every token that can never be accepted
    again — expired or revoked — and keeps the live ones, which still work; the purge is audited. Consistency
    (our rule for which rows are dead)."""
    import datetime as dt
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    from jichitai.hub.models import AccessToken

    system, secret = oauth_system()
    live, expired, revoked = (_jwt_token(client, system.code, secret).json()["access_token"] for _ in range(3))
    AccessToken.objects.filter(token_sha256=oauth.token_hash(expired)).update(
        expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    AccessToken.objects.filter(token_sha256=oauth.token_hash(revoked)).update(revoked_at=timezone.now())
    out = StringIO()
    call_command("hub", "purge-tokens", stdout=out)
    assert "2件" in out.getvalue()
    assert list(AccessToken.objects.values_list("token_sha256", flat=True)) == [oauth.token_hash(live)]
    assert client.get("/api/hub/feeds/atena-delta", HTTP_AUTHORIZATION=f"Bearer {live}").status_code == 200
    assert client.get("/api/hub/feeds/atena-delta", HTTP_AUTHORIZATION=f"Bearer {expired}").status_code == 401
    assert _audits("hub.oauth.purge")[0].detail["tokens"] == 2


@pytest.mark.django_db(transaction=True)
def test_a_token_is_issued_with_its_audit_entry_or_not_at_all(client: Any, oauth_system: Any,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The token endpoint's writes — the assertion's ``jti``, the token row, the audit entry — are one
    transaction (one commit): when the audit entry cannot be written, no token row and no used ``jti`` are left
    (on the three-commit code both were), so no token exists that the audit log does not name, and the same
    assertion, sent again once the log is back, is taken (it was never used). Consistency (our rule: every token
    issued is audited, docs/hub.md)."""
    from django.db import DatabaseError

    from jichitai.hub.models import AccessToken, UsedAssertion

    system, secret = oauth_system()
    data = {"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": _assertion(system.code, secret)}
    real = oauth.audit.record

    def no_audit(actor: Any, action: str, *args: Any, **kw: Any) -> Any:
        if action == "hub.oauth.token":
            raise DatabaseError("the audit chain cannot be written")
        return real(actor, action, *args, **kw)

    monkeypatch.setattr(oauth.audit, "record", no_audit)
    with pytest.raises(DatabaseError):
        client.post(TOKEN, data)
    assert not AccessToken.objects.exists() and not UsedAssertion.objects.exists()
    monkeypatch.setattr(oauth.audit, "record", real)
    assert client.post(TOKEN, data).status_code == 200
    assert AccessToken.objects.count() == UsedAssertion.objects.count() == 1
    assert len(_audits("hub.oauth.token", "ok")) == 1
