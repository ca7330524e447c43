"""URL wiring only. Each app with views contributes its own ``urls`` module. Static files are whitenoise's
(settings.MIDDLEWARE), in every mode."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.conf import settings
from django.urls import include, path

from jichitai import metrics, probes
from jichitai.accounts.admin import site as admin_site

urlpatterns: list[Any] = [
    # answered by jichitai.probes.ProbeMiddleware before the rest; here so that the permission walk lists them
    path("healthz", probes.healthz, name="healthz"),
    path("readyz", probes.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("admin/", admin_site.urls),
    path("accounts/", include("jichitai.accounts.urls")),
    path("", include("jichitai.accounts.urls_root")),
]

# Business apps add their pages under their own prefix when they have them.
for app, prefix in (("audit", "audit/"), ("registry", "registry/"), ("tax", "tax/"), ("hub", "hub/"), ("jutogai", "jutogai/"), ("declarations", "declarations/"),
                    ("lounge", "lounge/"), ("dr", "dr/"), ("lake", "lake/")):
    if find_spec(f"jichitai.{app}.urls") is not None:
        urlpatterns.append(path(prefix, include(f"jichitai.{app}.urls")))

# The API (django-ninja): one NinjaAPI, each app adds its router in jichitai/api.py.
if find_spec("jichitai.api") is not None:
    urlpatterns.append(path("api/", import_module("jichitai.api").api.urls))

if settings.CONFIG.oidc_enabled:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
