"""The lounge API: disclosure-controlled indicator tables (the same query layer as the pages)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from jichitai.accounts.api_auth import StaffSession, ensure
from jichitai.audit import services as audit
from jichitai.common import fields as F
from jichitai.lounge import indicators as I
from jichitai.lounge import services as S

router = Router(auth=StaffSession(), tags=["lounge"])


@router.get("/indicators")
def list_indicators(request: HttpRequest) -> list[dict[str, Any]]:
    actor = ensure(request, "lounge.view")
    audit.record(actor, "lounge.view", "api:lounge.indicators")
    return [{"slug": i.slug, "title": i.title, "formula": i.formula, "sources": list(i.sources),
             "refresh": i.refresh, "owner": i.owner} for i in I.INDICATORS.values()]


@router.get("/indicators/{slug}")
def indicator(request: HttpRequest, slug: F.Text(100), period: F.Text(20) = "",  # type: ignore[valid-type]
              as_of: F.Text(40) = "") -> dict[str, Any]:  # type: ignore[valid-type]
    actor = ensure(request, "lounge.view")
    I.get(slug)
    marts = S.as_of(S.parse_as_of(as_of))
    pub = S.published(marts, slug, period or None)
    audit.record(actor, "lounge.view", f"api:lounge.indicator:{slug}", period=pub.period, as_of=as_of)
    body = pub.as_dict()
    body["lineage"] = [vars(li) for li in marts.sources(slug)]
    return body


@router.get("/catalogue")
def catalogue(request: HttpRequest) -> dict[str, str]:
    actor = ensure(request, "lounge.export")
    audit.record(actor, "lounge.export", "api:lounge.catalogue")
    return S.catalogue_address()


@router.get("/catalogue/person-level")
def person_level_catalogue(request: HttpRequest) -> dict[str, str]:
    """The pseudonymised person-level zone, for the approved researcher role only (audited)."""
    actor = ensure(request, "lounge.person_level")
    audit.record(actor, "lounge.person_level", "api:lounge.catalogue.person_level")
    return S.person_level_catalogue_address()
