"""What a load balancer and Prometheus ask of a web process: ``/healthz`` (the process answers), ``/readyz``
(its database is reachable and migrated) and ``/metrics``.

They are answered before the rest of the middleware (ProbeMiddleware): a load balancer's health check names
the instance by its address, which is not an allowed host, and speaks plain HTTP inside the network, which
production would redirect to HTTPS. They hold no personal data; ``/metrics`` needs its own bearer token."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase

from jichitai import dbstate
from jichitai.accounts.guards import public

_migrated: dict[str, bool] = {}  # once the migrations are applied they stay applied for this process's life


@public
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


healthz.jichitai_public_reason = "load balancer liveness: says only that the process answers"  # type: ignore[attr-defined]


@public
def readyz(request: HttpRequest) -> HttpResponse:
    if _migrated.get("default"):
        why = dbstate.reachable()
        state = dbstate.DatabaseState(where="", unreachable=why)
    else:
        state = dbstate.state()
        _migrated["default"] = state.ready
    body = {"database": "unreachable" if state.unreachable else "ok",
            "migrations": f"{state.pending} pending" if state.pending else ("applied" if not state.unreachable else "unknown")}
    return JsonResponse(body, status=200 if state.ready else 503)


readyz.jichitai_public_reason = "load balancer readiness: database reachable and migrated, no data"  # type: ignore[attr-defined]

PROBES: dict[str, Callable[[HttpRequest], HttpResponseBase]] = {"/healthz": healthz, "/readyz": readyz}


class ProbeMiddleware:
    """First in the chain: answers the probes and the metrics without host validation or the HTTPS redirect."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        view = PROBES.get(request.path_info)
        if view is None and request.path_info == "/metrics":
            from jichitai.metrics import metrics

            view = metrics
        if view is not None and request.method in ("GET", "HEAD"):
            return view(request)
        return self.get_response(request)
