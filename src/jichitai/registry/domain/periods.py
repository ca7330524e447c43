"""The registry's 届出の期間 as dated parameters (``periods.yaml``: value, source, from which day). Pure: no Django."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent


@lru_cache(maxsize=1)
def _periods() -> dict[str, Any]:
    with open(HERE / "periods.yaml", encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, dict)
    return data


def days(name: str, on: dt.date) -> int:
    """The number of days ``name`` allows on day ``on`` (the entry with the latest ``from`` not after it)."""
    history = sorted(_periods()[name]["history"], key=lambda e: e["from"])
    chosen = [e for e in history if e["from"] <= on]
    if not chosen:
        raise LookupError(f"no value of {name} applies on {on.isoformat()}")
    return int(chosen[-1]["value"])


def source(name: str) -> str:
    return str(_periods()[name]["source"])
