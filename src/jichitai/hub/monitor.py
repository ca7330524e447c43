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
    from jichitai.hub.operations import recent_batches

    if head is None:
        head = FeedEvent.objects.aggregate(m=Max("id"))["m"] or 0
    files_of = ExchangedFile.objects.filter(direction="in").values("system_id").annotate(
        quarantined=Count("id", filter=Q(status="quarantined")), last_file=Max("at"))
    per_system: dict[int, dict[str, Any]] = {row["system_id"]: dict(row) for row in files_of}
    per_feed = {(row["system_id"], row["layout"]): row for row in ExchangedFile.objects.filter(direction="in").values(
        "system_id", "layout").annotate(waiting=Count("id", filter=Q(status="accepted")), last_file=Max("at"))}
    subs_of: dict[int, dict[int, Subscription]] = {}
    for subscription in Subscription.objects.select_related("system", "feed"):
        subs_of.setdefault(subscription.system_id, {})[subscription.feed_id] = subscription
    out = []
    for system in System.objects.order_by("code").prefetch_related("grants__feed"):
        subs = subs_of.get(system.pk, {})
        feeds = []
        for grant in system.grants.all():
            sub = subs.get(grant.feed_id)
            row: dict[str, Any] = {"feed": grant.feed.code, "feed_name": grant.feed.name, "kind": grant.feed.kind,
                                   "kind_name": grant.feed.get_kind_display()}
            if grant.feed.kind == "events":
                behind, seconds = _lag(sub, head) if sub is not None else (head, None)
                row.update(behind=behind, lag_seconds=seconds, never=sub is None,
                           late=seconds is not None and seconds > LAG_LIMIT.total_seconds())
                if sub is not None:
                    row.update(subscription=sub.pk, push=bool(sub.push_url), acked=sub.acked_cursor,
                               delivered=sub.delivered_cursor, last_delivery=sub.last_delivery_at,
                               failures=sub.failures, last_error=sub.last_error,
                               batches=[{"seq": b.seq, "at": b.at, "first_cursor": b.first_cursor,
                                         "last_cursor": b.last_cursor, "count": b.count}
                                        for b in recent_batches(sub)])
            elif grant.feed.kind == "file_out":  # ファイル連携: the last file placed in the system's folder
                placed = (ExchangedFile.objects.filter(system=system, layout=grant.feed.code, status="placed")
                          .only("filename", "at").order_by("-at").first())
                row.update(placed_file=placed.filename if placed else "", last_delivery=placed.at if placed else None,
                           failures=sub.failures if sub is not None else 0,
                           last_error=sub.last_error if sub is not None else "")
            elif grant.feed.kind == "file_in":
                files_row: dict[str, Any] = dict(per_feed.get((system.pk, grant.feed.code)) or {})
                row.update(behind=files_row.get("waiting", 0), last_delivery=files_row.get("last_file"),
                           files_waiting=True)
            feeds.append(row)
        files: dict[str, Any] = per_system.get(system.pk, {})
        out.append({"code": system.code, "name": system.name, "active": system.active, "feeds": feeds,
                    "quarantined": files.get("quarantined", 0), "last_file": files.get("last_file")})
    return out


def alerts(systems: list[dict[str, Any]], now: dt.datetime | None = None) -> list[str]:
    """What the operator must know first, in words: the worker stopped or hung, the relay behind, a system's
    feed late or failing."""
    from jichitai.common.elapsed import ago, duration
    from jichitai.hub import heartbeat

    now = now or timezone.now()
    out = []
    worker = heartbeat.state(now=now)
    if worker.status == "never":
        out.append("中継処理（jichitai hub run）が動いた記録がありません。窓口の異動は各システムにも分析基盤にも届きません。")
    elif worker.status == "stopped" and worker.beat is not None:
        out.append(f"中継処理は{ago(worker.beat.stopped_at, now)}に停止しました。窓口の異動は各システムに届いていません。")
    elif worker.status == "late" and worker.beat is not None:
        out.append(f"中継処理の応答が{ago(worker.beat.beat_at, now)}から途絶えています（{worker.beat.phase}の途中）。"
                   "停止しているか、データベースに接続できない可能性があります。")
    waiting, oldest = relay_backlog()
    if waiting and oldest > LAG_LIMIT.total_seconds():
        out.append(f"住民記録の変更{waiting:,}件が{duration(oldest)}前から中継されていません（上限10分）。")
    for s in systems:
        for f in s["feeds"]:
            if f.get("late"):
                out.append(f"{s['name']}の「{f['feed_name']}」が{duration(f['lag_seconds'])}遅れています（未受信{f['behind']:,}件）。")
            if f.get("failures") and f["kind"] == "file_out":
                out.append(f"{s['name']}への「{f['feed_name']}」の配置が{f['failures']}回続けて失敗しています"
                           "（ファイルの保存先に書き込めません）。")
            elif f.get("failures"):
                out.append(f"{s['name']}へのプッシュ配信が{f['failures']}回続けて失敗しています。")
    return out


