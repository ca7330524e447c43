"""The hub's system-to-system API (mounted at /api/hub/; the feed is also served at /hub/feeds/{feed}).

Every route authenticates the calling system (:class:`SystemAuth`) and asks ``allowed`` through the feed's
grant (``feeds.granted``), which audits each refusal. Answers never say whether a refused feed exists.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from ninja import Field, Query, Router, Schema

from jichitai.accounts.api_auth import StaffSession, ensure
from jichitai.accounts.guards import public
from jichitai.common import fields as F
from jichitai.hub import extracts, feeds, files, messagelog, monitor, oauth
from jichitai.hub.auth import require_file_scope, require_scope, system_auth
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


@router.get("/feeds/{feed}", auth=system_auth(),
            response={200: BatchOut, 401: Error, 403: Error, 422: ValidationErrors, 503: Error})
def pull_feed(request: HttpRequest, feed: str, q: Query[FeedQuery]) -> Any:
    """宛名連携 PULL: events after the cursor ``after``, at most ``limit`` (≤ 5000), with a signed receipt.
    With an OAuth token, its scope must include ``juki:{feed}:read``."""
    require_scope(request, feed, "read")
    # The batch's JSON is built once, around the exact bytes the receipt's hash covers (documented as BatchOut).
    return HttpResponse(feeds.pull(_system(request), feed, q.after, q.limit).as_json(),
                        content_type="application/json")


# Declared before /files/{feed} and with the int converter: /files/<digits> is a file (GET), anything else a feed
# (POST); the other method on either answers 405.
@router.get("/files/{int:file_id}", auth=system_auth(),
            response={200: FileOut, 401: Error, 403: Error, 405: None})
def file_status(request: HttpRequest, file_id: int) -> Any:
    """The status, validation report and receipt of a file meant for this system: one it sent (``in``) or an
    extract produced for it (``out``). Any other id, existing or not, is refused with the same answer."""
    require_file_scope(request, file_id)
    return files.file_status(_system(request), file_id)


@router.post("/files/{feed}", auth=system_auth(),
             response={200: FileOut, 401: Error, 403: Error, 405: None, 422: ValidationErrors, 503: Error},
             openapi_extra={"requestBody": {"content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}}}})
def send_file(request: HttpRequest, feed: str, q: Query[FileQuery]) -> Any:
    """Drop a CSV file (request body, UTF-8 or CP932). A file with any bad row is quarantined whole.
    With an OAuth token, its scope must include ``{業務システムID}:{feed}:write``."""
    require_scope(request, feed, "write")
    return files.receive(_system(request), feed, q.filename, request.body, q.mode).as_dict()


@router.get("/extracts/atena", auth=system_auth(),
            response={200: None, 401: Error, 403: Error, 422: ValidationErrors, 503: Error})
def atena_extract(request: HttpRequest, q: Query[ExtractQuery]) -> HttpResponseBase:
    """The 宛名 standard CSV (全件 ``mode=full`` or 差分 ``mode=delta`` after a cursor), UTF-8 or CP932.
    With an OAuth token, its scope must include ``juki:atena-extract:read``."""
    require_scope(request, "atena-extract", "read")
    answer = extracts.atena_extract(_system(request), q.mode, q.after, q.encoding)
    charset = answer.extract.encoding
    # streamed from the spool the extract was written to (logged before the first byte), never held whole
    response = StreamingHttpResponse(answer.chunks(), content_type=f"text/csv; charset={charset}")
    response["Content-Length"] = str(answer.extract.size)
    response["X-Hub-File-Id"] = str(answer.file.pk)  # GET /files/{id} gives this extract's record and receipt again
    response["X-Hub-Receipt-Seq"] = str(answer.receipt["seq"])
    response["X-Hub-Receipt-Signature"] = answer.receipt["signature"]
    return response


@router.get("/log/public-key", auth=system_auth(), response={200: dict[str, str], 401: Error})
def public_key(request: HttpRequest) -> Any:
    """The hub's Ed25519 public key (PEM) to verify receipts with."""
    return {"public_key": messagelog.public_key_pem(), "key_id": messagelog.signing_key().key_id}


# --- OAuth 2.0 (共通機能標準仕様書 2.2; hub.oauth): form-encoded requests, RFC 6749 §5.2 error answers -----------

class OAuthError(Schema):
    error: str
    error_description: str | None = None


class TokenOut(Schema):
    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int
    scope: str


class IntrospectionOut(Schema):
    active: bool
    client_id: str | None = None
    sub: str | None = None
    token_type: str | None = None
    scope: str | None = None
    iat: int | None = None
    exp: int | None = None


def _form(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    schema = {"type": "object", "properties": properties, "required": required}
    return {"requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": schema}}}}


ASSERTION = {"client_assertion_type": {"type": "string",
                                       "enum": ["urn:ietf:params:oauth:client-assertion-type:jwt-bearer"]},
             "client_assertion": {"type": "string", "description": "client_secret_jwt (RFC 7523 §2.2)"}}
TOKEN_FORM = {"token": {"type": "string"}, "token_type_hint": {"type": "string", "enum": ["access_token"]},
              **ASSERTION}


@router.post("/oauth/token", auth=None, response={200: TokenOut, 400: OAuthError, 401: OAuthError},
             openapi_extra=_form({"grant_type": {"type": "string", "enum": ["client_credentials"]},
                                  "scope": {"type": "string", "description": "業務システムID:リソース名:操作名 を空白区切り"},
                                  **ASSERTION}, ["grant_type"]))
@public
def oauth_token(request: HttpRequest) -> HttpResponse:
    """トークン発行 (RFC 6749 §4.4): client credentials; the client authenticates with ``client_secret_jwt``
    (or ``client_secret_basic`` where the city still allows it). A short-lived Bearer token, no refresh token."""
    return oauth.token_response(request)


@router.post("/oauth/introspect", auth=None, response={200: IntrospectionOut, 400: OAuthError, 401: OAuthError},
             openapi_extra=_form(TOKEN_FORM, ["token"]))
@public
def oauth_introspect(request: HttpRequest) -> HttpResponse:
    """イントロスペクション (RFC 7662): whether a token is active, its client and scopes. A client may ask about
    its own tokens, a providing system about tokens that carry its scopes."""
    return oauth.introspection_response(request)


@router.post("/oauth/revoke", auth=None, response={200: dict[str, Any], 400: OAuthError, 401: OAuthError},
             openapi_extra=_form(TOKEN_FORM, ["token"]))
@public
def oauth_revoke(request: HttpRequest) -> HttpResponse:
    """トークン失効 (RFC 7009): the client revokes one of its tokens; 200 also for a token unknown here."""
    return oauth.revocation_response(request)


for _endpoint in (oauth_token, oauth_introspect, oauth_revoke):
    _endpoint.jichitai_public_reason = (  # type: ignore[attr-defined]
        "OAuth 2.0 endpoint: the client authenticates in the request itself (client_secret_jwt or "
        "client_secret_basic, RFC 6749 §2.3), checked by Authlib against the system's sealed secret")


@router.get("/status", auth=StaffSession(), response={200: dict[str, Any], 401: Unauthorized, 403: Error})
def status(request: HttpRequest) -> Any:
    """Operations overview (feeds, lag, failures, quarantined files, lake freshness) for staff."""
    ensure(request, "hub.monitor")
    return monitor.overview(include_lake=True)
