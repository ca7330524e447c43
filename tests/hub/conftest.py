"""Hub fixtures: systems with keys, grants, feed events made directly (the relay is tested on the outbox)."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.hub.objectstore import on_folder, on_s3, s3_bucket  # noqa: F401 (fixtures: the hub's file store)
from tests.registry.conftest import household, protect  # noqa: F401 (fixtures: a household, a measure)

_seq = itertools.count(1)


@pytest.fixture
def hub_catalogue(db: Any) -> None:
    from jichitai.hub.catalogue import install_defaults

    install_defaults()


@pytest.fixture
def make_system(hub_catalogue: None) -> Callable[..., Any]:
    """``make_system(code, feeds={"atena-delta": None | [item codes]}, my_number=False, supported=False)``
    → (system, api_key)."""
    from jichitai.hub.catalogue import grant
    from jichitai.hub.models import System

    def make(code: str | None = None, feeds: dict[str, list[str] | None] | None = None, my_number: bool = False,
             supported: bool = False, active: bool = True) -> tuple[Any, str]:
        system = System.objects.create(code=code or f"city-{next(_seq)}", name="テスト連携システム", kind="city",
                                       may_use_my_number=my_number, may_see_supported_address=supported,
                                       active=active)
        key = system.issue_api_key()
        system.save()
        for feed, items in (feeds or {}).items():
            grant(system, feed, items, purpose="テスト")
        return system, key

    return make


def person_payload(atena: str, **over: Any) -> dict[str, Any]:
    base = {"atena_number": atena, "setai_number": "S" + atena, "status": "ACTIVE", "resident_kind": "JAPANESE",
            "name": "神戸 花子", "kana": "コウベ ハナコ", "birth_date": "1990-05-06", "sex": "F",
            "relationship": "世帯主", "town_code": "281100001", "ward_code": "28110", "banchi": "1-2-3",
            "katagaki": "コウベハイツ101", "postcode": "6500001",
            "honseki": "兵庫県神戸市中央区", "support_measure": False}
    base.update(over)
    return base


@pytest.fixture
def make_event(db: Any) -> Callable[..., Any]:
    """``make_event(atena, kind="move_in_domestic", **payload overrides)`` → a relayed FeedEvent."""
    from django.utils import timezone

    from jichitai.hub.models import FeedEvent

    def make(atena: str = "100000001", kind: str = "move_in_domestic", occurred_on: str = "2026-04-01",
             **over: Any) -> Any:
        n = next(_seq)
        FeedEvent.objects.filter(atena_number=atena, is_latest=True).update(is_latest=False)
        return FeedEvent.objects.create(
            source_id=1_000_000 + n, event_id=uuid.uuid4(), kind=kind, atena_number=atena,
            setai_number="S" + atena, occurred_on=dt.date.fromisoformat(occurred_on), created_at=timezone.now(),
            payload=person_payload(atena, **over), is_latest=True)

    return make


@pytest.fixture
def towns(db: Any) -> list[dict[str, str]]:
    from jichitai.registry.services import load_towns
    from tests.registry.conftest import TOWNS

    load_towns(TOWNS)
    return TOWNS


@pytest.fixture
def clerk(make_staff: Callable[..., Any]) -> Any:
    return make_staff(roles=["counter"])


@pytest.fixture
def lake(tmp_path: Any, settings: Any) -> Any:
    """A fresh lake (SQLite catalogue, local warehouse) under tmp_path; the settings point at it."""
    import dataclasses

    from jichitai.lake import catalog

    settings.CONFIG = dataclasses.replace(settings.CONFIG, lake_path=str(tmp_path / "lake"),
                                          lake_catalog_url=f"sqlite:///{tmp_path / 'lake' / 'catalog.sqlite3'}")
    catalog.forget_catalogs()
    yield catalog.catalog()
    catalog.forget_catalogs()
