"""Lock-out after repeated login failures, counted three ways so that one person cannot lock every account.

* a user name from one source address: ``lockout_attempts`` failures lock that name *at that address* only,
  so someone guessing at a colleague's account from their own desk does not lock the colleague out;
* a source address, whatever names it tries: ``4 × lockout_attempts`` failures lock the address, so one
  machine cannot walk the staff list (nor guess second factors) at all;
* a user name from anywhere: ``10 × lockout_attempts`` failures lock the name everywhere, against guessing
  spread over many addresses (more than one address can reach before it is itself locked).

Failures count for unknown names too, so a lock-out never reveals whether an account exists. Failures of the
second factor count against the address and the name as well.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from jichitai.accounts.models import LoginThrottle

PAIR, ADDRESS, ACCOUNT = "pair", "address", "account"
ADDRESS_FACTOR, ACCOUNT_FACTOR = 4, 10


def source_address(request: HttpRequest | None) -> str:
    """The client's address. From a trusted reverse proxy (``JICHITAI_TRUSTED_PROXIES``), the last
    ``X-Forwarded-For`` hop that is not itself a trusted proxy (earlier hops are the client's word and can be
    forged); from anyone else, the connection's own address (their ``X-Forwarded-For`` is ignored)."""
    if request is None:
        return "unknown"
    remote = str(request.META.get("REMOTE_ADDR") or "unknown")
    trusted = settings.CONFIG.trusted_proxies
    if remote in trusted:
        hops = [h.strip() for h in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if h.strip()]
        for hop in reversed(hops):
            if hop not in trusted:
                return hop[:64]
    return remote[:64]


@dataclass(frozen=True)
class _Key:
    scope: str
    key: str
    limit: int


def _keys(username: str, address: str) -> list[_Key]:
    attempts = settings.CONFIG.lockout_attempts
    name = username[:100]
    return [
        _Key(PAIR, f"{name}@{address}", attempts),
        _Key(ADDRESS, address, attempts * ADDRESS_FACTOR),
        _Key(ACCOUNT, name, attempts * ACCOUNT_FACTOR),
    ]


def locked_scope(username: str, address: str) -> str | None:
    """The first scope (pair, address, account) under which this attempt is refused now, or None."""
    now = timezone.now()
    for k in _keys(username, address):
        t = LoginThrottle.objects.filter(scope=k.scope, key=k.key).first()
        if t is not None and t.locked_until is not None and t.locked_until > now:
            return k.scope
    return None


def record_failure(username: str, address: str) -> str | None:
    """Count one failure under every scope; return the scope that locked now (or was already locked), if any."""
    now = timezone.now()
    minutes = settings.CONFIG.lockout_minutes
    locked: str | None = None
    with transaction.atomic():
        for k in _keys(username, address):
            t, _ = LoginThrottle.objects.select_for_update().get_or_create(scope=k.scope, key=k.key)
            t.failures += 1
            t.last_failure = now
            if t.failures >= k.limit:
                t.locked_until = now + dt.timedelta(minutes=minutes)
                t.failures = 0
            if t.locked_until is not None and t.locked_until > now and locked is None:
                locked = k.scope
            t.save()
    return locked


def record_success(username: str, address: str) -> None:
    """A full login (both factors) clears the name's counters; the address keeps its count (other names)."""
    keys = _keys(username, address)
    LoginThrottle.objects.filter(scope=PAIR, key=keys[0].key).update(failures=0, locked_until=None)
    LoginThrottle.objects.filter(scope=ACCOUNT, key=keys[2].key).update(failures=0)
