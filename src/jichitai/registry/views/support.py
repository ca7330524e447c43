"""支援措置 pages (3.4, j440): the responsible staff's overview (overdue measures first, j410), applications to
set, extend or end a measure, their 決裁, and the attempts on protected people."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jichitai.accounts.guards import requires
from jichitai.accounts.policy import allowed
from jichitai.audit.inquiry import with_people
from jichitai.common.errors import JichitaiError
from jichitai.registry import lifts, support
from jichitai.registry.views.common import refusal
from jichitai.registry.views.forms import WarekiDateField


class SetForm(forms.Form):
    reason = forms.CharField(label="申出の内容・理由", max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    starts_on = WarekiDateField(label="開始年月日（空欄は本日）", required=False)
    ends_on = WarekiDateField(label="終了年月日（空欄は開始から1年：標準仕様書 3.4）", required=False)


class ChangeForm(forms.Form):
    action = forms.ChoiceField(label="申請の種類", choices=[("extend", "延長"), ("lift", "終了")])
    reason = forms.CharField(label="理由", max_length=300)
    ends_on = WarekiDateField(label="延長後の終了年月日（空欄は1年延長）", required=False)


@requires(support.VIEW)
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/suppressions.html", {
        "o": support.overview(request.user), "change_form": ChangeForm(),
        "can_propose": allowed(request.user, support.PROPOSE), "can_decide": allowed(request.user, support.DECIDE),
        "can_lift": allowed(request.user, lifts.LIFT), "lift_minutes": lifts.minutes(),
        "clerks": lifts.clerks(request.user) if allowed(request.user, lifts.LIFT) else [],
    })


@requires(support.VIEW)
def attempts(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/suppression_attempts.html", {"attempts": with_people(support.attempts(request.user))})


@requires(support.PROPOSE)
def propose_set(request: HttpRequest, atena_number: str) -> HttpResponse:
    form = SetForm(request.POST or None)
    context: dict[str, object] = {"form": form, "atena_number": atena_number}
    if request.method == "POST" and form.is_valid():
        try:
            req = support.propose(request.user, "set", atena_number=atena_number, reason=form.cleaned_data["reason"],
                                  starts_on=form.cleaned_data["starts_on"], ends_on=form.cleaned_data["ends_on"])
        except JichitaiError as exc:
            context.update(refusal(request, exc))
        else:
            messages.success(request, f"支援措置の開始を起案しました（申請番号 {req.pk}）。決裁者の承認で設定されます。")
            if allowed(request.user, support.VIEW):
                return redirect("registry:suppressions")
            return redirect("registry:resident", atena_number=atena_number)
    return render(request, "registry/support_form.html", context, status=400 if form.errors else 200)


@require_POST
@requires(support.PROPOSE)
def propose_change(request: HttpRequest, suppression_id: int) -> HttpResponse:
    form = ChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "申請の内容を確認してください: " + " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("registry:suppressions")
    try:
        req = support.propose(request.user, form.cleaned_data["action"], suppression_id=suppression_id,
                              reason=form.cleaned_data["reason"], ends_on=form.cleaned_data["ends_on"])
    except JichitaiError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{req.get_action_display()}を起案しました（申請番号 {req.pk}）。")
    return redirect("registry:suppressions")


@require_POST
@requires(support.DECIDE)
def decide(request: HttpRequest, request_id: int) -> HttpResponse:
    note = request.POST.get("note", "")
    try:
        if request.POST.get("decision") == "approve":
            req = support.approve(request.user, request_id, note)
            messages.success(request, f"決裁しました（{req.get_action_display()}）。")
        else:
            support.reject(request.user, request_id, note)
            messages.success(request, "却下しました。")
    except JichitaiError as exc:
        messages.error(request, exc.message)
    return redirect("registry:suppressions")


class LiftForm(forms.Form):
    reason = forms.CharField(label="一時解除の目的・理由", max_length=300)
    clerk = forms.CharField(label="事務を行う担当職員", max_length=30)


@require_POST
@requires(lifts.LIFT)
def lift(request: HttpRequest, suppression_id: int) -> HttpResponse:
    """抑止の一時解除 (j410): for the city's time and the one clerk chosen, then in force again by itself."""
    form = LiftForm(request.POST)
    if not form.is_valid():
        messages.error(request, "一時解除の目的・理由（300文字以内）と事務を行う担当職員を入力してください。")
        return redirect("registry:suppressions")
    try:
        done = lifts.lift_temporarily(request.user, suppression_id, form.cleaned_data["reason"],
                                      clerk=form.cleaned_data["clerk"])
    except JichitaiError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"抑止を{lifts.staff_words(done.clerk)}のために一時解除しました。"
                                  f"{done.until_label}に自動で抑止に戻ります。")
    return redirect("registry:suppressions")


@require_POST
@requires(lifts.LIFT)
def end_lift(request: HttpRequest, suppression_id: int) -> HttpResponse:
    """一時解除を終える: the suppression is in force again at once."""
    try:
        lifts.end_now(request.user, suppression_id)
    except JichitaiError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "一時解除を終了しました。抑止は設定どおりに戻っています。")
    return redirect("registry:suppressions")
