"""Helpers for the tax tests: the YAML cases a clerk can read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

CASES = Path(__file__).parent / "cases"


def load_cases(name: str) -> list[dict[str, Any]]:
    with open(CASES / name, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, list)
    return data


def pick(answer: dict[str, Any], dotted: str) -> Any:
    value: Any = answer
    for part in dotted.split("."):
        value = value[part]
    return value
