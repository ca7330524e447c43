"""The resident's own 課税（非課税）証明書 from the portal, as a PDF: the 年度 offered, the certificate issued through
the tax office's one service (本人 request, channel portal), or the reason it cannot be (the city to ask, 申告 first)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from jichitai.common.errors import JichitaiError
from jichitai.common.wareki import fiscal_year_label
from jichitai.declarations.actors import ResidentActor
from jichitai.declarations.portal.guard import resident_requires
from jichitai.tax.certificate_views import pdf_response
from jichitai.tax.certificates import services as certs


@resident_requires("tax.certificate.own")
@require_http_methods(["GET", "POST"])
def own_certificate(request: HttpRequest) -> HttpResponse:
    actor: ResidentActor = request.resident  # type: ignore[attr-defined]
    years = certs.years_offered(timezone.localdate())
    error = ""
    if request.method == "POST":
        raw = request.POST.get("fiscal_year", "")
        year = int(raw) if raw.isdigit() and len(raw) == 4 else 0
        try:
            return pdf_response(certs.issue(actor, certs.Request(
                atena_number=actor.atena_number, fiscal_year=year, requester_kind="self",
                requester_name=actor.name, purpose=request.POST.get("purpose", "")[:200], channel="portal")))
        except JichitaiError as exc:
            error = exc.message
    return render(request, "declarations/portal/certificate.html", {
        "years": [(y, fiscal_year_label(y), y - 1) for y in years], "error": error,
        "issued": certs.history(actor.atena_number)[:10]}, status=400 if error else 200)