QUARANTINE_PAGE = 50


def quarantined_files(page: int = 1, per_page: int = QUARANTINE_PAGE) -> Page:
    """One page of the quarantined files, newest first (a page past the last gives the last)."""
    qs = (ExchangedFile.objects.filter(status="quarantined").select_related("system")
          .only("id", "at", "layout", "filename", "problems", "rows", "system__code", "system__name")
          .order_by("-at", "-id"))
    return Paginator(qs, per_page).get_page(page)


def decided_files(limit: int = 10) -> list[dict[str, Any]]:
    """The last quarantined files an operator released or rejected."""
    return [{"file_id": f.pk, "system_name": f.system.name, "filename": f.filename, "status": f.status,
             "status_name": f.get_status_display(), "rows": f.rows, "decided_at": f.decided_at,
             "decided_by": f.decided_by, "reason": f.decision_reason}
            for f in ExchangedFile.objects.filter(decided_at__isnull=False).select_related("system")
            .order_by("-decided_at")[:limit]]


def worker_state() -> dict[str, Any]:
    from jichitai.hub import heartbeat

    st = heartbeat.state()
    b = st.beat
    return {"status": st.status, "alert": st.alert, **({
        "host": b.host, "pid": b.pid, "started_at": b.started_at, "beat_at": b.beat_at, "phase": b.phase,
        "cycles": b.cycles, "stopped_at": b.stopped_at, "last_error": b.last_error, "last_report": b.last_report}
        if b is not None else {})}


# what each lake table holds, in words (the identifiers go to the 詳細 fold)
LAKE_LABELS = {
    "raw.atena_events": "宛名連携イベント（受信したまま）", "raw.file_rows": "連携ファイルの行（受信したまま）",
    "standard.resident_history": "住民記録の異動履歴", "standard.kokuho_shikaku": "国民健康保険の資格",
    "standard.jido_teate": "児童手当", "standard.kaigo_nintei": "要介護・要支援認定",
    "standard.salary_report": "給与支払報告書", "standard.pension_report": "公的年金等支払報告書",
    "standard.resident_extract": "住民記録の全件データ（移行）",
    "lounge.resident_spells": "ラウンジ：住民の居住期間", "lounge.movements": "ラウンジ：異動",
    "lounge.child_allowance": "ラウンジ：児童手当", "lounge.ltc_certification": "ラウンジ：要介護認定",
    "lounge.nhi_enrolment": "ラウンジ：国保加入", "lounge.tax_assessment": "ラウンジ：個人住民税の賦課",
    "lounge.declarations": "ラウンジ：申告",
}


def lake_overview() -> list[dict[str, Any]]:
    from jichitai.lake import catalog, landing

    rows = []
    for ident in catalog.tables():
        f = landing.freshness(catalog.load(ident))
        age = (timezone.now() - f.last_commit).total_seconds() if f.last_commit else None
        rows.append({"table": f.identifier, "label": LAKE_LABELS.get(f.identifier, f.identifier),
                     "last_commit": f.last_commit, "age_seconds": age, "rows": f.rows,
                     "snapshots": f.snapshots, "last_batch": f.last_batch})
    return rows


def overview(include_lake: bool = True, quarantine_page: int = 1) -> dict[str, Any]:
    from jichitai.hub.models import Feed

    names = dict(Feed.objects.values_list("code", "name"))
    head = FeedEvent.objects.aggregate(m=Max("id"))["m"] or 0
    page = quarantined_files(quarantine_page)
    systems = systems_overview(head)
    waiting, oldest = relay_backlog()
    data: dict[str, Any] = {"head_cursor": head, "systems": systems, "alerts": alerts(systems),
                            "worker": worker_state(), "relay_waiting": waiting, "relay_oldest": oldest,
                            "quarantined": [{"file_id": f.pk, "system": f.system.code, "system_name": f.system.name,
                                             "layout": f.layout, "layout_name": names.get(f.layout, f.layout),
                                             "filename": f.filename, "at": f.at, "problems": len(f.problems)}
                                            for f in page],
                            "decided": decided_files(),
                            "quarantine_page": {"number": page.number, "pages": page.paginator.num_pages,
                                                "count": page.paginator.count, "per_page": page.paginator.per_page}}
    if include_lake:
        try:
            data["lake"] = lake_overview()
        except Exception as exc:  # the page still shows the hub when the lake is unreachable
            data["lake"] = []
            data["lake_error"] = type(exc).__name__
    return data

