"""The hub's system-to-system API (mounted at /api/hub/; the feed is also served at /hub/feeds/{feed}).

Every route authenticates the calling system (:class:`SystemAuth`) and asks ``allowed`` through the feed's
grant (``feeds.granted``), which audits each refusal. Answers never say whether a refused feed exists.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from jichitai.accounts.api_auth import StaffSession, ensure
from jichitai.common import fields as F
from jichitai.hub import feeds, files, messagelog, monitor
from jichitai.hub.auth import SystemAuth
from jichitai.hub.models import System

router = Router(tags=["hub"])

MAX_CURSOR = feeds.MAX_CURSOR


class Error(Schema):
    code: str
    message: str
    fields: dict[str, Any]


class Unauthorized(Schema):
    """django-ninja's answer when no staff session authenticates (``/status``)."""

    detail: str


class ValidationErrors(Schema):
    """django-ninja's answer to a parameter or body that does not match the operation's types."""

    detail: list[dict[str, Any]]


class BatchOut(Schema):
    feed: str
    after: int
    next_cursor: int
    has_more: bool
    events: list[dict[str, Any]]
    receipt: dict[str, Any]


class FeedQuery(Schema):
    after: int = Field(0, le=MAX_CURSOR)
    limit: int = feeds.DEFAULT_BATCH


class FileOut(Schema):
    file_id: int
    direction: Literal["in", "out"]
    layout: str
    mode: Literal["full", "delta"]
    status: str
    rows: int
    problems: list[dict[str, Any]]
    duplicate: bool
    receipt: dict[str, Any]


class FileQuery(Schema):
    filename: F.Text(255) = "upload.csv"  # type: ignore[valid-type]
    mode: F.Text(10) = "full"  # type: ignore[valid-type]


class ExtractQuery(Schema):
    mode: Literal["full", "delta"] = "full"
    after: int = Field(0, le=MAX_CURSOR)
    encoding: F.Text(20) = "utf-8"  # type: ignore[valid-type]


def _system(request: HttpRequest) -> System:
    return request.auth  # type: ignore[attr-defined]


@router.get("/feeds/{feed}", auth=SystemAuth(),
            response={200: BatchOut, 401: Error, 403: Error, 422: ValidationErrors, 503: Error})
def pull_feed(request: HttpRequest, feed: str, q: Query[FeedQuery]) -> Any:
    """宛名連携 PULL: events after the cursor ``after``, at most ``limit`` (≤ 5000), with a signed receipt."""
    # The batch's JSON is built once, around the exact bytes the receipt's hash covers (documented as BatchOut).
    return HttpResponse(feeds.pull(_system(request), feed, q.after, q.limit).as_json(),
                        content_type="application/json")


# Declared before /files/{feed} and with the int converter: /files/<digits> is a file (GET), anything else a feed
# (POST); the other method on either answers 405.
@router.get("/files/{int:file_id}", auth=SystemAuth(),
            response={200: FileOut, 401: Error, 403: Error, 405: None})
def file_status(request: HttpRequest, file_id: int) -> Any:
    """The status, validation report and receipt of a file meant for this system: one it sent (``in``) or an
    extract produced for it (``out``). Any other id, existing or not, is refused with the same answer."""
    return files.file_status(_system(request), file_id)


@router.post("/files/{feed}", auth=SystemAuth(),
             response={200: FileOut, 401: Error, 403: Error, 405: None, 422: ValidationErrors, 503: Error},
             openapi_extra={"requestBody": {"content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}}}})
def send_file(request: HttpRequest, feed: str, q: Query[FileQuery]) -> Any:
    """Drop a CSV file (request body, UTF-8 or CP932). A file with any bad row is quarantined whole."""
    return files.receive(_system(request), feed, q.filename, request.body, q.mode).as_dict()


@router.get("/extracts/atena", auth=SystemAuth(),
            response={200: None, 401: Error, 403: Error, 422: ValidationErrors, 503: Error})
def atena_extract(request: HttpRequest, q: Query[ExtractQuery]) -> HttpResponse:
    """The 宛名 standard CSV (全件 ``mode=full`` or 差分 ``mode=delta`` after a cursor), UTF-8 or CP932."""
    body, receipt, file_id = files.atena_extract(_system(request), q.mode, q.after, q.encoding)
    charset = "cp932" if body and q.encoding.lower() in ("cp932", "shift_jis", "sjis") else "utf-8"
    response = HttpResponse(body, content_type=f"text/csv; charset={charset}")
    response["X-Hub-File-Id"] = str(file_id)  # GET /files/{id} gives this extract's record and receipt again
    response["X-Hub-Receipt-Seq"] = str(receipt["seq"])
    response["X-Hub-Receipt-Signature"] = receipt["signature"]
    return response


@router.get("/log/public-key", auth=SystemAuth(), response={200: dict[str, str], 401: Error})
def public_key(request: HttpRequest) -> Any:
    """The hub's Ed25519 public key (PEM) to verify receipts with."""
    return {"public_key": messagelog.public_key_pem(), "key_id": messagelog.signing_key().key_id}


@router.get("/status", auth=StaffSession(), response={200: dict[str, Any], 401: Unauthorized, 403: Error})
def status(request: HttpRequest) -> Any:
    """Operations overview (feeds, lag, failures, quarantined files, lake freshness) for staff."""
    ensure(request, "hub.monitor")
    return monitor.overview(include_lake=True)
