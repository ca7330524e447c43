"""異動の入力 (4): one form per kind, a confirmation step showing every person before and after (入力確認, j540),
then the record — or, for a 職権 change, a 決裁 request (j530). A refusal shows the standard's reason in
Japanese and writes nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jichitai.accounts.guards import requires
from jichitai.common.errors import JichitaiError
from jichitai.registry import approval
from jichitai.registry.domain import RegistryError
from jichitai.registry.domain.codec import from_dict, to_dict
from jichitai.registry.views import records, workflow
from jichitai.registry.views.common import differences, refusal, terminal_of
from jichitai.registry.views.forms import KINDS, Kind, PersonFields

SALT = "jichitai.registry.change"
MAX_AGE = 3600


@requires("registry.change")
def menu(request: HttpRequest) -> HttpResponse:
    groups: dict[str, list[Kind]] = {}
    for kind in KINDS.values():
        groups.setdefault(kind.group, []).append(kind)
    return render(request, "registry/change_menu.html", {"groups": groups})


def _forms(kind: Kind, request: HttpRequest, setai: str) -> tuple[Any, list[PersonFields]]:
    data = request.POST if request.method == "POST" else None
    household = records.household_members(setai) if setai else []
    initial = {"setai_number": setai} if setai else {}
    form = kind.form(data, household=household, initial=initial)
    slots = [PersonFields(data, prefix=f"p{i + 1}", use_required_attribute=(i == 0))
             for i in range(kind.persons)]
    return form, slots


def _persons(slots: list[PersonFields]) -> tuple[list[Any], bool]:
    """The filled person slots (a slot with no 氏名 is unused); False when a filled slot is invalid."""
    persons, ok = [], True
    for i, slot in enumerate(slots):
        if i > 0 and not slot.data.get(f"{slot.prefix}-name", "").strip():
            continue
        if slot.is_valid():
            persons.append(slot.person())
        else:
            ok = False
    return persons, ok


@requires("registry.change")
def change(request: HttpRequest, slug: str) -> HttpResponse:
    kind = KINDS.get(slug)
    if kind is None:
        raise Http404("異動の種類がありません")
    setai = (request.POST.get("setai") or request.GET.get("setai") or "").strip()
    if request.method == "POST" and request.POST.get("step") == "commit":
        return _commit(request, kind, setai)
    form, slots = _forms(kind, request, setai)
    context: dict[str, Any] = {"kind": kind, "form": form, "slots": slots, "setai": setai,
                               "household": getattr(form, "household", [])}
    if request.method == "POST":
        persons, persons_ok = _persons(slots)
        if form.is_valid() and persons_ok:
            try:
                command = form.command(persons) if kind.persons else form.command()
                change = approval.preview(command)
            except JichitaiError as exc:
                context.update(refusal(request, exc))
            else:
                token = signing.dumps(to_dict(command), salt=SALT, compress=True)
                towns = records.town_names({e.after.town_code for e in change.entries})
                rows = [{"before": e.before, "after": e.after, "address": records.address_of(e.after, towns),
                         "fields": differences(e.before, e.after)} for e in change.entries]
                return render(request, "registry/change_confirm.html", {
                    "kind": kind, "change": change, "rows": rows, "token": token, "setai": setai,
                    "needs_approval": change.requires_approval,
                })
    return render(request, "registry/change_form.html", context)


def _commit(request: HttpRequest, kind: Kind, setai: str) -> HttpResponse:
    try:
        payload = signing.loads(request.POST.get("token", ""), salt=SALT, max_age=MAX_AGE)
        command = from_dict(payload)
    except signing.BadSignature:
        messages.error(request, "確認画面の有効期限が切れたか、内容が改変されています。もう一度入力してください。")
        return redirect("registry:change", slug=kind.slug)
    try:
        submitted = workflow.submit(command, actor=request.user, terminal=terminal_of(request))
    except RegistryError as exc:
        household = records.household_members(setai) if setai else []
        context = {"kind": kind, "form": kind.form(household=household), "slots": [], "setai": setai,
                   "household": household, **refusal(request, exc)}
        return render(request, "registry/change_form.html", context, status=409)
    if submitted.pending is not None:
        messages.success(request, f"{kind.label}を起案しました。決裁者の決裁後に記録されます（決裁番号 {submitted.pending.pk}）。")
        return redirect("registry:change_menu")
    applied = submitted.applied
    assert applied is not None
    messages.success(request, f"{kind.label}を記録しました（{applied.change.reason.label}、異動ID {applied.change_id}）。")
    if applied.change.entries and applied.change.entries[0].after.is_active:
        return redirect("registry:resident", atena_number=applied.atena_numbers[0])
    return redirect("registry:search")
