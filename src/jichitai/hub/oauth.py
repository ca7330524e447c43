"""The hub's OAuth 2.0 authorisation server, as the common-function standard sets it for 庁内データ連携
(地方公共団体情報システム共通機能標準仕様書 第2.7版 2.2; docs/hub.md, docs/decisions/0006-hub-oauth-authlib.md):

- the Client Credentials Grant only (RFC 6749 §4.4), one client per business system (業務ID), ``client_id`` = the
  system's code;
- client authentication ``client_secret_jwt`` (RFC 7523 §2.2, an HS256/384/512 assertion signed with the client
  secret, each ``jti`` once), and ``client_secret_basic`` (RFC 6749 §2.3.1) as the standard's interim, which the
  city switches off per system (``System.oauth_basic_allowed``);
- short-lived Bearer access tokens (RFC 6750), never a refresh token; only their SHA-256 is stored;
- token introspection (RFC 7662) and revocation (RFC 7009), with the same client authentication.

Authlib implements the protocol; this module supplies the storage (our ``System`` and ``AccessToken``), the
scopes (``hub.scopes``: read from the grants) and the audit. Every issuance, refusal and revocation is audited;
a token's successful use is not (the PULL it serves has its own audit entry, which names the token).
"""

from __future__ import annotations

import base64
import contextvars
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from functools import lru_cache
from typing import Any

from authlib.integrations.django_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, InvalidClientError, InvalidRequestError, InvalidScopeError, TokenMixin
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc6749.util import extract_basic_authorization
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7523.client import ASSERTION_TYPE
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

from jichitai.accounts import anonymous
from jichitai.audit import services as audit
from jichitai.common import vault as _vault_module
from jichitai.hub import scopes
from jichitai.hub.models import AccessToken, System, UsedAssertion

TOKEN_SECONDS = 300  # "sufficiently short" (標準仕様書 2.2); settings.HUB_TOKEN_SECONDS overrides
JWT_METHOD, BASIC_METHOD = "client_secret_jwt", "client_secret_basic"
CLIENT_METHODS = [JWT_METHOD, BASIC_METHOD]  # tried in this order; basic only where the system allows it
HMAC_ALGORITHMS = ("HS256", "HS384", "HS512")
SWEEP_EVERY = 100  # one token request in about this many deletes the expired assertion ids
TOKEN_PATH = "/api/hub/oauth/token"  # noqa: S105 (a path, not a secret)
# Live (unexpired, unrevoked) access tokens one system may hold at once; settings.HUB_TOKEN_LIMIT overrides. A
# client reuses its token until it expires (300 s): 20 leaves room for several workers of one system and a few
# overlapping renewals, and stops a client that asks for a token per request from filling the table.
TOKEN_LIMIT = 20


def token_seconds() -> int:
    return int(getattr(settings, "HUB_TOKEN_SECONDS", TOKEN_SECONDS))


def token_limit() -> int:
    return int(getattr(settings, "HUB_TOKEN_LIMIT", TOKEN_LIMIT))


def live_tokens(system: System) -> Any:
    return AccessToken.objects.filter(system=system, revoked_at__isnull=True, expires_at__gt=timezone.now())


def purge_tokens() -> dict[str, int]:
    """Delete the access tokens that can never be accepted again (expired or revoked) and the expired
    assertion ids: ``jichitai hub purge-tokens`` (timer ``jichitai-hub-tokens``). Each token's issue and revocation
    stay in the audit log (``hub.oauth.token`` / ``hub.oauth.revoke``); the row is no longer needed to refuse it — a
    token not found is refused as an expired one is."""
    now = timezone.now()
    tokens = AccessToken.objects.filter(expires_at__lte=now) | AccessToken.objects.filter(revoked_at__isnull=False)
    deleted = {"tokens": tokens.delete()[0], "assertions": UsedAssertion.objects.filter(expires_at__lt=now).delete()[0]}
    audit.record(None, "hub.oauth.purge", "hub.tokens", "ok", **deleted)
    return deleted


def token_hash(token: str) -> str:
    """SHA-256 of a token: tokens are 256-bit random strings, so a fast hash suffices (as for API keys)."""
    return hashlib.sha256(token.encode()).hexdigest()


# --- the client secret ----------------------------------------------------------------------------------------

