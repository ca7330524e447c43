"""Resident pages: sign in, choose the pattern, fill in what the city does not know, attach, see the tax,
submit, follow the status. Thin: each view parses, calls a service, renders."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from jichitai.accounts.guards import public, safe_next
from jichitai.audit import services as audit
from jichitai.common.errors import JichitaiError, NotFound
from jichitai.declarations import filing, prefill, taxlink
from jichitai.declarations.actors import ResidentActor
from jichitai.declarations.domain import Pattern
from jichitai.declarations.domain.documents import read as read_document
from jichitai.declarations.domain.documents import statement_entered
from jichitai.declarations.domain.model import ATTACHMENT_KINDS, PATTERN_LABELS
from jichitai.declarations.models import Declaration, Status
from jichitai.declarations.portal.attachment_form import STATEMENT_ITEMS, TRANSFER_ITEMS, AttachmentForm
from jichitai.declarations.portal.forms import (
    SEPARATE_FIELDS,
    DeclarationForm,
    DemoLoginForm,
    LookupForm,
)
from jichitai.declarations.portal.guard import resident_of, resident_requires, sign_in, sign_out
from jichitai.declarations.sealing import blind_indexes

FISCAL_YEAR = 2026
PATTERN_HELP = {
    Pattern.NO_INCOME: "昨年（1月〜12月）に収入がなかった方",
    Pattern.SALARY_ONLY: "昨年の収入が勤務先からの給与だけの方",
    Pattern.PENSION_ONLY: "昨年の収入が公的年金（老齢年金など）だけの方",
    Pattern.OTHER: "事業・不動産・配当などの収入がある方、医療費控除・寄附金控除などを受ける方",
}


def demo_enabled() -> bool:
    return settings.CONFIG.mode != "production"


@public
@require_http_methods(["GET", "POST"])
def portal_home(request: HttpRequest) -> HttpResponse:
    """The portal's front page: sign-in for a visitor, the list of their declarations for a resident."""
    actor = resident_of(request)
    if actor is None:
        form = DemoLoginForm(request.POST or None)
        error = ""
        if request.method == "POST":
            if not demo_enabled():
                raise Http404
            if form.is_valid():
                found = _demo_identity(form.cleaned_data["my_number"])
                if found is not None:
                    sign_in(request, found)
                    return redirect(safe_next(request) or "declarations:portal")
                audit.record(None, "login", "resident:demo", "refused", reason="unknown")
            error = "この個人番号の住民は見つかりません（デモ用ログイン）。"
        return render(request, "declarations/portal/signin.html", {
            "form": form, "error": error, "demo": demo_enabled(), "oidc": bool(settings.CONFIG.oidc_issuer
                                                                            and settings.CONFIG.resident_oidc_client_id),
        }, status=401 if error else 200)
    mine = Declaration.objects.filter(owner_index=actor.my_number_index).order_by("-created_at")
    return render(request, "declarations/portal/home.html", {"actor": actor, "declarations": mine,
                                                             "fiscal_year": FISCAL_YEAR})


portal_home.jichitai_public_reason = "入口: 未ログインの住民にはログイン方法だけを示す"  # type: ignore[attr-defined]


def _demo_identity(my_number: str) -> ResidentActor | None:
    from jichitai.registry.models import Resident

    r = Resident.objects.filter(my_number_index__in=blind_indexes(my_number), status="active").first()
    if r is None:
        return None
    return ResidentActor(subject=f"demo:{r.atena_number}", my_number_index=r.my_number_index, atena_number=r.atena_number,
                         name=r.name, method="demo")


@public
@require_POST
def portal_logout(request: HttpRequest) -> HttpResponse:
    sign_out(request)
    return redirect("declarations:portal")


portal_logout.jichitai_public_reason = "ログアウトは誰でも行える（セッションを消すだけ）"  # type: ignore[attr-defined]


@resident_requires("declarations.file")
@require_http_methods(["GET", "POST"])
def new_declaration(request: HttpRequest) -> HttpResponse:
    actor: ResidentActor = request.resident  # type: ignore[attr-defined]
    known = prefill.load(actor, FISCAL_YEAR)
    if known is None:
        return render(request, "declarations/portal/not_found.html", status=404)
    if request.method == "POST":
        try:
            pattern = Pattern(request.POST.get("pattern", ""))
        except ValueError:
            pattern = None
        if pattern is not None:
            d = filing.save_draft(actor, prefill.initial_record(known, FISCAL_YEAR, pattern.value),
                                  fiscal_year=FISCAL_YEAR)
            return redirect("declarations:edit", pk=d.pk)
    patterns = [(p.value, PATTERN_LABELS[p], PATTERN_HELP[p]) for p in Pattern]
    return render(request, "declarations/portal/pattern.html", {"patterns": patterns, "known": known,
                                                                "error": request.method == "POST"})


def _mine(request: HttpRequest, pk: int, action: str = "declarations.file") -> Declaration:
    return filing.own(request.resident, action, pk=pk)  # type: ignore[attr-defined]


