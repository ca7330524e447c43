"""Authentication: password with lock-out after repeated failures (then a second factor), and optional OpenID
Connect (whose identity provider may vouch for the second factor through its ``amr`` claim)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from jichitai.accounts import anonymous, lockout, twofactor
from jichitai.accounts.models import Staff
from jichitai.audit import services as audit


def load_staff(user_id: Any) -> Staff | None:
    """The active member of staff a session names, with everything a request asks of them, in one query: the
    所属課 (the 排他制御 lease names its holder by 氏名（所属課）), the role codes (``allowed``) and the ids of their
    confirmed authenticator devices (the second factor, ``middleware.SecondFactorMiddleware``). Read afresh on
    every request: a disabled account, a removed role or a reset device counts from the very next one."""
    staff = (Staff.objects.select_related("department")
             .annotate(role_list=ArraySubquery(Staff.roles.through.objects.filter(staff_id=OuterRef("pk"))
                                               .values("role_id")),
                       totp_list=ArraySubquery(TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True)
                                               .values("id")))
             .filter(pk=user_id, is_active=True).first())
    if staff is not None:
        staff.set_loaded_roles(staff.role_list)
        staff.confirmed_totp_ids = frozenset(staff.totp_list)
    return staff


class LockoutBackend(ModelBackend):
    """Password check, the first of the two factors. Failures count toward the lock-outs of
    ``accounts.lockout`` (per name and address, per address, per name). A right password does not log anyone
    in by itself: the login view then asks for the second factor (``accounts.twofactor``)."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> Staff | None:
        if not username or password is None:
            return None
        address = lockout.source_address(request)
        scope = lockout.locked_scope(username, address)
        if scope is not None:  # folded per address, scope and minute: a locked-out flood cannot fill the chain
            if request is not None:
                anonymous.record_refusal(request, "login", f"staff:{username}"[:200], fold=scope, reason="locked",
                                         scope=scope)
            else:
                audit.record(None, "login", f"staff:{username}", "refused", reason="locked", scope=scope,
                             address=address)
            if request is not None:
                request.login_locked = True  # type: ignore[attr-defined]
            return None
        user = Staff.objects.filter(username=username).first()
        if user is not None and user.is_active and user.check_password(password):
            audit.record(user, "login.password", f"staff:{username}", "ok", address=address)
            return user
        if user is None:
            Staff().set_password(password)  # same work as a real check: no timing difference
        locked = lockout.record_failure(username, address)
        audit.record(None, "login", f"staff:{username}", "refused",
                     reason="locked_now" if locked else "bad_credentials", address=address)
        if request is not None and locked:
            request.login_locked = True  # type: ignore[attr-defined]
        return None

    def get_user(self, user_id: Any) -> Staff | None:
        return load_staff(user_id)


from mozilla_django_oidc.auth import OIDCAuthenticationBackend  # noqa: E402


def oidc_userinfo(backend: OIDCAuthenticationBackend, access_token: str, id_token: str,
                  payload: dict[str, Any]) -> dict[str, Any] | str:
    """The UserInfo claims of the verified ID token's (``payload``) subject, or why they cannot be used: an ID
    token without ``sub`` (OpenID Connect Core 1.0 §2: REQUIRED), a UserInfo response for another subject
    (§5.3.2: its values MUST NOT be used). mozilla-django-oidc checks neither. Staff and residents sign in
    through it."""
    if not payload.get("sub"):
        return "subject_missing"
    claims = backend.get_userinfo(access_token, id_token, payload)
    if not isinstance(claims, dict) or claims.get("sub") != payload.get("sub"):
        return "userinfo_subject_mismatch"
    return claims


def oidc_subject(payload: dict[str, Any]) -> str:
    """The subject as the audit names it (never empty: an entry names what it is about)."""
    return str(payload.get("sub") or "（subなし）")[:100]


class StaffOIDCBackend(OIDCAuthenticationBackend):
    """Single sign-on for cities with an identity provider: the subject maps to an existing, active Staff
    (matched by ``oidc_subject``, else by ``preferred_username`` = 職員番号). No account is ever created.

    Every refusal is audited on the path a real login takes (``OIDC_CREATE_USER`` is off, so the library's own
    "no such user" branch, which only logs, is never reached): an ID token without ``sub`` (OpenID Connect Core
    1.0 §2: REQUIRED), a UserInfo response for another subject (§5.3.2: it MUST NOT be used), nobody matched,
    or more than one member of staff matched."""

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        sub = claims.get("sub", "")
        users = Staff.objects.filter(oidc_subject=sub, is_active=True) if sub else Staff.objects.none()
        if not users.exists() and claims.get("preferred_username"):
            users = Staff.objects.filter(username=claims["preferred_username"], is_active=True)
        return users

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Staff | None:
        """The one member of staff the verified ID token (``payload``) and its UserInfo name, or None (audited).
        The ID token's verified ``amr`` says whether the IdP already used two factors."""
        resource = f"oidc:{oidc_subject(payload)}"
        claims = oidc_userinfo(self, access_token, id_token, payload)
        if isinstance(claims, str):
            return self._refused(resource, claims)
        users = list(self.filter_users_by_claims(claims)[:2])
        if len(users) != 1:
            return self._refused(resource, "ambiguous" if users else "no_staff_account")
        user = self.update_user(users[0], claims)
        if getattr(self, "request", None) is not None:
            twofactor.remember_idp_mfa(self.request, user, payload)
        return user

    def _refused(self, resource: str, reason: str) -> Staff | None:
        """Audits the refusal; None, the login's answer."""
        audit.record(None, "login", resource, "refused", reason=reason,
                     address=lockout.source_address(getattr(self, "request", None)))
        return None

    def create_user(self, claims: dict[str, Any]) -> None:
        """Never: accounts are made by the city's administrators (``OIDC_CREATE_USER`` is off as well)."""
        return None

    def get_user(self, user_id: int) -> Staff | None:
        return load_staff(user_id)
