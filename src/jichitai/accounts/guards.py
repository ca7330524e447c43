"""The guard every staff view goes through: ``@requires(action)``.

Anonymous users are sent to the login page, a session without the second factor to the code page; an authenticated actor without the permission sees a Japanese
refusal page (403) and the refusal is audited. The decorator marks the view with ``jichitai_action`` so that
the permission-walk test can prove that no URL is reachable without a check.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from jichitai.accounts import twofactor
from jichitai.accounts.policy import ACTIONS, allowed
from jichitai.audit import services as audit

V = TypeVar("V", bound=Callable[..., HttpResponseBase])


def refuse(request: HttpRequest, action: str, resource: str = "") -> HttpResponse:
    audit.record(request.user, action, resource or request.path, "refused")
    return render(request, "errors/403.html", {"action_label": ACTIONS[action].label}, status=403)


def requires(action: str) -> Callable[[V], V]:
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")

    def decorate(view: V) -> V:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not twofactor.is_verified(request):  # logged in by single sign-on without the IdP's MFA
                return redirect_to_login(request.get_full_path(), login_url="accounts:otp")
            if not allowed(request.user, action):
                return refuse(request, action)
            return view(request, *args, **kwargs)

        guarded.jichitai_action = action  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def safe_next(request: HttpRequest) -> str:
    """The ``next`` page asked for (POST, then GET) when it is on this site; "" for anything else (an outside
    site, ``//host``, ``javascript:``…), so that no login sends anyone elsewhere (open redirect)."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure()):
        return url
    return ""


def public(view: V) -> V:
    """Mark a view that anyone may reach (the login page, the health check): listed by the walk test."""
    view.jichitai_public = True  # type: ignore[attr-defined]
    return view
