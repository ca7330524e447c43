"""Feeds: the registry's outbox relayed into the hub's durable, ordered feed, and PULL with a cursor.

Guarantees (docs/hub.md):
- ordered: events carry the hub's ``cursor`` (FeedEvent.id), assigned in outbox order, so a person's events
  arrive in the order they happened;
- durable and at-least-once: a subscriber asks for ``after=<the last cursor it stored>``; until it asks past a
  batch, it gets that batch again; each event carries ``event_id`` so the subscriber stores it once;
- filtered: only the items granted to the system, never 個人番号 to a system outside 個人番号利用事務, never a
  supported person's address to a system without that right — nor their household's, nor anyone's at their
  place, decided when the event is read (:class:`jichitai.registry.suppression.Shield`), so a measure set after
  the event was written covers it too; each withheld address is audited;
- logged first: the batch's hash is chained and signed in the message log before the response is built.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from jichitai.accounts.policy import allowed
from jichitai.audit import services as audit
from jichitai.dbcopy import copy_rows
from jichitai.hub import messagelog
from jichitai.hub.catalogue import SUPPORT_MEASURE_KEY
from jichitai.hub.errors import FeedRefused, HubError
from jichitai.hub.models import DataItem, Feed, FeedEvent, Grant, RelayPosition, Subscription, System
from jichitai.registry import suppression
from jichitai.registry.suppression import Shield

EVENT_FEEDS = ("atena-delta", "atena-full")
MY_NUMBER_KEY = "my_number"
MAX_BATCH = 5000
MAX_CURSOR = 2**63 - 1  # cursors are bigint ids: a larger one could not be compared or logged
DEFAULT_BATCH = 1000
RELAY_LOOKBACK = 10_000  # outbox ids below the high-water mark re-checked for late commits


# --- relay -------------------------------------------------------------------------------------------------

def _outbox_model() -> Any:
    from jichitai.registry.models import OutboxEvent

    return OutboxEvent


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


def relay(limit: int = MAX_BATCH) -> int:
    """Copy new outbox rows into the feed, in outbox order, once each. Returns how many were relayed.

    Runs under a row lock (one relay at a time). Outbox ids are assigned before commit, so a transaction can
    commit an id lower than one already relayed; rows up to ``RELAY_LOOKBACK`` ids below the high-water mark
    are re-checked and relayed when they appear (an anti-join on ``source_id``), so none is lost."""
    outbox = _outbox_model()
    with transaction.atomic():
        pos, _ = RelayPosition.objects.select_for_update().get_or_create(name="registry-outbox")
        low = max(pos.position - RELAY_LOOKBACK, 0)
        seen = FeedEvent.objects.filter(source_id__gt=low).values("source_id")
        rows = list(outbox.objects.filter(id__gt=low).exclude(id__in=seen).order_by("id")
                    .values_list("id", "event_id", "kind", "atena_number", "setai_number", "occurred_on",
                                 "created_at", "payload")[:limit])
        if not rows:
            return 0
        last_of = {r[3]: r[0] for r in rows}  # a person's newest event of this batch
        before = FeedEvent.objects.aggregate(m=Max("id"))["m"] or 0  # the relay lock: no one else inserts
        now = timezone.now()
        copy_rows(FeedEvent, [
            {"source_id": i, "event_id": ev, "kind": str(kind), "atena_number": atena, "setai_number": setai or "",
             "occurred_on": on, "created_at": at, "relayed_at": now, "payload": payload or {},
             "is_latest": last_of[atena] == i}
            for i, ev, kind, atena, setai, on, at, payload in rows
        ], batch_size=2000)
        # Their earlier events are no longer the latest (a subquery, not a list of thousands of names).
        FeedEvent.objects.filter(is_latest=True, id__lte=before, atena_number__in=FeedEvent.objects.filter(
            id__gt=before).values("atena_number")).update(is_latest=False)
        pos.position = max(pos.position, rows[-1][0])
        pos.save(update_fields=["position"])
    return len(rows)


def relay_all(batch: int = MAX_BATCH) -> int:
    total = 0
    while n := relay(batch):
        total += n
    return total


# --- filtering ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemFilter:
    """Which payload keys one system may receive from one feed."""

    keys: frozenset[str]
    address_keys: frozenset[str]
    may_see_supported_address: bool

    @property
    def wants_my_number(self) -> bool:
        return MY_NUMBER_KEY in self.keys

    @classmethod
    def for_grant(cls, grant: Grant) -> ItemFilter:
        system = grant.system
        keys: set[str] = set()
        address: set[str] = set()
        for item in grant.items.all():
            if item.sensitivity == "my_number" and not system.may_use_my_number:
                continue  # belt and braces: Grant.check_items refuses this at grant time
            keys.update(item.keys)
            if item.sensitivity == "address":
                address.update(item.keys)
        return cls(frozenset(keys), frozenset(address), system.may_see_supported_address)

    def withholds(self, event: FeedEvent, guard: Shield) -> bool:
        """Whether this system gets ``event`` without its address: the event was marked when written, or the
        suppressions in force now cover the person, their household or their place."""
        if self.may_see_supported_address or not self.address_keys:
            return False
        return bool(event.payload.get(SUPPORT_MEASURE_KEY)) or guard.withholds_address(
            {**event.payload, "atena_number": event.atena_number}, event.setai_number)

    def apply(self, payload: dict[str, Any], withhold: bool = False) -> dict[str, Any]:
        keys = self.keys - self.address_keys if withhold else self.keys
        return {k: v for k, v in payload.items() if k in keys}


def screened(system: System, events: list[FeedEvent], flt: ItemFilter, action: str, guard: Shield | None = None,
             **detail: Any) -> set[int]:
    """The ids of ``events`` whose address ``system`` does not get, each withheld address audited."""
    guard = guard or suppression.shield()
    withheld = [e for e in events if flt.withholds(e, guard)]
    if withheld:
        suppression.withheld_events(system, action, [{**e.payload, "atena_number": e.atena_number} for e in withheld],
                                    guard, **detail)
    return {e.id for e in withheld}


def my_numbers(atena_numbers: Iterable[str]) -> dict[str, str]:
    """The current 個人番号 of these persons, decrypted from the registry (only for grants that include it)."""
    from jichitai.registry.models import Resident
    from jichitai.registry.store import vault

    v = vault()
    rows = Resident.objects.filter(atena_number__in=set(atena_numbers)).exclude(my_number_encrypted="")
    return {a: v.decrypt(enc) for a, enc in rows.values_list("atena_number", "my_number_encrypted")}


def envelope(event: FeedEvent, flt: ItemFilter, numbers: dict[str, str] | None = None,
             withhold: bool = False) -> dict[str, Any]:
    data = flt.apply(event.payload, withhold)
    if numbers is not None and event.atena_number in numbers:
        data[MY_NUMBER_KEY] = numbers[event.atena_number]
    return {
        "cursor": event.id,
        "event_id": str(event.event_id),
        "kind": event.kind,
        "atena_number": event.atena_number,
        "setai_number": event.setai_number,
        "occurred_on": _iso(event.occurred_on),
        "data": data,
    }


# --- pull ---------------------------------------------------------------------------------------------------

@dataclass
class Batch:
    feed: str
    after: int
    events: list[dict[str, Any]]
    next_cursor: int
    has_more: bool
    receipt: dict[str, Any]

    events_json: bytes = b""  # the events exactly as hashed in the receipt (canonical JSON); set by pull()

    def as_dict(self) -> dict[str, Any]:
        return {"feed": self.feed, "after": self.after, "next_cursor": self.next_cursor,
                "has_more": self.has_more, "events": self.events, "receipt": self.receipt}

    def as_json(self) -> bytes:
        """The response body, encoding the events once: the bytes of ``events`` are the ones the receipt's hash
        covers (see :func:`batch_payload`)."""
        head = json.dumps({"feed": self.feed, "after": self.after, "next_cursor": self.next_cursor,
                           "has_more": self.has_more, "receipt": self.receipt}, ensure_ascii=False).encode()
        return head[:-1] + b', "events": ' + (self.events_json or _events_json(self.events)) + b"}"


def granted(system: System, feed_code: str, action: str = "hub.feed.pull") -> Grant:
    """The grant of ``feed_code`` to ``system``, or :class:`FeedRefused` (audited), the same for a feed that
    does not exist, so a refusal does not reveal which feeds there are."""
    grant = (Grant.objects.select_related("system", "feed")
             .filter(system=system, feed__code=feed_code).first())
    if grant is None or not allowed(system, action, grant):
        audit.record(system, action, f"hub.feed:{feed_code}", "refused")
        raise FeedRefused()
    return grant


def _events(feed: Feed, after: int, limit: int) -> list[FeedEvent]:
    qs = FeedEvent.objects.filter(id__gt=after)
    if feed.code == "atena-full":
        qs = qs.filter(is_latest=True)
    # only what an envelope carries (the timestamps are the costliest columns to load)
    return list(qs.only("id", "event_id", "kind", "atena_number", "setai_number", "occurred_on", "payload")
                .order_by("id")[: limit + 1])


def pull(system: System, feed_code: str, after: int = 0, limit: int = DEFAULT_BATCH) -> Batch:
    """One batch of ``feed_code`` after ``after`` for ``system``, filtered by its grant, logged and signed."""
    grant = granted(system, feed_code)
    if after > MAX_CURSOR:
        raise HubError(f"after（カーソル）は 0 から {MAX_CURSOR} までの整数で指定してください。", code="bad_cursor",
                       field="after")
    if grant.feed.kind != "events":
        audit.record(system, "hub.feed.pull", f"hub.feed:{feed_code}", "refused")
        raise FeedRefused()
    limit = max(1, min(limit, MAX_BATCH))
    after = max(0, after)
    rows = _events(grant.feed, after, limit)
    has_more = len(rows) > limit
    rows = rows[:limit]
    flt = ItemFilter.for_grant(grant)
    numbers = my_numbers(e.atena_number for e in rows) if flt.wants_my_number and rows else None
    withheld = screened(system, rows, flt, "hub.feed.pull", feed=feed_code)
    events = [envelope(e, flt, numbers, e.id in withheld) for e in rows]
    next_cursor = rows[-1].id if rows else after
    events_json = _events_json(events)
    body = _payload(feed_code, events_json)
    with transaction.atomic():
        entry = messagelog.append(
            kind="feed_pull", direction="out", sender=messagelog.HUB, receiver=system.code,
            reference=f"{feed_code}:{after}-{next_cursor}", payload=body, count=len(events),
            first_cursor=rows[0].id if rows else None, last_cursor=next_cursor,
        )
        _record_position(system, grant.feed, after, next_cursor, len(events))
        audit.record(system, "hub.feed.pull", f"hub.feed:{feed_code}", count=len(events), log_seq=entry.seq,
                     after=after, next_cursor=next_cursor, my_numbers=len(numbers or {}))
    return Batch(feed_code, after, events, next_cursor, has_more, messagelog.receipt(entry), events_json)


def _record_position(system: System, feed: Feed, acked: int, delivered: int, count: int) -> None:
    sub, _ = Subscription.objects.get_or_create(system=system, feed=feed)
    Subscription.objects.filter(pk=sub.pk).update(
        acked_cursor=acked if acked > sub.acked_cursor else F("acked_cursor"),
        delivered_cursor=delivered if delivered > sub.delivered_cursor else F("delivered_cursor"),
        delivered_events=F("delivered_events") + count,
        last_delivery_at=timezone.now(),
    )


def _events_json(events: list[dict[str, Any]]) -> bytes:
    return json.dumps(events, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def _payload(feed_code: str, events_json: bytes) -> bytes:
    """``chain.canonical({"feed", "events"})`` built around events already encoded (keys sorted: events, feed)."""
    return b'{"events":' + events_json + b',"feed":' + json.dumps(feed_code, ensure_ascii=False).encode() + b"}"


def batch_payload(batch: Batch) -> bytes:
    """The bytes whose SHA-256 the receipt carries: canonical JSON of ``{"feed", "events"}``."""
    return _payload(batch.feed, batch.events_json or _events_json(batch.events))


def feed_items(feed_code: str) -> Iterable[DataItem]:
    return DataItem.objects.filter(feed__code=feed_code)
