"""Pseudonymisation for the lake: a keyed HMAC-SHA256 of the 宛名番号 per purpose, and coarsening rules.

The master key lives in a file outside the database (``<JICHITAI_VAR>/keys/lake-pseudonym.key`` unless the
configuration names another path); demo and test mode create it on first use, production refuses to start
without it. Each purpose (``lounge``, a research project…) gets its own derived key, so identifiers from two
purposes cannot be joined without the master key: ``key_p = HMAC(master, "jichitai-pseudonym:" + purpose)``,
``pid = hex(HMAC-SHA256(key_p, value))[:32]``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from jichitai.common.errors import ConfigurationError
from jichitai.common.keyfile import create_once

PID_LENGTH = 32
KEY_FILE_NAME = "lake-pseudonym.key"


def key_path() -> Path:
    from django.conf import settings

    cfg = settings.CONFIG
    configured = cfg.extras.get("lake_pseudonym_key_file")
    return Path(configured) if configured else cfg.var_dir / "keys" / KEY_FILE_NAME


def load_or_create_master_key(path: Path, *, create: bool) -> bytes:
    if not path.exists():
        if not create:
            raise ConfigurationError(
                f"pseudonymisation key file {path} does not exist (create it with 32 random bytes, hex)",
                variable="JICHITAI_VAR",
            )
        create_once(path, (secrets.token_hex(32) + "\n").encode())
    raw = path.read_text().strip()
    key = bytes.fromhex(raw)
    if len(key) < 32:
        raise ConfigurationError(f"pseudonymisation key {path} is shorter than 32 bytes", variable="JICHITAI_VAR")
    return key


@lru_cache(maxsize=1)
def master_key() -> bytes:
    from django.conf import settings

    return load_or_create_master_key(key_path(), create=not settings.CONFIG.is_production)


def purpose_key(master: bytes, purpose: str) -> bytes:
    if not purpose:
        raise ValueError("a purpose is required")
    return hmac.new(master, b"jichitai-pseudonym:" + purpose.encode(), hashlib.sha256).digest()


class Pseudonymiser:
    """Maps identifiers to pseudonyms for one purpose. ``Pseudonymiser.for_purpose("lounge")`` in the app;
    ``Pseudonymiser(master_key_bytes, "lounge")`` where the key is at hand (tests, Spark executors)."""

    def __init__(self, master: bytes, purpose: str) -> None:
        self.purpose = purpose
        self._base = hmac.new(purpose_key(master, purpose), digestmod=hashlib.sha256)

    @classmethod
    def for_purpose(cls, purpose: str) -> Pseudonymiser:
        return cls(master_key(), purpose)

    def __call__(self, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        h = self._base.copy()
        h.update(str(value).encode())
        return h.hexdigest()[:PID_LENGTH]

    def many(self, values: Iterable[str | None]) -> list[str | None]:
        base = self._base
        out: list[str | None] = []
        for value in values:
            if value is None or value == "":
                out.append(None)
                continue
            h = base.copy()
            h.update(str(value).encode())
            out.append(h.hexdigest()[:PID_LENGTH])
        return out


def pseudonymise(value: str | None, purpose: str = "lounge") -> str | None:
    return Pseudonymiser.for_purpose(purpose)(value)


def birth_month(birth_date: dt.date | None) -> dt.date | None:
    """A birth date reduced to the first day of its month (the lounge's ``birth_ym``)."""
    return None if birth_date is None else birth_date.replace(day=1)
