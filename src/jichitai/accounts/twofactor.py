"""The second factor (二要素認証, 住民記録システム標準仕様書 10.3): TOTP devices from django-otp.

A password alone never logs anyone in. The password step leaves a *pending* login in the session (who, when);
the code step (or, on first login, the enrolment step with a QR code drawn here by segno) completes it with
``django.contrib.auth.login`` and ``django_otp.login``. A session is *verified* when django-otp's middleware
finds the confirmed device that checked the code, or when the city's identity provider said that it used
several factors itself (the ``amr`` claim, RFC 8176: ``mfa`` or ``otp``). ``guards.requires`` and the API's
``StaffSession`` let through verified sessions only.

Codes are refused when reused (django-otp keeps the last time step used), when wrong too often in a row
(django-otp's throttling), and count as login failures for the lock-out (``accounts.lockout``).

Recovery codes (django-otp's static device): ten are made when the authenticator app is enrolled and shown
once, on the page that follows; each logs in once in place of a code (django-otp deletes it when used), and
each use is audited with the number left. Only a keyed hash of each code is stored (``recovery_digest``): a
reader of the database or of a backup learns no code that would log in. A lost phone without codes is a 二要素認証のリセット, proposed by
one system administrator and approved by another (``accounts.rolechanges``).
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import django_otp
import segno
from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jichitai.accounts import lockout
from jichitai.accounts.models import Staff
from jichitai.audit import services as audit

PENDING = "jichitai_pending_login"
IDP_MFA = "jichitai_idp_mfa"
PENDING_MINUTES = 5
MFA_AMR = frozenset({"mfa", "otp"})
LOGIN_BACKEND = "jichitai.accounts.backends.LockoutBackend"
DEVICE_NAME = "jichitai"
RECOVERY_NAME = "recovery"
RECOVERY_CODES = 10
RECOVERY_SALT = "jichitai.accounts.twofactor.recovery-code"


class SecondFactorMiddleware(OTPMiddleware):
    """django-otp's middleware (``request.user.is_verified()``), without a query of its own when the session's
    device is an authenticator app: whether that device is one of the member of staff's confirmed ones was read
    with them (``backends.load_staff``, the same request). The device row itself is read only if someone asks
    for it. Any other device (a recovery code's) goes through django-otp's own lookup and checks."""

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        confirmed = getattr(user, "confirmed_totp_ids", None) if user.is_authenticated else None
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY) if confirmed is not None else None
        label, _, ident = self._normalize_persistent_id(persistent_id or "").rpartition("/")
        if label != TOTP_LABEL or not ident.isdigit():
            return super()._verify_user_sync(request, user)
        self._init_user_fields(user)
        device_id = int(ident)
        if device_id in confirmed:  # type: ignore[operator]
            user.otp_device = SimpleLazyObject(lambda: TOTPDevice.objects.get(pk=device_id))
        else:  # reset, unconfirmed or someone else's: not verified, and the session forgets it (as django-otp)
            del request.session[DEVICE_ID_SESSION_KEY]
        return user


TOTP_LABEL = TOTPDevice.model_label()


def is_verified(request: HttpRequest) -> bool:
    """Has this session's member of staff passed a second factor (ours, or the identity provider's)?"""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    verified = getattr(user, "is_verified", None)
    if verified is not None and verified():
        return True
    return request.session.get(IDP_MFA) == user.pk


def idp_used_mfa(claims: dict[str, Any]) -> bool:
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    return bool(MFA_AMR & {str(a).lower() for a in amr if isinstance(a, str)})


def remember_idp_mfa(request: HttpRequest, staff: Staff, claims: dict[str, Any]) -> None:
    """Called by the OIDC backend once it matched ``staff``: the IdP's MFA counts as ours for this session."""
    if idp_used_mfa(claims):
        request.session[IDP_MFA] = staff.pk
    else:
        request.session.pop(IDP_MFA, None)


def start(request: HttpRequest, staff: Staff) -> None:
    """The password was right: remember who is half-way in, for a few minutes, without logging them in."""
    request.session.pop(IDP_MFA, None)
    request.session[PENDING] = {"user": staff.pk, "at": timezone.now().isoformat()}


def candidate(request: HttpRequest) -> Staff | None:
    """Who the second-factor pages are for: a pending password login, or a logged-in unverified session
    (single sign-on without the IdP's MFA)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return None if is_verified(request) else user
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    try:
        at = dt.datetime.fromisoformat(pending["at"])
    except (KeyError, TypeError, ValueError):
        return None
    if timezone.now() - at > dt.timedelta(minutes=PENDING_MINUTES):
        request.session.pop(PENDING, None)
        return None
    user_pk = pending.get("user")
    return Staff.objects.filter(pk=user_pk, is_active=True).first() if isinstance(user_pk, int) else None


def confirmed_device(staff: Staff) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=staff, confirmed=True).order_by("id").first()


def enrolment_device(staff: Staff) -> TOTPDevice:
    """The unconfirmed device shown on the enrolment page (the same one until a code confirms it)."""
    device = TOTPDevice.objects.filter(user=staff, confirmed=False).order_by("id").first()
    return device or TOTPDevice.objects.create(user=staff, name=DEVICE_NAME, confirmed=False)


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code, drawn here (no outside service ever sees the secret)."""
    return str(segno.make(uri, error="m").svg_inline(scale=5, dark="#111", light="#fff"))


def _plain(code: str) -> str:
    return "".join(ch for ch in code if not ch.isspace())


def _locked(request: HttpRequest, staff: Staff, action: str, address: str) -> bool:
    """Is ``staff`` locked out at ``address``? Then the attempt is refused unread, and audited."""
    if not lockout.locked_scope(staff.username, address):
        return False
    audit.record(staff, action, f"staff:{staff.username}", "refused", reason="locked", address=address)
    request.login_locked = True  # type: ignore[attr-defined]
    return True


