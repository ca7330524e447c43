"""異動の入力 (4): one form per kind, a confirmation step showing every person before and after (入力確認, j540),
then the record — or, for a 職権 change, a 決裁 request (j530). A refusal shows the standard's reason in
Japanese and writes nothing. 「入力に戻る」 on the confirmation page, and a refusal at the record step, reopen the
form with everything the clerk typed (j540: 入力内容を修正できること), carried as a signed draft of the form data."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from jichitai.accounts.guards import requires
from jichitai.common.errors import JichitaiError
from jichitai.registry import approval, editlock, submissions
from jichitai.registry.domain import RegistryError
from jichitai.registry.domain.codec import from_dict, to_dict
from jichitai.registry.domain.reasons import Reason
from jichitai.registry.domain.reception import Reception
from jichitai.registry.views import records, workflow
from jichitai.registry.views.common import differences, error_summary, refusal, terminal_of
from jichitai.registry.views.forms import KINDS, Kind, PersonFields
from jichitai.registry.views.reception import ReceptionForm

SALT = "jichitai.registry.change"
DRAFT_SALT = "jichitai.registry.change.draft"
MAX_AGE = 3600
NOT_INPUT = frozenset({"csrfmiddlewaretoken", "step", "token", "draft", "back"})


@requires("registry.change")
def menu(request: HttpRequest) -> HttpResponse:
    groups: dict[str, list[Kind]] = {}
    for kind in KINDS.values():
        groups.setdefault(kind.group, []).append(kind)
    return render(request, "registry/change_menu.html", {"groups": groups})


def _draft(data: QueryDict) -> str:
    """What the clerk typed (every item, every checked box), signed, for 「入力に戻る」."""
    return signing.dumps({k: data.getlist(k) for k in data if k not in NOT_INPUT}, salt=DRAFT_SALT, compress=True)


def _undraft(token: str) -> QueryDict | None:
    try:
        values = signing.loads(token, salt=DRAFT_SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    data = QueryDict(mutable=True)
    for key, items in values.items():
        data.setlist(key, items)
    return data


def _forms(kind: Kind, data: QueryDict | None, setai: str,
           household: list[Any]) -> tuple[Any, list[PersonFields], ReceptionForm]:
    initial = {"setai_number": setai} if setai and kind.form.prefills_setai else {}
    form = kind.form(data, household=household, initial=initial)
    slots = []
    for i in range(kind.persons):
        prefix = f"p{i + 1}"
        first = {"relationship": kind.first_relationship} if i == 0 and kind.first_relationship else {}
        blank = PersonFields(prefix=prefix, initial=first)
        # a slot counts as used when something in it differs from how the form showed it (a select left at its
        # default is not "typed"); an optional slot left empty stays unbound, so it shows no 「必須」 errors
        typed = data is not None and any(
            v.strip() and v.strip() != str(blank[name].value() or "")
            for name in blank.fields for v in data.getlist(f"{prefix}-{name}"))
        bound = data if (i == 0 or typed) else None
        slots.append(PersonFields(bound, prefix=prefix, initial=first, use_required_attribute=(i == 0)))
    return form, slots, ReceptionForm(data, ex_officio=kind.group == "職権")


def _persons(slots: list[PersonFields]) -> tuple[list[Any], bool]:
    """The filled person slots (a slot with no 氏名 is unused); False when a filled slot is invalid."""
    persons, ok = [], True
    for i, slot in enumerate(slots):
        if i > 0 and not slot.is_bound:  # an optional slot nothing was typed in
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
    # the household's members and the 照会抑止 shield are read once a request, and shared by every check below
    household = records.household_members(setai) if setai else []
    guard = None
    if setai:
        try:
            guard = records.ensure_household_visible(request.user, setai, via=f"change:{slug}", members=household)
            # 排他制御 (10.3): the household's residents are this clerk's while they enter the 異動; the record
            # step itself refuses a resident another holds (services.apply_many) and frees them, so it takes none
            if request.POST.get("step") != "commit":
                editlock.acquire(request.user, [m.atena_number for m in household], kind.label)
        except JichitaiError as exc:
            return render(request, "registry/refused.html", refusal(request, exc), status=exc.status)
    if request.method == "POST" and request.POST.get("back"):
        return _back(request, kind, setai, household)
    if request.method == "POST" and request.POST.get("step") == "commit":
        return _commit(request, kind, setai, household)
    form, slots, received = _forms(kind, request.POST if request.method == "POST" else None, setai, household)
    context = _context(kind, form, slots, setai, received)
    if request.method == "POST":
        persons, persons_ok = _persons(slots)
        if form.is_valid() and persons_ok and received.is_valid():
            try:
                command = form.command(persons) if kind.persons else form.command()
                command = from_dict(to_dict(command))  # the item rules every entry point applies (domain.items)
                change = approval.preview(command)
                guard = records.ensure_change_visible(request.user, change, guard=guard)
                held = {m.atena_number for m in household}  # taken above, in this request
                editlock.acquire(request.user, [e.before.atena_number for e in change.entries
                                                if e.before and e.before.atena_number not in held], kind.label)
            except JichitaiError as exc:
                context.update(refusal(request, exc))
            else:
                # a fresh key per confirmation: recording it claims the key, so a replay records nothing
                reception = received.reception()
                token = signing.dumps({"command": to_dict(command), "once": uuid.uuid4().hex,
                                       "reception": reception.as_dict(), "approval": change.requires_approval},
                                      salt=SALT, compress=True)
                towns = records.town_names({p.town_code for e in change.entries for p in (e.before, e.after) if p})
                rows = [{"before": e.before, "after": e.after, "address": records.address_of(e.after, towns),
                         "fields": differences(e.before, e.after, towns)} for e in change.entries]
                return render(request, "registry/change_confirm.html", {
                    "kind": kind, "change": change, "rows": rows, "token": token, "setai": setai,
                    "draft": _draft(request.POST), "needs_approval": change.requires_approval,
                    "planned": [e.after for e in change.entries if e.after.departure_pending],
                    "duplicates": submissions.shown_matches(request.user, command),
                    "reception": reception,
                })
    return render(request, "registry/change_form.html", context)


def _context(kind: Kind, form: Any, slots: list[PersonFields], setai: str,
             received: ReceptionForm) -> dict[str, Any]:
    return {"kind": kind, "form": form, "slots": slots, "setai": setai, "household": getattr(form, "household", []),
            "received": received, "errors": error_summary(form, slots, kind.persons, received)}


def _refilled(request: HttpRequest, kind: Kind, setai: str,
              household: list[Any]) -> tuple[Any, list[PersonFields], ReceptionForm]:
    """The form as the clerk left it at the confirmation step; empty (with a message) if the draft is gone."""
    data = _undraft(request.POST.get("draft", ""))
    if data is None:
        messages.error(request, "入力内容の有効期限が切れたか、内容が改変されています。もう一度入力してください。")
    return _forms(kind, data, setai, household)


def _back(request: HttpRequest, kind: Kind, setai: str, household: list[Any]) -> HttpResponse:
    """「入力に戻る」 (j540): the form again, filled with everything typed, nothing recorded."""
    form, slots, received = _refilled(request, kind, setai, household)
    return render(request, "registry/change_form.html", _context(kind, form, slots, setai, received))


def _commit(request: HttpRequest, kind: Kind, setai: str, household: list[Any]) -> HttpResponse:
    try:
        payload = signing.loads(request.POST.get("token", ""), salt=SALT, max_age=MAX_AGE)
        command, once = from_dict(payload["command"]), str(payload["once"])
        needs_approval = payload.get("approval")  # what the confirmation found (None: a token from before)
        reception = Reception.of(payload.get("reception"))
    except (signing.BadSignature, RegistryError, KeyError, TypeError, ValueError):
        messages.error(request, "確認画面の有効期限が切れたか、内容が改変されています。もう一度入力してください。")
        return redirect("registry:change", slug=kind.slug)
    try:
        submitted = workflow.submit(command, actor=request.user, terminal=terminal_of(request),
                                    once=f"counter:{once}", override_duplicate=request.POST.get("override_duplicate") == "1",
                                    reception=reception,
                                    requires_approval=needs_approval if isinstance(needs_approval, bool) else None)
    except submissions.AlreadySubmitted as exc:  # a replayed confirmation (back button, double click, resent form)
        messages.error(request, exc.message)
        return redirect("registry:change_menu")
    except RegistryError as exc:  # refused at the record step (the records changed since the confirmation)
        # the records changed since the confirmation: the form shows the household as it is now
        form, slots, received = _refilled(request, kind, setai, records.household_members(setai) if setai else [])
        context = {**_context(kind, form, slots, setai, received), **refusal(request, exc)}
        return render(request, "registry/change_form.html", context, status=409)
    if submitted.pending is not None:
        messages.success(request, f"{kind.label}を起案しました。決裁者の決裁後に記録されます（決裁番号 {submitted.pending.pk}）。")
        return redirect("registry:change_menu")
    applied = submitted.applied
    assert applied is not None
    names = "、".join(e.after.name for e in applied.change.entries if e.after.name)
    messages.success(request, f"{kind.label}を記録しました（{applied.change.reason.label}：{names}）。")
    coded = [e.after.name for e in applied.change.entries if e.after.juminhyo_code and (
        e.before is None or e.before.juminhyo_code != e.after.juminhyo_code)]
    if coded:  # j890: the 通知票 in the same flow — the resident page below offers it on the new history row
        messages.info(request, f"住民票コードを記載・変更しました（{'、'.join(coded)}）。異動履歴の「住民票コード通知票」等の"
                               "ボタンから通知票を出力してください（標準仕様書 4.3.3）。")
    left = [e.before.setai_number for e in applied.change.entries
            if e.before is not None and e.before.is_head and e.before.setai_number in applied.change.head_unset]
    if left:  # j490: 「引き続いて、4.0.5（世帯主変更依頼通知書）の処理が行えること」
        messages.warning(request, "世帯主未設定の世帯になりました。世帯主変更依頼通知書を印刷してください。")
        return redirect("registry:household", setai_number=left[0])
    if applied.change.entries and applied.change.entries[0].after.is_active:
        return redirect("registry:resident", atena_number=applied.atena_numbers[0])  # 転出予定者: 転出証明書 there
    if applied.change.reason is Reason.MOVE_OUT_DOMESTIC:  # j660: the 転出証明書 follows the 転出 in the same flow
        return redirect("registry:moveout_certificate", atena_number=applied.atena_numbers[0])
    return redirect("registry:search")
