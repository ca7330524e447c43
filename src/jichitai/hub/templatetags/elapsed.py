"""Template filters for ages and lengths of time in words (:mod:`jichitai.common.elapsed`), with the exact
time in Japan time as the element's title for who needs it."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from jichitai.common import elapsed

register = template.Library()


@register.filter
def ago(when: dt.datetime | str | None) -> SafeString | str:
    """``last_delivery|ago`` → <time datetime="…" title="2026年12月7日 15:04">3分前</time> (an ISO text is read
    as a time; a naive time is UTC, as the lake records commits)."""
    if when is None or when == "":
        return "—"
    if isinstance(when, str):
        when = dt.datetime.fromisoformat(when)
    if timezone.is_naive(when):
        when = when.replace(tzinfo=dt.UTC)
    local = timezone.localtime(when)
    return format_html('<time datetime="{}" title="{}">{}</time>', when.isoformat(),
                       f"{local:%Y年%-m月%-d日 %H:%M}", elapsed.ago(when, timezone.now()))


@register.filter
def duration(seconds: float | None) -> str:
    """``lag_seconds|duration`` → 3分; None → —."""
    return "—" if seconds is None else elapsed.duration(seconds)