@resident_requires("declarations.file")
@require_http_methods(["GET", "POST"])
def edit_declaration(request: HttpRequest, pk: int) -> HttpResponse:
    actor: ResidentActor = request.resident  # type: ignore[attr-defined]
    d = _mine(request, pk)
    if not d.is_editable:
        return redirect("declarations:status", receipt=d.receipt_number)
    known = prefill.load(actor, d.fiscal_year)
    if known is None:
        raise NotFound()
    record = filing.record_of(d)
    rows = request.POST.get("others", "1")
    others = (int(rows) if rows.isascii() and rows.isdigit() and len(rows) < 3 else 1) + ("add_row" in request.POST)
    form = DeclarationForm(request.POST or None, record=record, prefill=known, others=max(1, min(others, 10)))
    if request.method == "POST" and "add_row" not in request.POST and form.is_valid():
        try:
            filing.save_draft(actor, form.to_record(record), fiscal_year=d.fiscal_year, declaration=d)
        except JichitaiError as exc:
            form.add_error(None, exc.message)
        else:
            if "confirm" in request.POST:
                return redirect("declarations:confirm", pk=d.pk)
            return render(request, "declarations/portal/edit.html", _edit_context(d, form, known, saved=True))
    return render(request, "declarations/portal/edit.html", _edit_context(d, form, known))


def _edit_context(d: Declaration, form: DeclarationForm, known: Any, saved: bool = False) -> dict[str, Any]:
    pattern = Pattern(d.pattern)
    shown_income = {"no_income": (), "salary_only": ("salary",), "pension_only": ("pension",),
                    "other": ("salary", "pension", "business", "misc_other", "dividend")}[pattern.value]
    last_return = d.decisions.filter(outcome__in=["returned"]).last() if d.status == Status.RETURNED else None
    upload = AttachmentForm(income_year=d.fiscal_year - 1)
    return {
        "d": d, "form": form, "known": known, "pattern_label": PATTERN_LABELS[pattern], "saved": saved,
        "income_fields": form.amount_fields(shown_income),
        "deduction_fields": form.amount_fields(("social_insurance", "mutual_aid", "life_general_new",
                                                "life_medical_care_new", "life_pension_new", "life_general_old",
                                                "life_pension_old", "earthquake")),
        "medical_fields": form.amount_fields(("medical_paid", "medical_reimbursed")),
        "donation_fields": form.amount_fields(("furusato", "donation_other")),
        "dividend_fields": form.amount_fields(("listed_dividend", "withheld_dividend"))
        if pattern is Pattern.OTHER else [],
        "separate_fields": form.amount_fields(SEPARATE_FIELDS) if pattern is Pattern.OTHER else [],
        "carried_rows": form.carried_rows() if pattern is Pattern.OTHER else [],
        "housing_fields": form.housing_fields() if pattern in (Pattern.SALARY_ONLY, Pattern.OTHER) else [],
        "attachments": [(a, read_document(a.kind, a.document or {}, d.fiscal_year - 1), statement_entered(a.document or {}))
                        for a in d.attachment_files.order_by("id")],
        "attachment_form": upload,
        "stock_statement_fields": [upload[f"statement_{k}"] for k in TRANSFER_ITEMS],
        "schedule_fields": [upload[f"statement_{k}"] for k in STATEMENT_ITEMS["stock_loss_schedule"]],
        "sale_statement_fields": [upload[f"statement_{k}"] for k in STATEMENT_ITEMS["stock_transfer_statement"]],
        "statements_needed": _statements_needed(filing.record_of(d)),
        "returned": last_return,
    }


def _statements_needed(record: dict[str, Any]) -> dict[str, bool]:
    """Which statements the claims call for (配当割額控除, 住宅借入金等特別税額控除): the edit page asks for their
    amounts and the confirm page names those missing."""
    case = record.get("case") or {}
    sep, withheld = case.get("separate_income") or {}, case.get("local_tax_withheld") or {}
    return {"dividend_statement": int(withheld.get("dividend") or 0) > 0,
            "housing_loan_statement": int(case.get("housing_loan_credit") or 0) > 0,
            # 上場株式等の譲渡 declared: the 報告書 with its 譲渡の欄 (IN08)
            "stock_report": any(int(x or 0) for x in (sep.get("listed_stock"), sep.get("listed_stock_loss"),
                                                       withheld.get("stock_transfer"))),
            # a 譲渡損失 brought in: the 付表 (租税特別措置法第37条の12の2, 地方税法附則第35条の2の6)
            "stock_loss_schedule": bool((case.get("carryover") or {}).get("listed_stock_loss_by_year"))}


@resident_requires("declarations.file")
@require_POST
def upload_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    d = _mine(request, pk)
    needed = _statements_needed(filing.record_of(d))
    form = AttachmentForm(request.POST, request.FILES, housing=needed["housing_loan_statement"],
                          stocks=needed["stock_report"])
    error = ""
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024 + 1:
            error = f"「{upload.name}」は大きすぎます。1ファイル5MBまでにしてください。"
        else:
            try:
                filing.add_attachment(request.resident, d, kind=form.cleaned_data["kind"],  # type: ignore[attr-defined]
                                      filename=upload.name, content=upload.read(),
                                      receipt=form.cleaned_data.get("receipt"),
                                      statement=form.cleaned_data.get("statement"))
            except JichitaiError as exc:
                error = exc.message
    else:
        error = " ".join(str(e) for errs in form.errors.values() for e in errs) or "書類の種類とファイルを選んでください。"
    if error:
        return render(request, "declarations/portal/attachment_error.html", {"d": d, "error": error}, status=400)
    return redirect(reverse("declarations:edit", kwargs={"pk": d.pk}) + "#attachments")


