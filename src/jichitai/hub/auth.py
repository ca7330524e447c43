"""How a connected system proves who it is (docs/hub.md, 「連携システムの認証」).

The standard's way (共通機能標準仕様書 2.2): an OAuth 2.0 Bearer access token from the hub's token endpoint
(``Authorization: Bearer <token>``, RFC 6750 §2.1), checked as the introspection endpoint checks it
(``oauth.active_token``), and a scope per feed and operation (``require_scope``).

The transition: an API key (``X-Hub-Key: jk_…`` or ``Authorization: Bearer jk_…``), or mutual TLS terminated by
the reverse proxy, which passes the verified client certificate's SHA-256 fingerprint in ``X-Client-Cert-SHA256``
together with ``X-Client-Cert-Verify: SUCCESS`` (the proxy must overwrite both headers on every request). The
city switches them off per system (``System.legacy_auth_allowed``); a key or certificate of such a system is
refused like a wrong one. Failures are audited (those naming nobody folded per address and minute) and
answered 401 without saying why.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security.base import AuthBase

from jichitai.accounts import anonymous
from jichitai.audit import services as audit
from jichitai.hub import oauth, scopes
from jichitai.hub.errors import FileRefused, InsufficientScope, NotAuthenticated
from jichitai.hub.models import API_KEY_PREFIX_LENGTH, AccessToken, ExchangedFile, Grant, System

API_KEY_PREFIX = "jk_"


def _bearer(request: HttpRequest) -> str:
    auth = request.headers.get("Authorization", "")
    return auth[7:].strip() if auth[:7].lower() == "bearer " else ""


def _is_oauth(request: HttpRequest) -> bool:
    bearer = _bearer(request)
    return bool(bearer) and not bearer.startswith(API_KEY_PREFIX) and not request.headers.get("X-Hub-Key")


def bearer_error(request: HttpRequest) -> str:
    """The RFC 6750 §3.1 error of a refused request: ``invalid_token`` when it presented an OAuth token."""
    return "invalid_token" if _is_oauth(request) else ""


def _refused(request: HttpRequest, method: str, **detail: Any) -> None:
    """A refusal naming a system (its own key after the transition ended) is audited each time; credentials
    that name nobody are folded per address, method and minute (``accounts.anonymous``): a flood of wrong keys
    or tokens cannot fill the audit chain."""
    if "system" in detail:
        audit.record(None, "hub.authenticate", request.path[:200], "refused", method=method, **detail)
        return
    anonymous.record_refusal(request, "hub.authenticate", request.path[:200], fold=method, method=method, **detail)


def _legacy(system: System | None, request: HttpRequest, method: str) -> System | None:
    if system is None:
        _refused(request, method)
        return None
    if not system.legacy_auth_allowed:  # the transition is over for this system: tokens only
        _refused(request, method, reason="transition_ended", system=system.code)
        return None
    return system


def authenticate_system(request: HttpRequest) -> System | None:
    """The active system the request's credentials belong to, or None (the failure is audited). With an OAuth
    token, ``request.hub_token`` is its row (the scopes the routes check), else None."""
    request.hub_token = None  # type: ignore[attr-defined]
    if _is_oauth(request):
        token = oauth.active_token(_bearer(request))
        if token is None:
            _refused(request, "oauth")
            return None
        request.hub_token = token  # type: ignore[attr-defined]
        token.system.presented_scopes = list(token.scopes)  # what ``allowed`` consults for a common function
        return token.system
    key = request.headers.get("X-Hub-Key", "") or _bearer(request)
    if key:
        system = None
        if key.startswith(API_KEY_PREFIX) and len(key) > 3 + API_KEY_PREFIX_LENGTH:
            prefix = key[3:3 + API_KEY_PREFIX_LENGTH]
            for candidate in System.objects.filter(api_key_prefix=prefix, active=True):
                if candidate.check_api_key(key):
                    system = candidate
                    break
        return _legacy(system, request, "api_key")
    fingerprint = request.headers.get("X-Client-Cert-SHA256", "").replace(":", "").lower()
    if fingerprint:
        system = None
        if request.headers.get("X-Client-Cert-Verify") == "SUCCESS" and len(fingerprint) == 64:
            system = System.objects.filter(client_cert_sha256=fingerprint, active=True).first()
        return _legacy(system, request, "mtls")
    _refused(request, "none")
    return None


def _token(request: HttpRequest) -> AccessToken | None:
    return getattr(request, "hub_token", None)


def require_scope(request: HttpRequest, feed_code: str, operation: str) -> None:
    """With an OAuth token, the scope ``業務システムID:feed:operation`` must be in it (RFC 6750 §3.1
    ``insufficient_scope``, audited). A key or certificate of the transition carries no scope: its grants
    decide alone, as before."""
    token = _token(request)
    if token is None:
        return
    required = scopes.scope_for(feed_code, operation)
    if required not in token.scopes:
        audit.record(token.system, "hub.oauth.scope", f"hub.feed:{feed_code}"[:200], "refused", scope=required,
                     token=token.pk)
        raise InsufficientScope(scope=required)


def require_file_scope(request: HttpRequest, file_id: int) -> None:
    """A file's record with a token: the token needs the scope of the file's feed (``write`` for a file the
    system sent, ``read`` for an extract made for it). Without it the answer is the one for a file that is not
    the system's (``FileRefused``), audited."""
    token = _token(request)
    if token is None:
        return
    row = ExchangedFile.objects.filter(pk=file_id).values_list("layout", "direction").first()
    if row is not None and scopes.scope_for(row[0], "write" if row[1] == "in" else "read") in token.scopes:
        return
    audit.record(token.system, "hub.file.fetch", f"hub.file:{file_id}", "refused", reason="scope", token=token.pk)
    raise FileRefused()