def _vault() -> _vault_module.Keyring:
    """The keyring of every sealed file (the same key files as hub.files and the tax intake)."""
    return _vault_module.for_config(settings.CONFIG)


def secret_label(system: System) -> str:
    return f"hub.oauth-secret:{system.pk}:{system.code}"


def issue_client_secret(system: System, secret: str | None = None) -> str:
    """A new client secret for ``system`` (shown once), stored sealed. Call ``save()`` afterwards. ``secret``:
    a given one (a test's fixed secret); at least 32 characters."""
    secret = secret or secrets.token_urlsafe(32)
    if len(secret) < 32:
        raise ValueError("a client secret has at least 32 characters")
    sealed = _vault().seal(secret.encode(), secret_label(system))
    system.oauth_secret_sealed = base64.b64encode(sealed).decode("ascii")
    system.oauth_secret_set_at = timezone.now()
    return secret


def client_secret(system: System) -> str | None:
    if not system.oauth_secret_sealed:
        return None
    return _vault().unseal(base64.b64decode(system.oauth_secret_sealed), secret_label(system)).decode()


# --- the client as Authlib sees it ----------------------------------------------------------------------------

class HubClient(ClientMixin):
    """A connected system as an OAuth client (confidential, client credentials only)."""

    def __init__(self, system: System) -> None:
        self.system = system
        self.client_id = system.code
        self.user_id = None
        self._granted: list[str] | None = None

    def granted_scopes(self) -> list[str]:
        """The scopes of the system's grants, read once per request."""
        if self._granted is None:
            self._granted = scopes.granted_scopes(self.system)
        return self._granted

    def get_client_id(self) -> str:
        return self.system.code

    def get_default_redirect_uri(self) -> None:
        return None

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "client_credentials"

    def check_client_secret(self, secret: str) -> bool:
        stored = client_secret(self.system)
        return stored is not None and hmac.compare_digest(stored.encode(), secret.encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if method == JWT_METHOD:
            return bool(self.system.oauth_secret_sealed)
        if method == BASIC_METHOD:
            return self.system.oauth_basic_allowed and bool(self.system.oauth_secret_sealed)
        return False

    def get_allowed_scope(self, scope: str | None) -> str | None:
        """The requested scopes (each one granted: checked before, ``HubClientCredentials``), or every granted
        scope when none was asked for (RFC 6749 §3.3: the server's pre-defined default)."""
        granted = self.granted_scopes()
        if not scope:
            return " ".join(granted) or None
        return " ".join(s for s in scope.split() if s in granted) or None


def _query_client(client_id: Any) -> HubClient | None:
    if not isinstance(client_id, str) or not client_id or len(client_id) > 50:
        return None
    system = System.objects.filter(code=client_id, active=True).first()
    return HubClient(system) if system else None


# --- client_secret_jwt (RFC 7523 §2.2, §3) --------------------------------------------------------------------

_audiences: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar("hub_oauth_audiences", default=())


class ClientSecretJWT(JWTBearerClientAssertion):
    """The client proves it holds its secret with a JWT (``iss`` = ``sub`` = client_id, ``aud`` = the token
    endpoint, ``exp``, a ``jti`` used once) signed with HMAC-SHA2 and that secret."""

    CLIENT_AUTH_METHOD = JWT_METHOD

    def get_audiences(self) -> list[str]:
        return list(_audiences.get())

    def resolve_client_public_key(self, client: HubClient) -> OctKey:
        secret = client_secret(client.system)
        if secret is None:
            raise InvalidClientError(description="The client has no secret.")
        return OctKey.import_key(secret)

    def process_assertion_claims(self, assertion: str, resolve_key: Any) -> Any:
        try:  # HMAC algorithms only: a client secret is a shared key (RFC 7523 §2.2 with RFC 7518 §3.2)
            token = jwt.decode(assertion, resolve_key, algorithms=list(HMAC_ALGORITHMS))
        except (JoseError, ValueError) as exc:
            raise InvalidClientError(description="Invalid client assertion.") from exc
        self.verify_claims(token.claims)
        return token.claims

    def validate_jti(self, claims: dict[str, Any], jti: Any) -> bool:
        """Each assertion once (RFC 7523 §3 item 7): its ``jti`` is kept until the assertion expires. One
        statement (``ON CONFLICT DO NOTHING``); expired rows are swept now and then, not on every request."""
        if not isinstance(jti, str) or not jti or len(jti) > 200:
            return False
        now = timezone.now()
        try:
            expires = dt.datetime.fromtimestamp(int(claims["exp"]) + self.leeway, tz=dt.UTC)
        except (TypeError, ValueError, OverflowError, OSError):
            return False
        if secrets.randbelow(SWEEP_EVERY) == 0:
            UsedAssertion.objects.filter(expires_at__lt=now).delete()
        table = UsedAssertion._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} (client_id, jti, expires_at) VALUES (%s, %s, %s) "  # noqa: S608
                           "ON CONFLICT (client_id, jti) DO NOTHING RETURNING 1",
                           [str(claims.get("sub"))[:50], jti, max(expires, now)])
            return cursor.fetchone() is not None


