"""Whom a request refused before any view read it is about: the 宛名番号 its address or its items name.

A refusal raised while decoding a request (a character the 文字要件 refuses, an unreadable body, an item of the
wrong type, no credentials) is audited on the request (``POST /registry/residents/…/memos/``); the auditor's
question 「この住民に触れたものすべて」 (標準仕様書 10.2) is answered from the subjects index, so the person the
request named is indexed too. Only what looks like a 宛名番号 (digits) is taken: a refused value is never written."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.http import HttpRequest, RawPostDataException
from django.http.multipartparser import MultiPartParserError
from django.urls import Resolver404, resolve

KEYS = ("atena_number", "atena_numbers")  # the names every route and API schema gives a 宛名番号
MAX_SUBJECTS = 20


def _numbers(value: Any) -> Iterable[str]:
    for v in value if isinstance(value, (list, tuple)) else (value,):
        if isinstance(v, str) and v.isascii() and v.isdigit() and len(v) <= 40:
            yield v


def _named_in(data: Any, depth: int = 0) -> Iterable[str]:
    """The 宛名番号 under :data:`KEYS` in a decoded body, its top level and the objects one level down (a command)."""
    if not isinstance(data, Mapping) or depth > 1:
        return
    for key, value in data.items():
        if key in KEYS:
            yield from _numbers(value)
        elif isinstance(value, Mapping):
            yield from _named_in(value, depth + 1)


def subjects(request: HttpRequest) -> list[str]:
    """宛名番号 named by the request's path (``<atena_number>``), its query or form items, or its JSON body."""
    found: list[str] = []
    try:
        found += _numbers(resolve(request.path_info).kwargs.get("atena_number"))
    except Resolver404:
        pass
    for key in KEYS:
        found += _numbers(request.GET.getlist(key))
    content_type = request.content_type or ""
    try:
        if request.method == "POST" and content_type.startswith(("application/x-www-form-urlencoded",
                                                                   "multipart/form-data")):
            for key in KEYS:
                found += _numbers(request.POST.getlist(key))
        elif content_type == "application/json":
            found += _named_in(json.loads(request.body))
    except (ValueError, UnicodeDecodeError, RecursionError, MultiPartParserError, RawPostDataException):  # unreadable: nothing named (the refusal says so)
        pass
    return list(dict.fromkeys(found))[:MAX_SUBJECTS]
