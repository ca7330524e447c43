"""The 宛名 extract (宛名連携ファイル, feed ``atena-extract``): the 宛名 standard CSV, 全件 or 差分, made by one code
path for both ways the 共通機能標準仕様書 (§2.2 庁内データ連携) hands data over:

- answered to a PULL: ``GET /api/hub/extracts/atena`` (:func:`atena_extract`), the system naming its cursor;
- placed as a file on object storage (ファイル連携): ``out/{system}/atena-extract/`` under the hub's file store
  (:func:`place`; ``jichitai hub run`` places the 差分, ``jichitai hub place-extracts`` on request or a timer);
  the hub keeps the cursor.

Either way :func:`render` gives only the grant's items and withholds the address of events that show a supported
person's address (:func:`jichitai.hub.feeds.screened`, audited), and :func:`record` signs the file in the message
log before it is handed over, records it as an outgoing file of that system (``GET /files/{id}``) and audits it.
Nothing holds the whole file: :func:`render` reads :data:`CHUNK` events at a time through a server-side cursor and
writes each chunk's CSV on (to a staged object for a placement, to a spool streamed out for the API), hashing it
as it goes, so the message log signs a digest; 1.5 M people take the memory of one chunk.

A placed file is named by where it starts, so a placement that failed after its object was written is replaced,
not doubled, by the next one: ``atena_delta_{after:012d}.csv`` (the events after cursor ``after``),
``atena_full_{last:012d}.csv`` (everyone's state up to ``last``; the next 差分 is ``atena_delta_{last}``). Beside
each, ``….csv.receipt.json`` holds the signed receipt. A 差分 with nothing new is not placed (no empty file, no
log entry): the receiver reads silence as nothing changed, the hub page shows the last file's age. The first file
a system gets is a 全件, its starting state.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import json
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jichitai.audit import services as audit
from jichitai.common import csvout
from jichitai.hub import filestore, messagelog
from jichitai.hub.feeds import ItemFilter, granted, screened
from jichitai.hub.layouts import ATENA_CSV_CODES, ATENA_EXTRACT_COLUMNS
from jichitai.hub.models import ExchangedFile, FeedEvent, Grant, Subscription, System
from jichitai.registry import suppression

FEED = "atena-extract"


def place_every() -> dt.timedelta:
    """How often the worker places a system's 差分: ``JICHITAI_HUB_EXTRACT_MINUTES`` (1–10, the 準リアルタイム
    bound of 宛名連携, 住民記録システム標準仕様書 j1190), not a file every cycle while the counter is busy."""
    return dt.timedelta(minutes=settings.CONFIG.hub_extract_minutes)


CHUNK = 5000  # events read from the database, screened and written per step: what the render holds at a time
# a placement's reservation of its system's 差分 lasts this long past its last written chunk: a placer that died
# blocks the next for at most this, a live one renews it with every chunk
LEASE = dt.timedelta(minutes=5)


class Busy(Exception):
    """Another placement of this system's file is under way (it holds the reservation): try again later."""


class Superseded(Exception):
    """This placement lost its reservation (it stalled past :data:`LEASE` and another took over): it records
    nothing; the other's file covers the same events."""


class Sink(Protocol):
    def write(self, data: bytes, /) -> Any: ...


@dataclass(frozen=True)
class Extract:
    """One rendered extract: the cursors it covers (``after`` < cursors ≤ ``last``) and the digest of the bytes
    written (hashed as they were written: the whole file is never held)."""

    system: System
    mode: str
    after: int
    last: int
    count: int
    encoding: str
    sha256: str
    size: int


def _encoding(name: str) -> str:
    return "cp932" if name.lower() in ("cp932", "shift_jis", "sjis") else "utf-8"


