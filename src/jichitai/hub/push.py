"""Optional push: a subscription with a URL gets each batch POSTed, signed, and retried with back-off.

The body is the same batch a PULL returns (with its signed receipt); the header ``X-Hub-Signature`` is
``sha256=<hex HMAC-SHA256 of the body with the subscription's secret>``. The position advances only on a 2xx
answer; otherwise the same batch is sent again after 2, 4, 8 … seconds (at most 10 minutes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import urllib.error
import urllib.request

from django.db.models import Q
from django.utils import timezone

from jichitai.hub import feeds
from jichitai.hub.models import Subscription

MAX_BACKOFF = 600


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def deliver(sub: Subscription, timeout: float = 10.0) -> bool:
    """Send one batch to ``sub``; True when the subscriber acknowledged it (or there was nothing to send)."""
    batch = feeds.pull(sub.system, sub.feed.code, sub.acked_cursor, feeds.DEFAULT_BATCH)
    if not batch.events:
        return True
    body = batch.as_json()
    if not sub.push_url.startswith(("https://", "http://")):
        raise ValueError("push URL must be http(s)")
    request = urllib.request.Request(sub.push_url, data=body, method="POST", headers={  # noqa: S310
        "Content-Type": "application/json", "X-Hub-Signature": signature(sub.push_secret, body),
        "X-Hub-Delivery": str(batch.receipt["seq"])})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only, set by the admin
            ok = 200 <= response.status < 300
            error = "" if ok else f"HTTP {response.status}"
    except (urllib.error.URLError, OSError) as exc:
        ok, error = False, type(exc).__name__
    sub.refresh_from_db()
    if ok:
        Subscription.objects.filter(pk=sub.pk).update(acked_cursor=batch.next_cursor, failures=0, last_error="",
                                                      next_push_at=None)
    else:
        failures = sub.failures + 1
        Subscription.objects.filter(pk=sub.pk).update(
            failures=failures, last_error=error[:300],
            next_push_at=timezone.now() + dt.timedelta(seconds=min(2 ** failures, MAX_BACKOFF)))
    return ok


def deliver_due(limit: int = 100) -> int:
    """Push to every subscription that has a URL and is due. Returns how many batches were acknowledged."""
    due = (Subscription.objects.exclude(push_url="").filter(Q(next_push_at__isnull=True) | Q(next_push_at__lte=timezone.now()))
           .select_related("system", "feed")[:limit])
    return sum(1 for sub in due if deliver(sub))
