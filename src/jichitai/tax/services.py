"""Entry points of the tax context for views, the API and commands: the configured city, one case."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from jichitai.tax import parameters as P
from jichitai.tax.calc import calculate
from jichitai.tax.case import parse_case


def configured_city_code() -> str | None:
    """The city in settings (``JICHITAI_CITY_CODE`` → config.city_code), when the parameters know it."""
    code = getattr(getattr(settings, "CONFIG", None), "city_code", None)
    return code if code else None


def calculate_case(data: Any) -> dict[str, Any]:
    """One case of the public format → the public answer. A case without ``municipality`` is computed with
    the configured city's 条例 figures (Kobe by default)."""
    case = parse_case(data)
    if case.municipality is None:
        from dataclasses import replace

        case = replace(case, municipality=P.municipality(configured_city_code(), case.fiscal_year))
    return calculate(case)
