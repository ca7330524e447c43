"""The two APIs of 住登外者宛名番号管理 (共通機能標準仕様書 §2.3; companion specs 住登外者宛名基本情報照会API and
住登外者宛名番号付番API), mounted at /api/jutogai/. A connected system authenticates as it does for the hub's
feeds (``hub.auth.SystemAuth``) and is checked with ``allowed``; every call is audited.

- ``POST /search`` (住登外者宛名基本情報照会): the 基本4情報, ``match`` exact or partial → candidates
  (住登外者 and residents);
- ``POST /numbers`` (住登外者宛名番号付番): numbered only when nobody matches; otherwise 409 with the candidates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from jichitai.common import fields as F
from jichitai.hub.api import Error
from jichitai.hub.auth import ensure_common, system_auth
from jichitai.jutogai import services
from jichitai.jutogai.facts import Facts, checked

router = Router(tags=["jutogai"])


class FactsIn(Schema):
    model_config = ConfigDict(extra="forbid")  # an unknown item is refused, not ignored

    name: F.Text(200) = ""  # type: ignore[valid-type]
    kana: F.Text(200) = ""  # type: ignore[valid-type]
    birth_date: F.PastDate | None = None
    sex: Literal["M", "F", "1", "2", ""] = ""
    address: F.Text(300) = ""  # type: ignore[valid-type]
    postcode: F.Text(8) = ""  # type: ignore[valid-type]

    def facts(self) -> Facts:
        return checked(self.name, self.kana, self.birth_date, self.sex, self.address, self.postcode)


class SearchIn(FactsIn):
    match: Literal["exact", "partial"] = Field("exact", description="exact 完全一致 / partial 部分一致")
    include_residents: F.Flag = True


class Candidate(Schema):
    kind: Literal["jutogai", "resident", "former_resident"]
    number: str
    suppressed: bool
    name: str | None = None
    kana: str | None = None
    birth_date: dt.date | None = None
    sex: str | None = None
    postcode: str | None = None
    address: str | None = None
    former_atena_number: str | None = None
    status: str | None = None
    merged_into: str | None = None


class SearchOut(Schema):
    count: int
    candidates: list[Candidate]


class NumberIn(FactsIn):
    former_atena_number: F.Text(15) = ""  # type: ignore[valid-type]
    distinct_from: list[F.Text(15)] = Field(default_factory=list, max_length=100)  # type: ignore[valid-type]


class NumberOut(Schema):
    number: str
    name: str
    kana: str
    birth_date: dt.date | None
    sex: str
    postcode: str
    address: str
    former_atena_number: str


class CandidatesOut(Schema):
    code: str
    message: str
    candidates: list[Candidate]


@router.post("/search", auth=system_auth(),
             response={200: SearchOut, 400: Error, 401: Error, 403: Error, 422: Error})
def search(request: HttpRequest, body: SearchIn) -> Any:
    """住登外者宛名基本情報照会: the 住登外者 (and residents) matching the 基本4情報 given."""
    actor = ensure_common(request, "jutogai.search")
    found = services.search(actor, body.facts(), body.match, residents=body.include_residents)
    return {"count": len(found), "candidates": found}


@router.post("/numbers", auth=system_auth(),
             response={201: NumberOut, 400: Error, 401: Error, 403: Error, 409: CandidatesOut, 422: Error})
def number(request: HttpRequest, body: NumberIn) -> Any:
    """住登外者宛名番号付番: a new number when no 住登外者 or resident matches; otherwise 409 with the candidates
    (number again with ``distinct_from`` listing those that are other people)."""
    actor = ensure_common(request, "jutogai.number")
    result = services.number(actor, body.facts(), source=f"system:{actor.code}",
                             former_atena_number=body.former_atena_number, distinct_from=body.distinct_from)
    if result.numbered is None:
        return Status(409, {"code": "candidates", "message": f"該当する可能性のある人が{len(result.candidates)}件あるため付番して"
                     "いません。別人であることを確認した番号を distinct_from に指定してください。",
                     "candidates": result.candidates})
    p = result.numbered
    return Status(201, {"number": p.number, "name": p.name, "kana": p.kana, "birth_date": p.birth_date, "sex": p.sex,
                 "postcode": p.postcode, "address": p.address, "former_atena_number": p.former_atena_number})
