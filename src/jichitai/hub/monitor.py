"""What operators see: each system's feeds, lag, last delivery, failures, quarantined files, lake freshness."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Max
from django.utils import timezone

from jichitai.hub.models import ExchangedFile, FeedEvent, Subscription, System

LAG_LIMIT = dt.timedelta(minutes=10)  # 準リアルタイム: at most 10 minutes (住民記録 標準仕様 宛名連携)


def _lag(sub: Subscription, head: int) -> tuple[int, float | None]:
    """(events behind, seconds since the oldest event the system has not acknowledged)."""
    behind = max(head - sub.acked_cursor, 0)
    if not behind:
        return 0, 0.0
    oldest = FeedEvent.objects.filter(id__gt=sub.acked_cursor).order_by("id").values_list("relayed_at", flat=True).first()
    return behind, (timezone.now() - oldest).total_seconds() if oldest else None


def systems_overview() -> list[dict[str, Any]]:
    head = FeedEvent.objects.aggregate(m=Max("id"))["m"] or 0
    out = []
    for system in System.objects.order_by("code").prefetch_related("grants__feed"):
        subs = {s.feed_id: s for s in Subscription.objects.filter(system=system)}
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
        quarantined = ExchangedFile.objects.filter(system=system, status="quarantined").count()
        last_file = ExchangedFile.objects.filter(system=system).order_by("-at").values_list("at", flat=True).first()
        out.append({"code": system.code, "name": system.name, "active": system.active, "feeds": feeds,
                    "quarantined": quarantined, "last_file": last_file})
    return out


def quarantined_files(limit: int = 50) -> list[ExchangedFile]:
    return list(ExchangedFile.objects.filter(status="quarantined").select_related("system").order_by("-at")[:limit])


def lake_overview() -> list[dict[str, Any]]:
    from jichitai.lake import catalog, landing

    rows = []
    for ident in catalog.tables():
        f = landing.freshness(catalog.load(ident))
        age = (timezone.now() - f.last_commit).total_seconds() if f.last_commit else None
        rows.append({"table": f.identifier, "last_commit": f.last_commit, "age_seconds": age, "rows": f.rows,
                     "snapshots": f.snapshots, "last_batch": f.last_batch})
    return rows


def overview(include_lake: bool = True) -> dict[str, Any]:
    head = FeedEvent.objects.aggregate(m=Max("id"))["m"] or 0
    data: dict[str, Any] = {"head_cursor": head, "systems": systems_overview(),
                            "quarantined": [{"file_id": f.pk, "system": f.system.code, "layout": f.layout,
                                             "filename": f.filename, "at": f.at, "problems": len(f.problems)}
                                            for f in quarantined_files()]}
    if include_lake:
        try:
            data["lake"] = lake_overview()
        except Exception as exc:  # the page still shows the hub when the lake is unreachable
            data["lake"] = []
            data["lake_error"] = type(exc).__name__
    return data
