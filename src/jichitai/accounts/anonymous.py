"""Refusals of requests nobody is authenticated for (no session, no key), audited without letting anyone flood
the audit chain.

Every audit entry is appended to one hash chain (its head row is locked per entry), so an anonymous client that
sends refused requests as fast as it can would write entry after entry and slow every member of staff's work.
Such refusals are therefore folded: per source address, action and refusal code (and the name the caller
claimed, where it claims one: ``fold``), the first one of each minute is written at once (the signal: who,
which path, when), the others of that minute are counted in the throttle table and the next entry written for
that key says how many were folded before it (``folded``). Over all addresses together at most :data:`GLOBAL_PER_WINDOW` entries a minute are written
(against a client with many addresses); the first entry of the next minute carries how many were folded
globally (``folded_globally``). Refusals of authenticated actors are each audited as before: they have a name. Callers: the API's refusals
before any route ran (``api.request``), the hub's refused credentials (``hub.authenticate``) and its OAuth
endpoints' refusals of clients that did not authenticate (``hub.oauth.*``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from jichitai.accounts import lockout
from jichitai.accounts.models import LoginThrottle
from jichitai.audit import services as audit

WINDOW = dt.timedelta(minutes=1)
GLOBAL_PER_WINDOW = 120
SCOPE, GLOBAL_SCOPE = "anon", "anon_all"


def _row(scope: str, key: str) -> LoginThrottle:
    LoginThrottle.objects.get_or_create(scope=scope, key=key[:170])
    return LoginThrottle.objects.select_for_update().get(scope=scope, key=key[:170])


def record_refusal(request: HttpRequest, action: str, resource: str, *, fold: str = "", **detail: Any) -> bool:
    """Audit the anonymous refusal of ``request`` unless folded into its key's minute (or the global budget);
    returns whether an entry was written. The key: address, action, ``fold`` (what else tells refusals apart:
    the client a request claims to be) and ``detail["code"]``."""
    now = timezone.now()
    address = lockout.source_address(request)
    code = "|".join((action, fold, str(detail.get("code", ""))))
    with transaction.atomic():
        every = _row(GLOBAL_SCOPE, "*")
        carried: dict[str, Any] = {}
        if every.last_failure is None or now - every.last_failure >= WINDOW:
            if every.failures > GLOBAL_PER_WINDOW:
                carried["folded_globally"] = every.failures - GLOBAL_PER_WINDOW
            every.failures, every.last_failure = 0, now
        every.failures += 1
        every.save(update_fields=["failures", "last_failure"])
        mine = _row(SCOPE, f"{address}|{code}")
        if every.failures > GLOBAL_PER_WINDOW or (mine.last_failure is not None
                                                  and now - mine.last_failure < WINDOW):
            mine.failures += 1  # folded: counted here, reported by the next entry for this address and code
            mine.save(update_fields=["failures"])
            return False
        if mine.failures:
            carried["folded"] = mine.failures
        mine.failures, mine.last_failure = 0, now
        mine.save(update_fields=["failures", "last_failure"])
        audit.record(None, action, resource, "refused", address=address, **detail, **carried)
    return True