def render(system: System, out: Sink, mode: str = "full", after: int = 0, encoding: str = "utf-8",
           grant: Grant | None = None) -> Extract:
    """Write the 宛名 standard CSV for ``system`` to ``out`` (全件: each person's latest state; 差分: events after
    ``after``), :data:`CHUNK` events at a time read through a server-side cursor, only the granted items (others
    left empty), the address withheld as in :func:`jichitai.hub.feeds.screened` on every chunk."""
    grant = grant or granted(system, FEED, "hub.file.fetch")
    flt = ItemFilter.for_grant(grant)
    after = max(after, 0)  # as feeds.pull: a negative cursor means from the start (and is logged as 0)
    qs = FeedEvent.objects.filter(id__gt=after)
    if mode == "full":
        qs = qs.filter(is_latest=True)
    enc = _encoding(encoding)
    digest, size = hashlib.sha256(), 0
    text = io.StringIO()
    # for systems: the 宛名 standard layout that the receiving business system reads back exactly
    w = csvout.writer(text, for_people=False, lineterminator="\r\n")
    w.writerow([h for h, _ in ATENA_EXTRACT_COLUMNS] + ["カーソル"])
    last, count = after, 0
    guard = suppression.shield()
    events = qs.order_by("id").iterator(chunk_size=CHUNK)
    while True:
        chunk = list(itertools.islice(events, CHUNK))
        withheld = screened(system, chunk, flt, "hub.file.fetch", guard, feed=FEED) if chunk else set()
        for e in chunk:
            data = flt.apply(e.payload, e.id in withheld)
            envelope = {"atena_number": e.atena_number, "setai_number": e.setai_number, "kind": e.kind,
                        "occurred_on": e.occurred_on.isoformat()}
            w.writerow([_cell(attr, envelope.get(attr, data.get(attr, ""))) for _, attr in ATENA_EXTRACT_COLUMNS]
                       + [e.id])
            last, count = e.id, count + 1
        piece = text.getvalue().encode(enc, errors="replace")  # both encodings are stateless: per chunk = whole
        text.seek(0)
        text.truncate()
        if piece:
            out.write(piece)
            digest.update(piece)
            size += len(piece)
        if len(chunk) < CHUNK:
            break
    return Extract(system, mode, after, last, count, enc, digest.hexdigest(), size)


def _cell(attr: str, value: Any) -> Any:
    codes = ATENA_CSV_CODES.get(attr)
    return codes.get(value, value) if codes is not None and value else (value or "")


def record(x: Extract, filename: str, place: Callable[[ExchangedFile, dict[str, Any]], str] | None = None,
           status: str = "provided") -> tuple[ExchangedFile, dict[str, Any]]:
    """Log ``x`` (its digest, hash chained, signed), record it as an outgoing file of its system and audit it,
    in one transaction. ``place`` runs inside it after the log entry and before the commit (it writes the small
    receipt beside a placed file) and returns where the file is. Returns (the file's record, its signed receipt).
    The message log's lock is held from the entry to the commit: nothing large is written in between."""
    with transaction.atomic():
        entry = messagelog.append(kind="file_out", direction="out", sender=messagelog.HUB, receiver=x.system.code,
                                  reference=f"{FEED}:{x.mode}:{x.after}-{x.last}", payload=b"",
                                  digest=(x.sha256, x.size), count=x.count, first_cursor=x.after,
                                  last_cursor=x.last)
        f = ExchangedFile.objects.create(
            direction="out", system=x.system, layout=FEED, mode=x.mode, filename=filename, sha256=x.sha256,
            size=x.size, encoding=x.encoding, rows=x.count, status=status, stored_path="", log_seq=entry.seq)
        receipt = messagelog.receipt(entry)
        detail: dict[str, Any] = {}
        if place is not None:
            f.stored_path = detail["placed"] = place(f, receipt)
            f.save(update_fields=["stored_path"])
        audit.record(x.system, "hub.file.fetch", f"hub.feed:{FEED}", count=x.count, log_seq=entry.seq,
                     file_id=f.pk, **detail)
    return f, receipt


