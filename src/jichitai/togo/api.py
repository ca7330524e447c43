"""団体内統合宛名 through the hub's API (共通機能標準仕様書 §2.4), mounted at /api/togo/. A connected system
authenticates as for the hub's feeds (``hub.auth.SystemAuth``), is checked with ``allowed``, and every call is
audited. 個人番号 only for a system of 個人番号利用事務 (番号法第9条); any other asking for it is refused (403)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from jichitai.common import fields as F
from jichitai.hub.api import Error
from jichitai.hub.auth import ensure_common, system_auth
from jichitai.togo import services

router = Router(tags=["togo"])


class LinkIn(Schema):
    model_config = ConfigDict(extra="forbid")  # an unknown item is refused, not ignored

    system_atena_number: F.Text(30)  # type: ignore[valid-type]
    kind: Literal["resident", "jutogai"] = Field(..., description="resident 住民の宛名番号 / jutogai 住登外者宛名番号")
    local_number: F.Text(15)  # type: ignore[valid-type]


class Resolved(Schema):
    togo_number: str
    kind: Literal["resident", "jutogai"]
    local_number: str
    system_atena_number: str


class Converted(Resolved):
    my_number: str | None = None


class ToTogoIn(Schema):
    model_config = ConfigDict(extra="forbid")  # an unknown item is refused, not ignored

    system_atena_numbers: list[F.Text(30)] = Field(..., min_length=1, max_length=1000)  # type: ignore[valid-type]


class ToTogoOut(Schema):
    results: list[Resolved | None]


class FromTogoIn(Schema):
    model_config = ConfigDict(extra="forbid")  # an unknown item is refused, not ignored

    togo_numbers: list[F.Text(15)] = Field(..., min_length=1, max_length=1000)  # type: ignore[valid-type]
    my_number: F.Flag = False


class FromTogoOut(Schema):
    results: list[Converted | None]


@router.post("/links", auth=system_auth(), response={200: Resolved, 400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error})
def link(request: HttpRequest, body: LinkIn) -> Any:
    """Register the calling system's own 宛名番号 for a person known by a city-wide number."""
    system = ensure_common(request, "togo.link")
    return services.link(system, body.system_atena_number, kind=body.kind, local_number=body.local_number).as_dict()


@router.post("/to-togo", auth=system_auth(), response={200: ToTogoOut, 400: Error, 401: Error, 403: Error, 422: Error})
def to_togo(request: HttpRequest, body: ToTogoIn) -> Any:
    """The system's 宛名番号 → 団体内統合宛名番号 (null for a number the function does not know)."""
    system = ensure_common(request, "togo.convert")
    return {"results": [None if r is None else r.as_dict() for r in services.to_togo(system, body.system_atena_numbers)]}


@router.post("/from-togo", auth=system_auth(), response={200: FromTogoOut, 400: Error, 401: Error, 403: Error, 422: Error})
def from_togo(request: HttpRequest, body: FromTogoIn) -> Any:
    """団体内統合宛名番号 → the system's 宛名番号 (and, with ``my_number``, the 個人番号 for 番号利用事務 only)."""
    system = ensure_common(request, "togo.convert")
    return {"results": services.from_togo(system, body.togo_numbers, my_number=body.my_number)}
