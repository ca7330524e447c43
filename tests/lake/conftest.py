from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def lake(tmp_path: Path, settings: Any) -> Iterator[Any]:
    """A fresh lake (SQLite catalogue, local warehouse) under tmp_path; the settings point at it."""
    from jichitai.lake import catalog

    settings.CONFIG = dataclasses.replace(settings.CONFIG, lake_path=str(tmp_path / "lake"),
                                          lake_catalog_url=f"sqlite:///{tmp_path / 'lake' / 'catalog.sqlite3'}")
    catalog.forget_catalogs()
    yield catalog.catalog()
    catalog.forget_catalogs()
