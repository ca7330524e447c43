"""The tax office's staff pages: thin views over one service each."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from jichitai.accounts.guards import requires
from jichitai.audit import services as audit
from jichitai.tax.assessment import summary


@requires("tax.summary")
@require_http_methods(["GET"])
def summary_view(request: HttpRequest) -> HttpResponse:
    """区別集計 of a fiscal year (``?year=2026``; default the newest year assessed)."""
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None
    content = summary.page(year)
    audit.record(request.user, "tax.summary", f"tax:ward-summary:{content.fiscal_year}", "ok")
    return render(request, "tax/summary.html", {"page": content, "bad_year": bool(raw) and year is None})