def _authenticated(request: HttpRequest) -> System:
    system = authenticate_system(request)
    if system is None:
        raise NotAuthenticated(bearer_error(request))  # answered as the hub's other errors: {code, message, fields}
    request.hub_system = system  # type: ignore[attr-defined]
    return system


class HubOAuth2(AuthBase):
    """django-ninja auth for system-to-system routes, the standard's way (OpenAPI: the OAuth 2.0 client
    credentials flow, its token URL and every scope the catalogue can grant)."""

    openapi_type = "oauth2"
    openapi_description = ("OAuth 2.0 Client Credentials (共通機能標準仕様書 2.2). クライアント認証は client_secret_jwt "
                           "(RFC 7523)、暫定で client_secret_basic。アクセストークンは短命の Bearer、リフレッシュ"
                           "トークンなし。スコープは 業務システムID:リソース名:操作名。")
    openapi_flows = {"clientCredentials": {"tokenUrl": oauth.TOKEN_PATH, "scopes": scopes.documented()}}

    def __call__(self, request: HttpRequest) -> Any:
        if not _is_oauth(request):
            return None  # not a token: the transition's credentials are tried next (SystemAuth)
        return _authenticated(request)


class SystemAuth(AuthBase):
    """django-ninja auth for the transition (OpenAPI: an API key in the ``X-Hub-Key`` header; mutual TLS is
    the reverse proxy's). Answers every request that carries no OAuth token, and refuses it when nothing
    authenticates."""

    openapi_type = "apiKey"
    openapi_in = "header"
    openapi_name = "X-Hub-Key"
    openapi_description = "移行期間の接続方式（APIキー）。システムごとに停止できます。"

    def __call__(self, request: HttpRequest) -> Any:
        return _authenticated(request)


def ensure_common(request: HttpRequest, action: str) -> System:
    """The caller of a common function's API (``jutogai`` 住登外者, ``togo`` 統合宛名), checked by ``allowed`` alone:
    the action's role, the city's grant of the function and a token's scope ``…:<function>:use`` are all in the
    policy (``define(grant=…)``, ``System.holds_grant``). This only words the refusal of a token that lacks the
    scope as RFC 6750 §3.1 asks (``insufficient_scope``); every refusal is audited by ``ensure``."""
    from jichitai.accounts.api_auth import ensure
    from jichitai.accounts.policy import ACTIONS
    from jichitai.common.errors import PermissionRefused

    try:
        system: System = ensure(request, action)
    except PermissionRefused:
        token, function = _token(request), ACTIONS[action].grant
        if token is not None and function is not None and token.system.is_active:
            required = scopes.scope_for(function, "use")
            if required not in token.scopes and Grant.objects.filter(system=token.system, feed__code=function).exists():
                raise InsufficientScope(scope=required) from None
        raise
    return system


def system_auth() -> list[AuthBase]:
    """The auth of every system-to-system route: an OAuth token, else the transition's credentials."""
    return [HubOAuth2(), SystemAuth()]
