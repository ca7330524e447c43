"""Pseudonyms: keyed, per purpose, stable; birth dates coarsened to the month (issue 6, lounge zone)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from jichitai.common.errors import ConfigurationError
from jichitai.lake.pseudonym import Pseudonymiser, birth_month, load_or_create_master_key


def test_keyed_per_purpose_and_stable(tmp_path: Path) -> None:
    key = load_or_create_master_key(tmp_path / "k", create=True)
    assert load_or_create_master_key(tmp_path / "k", create=False) == key
    lounge, research = Pseudonymiser(key, "lounge"), Pseudonymiser(key, "research")
    pid = lounge("100000001")
    assert pid is not None and len(pid) == 32 and pid == lounge("100000001")
    assert pid != research("100000001") and pid != lounge("100000002")
    assert "100000001" not in pid
    other_key = Pseudonymiser(b"x" * 32, "lounge")
    assert other_key("100000001") != pid
    assert lounge.many(["100000001", None, ""]) == [pid, None, None]


def test_production_refuses_a_missing_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError):
        load_or_create_master_key(tmp_path / "missing", create=False)


def test_birth_month() -> None:
    assert birth_month(dt.date(1990, 5, 26)) == dt.date(1990, 5, 1)
    assert birth_month(None) is None