def _failed(request: HttpRequest, staff: Staff, action: str, address: str) -> None:
    """A wrong code or recovery code: counted toward the lock-out and audited (whether it locked now)."""
    locked = lockout.record_failure(staff.username, address)
    audit.record(staff, action, f"staff:{staff.username}", "refused",
                 reason="locked_now" if locked else "bad_code", address=address)
    if locked:
        request.login_locked = True  # type: ignore[attr-defined]


def check_code(request: HttpRequest, staff: Staff, device: TOTPDevice, code: str) -> bool:
    """Verify ``code`` on ``device`` (reuse and brute force refused by django-otp); count a failure."""
    address = lockout.source_address(request)
    if _locked(request, staff, "login.otp", address):
        return False
    token = _plain(code)
    if token.isdigit() and django_otp.verify_token(staff, device.persistent_id, token) is not None:
        return True
    _failed(request, staff, "login.otp", address)
    return False


def recovery_digest(code: str, secret: str | bytes | None = None) -> str:
    """What is stored of a recovery code: HMAC-SHA256 of the code keyed by the site's secret (Django's
    ``salted_hmac``, with a salt of its own), its first 80 bits in base32 — 16 characters, the width of django-otp's
    token column, so django-otp's device compares digests as it compared codes. Keyed rather than a slow salted
    password hash: a code carries 40 random bits, which a slow hash would not protect from someone holding the
    database (2^40 guesses), whereas without the key kept outside the database no guess can be checked at all; and
    a login checks one digest, not ten slow hashes. ``secret``: a key of ``SECRET_KEY_FALLBACKS`` while it is rotated."""
    mac = salted_hmac(RECOVERY_SALT, _plain(code).lower(), secret=secret, algorithm="sha256").digest()
    return base64.b32encode(mac[:10]).decode().lower()


def issue_recovery_codes(staff: Staff) -> list[str]:
    """Ten new one-use recovery codes for ``staff`` (any earlier ones stop working), to be shown once."""
    StaticDevice.objects.filter(user=staff).delete()
    device = StaticDevice.objects.create(user=staff, name=RECOVERY_NAME, confirmed=True)
    codes: list[str] = []
    while len(codes) < RECOVERY_CODES:
        code = StaticToken.random_token()  # 8 characters of base32 (40 bits)
        if looks_like_recovery_code(code) and code not in codes:  # never all digits: told from an app's code
            codes.append(code)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=recovery_digest(c)) for c in codes])
    audit.record(staff, "login.recovery_codes", f"staff:{staff.username}", "ok", issued=len(codes))
    return codes


def recovery_device(staff: Staff) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=staff, name=RECOVERY_NAME, confirmed=True).first()


def looks_like_recovery_code(code: str) -> bool:
    token = _plain(code).lower()
    return len(token) == 8 and token.isalnum() and not token.isdigit()


def check_recovery_code(request: HttpRequest, staff: Staff, code: str) -> StaticDevice | None:
    """A recovery code in place of the app's: used up when it logs in (django-otp deletes it); a wrong one
    counts toward the lock-out as a wrong code does. The audit entry says how many are left. The code is compared
    by its digest (under the current secret or, while it is rotated, a fallback's)."""
    address = lockout.source_address(request)
    device = recovery_device(staff)
    if _locked(request, staff, "login.recovery", address):
        return None
    if device is not None:
        digests = [recovery_digest(code, key) for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]]
        stored = device.token_set.filter(token__in=digests).values_list("token", flat=True).first()
        if django_otp.verify_token(staff, device.persistent_id, stored or digests[0]) is not None:
            left = device.token_set.count()
            audit.record(staff, "login.recovery", f"staff:{staff.username}", "ok", left=left, address=address)
            return device
    _failed(request, staff, "login.recovery", address)
    return None


def reset(staff: Staff) -> int:
    """Remove every second factor of ``staff`` (app and recovery codes): their next login enrols anew. Only
    through an approved 二要素認証のリセット (``accounts.rolechanges.approve``). Returns devices removed."""
    removed = TOTPDevice.objects.filter(user=staff).delete()[0]
    removed += StaticDevice.objects.filter(user=staff).delete()[0]
    return int(removed)


def complete(request: HttpRequest, staff: Staff, device: Any, *, enrolled: bool = False) -> None:
    """Both factors passed: log in (a fresh session key) and bind the device to the session."""
    if enrolled and not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    request.session.pop(PENDING, None)
    if not request.user.is_authenticated:
        login(request, staff, backend=LOGIN_BACKEND)
    django_otp.login(request, device)
    address = lockout.source_address(request)
    lockout.record_success(staff.username, address)
    method = "password+recovery" if isinstance(device, StaticDevice) else "password+totp"
    audit.record(staff, "login", f"staff:{staff.username}", "ok", method=method, enrolled=enrolled, address=address)


def demo_device(staff: Staff) -> TOTPDevice:
    """Demo only (``seed_demo_staff`` refuses production): a confirmed device whose key follows from the user
    name, so that an authenticator app set up once keeps working after the demo is started again."""
    import hashlib

    key = hashlib.sha1(f"jichitai-demo-totp:{staff.username}".encode()).hexdigest()  # noqa: S324 - a demo key
    device, _ = TOTPDevice.objects.update_or_create(
        user=staff, name=DEVICE_NAME, defaults={"key": key, "confirmed": True})
    return device


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows now, or, when this step's code was already used, the next step's
    (accepted once: django-otp allows one step of clock drift). For the demo's `demo_code` and the tests."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if totp.t() <= device.last_t:
        totp.time = (device.last_t + 1) * device.step + device.t0
    return f"{totp.token():0{device.digits}d}"
