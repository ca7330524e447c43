"""Authentication: password with lock-out after repeated failures, and optional OpenID Connect."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from django.utils import timezone

from jichitai.accounts.models import LoginThrottle, Staff
from jichitai.audit import services as audit


class LockedOut(Exception):
    """Raised through the request so the login view can say why, without saying whether the account exists."""


def _throttle(username: str) -> LoginThrottle:
    throttle, _ = LoginThrottle.objects.get_or_create(username=username[:150])
    return throttle


def is_locked(username: str) -> bool:
    t = LoginThrottle.objects.filter(username=username[:150]).first()
    return bool(t and t.locked_until and t.locked_until > timezone.now())


class LockoutBackend(ModelBackend):
    """Password login. After ``lockout_attempts`` failures for a user name, refuse it for ``lockout_minutes``.
    Failures are counted for unknown names too, so a lock-out does not reveal whether an account exists."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> Staff | None:
        if not username or password is None:
            return None
        cfg = settings.CONFIG
        throttle = _throttle(username)
        now = timezone.now()
        if throttle.locked_until and throttle.locked_until > now:
            audit.record(None, "login", f"staff:{username}", "refused", reason="locked")
            if request is not None:
                request.login_locked = True  # type: ignore[attr-defined]
            return None
        user = Staff.objects.filter(username=username).first()
        if user is not None and user.is_active and user.check_password(password):
            throttle.failures, throttle.locked_until = 0, None
            throttle.save(update_fields=["failures", "locked_until"])
            audit.record(user, "login", f"staff:{username}", "ok", method="password")
            return user
        if user is None:
            Staff().set_password(password)  # same work as a real check: no timing difference
        throttle.failures += 1
        throttle.last_failure = now
        if throttle.failures >= cfg.lockout_attempts:
            throttle.locked_until = now + dt.timedelta(minutes=cfg.lockout_minutes)
            throttle.failures = 0
        throttle.save()
        audit.record(None, "login", f"staff:{username}", "refused",
                     reason="locked_now" if throttle.locked_until and throttle.locked_until > now else "bad_credentials")
        if request is not None and throttle.locked_until and throttle.locked_until > now:
            request.login_locked = True  # type: ignore[attr-defined]
        return None


from mozilla_django_oidc.auth import OIDCAuthenticationBackend  # noqa: E402


class StaffOIDCBackend(OIDCAuthenticationBackend):
    """Single sign-on for cities with an identity provider: the subject maps to an existing, active Staff
    (matched by ``oidc_subject``, else by ``preferred_username`` = 職員番号). No account is ever created."""

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        sub = claims.get("sub", "")
        users = Staff.objects.filter(oidc_subject=sub, is_active=True) if sub else Staff.objects.none()
        if not users.exists() and claims.get("preferred_username"):
            users = Staff.objects.filter(username=claims["preferred_username"], is_active=True)
        return users

    def create_user(self, claims: dict[str, Any]) -> None:
        audit.record(None, "login", f"oidc:{claims.get('sub', '')}", "refused", reason="no_staff_account")
        return None

    def get_user(self, user_id: int) -> Staff | None:
        return Staff.objects.filter(pk=user_id, is_active=True).first()
