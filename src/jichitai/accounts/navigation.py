"""The staff UI's navigation: each app registers its entries; a person sees those their roles allow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from jichitai.accounts.policy import allowed


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    action: str
    description: str = ""
    order: int = 100


ENTRIES: list[Entry] = []


def register(entry: Entry) -> None:
    if entry not in ENTRIES:
        ENTRIES.append(entry)
        ENTRIES.sort(key=lambda e: (e.order, e.label))


def visible(user: Any) -> list[dict[str, str]]:
    out = []
    for e in ENTRIES:
        if not allowed(user, e.action):
            continue
        try:
            url = reverse(e.url_name)
        except NoReverseMatch:
            continue
        out.append({"label": e.label, "url": url, "description": e.description})
    return out


def context(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(user, "role_codes"):
        return {"nav": []}
    return {"nav": visible(user)}
