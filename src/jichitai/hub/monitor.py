"""What operators see: each system's feeds, lag, last delivery, failures, quarantined files, lake freshness."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Q
from django.utils import timezone

from jichitai.hub.models import ExchangedFile, FeedEvent, RelayPosition, Subscription, System

LAG_LIMIT = dt.timedelta(minutes=10)  # 準リアルタイム: at most 10 minutes (住民記録 標準仕様 宛名連携)


def _lag(sub: Subscription, head: int) -> tuple[int, float | None]:
    """(events behind, seconds since the oldest event the system has not acknowledged)."""
    behind = max(head - sub.acked_cursor, 0)
    if not behind:
        return 0, 0.0
    oldest = FeedEvent.objects.filter(id__gt=sub.acked_cursor).order_by("id").values_list("relayed_at", flat=True).first()
    return behind, (timezone.now() - oldest).total_seconds() if oldest else None


def relay_backlog() -> tuple[int, float]:
    """For monitoring: registry outbox events not yet relayed into the feed, and seconds since the oldest of
    them was written (0 when none waits). Counted by primary key above the relay's position."""
    from jichitai.registry.models import OutboxEvent

    position = RelayPosition.objects.filter(name="registry-outbox").values_list("position", flat=True).first() or 0
    waiting = OutboxEvent.objects.filter(id__gt=position)
    oldest = waiting.order_by("id").values_list("created_at", flat=True).first()
    return waiting.count(), (timezone.now() - oldest).total_seconds() if oldest else 0.0


def subscriber_lag() -> list[tuple[str, str, int, float]]:
    """For monitoring: (system, feed, events behind, seconds since the oldest unacknowledged event) of every
    event-feed subscription."""
    head = FeedEvent.objects.aggregate(m=Max("id"))["m"] or 0
    rows = []
    for sub in Subscription.objects.select_related("system", "feed").filter(feed__kind="events"):
        behind, seconds = _lag(sub, head)
        rows.append((sub.system.code, sub.feed.code, behind, seconds or 0.0))
    return rows


def systems_overview(head: int | None = None) -> list[dict[str, Any]]:
    """One row per system and granted feed. The feed and file tables are only asked for aggregates and single
    rows by index (a city's hub holds millions of events and files): the page never reads a table whole."""
    if head is None:
        head = FeedEvent.objects.aggregate(m=Max("id"))["m"] or 0
    files_of = ExchangedFile.objects.values("system_id").annotate(
        quarantined=Count("id", filter=Q(status="quarantined")), last_file=Max("at"))
    per_system: dict[int, dict[str, Any]] = {row["system_id"]: dict(row) for row in files_of}
    subs_of: dict[int, dict[int, Subscription]] = {}
    for subscription in Subscription.objects.all():
        subs_of.setdefault(subscription.system_id, {})[subscription.feed_id] = subscription
    out = []
    for system in System.objects.order_by("code").prefetch_related("grants__feed"):
        subs = subs_of.get(system.pk, {})
        feeds = []
        for grant in system.grants.all():
            sub = subs.get(grant.feed_id)
            row: dict[str, Any] = {"feed": grant.feed.code, "feed_name": grant.feed.name, "kind": grant.feed.kind}
            if sub is not None and grant.feed.kind == "events":
                behind, seconds = _lag(sub, head)
                row.update(acked=sub.acked_cursor, delivered=sub.delivered_cursor, behind=behind,
                           lag_seconds=seconds, late=seconds is not None and seconds > LAG_LIMIT.total_seconds(),
                           last_delivery=sub.last_delivery_at, failures=sub.failures, last_error=sub.last_error)
            feeds.append(row)
        files: dict[str, Any] = per_system.get(system.pk, {})
        out.append({"code": system.code, "name": system.name, "active": system.active, "feeds": feeds,
                    "quarantined": files.get("quarantined", 0), "last_file": files.get("last_file")})
    return out


QUARANTINE_PAGE = 50


def quarantined_files(page: int = 1, per_page: int = QUARANTINE_PAGE) -> Page:
    """One page of the quarantined files, newest first (a page past the last gives the last)."""
    qs = (ExchangedFile.objects.filter(status="quarantined").select_related("system")
          .only("id", "at", "layout", "filename", "problems", "system__code").order_by("-at", "-id"))
    return Paginator(qs, per_page).get_page(page)


def lake_overview() -> list[dict[str, Any]]:
    from jichitai.lake import catalog, landing

    rows = []
    for ident in catalog.tables():
        f = landing.freshness(catalog.load(ident))
        age = (timezone.now() - f.last_commit).total_seconds() if f.last_commit else None
        rows.append({"table": f.identifier, "last_commit": f.last_commit, "age_seconds": age, "rows": f.rows,
                     "snapshots": f.snapshots, "last_batch": f.last_batch})
    return rows


def overview(include_lake: bool = True, quarantine_page: int = 1) -> dict[str, Any]:
    head = FeedEvent.objects.aggregate(m=Max("id"))["m"] or 0
    page = quarantined_files(quarantine_page)
    data: dict[str, Any] = {"head_cursor": head, "systems": systems_overview(head),
                            "quarantined": [{"file_id": f.pk, "system": f.system.code, "layout": f.layout,
                                             "filename": f.filename, "at": f.at, "problems": len(f.problems)}
                                            for f in page],
                            "quarantine_page": {"number": page.number, "pages": page.paginator.num_pages,
                                                "count": page.paginator.count, "per_page": page.paginator.per_page}}
    if include_lake:
        try:
            data["lake"] = lake_overview()
        except Exception as exc:  # the page still shows the hub when the lake is unreachable
            data["lake"] = []
            data["lake_error"] = type(exc).__name__
    return data
