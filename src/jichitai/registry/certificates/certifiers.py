"""認証者 (j310): who certifies a certificate on a given day, from ``certifiers.yaml``.

A 職務代理者 (``role: deputy``) entry whose period contains the day wins over the mayor's entry, so that the
switch happens by itself on the dates registered in advance.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from jichitai.registry.certificates.snapshot import Certifier

CERTIFIERS_FILE = Path(__file__).with_name("certifiers.yaml")


@lru_cache(maxsize=4)
def _load(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


def city(path: Path = CERTIFIERS_FILE) -> tuple[str, str]:
    """(prefecture, city name) as printed."""
    data = _load(str(path))
    return str(data["prefecture"]), str(data["city_name"])


def certifier_on(day: dt.date, path: Path = CERTIFIERS_FILE) -> Certifier:
    data = _load(str(path))
    candidates = []
    for entry in data["certifiers"]:
        start = entry["from"]
        end = entry.get("to")
        if start <= day and (end is None or day <= end):
            candidates.append(entry)
    if not candidates:
        raise LookupError(f"{day} に有効な認証者が登録されていません（{path.name}）")
    chosen = sorted(candidates, key=lambda e: (e["role"] != "deputy", -e["from"].toordinal()))[0]
    return Certifier(
        title=str(chosen["title"]), name=str(chosen["name"]), prefecture=str(data["prefecture"]),
        seal_image=str(chosen.get("seal_image") or ""),
    )