@resident_requires("declarations.file")
@require_POST
def delete_attachment(request: HttpRequest, pk: int, aid: int) -> HttpResponse:
    d = _mine(request, pk)
    filing.remove_attachment(request.resident, d, aid)  # type: ignore[attr-defined]
    return redirect(reverse("declarations:edit", kwargs={"pk": d.pk}) + "#attachments")


@resident_requires("declarations.file")
@require_http_methods(["GET"])
def confirm_declaration(request: HttpRequest, pk: int) -> HttpResponse:
    d = _mine(request, pk)
    if not d.is_editable:
        return redirect("declarations:status", receipt=d.receipt_number)
    record = filing.record_of(d)
    result, problem = taxlink.compute(record["case"])
    missing = []
    paid = int(((record["case"].get("deductions") or {}).get("medical_expenses") or {}).get("paid") or 0)
    kinds = {a.kind for a in d.attachment_files.all()}
    if paid and "medical_detail" not in kinds:
        missing.append(ATTACHMENT_KINDS["medical_detail"])
    if sum((record["case"].get("donations") or {}).values()) and "donation_receipt" not in kinds:
        missing.append(ATTACHMENT_KINDS["donation_receipt"])
    needed = _statements_needed(record)
    if needed["dividend_statement"] and "dividend_statement" not in kinds:
        missing.append(ATTACHMENT_KINDS["dividend_statement"])
    elif needed["stock_report"] and not kinds & {"dividend_statement", "stock_transfer_statement"}:
        # a 一般口座 sale has no 報告書: the 計算明細書 declares it (IN08)
        missing.append(ATTACHMENT_KINDS["dividend_statement"] + "（一般口座の取引は"
                       + ATTACHMENT_KINDS["stock_transfer_statement"] + "）")
    if needed["stock_loss_schedule"] and "stock_loss_schedule" not in kinds:
        missing.append(ATTACHMENT_KINDS["stock_loss_schedule"])
    if needed["housing_loan_statement"] and not kinds & {"housing_loan_statement", "withholding_slip"}:
        missing.append(ATTACHMENT_KINDS["housing_loan_statement"] + "（または源泉徴収票）")
    return render(request, "declarations/portal/confirm.html", {
        "d": d, "record": record, "result": result, "problem": problem, "missing": missing,
        "idempotency_key": uuid.uuid4().hex, "pattern_label": PATTERN_LABELS[Pattern(d.pattern)],
    })


@resident_requires("declarations.file")
@require_POST
def submit_declaration(request: HttpRequest, pk: int) -> HttpResponse:
    d = _mine(request, pk)
    key = request.POST.get("idempotency_key", "")[:64]
    d = filing.submit(request.resident, d, idempotency_key=key)  # type: ignore[attr-defined]
    return redirect("declarations:status", receipt=d.receipt_number)


@resident_requires("declarations.view_own")
@require_http_methods(["GET"])
def declaration_status(request: HttpRequest, receipt: str) -> HttpResponse:
    d = filing.own(request.resident, "declarations.view_own", receipt_number=receipt)  # type: ignore[attr-defined]
    audit.record(request.resident, "declarations.view_own", d.audit_resource)  # type: ignore[attr-defined]
    decisions = list(d.decisions.all())
    return render(request, "declarations/portal/status.html", {
        "d": d, "decisions": decisions, "last": decisions[-1] if decisions else None,
        "pattern_label": PATTERN_LABELS[Pattern(d.pattern)],
    })


@resident_requires("declarations.view_own")
@require_http_methods(["GET"])
def receipt_copy(request: HttpRequest, receipt: str) -> HttpResponse:
    """The 控え of a submitted declaration as PDF (only its filer's; audited)."""
    from jichitai.declarations.receipt_copy import copy_pdf

    d = filing.own(request.resident, "declarations.view_own", receipt_number=receipt)  # type: ignore[attr-defined]
    audit.record(request.resident, "declarations.view_own", d.audit_resource,  # type: ignore[attr-defined]
                 step="copy_pdf")
    response = HttpResponse(copy_pdf(d), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="hikae-{d.receipt_number}.pdf"'
    return response


@resident_requires("declarations.view_own")
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["receipt_number"].strip().upper()
        try:
            d = filing.own(request.resident, "declarations.view_own", receipt_number=number)  # type: ignore[attr-defined]
        except NotFound as exc:
            form.add_error("receipt_number", exc.message)
        else:
            return redirect("declarations:status", receipt=d.receipt_number)
    return render(request, "declarations/portal/lookup.html", {"form": form},
                  status=404 if form.errors else 200)
