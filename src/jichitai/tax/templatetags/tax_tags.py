"""Template filters of the tax pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def comma(value: int) -> str:
    """An integer (yen or a count) with thousands separators: 1234567 → 1,234,567."""
    return f"{int(value):,}"


@register.filter
def report_item(value: object) -> str:
    """One item of a report as a person reads it: amounts as 4,825,000円, dates in 和暦, absent as —."""
    import datetime as dt

    from jichitai.common.wareki import to_wareki

    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "あり" if value else "なし"
    if isinstance(value, int):
        return f"{value:,}円"
    if isinstance(value, str):
        try:
            return to_wareki(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)
