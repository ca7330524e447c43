"""DESIGN.md §5 and §10: every view goes through ``allowed``; a test walks all URL patterns and fails on any view
reachable without it (GOV.UK Notify's route-authentication test)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Views anyone may reach, and why.
PUBLIC_REASONS = {
    "login_view": "the login page",
    "logout_view": "logging out needs no permission (POST only)",
    "otp_view": "the login's second step: only for a pending password login (5 minutes) or an unverified session",
    "enrol_view": "first login: registers the authenticator app of a pending login that has no device yet",
    "healthz": "the load balancer's liveness probe: says only that the process answers",
    "readyz": "the load balancer's readiness probe: database reachable and migrated, no data",
    "metrics": "Prometheus: answers only its own bearer token (JICHITAI_METRICS_TOKEN); 404 without one",
}


def walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


NINJA_PUBLIC = {
    "openapi_json": "the OpenAPI description of the API (describes, holds no data)",
    "openapi_view": "the API documentation page (describes, holds no data)",
    "default_home": "the API root, which only links to its documentation",
}


def _is_public(callback: Any) -> bool:
    func = getattr(callback, "func", None)  # functools.partial of ninja's documentation views
    if func is not None and func.__name__ in NINJA_PUBLIC:
        return True
    return bool(getattr(callback, "jichitai_public", False))


def _is_ninja(callback: Any) -> bool:
    """An API operation's view: a bound PathView method (django-ninja < 1.6) or its wrapper function (1.6+)."""
    if type(getattr(callback, "__self__", None)).__name__ == "PathView":
        return True
    return getattr(callback, "__module__", "") == "ninja.operation" and "PathView" in callback.__qualname__


def _sample_url(route: str) -> str:
    url = re.sub(r"<(?:\w+:)?(\w+)>", "1", route)
    url = re.sub(r"\(\?P<\w+>[^)]*\)", "x", url)
    return "/" + url.lstrip("^").rstrip("$").replace("\\", "")


def test_every_view_is_guarded_or_declared_public() -> None:
    unguarded = []
    for route, callback in walk(get_resolver().url_patterns):
        if _is_ninja(callback):
            continue  # API operations are checked below
        target = getattr(callback, "view_class", None) or callback
        if getattr(callback, "jichitai_action", None) or getattr(target, "jichitai_action", None):
            continue
        if getattr(callback, "func", None) is not None and _is_public(callback):
            continue
        if getattr(callback, "jichitai_public", False) or getattr(target, "jichitai_public", False):
            assert callback.__name__ in PUBLIC_REASONS or getattr(callback, "jichitai_public_reason", ""), (
                f"{route}: public view without a stated reason")
            continue
        unguarded.append(route)
    assert unguarded == [], f"views reachable without the permission check: {unguarded}"


def test_every_api_operation_requires_authentication() -> None:
    from ninja.constants import NOT_SET

    from jichitai.api import api

    missing = []
    for path_view in _api_path_views(api):
        for op in path_view.operations:
            auth = op.auth_callbacks if hasattr(op, "auth_callbacks") else op.auth
            if (not auth or auth is NOT_SET) and not getattr(op.view_func, "jichitai_public", False):
                missing.append(f"{op.methods} {op.view_func.__module__}.{op.view_func.__name__}")
    assert missing == [], f"API operations without authentication: {missing}"


def _api_path_views(api: Any) -> Iterator[Any]:
    """The operations as mounted: django-ninja 1.6+ binds a copy of each router to the API (where the router's
    auth is applied); older versions use the router itself."""
    bound = getattr(api, "_get_bound_routers", None)
    routers = [b for b in bound()] if bound else [r for _prefix, r in api._routers]
    assert routers, "no API router found: the walk would prove nothing"
    for router in routers:
        yield from router.path_operations.values()


@pytest.mark.django_db
def test_anonymous_requests_never_reach_a_guarded_view(client: Any) -> None:
    reached = []
    for route, callback in walk(get_resolver().url_patterns):
        if _is_public(callback) or route.startswith("static/"):
            continue
        url = _sample_url(route)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code < 300:
                reached.append(f"{method.upper()} {url} → {response.status_code}")
    assert reached == []


@pytest.mark.django_db
def test_a_member_of_staff_without_the_role_is_refused_and_audited(login_as: Any) -> None:
    from jichitai.audit.models import AuditEntry

    client = login_as("counter")
    response = client.get("/admin/")
    assert response.status_code in (302, 403)
    response = client.get("/admin/accounts/staff/")
    assert response.status_code in (302, 403)
    assert AuditEntry.objects.filter(outcome="refused").exists() or response.status_code == 302
