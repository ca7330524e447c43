"""The system-to-system API (django-ninja, OpenAPI at /api/docs). Each app contributes a ``router`` in its own
``api`` module; every route checks ``allowed`` through the app's auth and guards (see accounts.api_auth).

One place answers every refusal: our own errors as ``{"code", "message", "fields"}``; a request that does not
match an operation's types (wrong JSON type, unknown item, a value out of range, a character the 文字要件
refuses) as 422 with a Japanese message per item and the item's path (``persons[0].name``); a body that cannot
be parsed (not JSON, nested too deeply, not UTF-8) as 400. The ``detail`` key is kept for clients of
django-ninja's default answers."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from jichitai.accounts import anonymous
from jichitai.accounts.api_auth import actor_of
from jichitai.audit import requests as named
from jichitai.audit import services as audit
from jichitai.common.errors import JichitaiError
from jichitai.common.fields import explain, field_path

api = NinjaAPI(title="jichitai API", version="1", urls_namespace="api", docs_url="/docs")

SOURCES = {"body": "", "query": "", "path": "", "header": "ヘッダー ", "cookie": "クッキー "}
HTTP_MESSAGES = {
    "Cannot parse request body": "リクエスト本文を読めません（JSON の形式、文字コード UTF-8、入れ子の深さを確認してください）。",
    "Unauthorized": "認証されていません。ログインするか、正しい認証情報を送ってください。",
    "Forbidden": "この操作を行う権限がありません。",
    "Too many requests.": "要求が多すぎます。しばらく待ってから再度お試しください。",
}


@api.exception_handler(JichitaiError)
def _jichitai_error(request: HttpRequest, exc: JichitaiError) -> HttpResponse:
    audit.keep_refusals(exc)
    response = api.create_response(request, exc.as_dict(), status=exc.status)
    for name, value in exc.headers.items():  # e.g. WWW-Authenticate of a Bearer refusal (RFC 6750 §3)
        response[name] = value
    return response


def _audit_refusal(request: HttpRequest, code: str, **detail: Any) -> None:
    """A request refused before any route ran (unreadable body, invalid items, no credentials) is audited too:
    who, which path, which items — never the values, which may be personal data — and whom it names (its
    宛名番号, :mod:`jichitai.audit.requests`). Nobody's (no credentials):
    folded per address and minute, so that a flood cannot fill the audit chain (accounts.anonymous)."""
    actor, resource = actor_of(request), f"{request.method} {request.path}"[:300]
    subjects = named.subjects(request)  # the person the request names, for 「この住民に触れたもの」 (10.2)
    if subjects:
        detail["subjects"] = subjects
    if actor is None or not getattr(actor, "is_authenticated", True):  # as audit.actor_label: "anonymous"
        anonymous.record_refusal(request, "api.request", resource, code=code, **detail)
        return
    audit.record(actor, "api.request", resource, "refused", code=code, **detail)


def _path(loc: list[object] | tuple[object, ...]) -> str:
    """The item's path as the client wrote it: without django-ninja's source and body-parameter name."""
    parts = list(loc)
    source = str(parts[0]) if parts else ""
    if source in SOURCES:
        parts = parts[1:]
        if source == "body" and parts and isinstance(parts[0], str) and parts[0] in ("command", "decision", "body"):
            parts = parts[1:]
        # a discriminated union puts the chosen model's tag in the path (persons → RecordMoveIn.persons)
        if source == "body" and parts and isinstance(parts[0], str) and parts[0][:1].isupper():
            parts = parts[1:]
    return SOURCES.get(source, "") + (field_path(parts) or "本文")


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [{"field": _path(e.get("loc", ())), "message": explain(e), "type": str(e.get("type", ""))}
              for e in exc.errors]
    first = errors[0] if errors else {"field": "", "message": "入力内容に誤りがあります。"}
    summary = "、".join(f"{e['field']}: {e['message']}" for e in errors[:5]) + (" ほか" if len(errors) > 5 else "")
    _audit_refusal(request, "invalid_input", fields=[e["field"] for e in errors[:20]], errors=len(errors))
    return api.create_response(request, {
        "code": "invalid_input", "message": f"入力内容に誤りがあります（{len(errors)}件）。{summary}",
        "fields": {"field": first["field"], "errors": errors}, "detail": errors}, status=422)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = HTTP_MESSAGES.get(exc.message, exc.message)
    _audit_refusal(request, f"http_{exc.status_code}")
    return api.create_response(request, {"code": f"http_{exc.status_code}", "message": message, "fields": {},
                                         "detail": message}, status=exc.status_code)


for _app in ("registry", "tax", "hub", "jutogai", "togo", "declarations", "lounge", "dr"):
    if find_spec(f"jichitai.{_app}.api") is not None:
        api.add_router(f"/{_app}/", import_module(f"jichitai.{_app}.api").router)
