"""Template filters of the tax pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def comma(value: int) -> str:
    """An integer (yen or a count) with thousands separators: 1234567 → 1,234,567."""
    return f"{int(value):,}"
