"""Elapsed time in words, as people read it on a page: 「たった今」「3分前」「2時間前」, 「45秒」「1時間20分」."""

from __future__ import annotations

import datetime as dt


def duration(seconds: float) -> str:
    """A length of time: 45秒, 3分, 1時間20分, 2日3時間 (rounded down to the unit shown)."""
    if seconds < 1:
        return "1秒未満"
    s = int(seconds)
    if s < 60:
        return f"{s}秒"
    minutes, hours, days = s // 60, s // 3600, s // 86400
    if s < 3600:
        return f"{minutes}分"
    if s < 86400:
        rest = minutes - hours * 60
        return f"{hours}時間{rest}分" if rest else f"{hours}時間"
    rest_hours = hours - days * 24
    return f"{days}日{rest_hours}時間" if rest_hours else f"{days}日"


def ago(when: dt.datetime | None, now: dt.datetime) -> str:
    """How long ago ``when`` was: たった今 (under 10 seconds), 40秒前, 3分前, 2時間前, 5日前; 「—」 for none;
    a time in the future (a clock ahead) reads 「たった今」."""
    if when is None:
        return "—"
    seconds = (now - when).total_seconds()
    if seconds < 10:
        return "たった今"
    s = int(seconds)
    if s < 60:
        return f"{s}秒前"
    if s < 3600:
        return f"{s // 60}分前"
    if s < 86400:
        return f"{s // 3600}時間前"
    return f"{s // 86400}日前"