@dataclass
class Answer:
    """``GET /extracts/atena``'s extract, spooled (in memory up to :data:`SPOOL_MEMORY`, then an unnamed
    temporary file that vanishes when closed) so that it is logged before any byte is answered; :meth:`chunks`
    streams it out and closes it."""

    extract: Extract
    file: ExchangedFile
    receipt: dict[str, Any]
    spool: IO[bytes]

    def chunks(self, size: int = 1 << 16) -> Iterator[bytes]:
        try:
            self.spool.seek(0)
            while piece := self.spool.read(size):
                yield piece
        finally:
            self.spool.close()


SPOOL_MEMORY = 8 << 20


def _spool() -> IO[bytes]:
    folder = Path(settings.CONFIG.var_dir) / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY, dir=str(folder))  # closed by Answer.chunks()


def atena_extract(system: System, mode: str = "full", after: int = 0, encoding: str = "utf-8") -> Answer:
    """``GET /extracts/atena``: the extract after the system's own cursor, logged before it is answered and
    readable later at ``GET /files/{id}`` by that system only."""
    spool = _spool()
    try:
        x = render(system, spool, mode, after, encoding)
        f, receipt = record(x, f"atena_{mode}_{x.last}.csv")
    except BaseException:
        spool.close()
        raise
    return Answer(x, f, receipt, spool)


# --- ファイル連携: placing the extract on object storage --------------------------------------------------------

def filename(x: Extract) -> str:
    return f"atena_full_{x.last:012d}.csv" if x.mode == "full" else f"atena_delta_{x.after:012d}.csv"


def folder(system: System) -> str:
    """The prefix under ``out/`` that is the system's own (the bucket policy gives it read and delete there)."""
    return f"{system.code}/{FEED}"


def _receipt_writer(x: Extract, name: str, locator: str) -> Callable[[ExchangedFile, dict[str, Any]], str]:
    def put(f: ExchangedFile, receipt: dict[str, Any]) -> str:
        body = json.dumps({"filename": name, "file_id": f.pk, "mode": x.mode, "rows": x.count, "after": x.after,
                           "last_cursor": x.last, "encoding": x.encoding, "receipt": receipt},
                          ensure_ascii=False, indent=1)
        filestore.store().put("out", f"{folder(x.system)}/{name}.receipt.json", body.encode())
        return locator

    return put


@dataclass(frozen=True)
class Placed:
    file: ExchangedFile
    receipt: dict[str, Any]


def _subscription(grant: Grant) -> Subscription:
    sub, _ = Subscription.objects.get_or_create(system=grant.system, feed=grant.feed)
    return sub


@dataclass(frozen=True)
class _Reservation:
    sub: int
    token: str
    cursor: int
    first: bool  # the system never had a file: its first is a 全件


def _reserve(sub: Subscription) -> _Reservation | None:
    """Reserve the system's next placement (a short transaction on its subscription row): None while another
    placement holds a live reservation. A reservation left by a placer that died (past :data:`LEASE`) is taken
    over and its staged object deleted."""
    now = timezone.now()
    with transaction.atomic():
        locked = Subscription.objects.select_for_update().get(pk=sub.pk)
        if locked.placing_token and locked.placing_until is not None and locked.placing_until > now:
            return None
        stale, token = locked.placing_token, uuid.uuid4().hex
        locked.placing_token, locked.placing_until = token, now + LEASE
        locked.save(update_fields=["placing_token", "placing_until"])
    if stale:
        filestore.store().unstage(stale)
    return _Reservation(sub.pk, token, locked.delivered_cursor, locked.last_delivery_at is None)


def _release(r: _Reservation) -> None:
    Subscription.objects.filter(pk=r.sub, placing_token=r.token).update(placing_token="", placing_until=None)


class _Leased:
    """The staged file, renewing the reservation with every chunk written (and stopping when it was lost)."""

    def __init__(self, staged: filestore.Staged, r: _Reservation) -> None:
        self.staged, self.r = staged, r

    def write(self, data: bytes) -> None:
        self.staged.write(data)
        renewed = Subscription.objects.filter(pk=self.r.sub, placing_token=self.r.token).update(
            placing_until=timezone.now() + LEASE)
        if not renewed:
            raise Superseded


