"""The auditor's pages: browse and search the access log (by resident, person, period), the standard's
analyses (10.2 分析例) as pages and CSV files, and the verification."""

from __future__ import annotations

import io

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from jichitai.accounts.guards import requires
from jichitai.audit import analyses, inquiry, labels, services
from jichitai.common import csvout


def _filters(request: HttpRequest) -> tuple[inquiry.Filters, str]:
    try:
        return inquiry.Filters.parse(request.GET), ""
    except inquiry.InquiryError as exc:
        return inquiry.Filters(), exc.message


@requires("audit.view")
def log(request: HttpRequest) -> HttpResponse:
    filters, error = _filters(request)
    page = Paginator(inquiry.entries(filters), 50).get_page(request.GET.get("page"))
    services.record(request.user, "audit.view", "audit:log", filters=filters.as_dict())
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/log.html", {
        "page": page, "rows": inquiry.with_people(list(page)), "filters": filters, "error": error,
        "outcomes": inquiry.OUTCOMES, "actions": labels.action_choices(), "query": query.urlencode(),
    }, status=400 if error else 200)


@requires("audit.view")
def analyses_index(request: HttpRequest) -> HttpResponse:
    return render(request, "audit/analyses.html", {"titles": analyses.TITLES})


@requires("audit.view")
def analysis(request: HttpRequest, name: str) -> HttpResponse:
    run = analyses.ANALYSES.get(name)
    if run is None:
        raise Http404
    filters, error = _filters(request)
    report = run(filters.date_from, filters.date_to)
    fmt = "csv" if request.GET.get("format") == "csv" else "html"
    services.record(request.user, "audit.analysis", f"audit:{name}", rows=len(report.rows), format=fmt,
                    **{k: v for k, v in filters.as_dict().items() if k.startswith("date_")})
    if fmt == "csv":
        out = io.StringIO()
        out.write("\ufeff")
        w = csvout.writer(out, for_people=True, lineterminator="\r\n")  # opened by the auditor in a spreadsheet
        w.writerow(report.headers)
        w.writerows(report.rows)
        response = HttpResponse(out.getvalue().encode(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="audit_{name}.csv"'
        return response
    query = request.GET.copy()
    query["format"] = "csv"
    return render(request, "audit/analysis.html", {"report": report, "filters": filters, "error": error,
                                                   "csv_query": query.urlencode()}, status=400 if error else 200)


@requires("audit.verify")
@require_POST
def verify(request: HttpRequest) -> HttpResponse:
    report = services.verify()
    services.record(request.user, "audit.verify", "audit:chain", "ok" if report.ok else "failed",
                    entries=report.entries, problems=len(report.problems))
    return render(request, "audit/verify.html", {"report": report})
