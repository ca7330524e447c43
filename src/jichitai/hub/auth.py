"""How a connected system proves who it is: an API key (``X-Hub-Key`` header or ``Authorization: Bearer``), or
mutual TLS terminated by the reverse proxy, which passes the verified client certificate's SHA-256 fingerprint
in ``X-Client-Cert-SHA256`` together with ``X-Client-Cert-Verify: SUCCESS`` (the proxy must overwrite both
headers on every request; docs/hub.md). Failures are audited and answered 401 without saying why."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security.base import AuthBase

from jichitai.audit import services as audit
from jichitai.hub.errors import NotAuthenticated
from jichitai.hub.models import API_KEY_PREFIX_LENGTH, System


def _api_key(request: HttpRequest) -> str:
    key = request.headers.get("X-Hub-Key", "")
    if not key:
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            key = auth[7:].strip()
    return key


def authenticate_system(request: HttpRequest) -> System | None:
    """The active system the request's credentials belong to, or None (the failure is audited)."""
    key = _api_key(request)
    if key:
        system = None
        if key.startswith("jk_") and len(key) > 3 + API_KEY_PREFIX_LENGTH:
            prefix = key[3:3 + API_KEY_PREFIX_LENGTH]
            for candidate in System.objects.filter(api_key_prefix=prefix, active=True):
                if candidate.check_api_key(key):
                    system = candidate
                    break
        if system is None:
            audit.record(None, "hub.authenticate", request.path[:200], "refused", method="api_key")
        return system
    fingerprint = request.headers.get("X-Client-Cert-SHA256", "").replace(":", "").lower()
    if fingerprint:
        system = None
        if request.headers.get("X-Client-Cert-Verify") == "SUCCESS" and len(fingerprint) == 64:
            system = System.objects.filter(client_cert_sha256=fingerprint, active=True).first()
        if system is None:
            audit.record(None, "hub.authenticate", request.path[:200], "refused", method="mtls")
        return system
    audit.record(None, "hub.authenticate", request.path[:200], "refused", method="none")
    return None


class SystemAuth(AuthBase):
    """django-ninja auth for system-to-system routes (OpenAPI: an API key in the ``X-Hub-Key`` header)."""

    openapi_type = "apiKey"
    openapi_in = "header"
    openapi_name = "X-Hub-Key"

    def __call__(self, request: HttpRequest) -> Any:
        system = authenticate_system(request)
        if system is None:
            raise NotAuthenticated()  # answered as the hub's other errors are: {"code", "message", "fields"}
        request.hub_system = system  # type: ignore[attr-defined]
        return system
