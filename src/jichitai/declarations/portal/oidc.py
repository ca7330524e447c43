"""Resident sign-in through OpenID Connect (production): the identity provider stands in for the
マイナンバーカード (its 署名用/利用者証明用電子証明書) and returns the standard claims ``name`` and ``birthdate``
(基本4情報). The resident is the one active person of the registry with that name and birth date; anything
else is refused and audited. Code flow with state and nonce; the token exchange and the ID-token signature check
(RS256 against the provider's JWKS) are mozilla-django-oidc's, configured with the resident client
(``JICHITAI_RESIDENT_OIDC_CLIENT_ID``/``_SECRET``) of the same issuer as staff SSO (``JICHITAI_OIDC_ISSUER``).
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from jichitai.accounts import anonymous
from jichitai.accounts.backends import oidc_subject, oidc_userinfo
from jichitai.accounts.guards import public
from jichitai.audit import services as audit
from jichitai.common.text import search_key
from jichitai.declarations.actors import ResidentActor
from jichitai.declarations.portal.guard import sign_in

try:
    from mozilla_django_oidc.auth import OIDCAuthenticationBackend
except ImportError:  # pragma: no cover - a dependency; kept optional for slim installs
    OIDCAuthenticationBackend = object

STATE = "jichitai_resident_oidc"


def _enabled() -> bool:
    cfg = settings.CONFIG
    return bool(cfg.oidc_issuer and cfg.resident_oidc_client_id)


def resident_settings() -> dict[str, Any]:
    cfg = settings.CONFIG
    return {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{cfg.oidc_issuer}/authorize",
        "OIDC_OP_TOKEN_ENDPOINT": f"{cfg.oidc_issuer}/token",
        "OIDC_OP_USER_ENDPOINT": f"{cfg.oidc_issuer}/userinfo",
        "OIDC_OP_JWKS_ENDPOINT": f"{cfg.oidc_issuer}/jwks",
        "OIDC_RP_CLIENT_ID": cfg.resident_oidc_client_id,
        "OIDC_RP_CLIENT_SECRET": cfg.resident_oidc_client_secret,
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_RP_SCOPES": "openid profile",
        "OIDC_AUTHENTICATION_CALLBACK_URL": "declarations:oidc_callback",
        "OIDC_CREATE_USER": False,
    }


class ResidentOIDC(OIDCAuthenticationBackend):
    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        values = resident_settings()
        if attr in values:
            return values[attr]
        return args[0] if args else None

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("name") and claims.get("birthdate"))

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        from jichitai.registry.models import Resident

        resource = f"resident-oidc:{oidc_subject(payload)}"
        claims = oidc_userinfo(self, access_token, id_token, payload)
        if isinstance(claims, str):  # no subject, or another person's UserInfo: never matched to a resident
            audit.record(None, "login", resource, "refused", reason=claims)
            return None
        if not self.verify_claims(claims):
            raise SuspiciousOperation("name and birthdate claims are required")
        matches = [r for r in Resident.objects.filter(birth_date=claims["birthdate"], status="active")
                   if search_key(r.name) == search_key(claims["name"])]
        if len(matches) != 1:
            audit.record(None, "login", resource, "refused", reason="no_unique_resident", matches=len(matches))
            return None
        r = matches[0]
        return ResidentActor(subject=str(claims["sub"]), my_number_index=r.my_number_index,
                             atena_number=r.atena_number, name=r.name, method="oidc")


@public
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    if not _enabled():
        raise Http404
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    request.session[STATE] = {"state": state, "nonce": nonce}
    s = resident_settings()
    query = urlencode({
        "response_type": "code", "client_id": s["OIDC_RP_CLIENT_ID"], "scope": s["OIDC_RP_SCOPES"],
        "redirect_uri": request.build_absolute_uri(reverse(s["OIDC_AUTHENTICATION_CALLBACK_URL"])),
        "state": state, "nonce": nonce,
    })
    return redirect(f"{s['OIDC_OP_AUTHORIZATION_ENDPOINT']}?{query}")


start.jichitai_public_reason = "本人確認（OpenID Connect）の開始: ログイン前の住民が使う"  # type: ignore[attr-defined]


@public
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    if not _enabled():
        raise Http404
    expected = request.session.pop(STATE, None) or {}
    if not expected or request.GET.get("state") != expected.get("state"):  # anyone can call this: folded
        anonymous.record_refusal(request, "login", "resident-oidc", fold="state", reason="state")
        return redirect("declarations:portal")
    try:
        actor = ResidentOIDC().authenticate(request, nonce=expected.get("nonce"))
    except (SuspiciousOperation, Exception) as exc:
        anonymous.record_refusal(request, "login", "resident-oidc", fold=type(exc).__name__,
                                 reason=type(exc).__name__)
        actor = None
    if isinstance(actor, ResidentActor):
        sign_in(request, actor)
    return redirect("declarations:portal")


callback.jichitai_public_reason = "本人確認（OpenID Connect）の戻り先: state と nonce を検証する"  # type: ignore[attr-defined]
