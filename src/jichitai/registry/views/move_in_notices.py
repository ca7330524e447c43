"""転入通知 (住民基本台帳法第9条第1項): the clerk's list per 転出地 (未送付・送付済), the notices of one 転出地 as PDF, and
marking the chosen ones 送付済."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from jichitai.accounts.guards import requires
from jichitai.common.errors import JichitaiError
from jichitai.common.wareki import to_wareki
from jichitai.registry import move_in_notices as notices
from jichitai.registry import move_in_receipts as receipts
from jichitai.registry.views.common import refusal, terminal_of
from jichitai.registry.views.forms import WarekiDateField


class SentForm(forms.Form):
    sent_on = WarekiDateField(label="送付日", error_messages={"required": "送付日を入力してください。"})


def _keys(values: list[str]) -> list[notices.Key]:
    out = []
    for v in values:
        atena, _, no = v.partition(":")
        if atena and no.isdigit():
            out.append((atena, int(no)))
    return out


@requires("registry.move_in_notice")
def page(request: HttpRequest) -> HttpResponse:
    """The list (``?state=sent`` for 送付済 of the last 30 days); POST marks the chosen notices 送付済."""
    state = request.GET.get("state", notices.UNSENT)
    form = SentForm(request.POST or None, initial={"sent_on": to_wareki(timezone.localdate())})
    context: dict[str, object] = {"state": state, "states": notices.STATES, "form": form,
                                  "done": request.GET.get("done", "")}
    if request.method == "POST":
        if form.is_valid():
            try:
                count = notices.mark_sent(request.user, _keys(request.POST.getlist("notice")),
                                          sent_on=form.cleaned_data["sent_on"])
            except JichitaiError as exc:
                context.update(refusal(request, exc))
            else:
                return redirect(f"{request.path}?done={count}")
        else:
            context["refusal"] = " ".join(str(e) for errors in form.errors.values() for e in errors)
    try:
        context["groups"] = notices.listing(request.user, state=state)
    except JichitaiError as exc:
        context.update(refusal(request, exc))
        context["groups"] = []
    status = 400 if context.get("refusal") else 200
    return render(request, "registry/move_in_notices.html", context, status=status)


@requires("registry.move_in_notice")
def pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The notices to the 転出地 ``code`` (未送付, or ``?state=sent`` again) as one PDF, a page a person."""
    try:
        printed = notices.render(request.user, code, state=request.GET.get("state", notices.UNSENT))
    except JichitaiError as exc:
        return render(request, "registry/refused.html", refusal(request, exc), status=exc.status)
    response = HttpResponse(printed.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{printed.filename}"'
    return response




class ReceiptForm(forms.Form):
    atena_number = forms.CharField(label="宛名番号", max_length=15)
    notified_on = WarekiDateField(label="転入通知日")
    moved_out_on = WarekiDateField(label="転出年月日（確定）")
    destination_address = forms.CharField(label="転出先住所（確定）", max_length=300)


@requires("registry.move_in_notice")
def unarrived(request: HttpRequest) -> HttpResponse:
    """転入通知未着者一覧 (j710); POST enters a 転入通知 received for one of them (j680, j700)."""
    form = ReceiptForm(request.POST or None)
    context: dict[str, object] = {"form": form, "done": request.GET.get("done", "")}
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                receipt = receipts.receive(request.user, d["atena_number"], notified_on=d["notified_on"],
                                           moved_out_on=d["moved_out_on"],
                                           destination_address=d["destination_address"],
                                           terminal=terminal_of(request))
            except JichitaiError as exc:
                context.update(refusal(request, exc))
            else:
                return redirect(f"{request.path}?done={'early' if receipts.removed_on_notice_day(receipt) else '1'}")
        else:
            context["refusal"] = " ".join(f"{form.fields[k].label}：{e}" for k, errors in form.errors.items()
                                          for e in errors)
    try:
        context["rows"] = receipts.unarrived(request.user)
    except JichitaiError as exc:
        context.update(refusal(request, exc))
        context["rows"] = []
    return render(request, "registry/move_in_unarrived.html", context, status=400 if context.get("refusal") else 200)


@requires("registry.move_in_notice")
def inquiry(request: HttpRequest, atena_number: str) -> HttpResponse:
    """転入通知未着照会書 (j710) of one person on the 未着者一覧, to the 転入地."""
    try:
        pdf, filename = receipts.inquiry(request.user, atena_number)
    except JichitaiError as exc:
        return render(request, "registry/refused.html", refusal(request, exc), status=exc.status)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
