"""The counter's 課税（非課税）証明書 page: the request form, the PDF, the person's 交付履歴. Thin: parse, one service
call, render."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from jichitai.accounts.guards import requires
from jichitai.common.errors import JichitaiError
from jichitai.common.wareki import fiscal_year_label
from jichitai.tax.certificates import services as certs


def pdf_response(issued: certs.Issued) -> HttpResponse:
    response = HttpResponse(issued.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{issued.filename}"'
    response["Cache-Control"] = "no-store"
    return response


def parse_request(data: Any, *, channel: str, terminal: str = "") -> certs.Request:
    """The form's fields as a :class:`certs.Request` (the service checks them and says what is wrong)."""
    raw_year = str(data.get("fiscal_year", "")).strip()
    return certs.Request(
        atena_number=str(data.get("atena_number", "")).strip()[:15],
        fiscal_year=int(raw_year) if raw_year.isdigit() and len(raw_year) == 4 else 0,
        requester_kind=str(data.get("requester_kind", "")), requester_name=str(data.get("requester_name", ""))[:200],
        requester_atena_number=str(data.get("requester_atena_number", "")).strip()[:15],
        proxy_letter=data.get("proxy_letter") in ("on", "1", "true"), purpose=str(data.get("purpose", ""))[:200],
        channel=channel, terminal=terminal)


@requires(certs.ACTION)
@require_http_methods(["GET", "POST"])
def certificate_view(request: HttpRequest) -> HttpResponse:
    """GET: the form (``?atena_number=&fiscal_year=`` prefill it, from the taxpayer page); POST: the PDF, or the
    form again with the reason it cannot be issued."""
    error = ""
    source = request.POST if request.method == "POST" else request.GET
    if request.method == "POST":
        try:
            return pdf_response(certs.issue(request.user, parse_request(request.POST, channel="counter",
                                                                        terminal=request.META.get("REMOTE_ADDR", ""))))
        except JichitaiError as exc:
            error = exc.message
    years = [(y, fiscal_year_label(y)) for y in certs.years_offered(timezone.localdate())]
    return render(request, "tax/certificate.html", {
        "error": error, "years": years, "requesters": certs.REQUESTERS.items(),
        "form": {k: str(source.get(k, "")) for k in ("atena_number", "fiscal_year", "requester_kind", "requester_name",
                                                     "requester_atena_number", "purpose")},
        "proxy_letter": source.get("proxy_letter") == "on",
    }, status=400 if error else 200)
