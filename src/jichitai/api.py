"""The system-to-system API (django-ninja, OpenAPI at /api/docs). Each app contributes a ``router`` in its own
``api`` module; every route checks ``allowed`` through the app's auth and guards (see accounts.api_auth)."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from jichitai.common.errors import JichitaiError

api = NinjaAPI(title="jichitai API", version="1", urls_namespace="api", docs_url="/docs")


@api.exception_handler(JichitaiError)
def _jichitai_error(request: HttpRequest, exc: JichitaiError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


for _app in ("registry", "tax", "hub", "declarations", "lounge", "dr"):
    if find_spec(f"jichitai.{_app}.api") is not None:
        api.add_router(f"/{_app}/", import_module(f"jichitai.{_app}.api").router)