def place(system: System, mode: str = "delta", encoding: str = "utf-8") -> Placed | None:
    """Place ``system``'s extract in its folder: the 差分 after the cursor the hub keeps for it (a 全件 when it
    never had a file), or a 全件. Three steps, so that no lock is held while the file is written:

    1. reserve the system's placement (:func:`_reserve`): one placement at a time per system;
    2. write the CSV to ``staging/`` chunk by chunk (:func:`render`), hashing it, with no lock held;
    3. under the subscription's row lock, check the reservation is still this one, move the CSV to its name,
       log it, record it, write its receipt and move the cursor, in one transaction (the message log's lock
       from the entry to the commit: a small receipt, never the CSV).

    A 差分 with nothing new places nothing (None), as does a placement that lost its reservation; while another
    holds it, :class:`Busy` is raised. Refused (audited) without the grant; a failed write raises ``OSError`` and leaves cursor,
    log and records as they were, nothing under the file's name (or, when it failed after the move, a CSV
    without a receipt, replaced by the next placement under the same name)."""
    grant = granted(system, FEED, "hub.file.fetch")
    sub = _subscription(grant)
    r = _reserve(sub)
    if r is None:
        raise Busy(system.code)
    try:
        mode = "full" if r.first else mode
        after = r.cursor if mode == "delta" else 0
        if mode == "delta" and not FeedEvent.objects.filter(id__gt=after).exists():
            _release(r)
            return None
        staged = filestore.store().stage(r.token)  # named after the reservation: a taker-over deletes it
        try:
            x = render(system, _Leased(staged, r), mode, after, encoding, grant)
        except BaseException:
            staged.discard()
            raise
        return _commit(x, staged, r)
    except Superseded:  # the other placement's file covers these events; this one read them for nothing
        audit.record(system, "hub.file.fetch", f"hub.feed:{FEED}", "failed", reason="superseded")
        return None
    except BaseException:
        _release(r)
        raise


def _commit(x: Extract, staged: filestore.Staged, r: _Reservation) -> Placed | None:
    """Step 3 of :func:`place`: one transaction under the subscription's row lock."""
    name = filename(x)
    with transaction.atomic():
        locked = Subscription.objects.select_for_update().get(pk=r.sub)
        if locked.placing_token != r.token or locked.delivered_cursor != r.cursor:
            staged.discard()  # taken over: the other placement's file covers these events
            raise Superseded
        try:
            locator = staged.commit("out", f"{folder(x.system)}/{name}")
        except BaseException:
            staged.discard()
            raise
        f, receipt = record(x, name, _receipt_writer(x, name, locator), status="placed")
        Subscription.objects.filter(pk=r.sub).update(
            delivered_cursor=max(locked.delivered_cursor, x.last), last_delivery_at=timezone.now(),
            delivered_events=locked.delivered_events + x.count, failures=0, last_error="", placing_token="",
            placing_until=None)
    return Placed(f, receipt)


@dataclass
class PlaceReport:
    placed: int = 0
    failed: int = 0
    busy: int = 0  # another placement of the system's file was under way


def place_due(now: dt.datetime | None = None, every: dt.timedelta | None = None, mode: str = "delta",
              systems: list[str] | None = None) -> PlaceReport:
    """Place the extract of every active system granted it (or those named) whose last file is older than
    ``every`` (:func:`place_every` when None). A system whose store cannot be written is counted, its failure
    kept for the hub page and audited, and the others still get theirs; one whose file is being placed by
    another process is counted as busy."""
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
        except Busy:
            report.busy += 1
            continue
        except OSError as exc:
            Subscription.objects.filter(pk=sub.pk).update(failures=sub.failures + 1,
                                                          last_error=f"{type(exc).__name__}: {exc}"[:300])
            audit.record(grant.system, "hub.file.fetch", f"hub.feed:{FEED}", "failed", reason=type(exc).__name__)
            report.failed += 1
            continue
        report.placed += placed is not None
    return report