# --- tokens ---------------------------------------------------------------------------------------------------

class StoredToken(TokenMixin):
    """An ``AccessToken`` row as Authlib's introspection and revocation endpoints see it."""

    def __init__(self, row: AccessToken) -> None:
        self.row = row

    def check_client(self, client: HubClient) -> bool:
        return self.row.system_id == client.system.pk

    def get_scope(self) -> str:
        return self.row.scope

    def get_expires_in(self) -> int:
        return max(0, int((self.row.expires_at - self.row.issued_at).total_seconds()))

    def is_expired(self) -> bool:
        return self.row.expires_at <= timezone.now()

    def is_revoked(self) -> bool:
        return self.row.revoked_at is not None or not self.row.system.active

    def get_user(self) -> None:
        return None

    def get_client(self) -> HubClient:
        return HubClient(self.row.system)


def _find(token: Any) -> AccessToken | None:
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    return AccessToken.objects.select_related("system").filter(token_sha256=token_hash(token)).first()


def active_token(token: str) -> AccessToken | None:
    """The token's row if it is active (issued here, not expired, not revoked, its system active), else None:
    the check the introspection endpoint answers with, made in-process by the hub's own API."""
    row = _find(token)
    if row is None or row.revoked_at is not None or row.expires_at <= timezone.now() or not row.system.active:
        return None
    return row


