"""The tax office's staff pages: thin views over one service each."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from jichitai.accounts.guards import requires
from jichitai.audit import services as audit
from jichitai.tax import report_review
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


@requires("tax.reports.review")
@require_http_methods(["GET", "POST"])
def held_reports_view(request: HttpRequest) -> HttpResponse:
    """The queue of held 支払報告書; a POST adopts or rejects one (``report``, ``decision``)."""
    error = ""
    if request.method == "POST":
        raw = request.POST.get("report", "")
        try:
            if not raw.isdigit():
                raise report_review.ReviewError("確認する報告を選んでください。", field="report")
            report_review.decide(request.user, int(raw), request.POST.get("decision", ""))
            return redirect("tax:held_reports")
        except report_review.ReviewError as exc:
            error = exc.message
    held = report_review.held_reports()
    audit.record(request.user, "tax.reports.review", "tax:held-reports", "ok", shown=len(held))
    return render(request, "tax/held_reports.html", {"held": held, "error": error,
                                                     "decisions": report_review.DECISIONS},
                  status=400 if error else 200)
