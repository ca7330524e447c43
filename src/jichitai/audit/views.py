"""The auditor's pages: browse the access log, run the verification."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from jichitai.accounts.guards import requires
from jichitai.audit import services
from jichitai.audit.models import AuditEntry


@requires("audit.view")
def log(request: HttpRequest) -> HttpResponse:
    qs = AuditEntry.objects.order_by("-seq")
    filters = {k: request.GET.get(k, "").strip() for k in ("actor", "action", "resource", "outcome")}
    for key, value in filters.items():
        if value:
            qs = qs.filter(**{f"{key}__startswith": value})
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    services.record(request.user, "audit.view", "audit:log", filters={k: v for k, v in filters.items() if v})
    return render(request, "audit/log.html", {"page": page, "filters": filters})


@requires("audit.verify")
@require_POST
def verify(request: HttpRequest) -> HttpResponse:
    report = services.verify()
    services.record(request.user, "audit.verify", "audit:chain", "ok" if report.ok else "failed",
                    entries=report.entries, problems=len(report.problems))
    return render(request, "audit/verify.html", {"report": report})
