"""決裁 (4.0.8, j530): the supervisor's queue of 職権 changes waiting for approval."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jichitai.accounts.guards import requires
from jichitai.common.errors import JichitaiError
from jichitai.registry import approval, suppression
from jichitai.registry.domain.codec import from_dict
from jichitai.registry.views import records, workflow
from jichitai.registry.views.common import differences


@requires("registry.approve")
def queue(request: HttpRequest) -> HttpResponse:
    rows = []
    guard = suppression.shield(clerk=request.user)
    for pending in approval.waiting():
        # What approving would record now, person by person (the records may have moved on since 起案).
        try:
            change = approval.preview(from_dict(pending.command))
        except JichitaiError as exc:
            rows.append({"c": pending, "entries": [], "refusal": exc.message})
            continue
        hidden = suppression.screen_change(request.user, change, via="approval", guard=guard)
        if hidden:  # 照会抑止 (3.1): the draft is named by 宛名番号 only, as the search lists such a person
            rows.append({"c": pending, "entries": [], "refusal": "", "hidden": hidden})
            continue
        towns = records.town_names({p.town_code for e in change.entries for p in (e.before, e.after) if p})
        rows.append({"c": pending, "refusal": "", "entries": [
            {"name": e.after.name, "atena_number": e.after.atena_number,
             "fields": differences(e.before, e.after, towns)} for e in change.entries]})
    return render(request, "registry/approvals.html", {
        "pending": rows, "decided": workflow.decided_changes(),
    })


@require_POST
@requires("registry.approve")
def decide(request: HttpRequest, pending_id: int) -> HttpResponse:
    note = request.POST.get("note", "")
    try:
        if request.POST.get("decision") == "approve":
            applied = approval.approve(pending_id, actor=request.user, note=note)
            messages.success(request, f"決裁しました。{applied.change.reason.label}を記録しました。")
        else:
            approval.reject(pending_id, actor=request.user, note=note)
            messages.success(request, "却下しました。")
    except JichitaiError as exc:
        messages.error(request, exc.message)
    return redirect("registry:approvals")
