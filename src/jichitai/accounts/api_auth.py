"""Authentication and the permission check for API routes.

``StaffSession`` authenticates a logged-in member of staff (session cookie + CSRF); a route then calls
``ensure(request, action, resource)`` which raises :class:`PermissionRefused` (answered 403, audited).
System-to-system credentials (API keys, mutual TLS) live in the hub, which provides its own auth class with
the same ``ensure``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import SessionAuth

from jichitai.accounts import twofactor
from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.common.errors import PermissionRefused


class StaffSession(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None or not hasattr(user, "role_codes") or not twofactor.is_verified(request):
            return None  # a session without the second factor reaches no API either
        return user


def actor_of(request: HttpRequest) -> Any:
    return getattr(request, "auth", None) or getattr(request, "user", None)


def ensure(request: HttpRequest, action: str, resource: Any = None, label: str = "") -> Any:
    """Return the actor when allowed; otherwise audit the refusal and raise :class:`PermissionRefused`."""
    actor = actor_of(request)
    if not allowed(actor, action, resource):
        audit.record(actor, action, label or request.path, "refused")
        raise PermissionRefused()
    return actor
