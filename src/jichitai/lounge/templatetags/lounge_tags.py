"""Template filters of the lounge pages: every figure goes through :func:`jichitai.lounge.display.figure`."""

from __future__ import annotations

from django import template

from jichitai.lounge import display

register = template.Library()


@register.filter
def figure(value: object, unit: str = "") -> str:
    """12468|figure:"人" → 12,468人; None → 秘匿."""
    return display.figure(value, unit)


@register.filter
def period(text: str) -> str:
    """"2024-01-01" → 2024年1月1日."""
    return display.period(text)
