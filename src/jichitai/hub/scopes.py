"""OAuth scopes of the hub, in the form the common-function standard sets (地方公共団体情報システム共通機能標準仕様書
第2.7版 2.2 庁内データ連携機能): ``${提供側業務システムの業務システムID}:${リソース名}:${操作名}``.

They are not a second list of rights: a system's scopes are read from its grants (one scope per granted feed),
so the resource is the feed's code and the operation is what the feed's kind allows — ``read`` for a PULL feed
(``events``) or an extract (``file_out``), ``write`` for a file the system sends (``file_in``). Which items of a
feed a token gets is still its grant's items (``feeds.ItemFilter``); a grant withdrawn after a token was issued
is refused at once (the routes ask ``feeds.granted`` as before), so a token never outlives its grants.
"""

from __future__ import annotations

from functools import lru_cache

from jichitai.hub.catalogue import FEEDS, HUB
from jichitai.hub.models import Grant, System

OPERATIONS = {"events": "read", "file_out": "read", "file_in": "write", "common": "use"}


@lru_cache(maxsize=1)
def _providers() -> dict[str, str]:
    return {spec.code: spec.provider for spec in FEEDS}


def provider_of(feed_code: str) -> str:
    """The 業務システムID of the system that provides ``feed_code`` (the hub itself for a feed of the city's own)."""
    return _providers().get(feed_code, HUB)


def scope_for(feed_code: str, operation: str) -> str:
    return f"{provider_of(feed_code)}:{feed_code}:{operation}"


def parse(scope: str) -> tuple[str, str, str] | None:
    """``(業務システムID, リソース名, 操作名)`` of a well-formed scope, else None."""
    parts = scope.split(":")
    if len(parts) != 3 or not all(parts):
        return None
    return parts[0], parts[1], parts[2]


def granted_scopes(system: System) -> list[str]:
    """Every scope ``system``'s grants allow, in feed order (empty for an inactive system)."""
    if not system.active:
        return []
    rows = Grant.objects.filter(system=system).values_list("feed__code", "feed__kind").order_by("feed__code")
    return [scope_for(code, OPERATIONS[kind]) for code, kind in rows if kind in OPERATIONS]


def documented() -> dict[str, str]:
    """Every scope the catalogue can grant, with what it allows (the OpenAPI document's client-credentials flow)."""
    verbs = {"read": "の取得", "write": "の送信", "use": "の利用"}
    return {scope_for(spec.code, OPERATIONS[spec.kind]): spec.name + verbs[OPERATIONS[spec.kind]]
            for spec in FEEDS if spec.kind in OPERATIONS}
