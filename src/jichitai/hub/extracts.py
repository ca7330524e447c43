"""The 宛名 extract (宛名連携ファイル, feed ``atena-extract``): the 宛名 standard CSV, 全件 or 差分, made by one code
path for both ways the 共通機能標準仕様書 (§2.2 庁内データ連携) hands data over:

- answered to a PULL: ``GET /api/hub/extracts/atena`` (:func:`atena_extract`), the system naming its cursor;
- placed as a file on object storage (ファイル連携): ``out/{system}/atena-extract/`` under the hub's file store
  (:func:`place`; ``jichitai hub run`` places the 差分, ``jichitai hub place-extracts`` on request or a timer);
  the hub keeps the cursor.

Either way :func:`render` gives only the grant's items and withholds the address of events that show a supported
person's address (:func:`jichitai.hub.feeds.screened`, audited), and :func:`record` signs the file in the message
log before it is handed over, records it as an outgoing file of that system (``GET /files/{id}``) and audits it.

A placed file is named by where it starts, so a placement that failed after its object was written is replaced,
not doubled, by the next one: ``atena_delta_{after:012d}.csv`` (the events after cursor ``after``),
``atena_full_{last:012d}.csv`` (everyone's state up to ``last``; the next 差分 is ``atena_delta_{last}``). Beside
each, ``….csv.receipt.json`` holds the signed receipt. A 差分 with nothing new is not placed (no empty file, no
log entry): the receiver reads silence as nothing changed, the hub page shows the last file's age. The first file
a system gets is a 全件, its starting state.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jichitai.audit import services as audit
from jichitai.common import csvout
from jichitai.hub import filestore, messagelog
from jichitai.hub.feeds import ItemFilter, granted, screened
from jichitai.hub.layouts import ATENA_COLUMNS
from jichitai.hub.models import ExchangedFile, FeedEvent, Grant, Subscription, System
from jichitai.registry import suppression

FEED = "atena-extract"


def place_every() -> dt.timedelta:
    """How often the worker places a system's 差分: ``JICHITAI_HUB_EXTRACT_MINUTES`` (1–10, the 準リアルタイム
    bound of 宛名連携, 住民記録システム標準仕様書 j1190), not a file every cycle while the counter is busy."""
    return dt.timedelta(minutes=settings.CONFIG.hub_extract_minutes)


@dataclass(frozen=True)
class Extract:
    """One rendered extract: the CSV bytes and the cursors it covers (``after`` < cursors ≤ ``last``)."""

    system: System
    mode: str
    after: int
    last: int
    count: int
    encoding: str
    body: bytes


def _encoding(name: str) -> str:
    return "cp932" if name.lower() in ("cp932", "shift_jis", "sjis") else "utf-8"


def render(system: System, mode: str = "full", after: int = 0, encoding: str = "utf-8",
           grant: Grant | None = None) -> Extract:
    """The 宛名 standard CSV for ``system`` (全件: each person's latest state; 差分: events after ``after``), only
    the granted items (others left empty), the address withheld as in :func:`jichitai.hub.feeds.screened`."""
    grant = grant or granted(system, FEED, "hub.file.fetch")
    flt = ItemFilter.for_grant(grant)
    after = max(after, 0)  # as feeds.pull: a negative cursor means from the start (and is logged as 0)
    qs = FeedEvent.objects.filter(id__gt=after)
    if mode == "full":
        qs = qs.filter(is_latest=True)
    out = io.StringIO()
    # for systems: the 宛名 standard layout that the receiving business system reads back exactly
    w = csvout.writer(out, for_people=False, lineterminator="\r\n")
    w.writerow([h for h, _ in ATENA_COLUMNS] + ["カーソル"])
    last, count = after, 0
    guard = suppression.shield()
    events = qs.order_by("id").iterator(chunk_size=5000)
    while chunk := list(itertools.islice(events, 5000)):
        withheld = screened(system, chunk, flt, "hub.file.fetch", guard, feed=FEED)
        for e in chunk:
            data = flt.apply(e.payload, e.id in withheld)
            envelope = {"atena_number": e.atena_number, "setai_number": e.setai_number, "kind": e.kind,
                        "occurred_on": e.occurred_on.isoformat()}
            w.writerow([envelope.get(attr, data.get(attr, "")) or "" for _, attr in ATENA_COLUMNS] + [e.id])
            last, count = e.id, count + 1
    enc = _encoding(encoding)
    return Extract(system, mode, after, last, count, enc, out.getvalue().encode(enc, errors="replace"))


def record(x: Extract, filename: str, place: Callable[[ExchangedFile, dict[str, Any]], str] | None = None,
           status: str = "provided") -> tuple[ExchangedFile, dict[str, Any]]:
    """Log ``x`` (hash chained, signed), record it as an outgoing file of its system and audit it, in one
    transaction. ``place`` hands it over inside that transaction, after the log entry (logged first) and before
    the commit; it returns where it put the file. Returns (the file's record, its signed receipt)."""
    with transaction.atomic():
        entry = messagelog.append(kind="file_out", direction="out", sender=messagelog.HUB, receiver=x.system.code,
                                  reference=f"{FEED}:{x.mode}:{x.after}-{x.last}", payload=x.body, count=x.count,
                                  first_cursor=x.after, last_cursor=x.last)
        f = ExchangedFile.objects.create(
            direction="out", system=x.system, layout=FEED, mode=x.mode, filename=filename,
            sha256=messagelog.payload_hash(x.body), size=len(x.body), encoding=x.encoding, rows=x.count,
            status=status, stored_path="", log_seq=entry.seq)
        receipt = messagelog.receipt(entry)
        detail: dict[str, Any] = {}
        if place is not None:
            f.stored_path = detail["placed"] = place(f, receipt)
            f.save(update_fields=["stored_path"])
        audit.record(x.system, "hub.file.fetch", f"hub.feed:{FEED}", count=x.count, log_seq=entry.seq,
                     file_id=f.pk, **detail)
    return f, receipt


def atena_extract(system: System, mode: str = "full", after: int = 0,
                  encoding: str = "utf-8") -> tuple[bytes, dict[str, Any], int]:
    """``GET /extracts/atena``: the extract after the system's own cursor, logged before it is answered and
    readable later at ``GET /files/{id}`` by that system only. Returns (bytes, receipt, file id)."""
    x = render(system, mode, after, encoding)
    f, receipt = record(x, f"atena_{mode}_{x.last}.csv")
    return x.body, receipt, f.pk


# --- ファイル連携: placing the extract on object storage --------------------------------------------------------

def filename(x: Extract) -> str:
    return f"atena_full_{x.last:012d}.csv" if x.mode == "full" else f"atena_delta_{x.after:012d}.csv"


def folder(system: System) -> str:
    """The prefix under ``out/`` that is the system's own (the bucket policy gives it read and delete there)."""
    return f"{system.code}/{FEED}"


def _put(x: Extract, name: str) -> Callable[[ExchangedFile, dict[str, Any]], str]:
    def put(f: ExchangedFile, receipt: dict[str, Any]) -> str:
        store = filestore.store()
        locator = store.put("out", f"{folder(x.system)}/{name}", x.body)
        body = json.dumps({"filename": name, "file_id": f.pk, "mode": x.mode, "rows": x.count, "after": x.after,
                           "last_cursor": x.last, "encoding": x.encoding, "receipt": receipt},
                          ensure_ascii=False, indent=1)
        store.put("out", f"{folder(x.system)}/{name}.receipt.json", body.encode())
        return locator

    return put


@dataclass(frozen=True)
class Placed:
    file: ExchangedFile
    receipt: dict[str, Any]


def _subscription(grant: Grant) -> Subscription:
    sub, _ = Subscription.objects.get_or_create(system=grant.system, feed=grant.feed)
    return sub


def place(system: System, mode: str = "delta", encoding: str = "utf-8") -> Placed | None:
    """Place ``system``'s extract in its folder: the 差分 after the cursor the hub keeps for it (a 全件 when it
    never had a file), or a 全件. The cursor moves only once the file is written and recorded; a 差分 with
    nothing new places nothing (None). Refused (audited) without the grant; a failed write raises ``OSError``."""
    grant = granted(system, FEED, "hub.file.fetch")
    sub = _subscription(grant)
    if mode == "delta" and sub.last_delivery_at is None:
        mode = "full"
    after = sub.delivered_cursor if mode == "delta" else 0
    if mode == "delta" and not FeedEvent.objects.filter(id__gt=after).exists():
        return None
    x = render(system, mode, after, encoding, grant)
    name = filename(x)
    with transaction.atomic():
        locked = Subscription.objects.select_for_update().get(pk=sub.pk)
        if locked.delivered_cursor != sub.delivered_cursor:
            return None  # another placer moved the cursor since: its file covers these events
        f, receipt = record(x, name, _put(x, name), status="placed")
        Subscription.objects.filter(pk=sub.pk).update(
            delivered_cursor=max(locked.delivered_cursor, x.last), last_delivery_at=timezone.now(),
            delivered_events=locked.delivered_events + x.count, failures=0, last_error="")
    return Placed(f, receipt)


@dataclass
class PlaceReport:
    placed: int = 0
    failed: int = 0


def place_due(now: dt.datetime | None = None, every: dt.timedelta | None = None, mode: str = "delta",
              systems: list[str] | None = None) -> PlaceReport:
    """Place the extract of every active system granted it (or those named) whose last file is older than
    ``every`` (:func:`place_every` when None). A system whose store cannot be written is counted, its failure kept for the hub page, and the
    others still get theirs."""
    now = now or timezone.now()
    every = place_every() if every is None else every
    report = PlaceReport()
    grants = Grant.objects.filter(feed__code=FEED, system__active=True).select_related("system", "feed")
    if systems is not None:
        grants = grants.filter(system__code__in=systems)
    for grant in grants.order_by("system__code"):
        sub = _subscription(grant)
        if mode == "delta" and sub.last_delivery_at is not None and now - sub.last_delivery_at < every:
            continue
        try:
            placed = place(grant.system, mode)
        except OSError as exc:
            Subscription.objects.filter(pk=sub.pk).update(failures=sub.failures + 1,
                                                          last_error=f"{type(exc).__name__}: {exc}"[:300])
            audit.record(grant.system, "hub.file.fetch", f"hub.feed:{FEED}", "failed", reason=type(exc).__name__)
            report.failed += 1
            continue
        report.placed += placed is not None
    return report
