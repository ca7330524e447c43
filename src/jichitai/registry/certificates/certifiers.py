"""認証者 (j310): who certifies a certificate on a given day, from ``certifiers.yaml``.

A 職務代理者 (``role: deputy``) entry whose period contains the day wins over the mayor's entry, so that the
switch happens by itself on the dates registered in advance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from jichitai.registry.certificates.snapshot import Certifier
from jichitai.registry.domain import RegistryError

CERTIFIERS_FILE = Path(__file__).with_name("certifiers.yaml")
DEMO_SEAL = Path(__file__).with_name("demo_seal.png")  # our own sample, reads 「見本公印」


@lru_cache(maxsize=4)
def _load(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


def city(path: Path = CERTIFIERS_FILE) -> tuple[str, str]:
    """(prefecture, city name) as printed."""
    data = _load(str(path))
    return str(data["prefecture"]), str(data["city_name"])


def fee_of(kind: str, path: Path = CERTIFIERS_FILE) -> int | None:
    """The counter's 手数料 for one copy of ``kind`` (certifiers.yaml ``fees``), None when the city set none."""
    fee = (_load(str(path)).get("fees") or {}).get(kind)
    return None if fee is None else int(fee)


def certifier_on(day: dt.date, path: Path = CERTIFIERS_FILE) -> Certifier:
    """The certifier of ``day`` with the seal registered for that entry (see :func:`sealed` for the one printed)."""
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


def sealed(certifier: Certifier) -> Certifier:
    """The certifier with the seal a registry certificate prints: the entry's own (a 職務代理者's), else the city's
    (``JICHITAI_SEAL_IMAGE``), else outside production a sample reading 「見本公印」; none where the city chose
    「公印省略」 (``JICHITAI_SEAL_OMITTED``). Refused (:func:`ensure_seal`) when there is none to print."""
    from django.conf import settings

    config = settings.CONFIG
    if config.seal_omitted:
        return replace(certifier, seal_image="", seal_omitted=True)
    seal = certifier.seal_image or config.seal_image or ("" if config.is_production else str(DEMO_SEAL))
    chosen = replace(certifier, seal_image=seal, seal_omitted=False)
    ensure_seal(chosen)
    return chosen


class SealMissing(RegistryError):
    code = "seal_missing"
    status = 503


def ensure_seal(certifier: Certifier) -> None:
    """Before a certificate is issued (j1000: 認証文, 電子公印 and 発行番号): refused in Japanese when no seal is
    registered and the city did not choose 「公印省略」, or when the registered file cannot be read."""
    if certifier.seal_omitted:
        return
    if not certifier.seal_image:
        raise SealMissing("公印の画像が登録されていません。JICHITAI_SEAL_IMAGE に公印の画像を設定するか、公印省略とする"
                            "場合は JICHITAI_SEAL_OMITTED=1 を設定してください（標準仕様書 5.6）。")
    if not Path(certifier.seal_image).is_file():
        raise SealMissing(f"公印の画像ファイルが読めません（{Path(certifier.seal_image).name}）。設定を確認してください。",
                          )
