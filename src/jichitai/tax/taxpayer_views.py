"""The tax office's taxpayer pages: search, one taxpayer's years, and the notices printed from it. Thin: parse,
one service call, render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from jichitai.accounts.guards import requires
from jichitai.audit import services as audit
from jichitai.common.errors import JichitaiError, NotFound
from jichitai.registry.domain.errors import SuppressedError
from jichitai.registry.purposes import CHOICES
from jichitai.tax import taxpayer as service

FIELDS = ("atena_number", "name", "kana", "my_number", "purpose")


def _pdf(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _refused(request: HttpRequest, exc: JichitaiError) -> HttpResponse:
    status = 403 if isinstance(exc, SuppressedError) else (404 if isinstance(exc, NotFound) else 400)
    return render(request, "errors/error.html", {"error": exc}, status=status)


@requires(service.ACTION)
@require_http_methods(["GET"])
def search_view(request: HttpRequest) -> HttpResponse:
    """``?atena_number=&name=&kana=&my_number=&purpose=``: one page of taxpayers (``offset`` for the next)."""
    form = {k: request.GET.get(k, "").strip()[:100] for k in FIELDS}
    raw_offset = request.GET.get("offset", "0")
    offset = int(raw_offset) if raw_offset.isdigit() and len(raw_offset) < 9 else 0
    page, error = None, ""
    if any(form[k] for k in FIELDS if k != "purpose"):
        try:
            page = service.find(request.user, atena_number=form["atena_number"], name=form["name"], kana=form["kana"],
                                my_number=form["my_number"], purpose=form["purpose"], offset=offset)
        except JichitaiError as exc:
            error = exc.message
    return render(request, "tax/taxpayers.html", {"form": {**form, "my_number": ""}, "page": page, "error": error,
                                                  "purposes": CHOICES}, status=400 if error else 200)


@requires(service.ACTION)
@require_http_methods(["GET"])
def taxpayer_view(request: HttpRequest, atena_number: str) -> HttpResponse:
    try:
        page = service.taxpayer(request.user, atena_number)
    except JichitaiError as exc:
        return _refused(request, exc)
    return render(request, "tax/taxpayer.html", {"p": page, "payment_form": {}})


PAYMENT_FIELDS = ("term", "amount", "paid_on")


@requires(service.PAYMENT_ACTION)
@require_http_methods(["POST"])
def payment_view(request: HttpRequest, atena_number: str, fiscal_year: int) -> HttpResponse:
    """窓口での納付: one payment of a 期 recorded (then back to the page), or the page again with the reason and
    what was typed."""
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.urls import reverse

    from jichitai.common.money import format_yen
    from jichitai.tax.collection import receipts

    form = {k: str(request.POST.get(k, "")).strip()[:40] for k in PAYMENT_FIELDS}
    try:
        p = receipts.record_counter_payment(request.user, atena_number, fiscal_year, term=form["term"],
                                            amount=form["amount"], paid_on=form["paid_on"])
    except JichitaiError as exc:
        if isinstance(exc, (SuppressedError, NotFound)) or exc.code == "permission_refused":
            return _refused(request, exc)
        try:
            page = service.taxpayer(request.user, atena_number)
        except JichitaiError as again:
            return _refused(request, again)
        return render(request, "tax/taxpayer.html", {"p": page, "payment_form": {**form, "fiscal_year": fiscal_year,
                                                                                 "error": exc.message}}, status=400)
    messages.success(request, f"{p.term}の納付 {format_yen(p.amount)}（窓口）を記録しました。")
    return redirect(reverse("tax:taxpayer", args=[atena_number]) + f"#year-{fiscal_year}")


def _version(request: HttpRequest) -> int | None:
    raw = request.GET.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 6 else None


@requires(service.ACTION)
@require_http_methods(["GET"])
def assessment_notice_view(request: HttpRequest, atena_number: str, fiscal_year: int) -> HttpResponse:
    """税額決定通知書 (or 税額変更通知書) of a version (``?version=``; the newest by default)."""
    from jichitai.tax.notices import render_pdf

    try:
        a = service.version_of(request.user, atena_number, fiscal_year, _version(request))
        pdf = render_pdf(a, actor=request.user)
    except JichitaiError as exc:
        return _refused(request, exc)
    audit.record(request.user, "tax.notice.print", f"resident:{atena_number}", "ok", kind="assessment_notice",
                 fiscal_year=fiscal_year, version=a.version)
    return _pdf(pdf, f"zeigaku-kettei-{fiscal_year}-{atena_number}.pdf")


@requires(service.ACTION)
@require_http_methods(["GET"])
def ordinary_notice_view(request: HttpRequest, atena_number: str, fiscal_year: int) -> HttpResponse:
    """納税通知書 (普通徴収) of the current schedule."""
    from jichitai.tax.collection.notices import ordinary_notice_pdf

    try:
        service.version_of(request.user, atena_number, fiscal_year, None)
        pdf = ordinary_notice_pdf(fiscal_year, atena_number, on=timezone.localdate())
    except JichitaiError as exc:
        return _refused(request, exc)
    audit.record(request.user, "tax.notice.print", f"resident:{atena_number}", "ok", kind="ordinary_notice",
                 fiscal_year=fiscal_year)
    return _pdf(pdf, f"nouzei-tsuchisho-{fiscal_year}-{atena_number}.pdf")


@requires(service.ACTION)
@require_http_methods(["GET"])
def employee_notice_view(request: HttpRequest, atena_number: str, fiscal_year: int, payer_number: str) -> HttpResponse:
    """特別徴収税額の決定通知書（納税義務者用） of this taxpayer from one employer."""
    from jichitai.tax.collection.notices import employee_notice_pdfs

    try:
        service.version_of(request.user, atena_number, fiscal_year, None)
        pdf = next((p for a, p in employee_notice_pdfs(fiscal_year, payer_number[:13], on=timezone.localdate())
                    if a == atena_number), None)
        if pdf is None:
            raise NotFound("この特別徴収義務者からの特別徴収はありません。")
    except JichitaiError as exc:
        return _refused(request, exc)
    audit.record(request.user, "tax.notice.print", f"resident:{atena_number}", "ok", kind="employee_notice",
                 fiscal_year=fiscal_year, payer_number=payer_number[:13])
    return _pdf(pdf, f"tokucho-{fiscal_year}-{atena_number}.pdf")


@requires(service.PAYMENT_ACTION)
@require_http_methods(["POST"])
def cancel_payment_view(request: HttpRequest, atena_number: str, fiscal_year: int, payment_id: int) -> HttpResponse:
    """A recorded payment cancelled by a reversing entry (the record is append-only), then back to the page."""
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.urls import reverse

    from jichitai.common.money import format_yen
    from jichitai.tax.collection import receipts

    try:
        p = receipts.reverse_payment(request.user, atena_number, fiscal_year, payment_id)
    except JichitaiError as exc:
        return _refused(request, exc)
    messages.success(request, f"{p.term}の収納 {format_yen(-p.amount)} を取り消しました（取消の記録を追加）。")
    return redirect(reverse("tax:taxpayer", args=[atena_number]) + f"#year-{fiscal_year}")
