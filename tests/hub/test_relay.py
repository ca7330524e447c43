"""The relay from the registry's transactional outbox into the hub's feed, on real registry changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.hub import feeds
from jichitai.hub.models import FeedEvent

pytestmark = pytest.mark.django_db


def _move_in(clerk: Any, **over: Any) -> Any:
    from jichitai.registry.services import apply
    from tests.registry.conftest import move_in_command

    return apply(move_in_command(**over), actor=clerk, terminal="T01")


def test_relay_copies_outbox_in_order_once(towns: Any, clerk: Any, hub_catalogue: None) -> None:
    from jichitai.registry.models import OutboxEvent

    _move_in(clerk)
    assert feeds.relay() == 2
    assert feeds.relay() == 0  # nothing twice
    relayed = list(FeedEvent.objects.order_by("id").values_list("event_id", flat=True))
    assert relayed == list(OutboxEvent.objects.order_by("id").values_list("event_id", flat=True))


def test_relay_picks_up_a_late_committed_lower_id(towns: Any, clerk: Any, hub_catalogue: None) -> None:
    from jichitai.registry.models import OutboxEvent

    _move_in(clerk)
    feeds.relay()
    first = FeedEvent.objects.order_by("id").first()
    assert first is not None
    # simulate an outbox row whose transaction committed after the relay passed its id
    FeedEvent.objects.filter(pk=first.pk).delete()
    assert feeds.relay() == 1
    assert FeedEvent.objects.count() == OutboxEvent.objects.count()


def test_my_number_only_for_my_number_systems(towns: Any, clerk: Any, make_system: Any) -> None:
    from django.core.exceptions import ValidationError

    from jichitai.hub.catalogue import grant

    _move_in(clerk)
    feeds.relay()
    plain, _ = make_system(feeds={"atena-delta": None})
    numbered, _ = make_system(feeds={"atena-delta": None}, my_number=True)
    plain_events = feeds.pull(plain, "atena-delta").events
    assert all("my_number" not in e["data"] for e in plain_events)
    numbers = {e["data"]["name"]: e["data"].get("my_number") for e in feeds.pull(numbered, "atena-delta").events}
    assert numbers["青木 太郎"] == "123456789018"
    with pytest.raises(ValidationError):
        grant(plain, "atena-delta", ["basic", "my_number"])


def test_person_events_stay_in_order_across_changes(towns: Any, clerk: Any, make_system: Any) -> None:
    from jichitai.registry.domain import RecordMoveWithin
    from jichitai.registry.services import apply

    _move_in(clerk)
    taro = FeedEvent.objects.none()
    feeds.relay()
    taro = FeedEvent.objects.filter(payload__name="青木 太郎").values_list("atena_number", flat=True).first()
    apply(RecordMoveWithin(moved_on=dt.date(2026, 11, 20), atena_numbers=(taro,), town_code="281100002",
                           banchi="5番地"), actor=clerk)
    feeds.relay()
    system, _ = make_system(feeds={"atena-delta": None, "atena-full": None})
    delta = [e for e in feeds.pull(system, "atena-delta").events if e["atena_number"] == taro]
    assert [e["kind"] for e in delta] == ["move_in_domestic", "move_within"]
    full = [e for e in feeds.pull(system, "atena-full").events if e["atena_number"] == taro]
    assert len(full) == 1 and full[0]["data"]["town_code"] == "281100002"
