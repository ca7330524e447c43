"""Refuse, before any view runs, a form or query value holding a character no item of the platform accepts
(control characters such as ESC, the bidirectional overrides and isolates, zero-width and other format
characters, private-use 外字, unassigned code points: jichitai.common.fields, 文字要件).

Every form-accepting view, staff or resident, present or future, is covered at once: the value never reaches
a form, a service or the database, and the answer says which item holds which character, in Japanese (a page,
or JSON under /api/). Line feeds and tabs stay allowed here (text areas); single-line items refuse them in
their own checks. The API (/api/) checks what it reads with its typed schemas instead."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

from jichitai.audit import requests as named
from jichitai.audit import services as audit
from jichitai.common.errors import JichitaiError
from jichitai.common.fields import text_problem

MAX_VALUE = 100_000  # characters in one form value; more is not typed by a person (uploads are files)


class HostileInput(JichitaiError):
    code = "invalid_characters"
    status = 400


def _in(data: QueryDict) -> HostileInput | None:
    for key, values in data.lists():
        for text in (key, *values):
            problem = text_problem(text, MAX_VALUE, multiline=True)
            if problem:
                # the page names no field: the guard knows only the form's internal item names (p1-name), not
                # the labels the person read; the API and the audit get the item name as ``field``
                shown = key if text_problem(key, 100) is None else "（項目名）"
                return HostileInput(f"入力された内容に{problem}該当する文字を削除するか、別の文字で入力し直してください。",
                                    field=shown)
    return None


def _problem(request: HttpRequest) -> HostileInput | None:
    if request.path.startswith("/api/"):
        return None  # the API's typed schemas check what its operations read (and ignore the rest)
    refused = _in(request.GET)
    is_form = (request.content_type or "").startswith(("application/x-www-form-urlencoded", "multipart/form-data"))
    if refused is not None or request.method != "POST" or not is_form:
        return refused  # a JSON or CSV body is the API's to check, against its schema
    try:
        refused = _in(request.POST)
        for f in request.FILES.values():
            if text_problem(getattr(f, "name", "") or "", 255):
                return HostileInput("ファイル名に使用できない文字が含まれています。", field="file")
    except (MultiPartParserError, UnicodeDecodeError, ValueError):
        return HostileInput("送信された内容を読めません。", field="body")
    return refused


class InputGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = _problem(request)
        if refused is None:
            return self.get_response(request)
        # refused before any view ran: audited like every refusal (the item named, never its value; the person
        # the address or items name indexed as its subject)
        user = getattr(request, "user", None)
        audit.record(user if user is not None and user.is_authenticated else None, "request.input",
                     f"{request.method} {request.path}"[:300], "refused", code=refused.code,
                     field=str(refused.fields.get("field", ""))[:100], subjects=named.subjects(request))
        if request.path.startswith("/hub/feeds/"):
            return JsonResponse(refused.as_dict(), status=400, json_dumps_params={"ensure_ascii": False})
        return render(request, "errors/error.html", {"error": refused}, status=400)