class HubClientCredentials(ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_METHODS

    def validate_requested_scope(self) -> None:
        """Every requested scope must be one of the client's grants (RFC 6749 §5.2 ``invalid_scope``), and a
        system with no grant gets no token."""
        requested = (self.request.payload.scope or "").split()
        granted = self.request.client.granted_scopes()
        if not granted or any(s not in granted for s in requested):
            raise InvalidScopeError(description="The requested scope is not granted to this client.")


class HubIntrospection(IntrospectionEndpoint):
    CLIENT_AUTH_METHODS = CLIENT_METHODS
    SUPPORTED_TOKEN_TYPES = ("access_token",)

    def query_token(self, token_string: str, token_type_hint: str | None) -> StoredToken | None:
        row = _find(token_string)
        return StoredToken(row) if row else None

    def check_permission(self, token: StoredToken, client: HubClient, request: Any) -> bool:
        """A client may introspect its own tokens, and a providing system (resource server) the tokens that
        carry a scope of its resources (the scope's first part is its 業務システムID)."""
        if token.check_client(client):
            return True
        return any((p := scopes.parse(s)) is not None and p[0] == client.system.code for s in token.row.scopes)

    def introspect_token(self, token: StoredToken) -> dict[str, Any]:
        row = token.row
        return {"active": True, "client_id": row.system.code, "sub": row.system.code, "token_type": "Bearer",
                "scope": row.scope, "iat": int(row.issued_at.timestamp()), "exp": int(row.expires_at.timestamp())}


class HubRevocation(RevocationEndpoint):
    CLIENT_AUTH_METHODS = CLIENT_METHODS
    SUPPORTED_TOKEN_TYPES = ("access_token",)

    def query_token(self, token_string: str, token_type_hint: str | None) -> StoredToken | None:
        row = _find(token_string)
        return StoredToken(row) if row else None

    def revoke_token(self, token: StoredToken, request: Any) -> None:
        row = token.row
        if row.revoked_at is None:
            AccessToken.objects.filter(pk=row.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
            audit.record(row.system, "hub.oauth.revoke", row.audit_label(), scope=row.scope)


_authenticated: contextvars.ContextVar[str] = contextvars.ContextVar("hub_oauth_authenticated", default="")


class HubServer(AuthorizationServer):
    def __init__(self) -> None:
        super().__init__(System, AccessToken)

    def authenticate_client(self, request: Any, methods: Any, endpoint: str = "token") -> HubClient:
        """Authlib's client authentication (every endpoint calls it), remembering who passed it: a refusal after
        it is a named client's, audited each time; one before it is nobody's, folded (``_audit_refusal``)."""
        client: HubClient = super().authenticate_client(request, methods, endpoint)
        _authenticated.set(client.system.code)
        return client

    def query_client(self, client_id: Any) -> HubClient | None:
        return _query_client(client_id)

    def create_bearer_token_generator(self) -> BearerTokenGenerator:
        return BearerTokenGenerator(access_token_generator=lambda **_: secrets.token_urlsafe(32),
                                    refresh_token_generator=None,
                                    expires_generator=lambda client, grant_type: token_seconds())

    def save_token(self, token: dict[str, Any], request: Any) -> AccessToken:
        if "refresh_token" in token:  # never issued (標準仕様書 2.2); a configuration error, not a client's
            raise RuntimeError("refresh tokens are not issued")
        client: HubClient = request.client
        limit = token_limit()
        # in the token endpoint's transaction (token_response); the system's row locked: two requests at once
        # cannot both pass the cap. No savepoint: the refusal is raised once the block is left.
        with transaction.atomic(savepoint=False):
            System.objects.select_for_update().filter(pk=client.system.pk).first()
            row = None
            if live_tokens(client.system).count() < limit:
                now = timezone.now()
                row = AccessToken.objects.create(
                    token_sha256=token_hash(token["access_token"]), system=client.system,
                    scope=token.get("scope", ""), auth_method=getattr(request, "auth_method", "") or "",
                    issued_at=now, expires_at=now + dt.timedelta(seconds=int(token["expires_in"])))
                audit.record(client.system, "hub.oauth.token", row.audit_label(), scope=row.scope,
                             method=row.auth_method, expires_in=int(token["expires_in"]))
        if row is None:
            raise InvalidRequestError(description=(
                f"This client already holds {limit} live access tokens, the most allowed. Reuse a token until "
                "it expires, or revoke one (RFC 7009), then ask again."))
        return row


@lru_cache(maxsize=1)
def server() -> HubServer:
    if not settings.CONFIG.is_production:
        # Authlib refuses plain HTTP (RFC 6749 §1.6, §3.2). In production the request must arrive as HTTPS as
        # Django sees it (TLS at the proxy: SECURE_PROXY_SSL_HEADER); demo and tests run on plain HTTP.
        os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")
    s = HubServer()
    s.register_client_auth_method(JWT_METHOD, ClientSecretJWT(leeway=30))
    s.register_grant(HubClientCredentials)
    s.register_endpoint(HubIntrospection)
    s.register_endpoint(HubRevocation)
    return s


# --- the endpoints (called by hub.api) ------------------------------------------------------------------------

def _claimed_client(request: HttpRequest) -> str:
    """Who the request says it is (not verified), for the audit of a refusal."""
    client_id, _ = extract_basic_authorization(request.headers)
    if client_id:
        return str(client_id)[:50]
    assertion = request.POST.get("client_assertion", "")
    try:
        payload = assertion.split(".")[1]
        sub = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))).get("sub")
        return str(sub)[:50] if sub else ""
    except (IndexError, ValueError, AttributeError, UnicodeDecodeError):
        return str(request.POST.get("client_id", ""))[:50]


def _error_code(response: HttpResponse) -> str:
    try:
        return str(json.loads(response.content).get("error", ""))[:50]
    except (ValueError, AttributeError):
        return ""


