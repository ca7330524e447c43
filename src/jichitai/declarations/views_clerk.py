"""Staff pages: the review queue, one declaration beside its evidence with the actions, the approvals, the
metrics. Every page is guarded by ``@requires``; every action is audited in :mod:`clerk`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from jichitai.accounts.guards import requires
from jichitai.accounts.policy import allowed
from jichitai.common.errors import JichitaiError
from jichitai.declarations import clerk, metrics
from jichitai.declarations.domain import Pattern
from jichitai.declarations.domain.model import PATTERN_LABELS
from jichitai.declarations.models import Attachment, Declaration, Status
from jichitai.declarations.portal.forms import AMOUNTS, _get, _set, amounts_in_words

DONE = {"accept": "受理しました。", "return": "住民に差し戻しました。", "correct": "訂正を決裁に回しました。",
        "approve": "訂正を承認し、課税に反映しました。", "reject": "訂正を差し戻しました（職員確認に戻ります）。"}
CORRECTABLE = ("salary", "pension", "business", "misc_other", "social_insurance", "medical_paid",
               "medical_reimbursed", "furusato", "donation_other")


class ActionForm(forms.Form):
    kind = forms.ChoiceField(choices=[("accept", "受理"), ("return", "差戻し"), ("correct", "訂正して決裁へ"),
                                      ("approve", "訂正を承認"), ("reject", "訂正を差し戻す")])
    comment = forms.CharField(label="コメント（住民に表示されます）", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    minutes = forms.IntegerField(label="この処理にかかった時間（分）", min_value=0, max_value=600, initial=5)


class QueueFilter(forms.Form):
    rule = forms.CharField(label="指摘された審査ルール", required=False, max_length=10)
    min_days = forms.IntegerField(label="経過日数（以上）", required=False, min_value=0, max_value=3660)
    max_days = forms.IntegerField(label="経過日数（以下）", required=False, min_value=0, max_value=3660)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_days"), data.get("max_days")
        if low is not None and high is not None and low > high:
            raise forms.ValidationError("経過日数の「以上」は「以下」より小さくしてください。")
        return data


@requires("declarations.queue")
@require_http_methods(["GET"])
def queue_view(request: HttpRequest) -> HttpResponse:
    form = QueueFilter(request.GET or None)
    wanted = form.cleaned_data if form.is_valid() else {}
    error = ""
    try:
        q = clerk.queue_page(rule=wanted.get("rule") or "", min_days=wanted.get("min_days"),
                             max_days=wanted.get("max_days"), page=request.GET.get("page", 1))
    except JichitaiError as exc:
        error = exc.message
        q = clerk.queue_page(page=1)
    keep = {k: v for k, v in (("rule", q.rule), ("min_days", q.min_days), ("max_days", q.max_days)) if v not in (None, "")}
    return render(request, "declarations/clerk/queue.html", {
        "q": q, "form": form, "error": error, "filters": urlencode(keep),
    }, status=400 if error or (request.GET and form.errors) else 200)


@requires("declarations.queue")
@require_http_methods(["GET", "POST"])
def case_view(request: HttpRequest, pk: int) -> HttpResponse:
    d = get_object_or_404(Declaration, pk=pk)
    form = ActionForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        corrected = None
        if kind == "correct":
            corrected = _corrected(request, clerk.evidence_for(request.user, d)["record"])
        try:
            clerk.act(request.user, d.pk, kind, comment=form.cleaned_data["comment"],
                      minutes=form.cleaned_data["minutes"], corrected=corrected)
        except JichitaiError as exc:
            error = exc.message
        else:
            messages.success(request, f"{d.receipt_number}: {DONE[kind]}")
            return redirect("declarations:queue" if kind != "approve" else "declarations:approvals")
    view = clerk.evidence_for(request.user, d)
    record = view["record"]
    amounts = [(name, label, _get(record, path)) for name, label, path, _h in AMOUNTS if name in CORRECTABLE]
    return render(request, "declarations/clerk/case.html", {
        "d": d, "v": view, "form": form, "error": error, "amounts": amounts,
        "other_amounts": amounts_in_words(record, skip=CORRECTABLE),
        "pattern": PATTERN_LABELS[Pattern(d.pattern)],
        "can_review": allowed(request.user, "declarations.review", d) and d.status == Status.CLERK,
        "can_approve": allowed(request.user, "declarations.approve", d) and d.status == Status.PENDING_APPROVAL,
        "blind": bool(view["correction"] and view["correction"].hidden),  # only 差し戻す: see corrections.py
        "pending": d.clerk_actions.filter(kind="correct").last() if d.status == Status.PENDING_APPROVAL else None,
    }, status=400 if error else 200)


def _corrected(request: HttpRequest, record: dict[str, Any]) -> dict[str, Any]:
    """The clerk's corrected figures and the relatives kept (unticked = removed) applied to the record."""
    out: dict[str, Any] = {**record, "case": {**record["case"]}}
    for name, _, path, _h in AMOUNTS:
        if name in CORRECTABLE and request.POST.get(f"fix_{name}", "") != "":
            try:
                _set(out, path, int(request.POST[f"fix_{name}"]))
            except ValueError:
                raise JichitaiError("訂正後の金額は整数（円）で入力してください。", code="bad_amount") from None
    out["declared"] = {**record.get("declared", {}), "salary": out["case"]["income"]["salary"],
                       "pension": out["case"]["income"]["public_pension"], "total_tax": None}
    keep = set(request.POST.getlist("keep"))
    if record["case"].get("spouse") and "spouse" not in keep:
        out["case"]["spouse"] = None
    out["case"]["dependents"] = [dep for i, dep in enumerate(record["case"].get("dependents") or [])
                                 if f"dep{i}" in keep]
    return out


@requires("declarations.approve")
@require_http_methods(["GET"])
def approvals_view(request: HttpRequest) -> HttpResponse:
    pending = Declaration.objects.filter(status=Status.PENDING_APPROVAL).order_by("submitted_at")
    return render(request, "declarations/clerk/approvals.html", {"pending": pending})


@requires("declarations.queue")
@require_http_methods(["GET"])
def attachment_view(request: HttpRequest, pk: int, aid: int) -> HttpResponse:
    a = get_object_or_404(Attachment, pk=aid, declaration_id=pk)
    from jichitai.audit import services as audit

    audit.record(request.user, "declarations.queue", a.declaration.audit_resource, "ok",
                 step="attachment", attachment=a.pk)
    response = HttpResponse(bytes(a.content), content_type=a.content_type)
    response["Content-Disposition"] = f'inline; filename="attachment-{a.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@requires("declarations.metrics")
@require_http_methods(["GET"])
def metrics_view(request: HttpRequest) -> HttpResponse:
    try:
        baseline = max(1, min(240, int(request.GET.get("baseline", metrics.MANUAL_MINUTES_PER_CASE))))
    except ValueError:
        baseline = metrics.MANUAL_MINUTES_PER_CASE
    try:
        year = int(request.GET.get("year", 2026))
    except ValueError:
        year = 2026
    m = metrics.compute(year, baseline)
    labels = {s.value: s.label for s in Status}
    return render(request, "declarations/clerk/metrics.html", {
        "m": m, "status_rows": [(labels.get(k, k), v) for k, v in sorted(m.by_status.items())],
        "patterns": {p.value: PATTERN_LABELS[p] for p in Pattern},
    })
