"""The lounge's errors (Japanese message, stable code)."""

from __future__ import annotations

from typing import Any

from jichitai.common.errors import JichitaiError, NotFound


class LoungeError(JichitaiError):
    code = "lounge"


class UnknownIndicator(NotFound):
    code = "lounge_unknown_indicator"

    def __init__(self, slug: str, **fields: Any) -> None:
        super().__init__(f"指標「{slug}」はありません。", indicator=slug, **fields)


class UnknownPeriod(LoungeError):
    code = "lounge_unknown_period"

    def __init__(self, period: str, **fields: Any) -> None:
        super().__init__(f"期間「{period}」のデータはありません。", period=period, **fields)


class QueryRefused(LoungeError):
    """An analyst's SQL that is not a single read-only query of the lounge zone, or that ran too long."""

    code = "lounge_query_refused"
