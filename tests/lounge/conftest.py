"""The lounge fixture: a small synthetic lounge zone written to a pyiceberg SQL catalogue in a temp dir, in the
exact schema of ``jichitai.lake.schemas`` (leap-day births, NULL school districts and valid_to, half-width
kana in school district names)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jichitai.lounge import sample_zone
from jichitai.lounge.source import catalog, read_zone


@pytest.fixture(scope="session")
def lounge_catalog(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root: Path = tmp_path_factory.mktemp("lounge-lake")
    cat = catalog(f"sqlite:///{root / 'catalog.sqlite3'}", str(root / "warehouse"))
    sample_zone.write(cat, sample_zone.generate(sample_zone.SMALL))
    return cat


@pytest.fixture(scope="session")
def zone(lounge_catalog: Any) -> Any:
    return read_zone(lounge_catalog)


@pytest.fixture
def lounge(lounge_catalog: Any, settings: Any) -> Any:
    """The lounge services pointed at the fixture's catalogue (marts kept under the test's var dir)."""
    from jichitai.lounge import services

    services.use_catalog(lounge_catalog)
    return services
