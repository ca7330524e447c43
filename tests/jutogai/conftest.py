"""住登外者 fixtures: the hub's systems (``make_system``), the registry's towns and a clerk, and ``jutogai(...)`` to
number one 住登外者 directly through the service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from tests.hub.conftest import hub_catalogue, make_system  # noqa: F401  (fixtures shared with the hub's tests)
from tests.registry.conftest import clerk, household, protect, towns  # noqa: F401


@pytest.fixture
def jutogai(db: Any) -> Callable[..., Any]:
    """``jutogai(name, kana, birth, sex, address, **over)`` → a numbered 住登外者 (no candidates expected)."""
    from jichitai.jutogai import services
    from jichitai.jutogai.facts import checked

    def make(name: str = "山田 太郎", kana: str = "ヤマダ タロウ", birth: dt.date | None = dt.date(1970, 4, 1),
             sex: str = "M", address: str = "東京都千代田区霞が関1-2-3", **over: Any) -> Any:
        result = services.number("staff:test", checked(name, kana, birth, sex, address), source="test", **over)
        assert result.numbered is not None, result.candidates
        return result.numbered

    return make
