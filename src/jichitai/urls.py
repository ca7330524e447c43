"""URL wiring only. Each app with views contributes its own ``urls`` module."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.views import serve
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import include, path, re_path

from jichitai.accounts.admin import site as admin_site
from jichitai.accounts.guards import public


@public
def static_files(request: HttpRequest, path: str) -> HttpResponseBase:
    return serve(request, path, insecure=True)


urlpatterns: list[Any] = [
    path("admin/", admin_site.urls),
    path("accounts/", include("jichitai.accounts.urls")),
    path("", include("jichitai.accounts.urls_root")),
]

# Business apps add their pages under their own prefix when they have them.
for app, prefix in (("audit", "audit/"), ("registry", "registry/"), ("tax", "tax/"), ("hub", "hub/"), ("declarations", "declarations/"),
                    ("lounge", "lounge/"), ("dr", "dr/"), ("lake", "lake/")):
    if find_spec(f"jichitai.{app}.urls") is not None:
        urlpatterns.append(path(prefix, include(f"jichitai.{app}.urls")))

# The API (django-ninja): one NinjaAPI, each app adds its router in jichitai/api.py.
if find_spec("jichitai.api") is not None:
    urlpatterns.append(path("api/", import_module("jichitai.api").api.urls))

if settings.CONFIG.oidc_enabled:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

if settings.CONFIG.mode != "production":
    # In production a web server (or whitenoise) serves collected static files; here Django does.
    urlpatterns.append(re_path(r"^static/(?P<path>.*)$", static_files))