def _audit_refusal(request: HttpRequest, action: str, response: HttpResponse, client: str, **detail: Any) -> None:
    """A refusal of a client that authenticated (``client``: a wrong scope, the cap, an inactive token it asked
    about) is audited each time on that client. One of a caller that did not authenticate is nobody's: filed on
    the client it claims to be, or (claiming none) on the endpoint it called — never a bare ``hub.client:`` —
    and folded per address, claim, error and minute (``accounts.anonymous``), so that a flood of wrong
    credentials cannot fill the audit chain."""
    error = _error_code(response)
    if client:
        audit.record(None, action, f"hub.client:{client}", "refused", error=error, status=response.status_code,
                     **detail)
        return
    claimed = _claimed_client(request)
    resource = f"hub.client:{claimed}" if claimed else f"{request.method} {request.path}"[:300]
    anonymous.record_refusal(request, action, resource, fold=f"{claimed}|{error}", error=error,
                             status=response.status_code, **detail)


def _oauth_error(error: str, description: str) -> HttpResponse:
    response = HttpResponse(json.dumps({"error": error, "error_description": description}), status=400,
                            content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


def _malformed(request: HttpRequest, name: str | None) -> HttpResponse | None:
    """Refused before Authlib runs, which would ignore these fields: an assertion of another type, an empty one,
    or an assertion beside an Authorization header (RFC 7521 §4.2: an unsupported ``client_assertion_type`` is
    ``invalid_client``; RFC 6749 §2.3: one authentication method per request); a ``token_type_hint`` other than
    ``access_token``, the only kind issued here (RFC 7009 §2.2.1 ``unsupported_token_type``)."""
    form = request.POST
    if name is not None and "token_type_hint" in form and form.get("token_type_hint") != "access_token":
        return _oauth_error("unsupported_token_type", "Only access_token is issued here.")
    if "client_assertion_type" not in form and "client_assertion" not in form:
        return None
    if form.get("client_assertion_type") != ASSERTION_TYPE or not form.get("client_assertion"):
        return _oauth_error("invalid_client", f"client_assertion_type must be {ASSERTION_TYPE} with a client_assertion.")
    if request.headers.get("Authorization"):
        return _oauth_error("invalid_request", "Use one client authentication method per request (RFC 6749 section 2.3).")
    return None


def _endpoint(request: HttpRequest, name: str | None) -> tuple[HttpResponse, str]:
    """Authlib's answer, and the client that authenticated on the way ("" if none did)."""
    refused = _malformed(request, name)
    if refused is not None:
        return refused, ""
    token = _audiences.set((request.build_absolute_uri(TOKEN_PATH),))
    who = _authenticated.set("")
    try:
        if name is None:
            return server().create_token_response(request), _authenticated.get()
        return server().create_endpoint_response(name, request), _authenticated.get()
    finally:
        _audiences.reset(token)
        _authenticated.reset(who)


def token_response(request: HttpRequest) -> HttpResponse:
    """POST /api/hub/oauth/token (RFC 6749 §4.4.2–4.4.3): a Bearer access token, or an RFC 6749 §5.2 error.

    One transaction: a token's three writes — the assertion's ``jti`` (replay, RFC 7523 §3), the token row
    (introspection, revocation, the cap) and its audit entry — commit once, not three times (each commit waits for
    the synchronous standby). A refusal after the client authenticated still commits its ``jti`` as used."""
    with transaction.atomic():
        response, client = _endpoint(request, None)
        if response.status_code != 200:
            _audit_refusal(request, "hub.oauth.token", response, client,
                           grant_type=str(request.POST.get("grant_type", ""))[:40])
    return response


def introspection_response(request: HttpRequest) -> HttpResponse:
    """POST /api/hub/oauth/introspect (RFC 7662 §2). An inactive answer is audited (a refused token); an active
    one is not (each PULL a provider serves is audited by the provider)."""
    response, client = _endpoint(request, HubIntrospection.ENDPOINT_NAME)
    if response.status_code != 200:
        _audit_refusal(request, "hub.oauth.introspect", response, client)
    elif b'"active": false' in response.content or b'"active":false' in response.content:
        _audit_refusal(request, "hub.oauth.introspect", response, client, active=False)
    return response


def revocation_response(request: HttpRequest) -> HttpResponse:
    """POST /api/hub/oauth/revoke (RFC 7009 §2): 200 whether or not the token was known (§2.2)."""
    response, client = _endpoint(request, HubRevocation.ENDPOINT_NAME)
    if response.status_code != 200:
        _audit_refusal(request, "hub.oauth.revoke", response, client)
    return response
