"""住民基本台帳の一部の写し（閲覧用） (標準仕様書 9.5): the request and the 抽出条件 on one form; the answer is the PDF or
CSV itself, or the form again with the reason (nothing made, nothing recorded)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jichitai.accounts.guards import requires
from jichitai.common.errors import JichitaiError
from jichitai.common.wareki import to_wareki
from jichitai.registry import inspection
from jichitai.registry.domain.inspection import MAX_AGE, PURPOSES, REQUESTERS, SEXES, Criteria, Order
from jichitai.registry.views.common import refusal, terminal_of
from jichitai.registry.views.forms import TownField, WarekiDateField

TOWN_FIELDS = ("town_1", "town_2", "town_3")


class InspectionForm(forms.Form):
    town_1 = TownField(label="町字")
    town_2 = TownField(label="町字（追加）", required=False)
    town_3 = TownField(label="町字（追加）", required=False)
    on = WarekiDateField(label="基準日（年齢の計算）")
    age_from = forms.IntegerField(label="年齢（以上）", required=False, min_value=0, max_value=MAX_AGE)
    age_to = forms.IntegerField(label="年齢（以下）", required=False, min_value=0, max_value=MAX_AGE)
    sex = forms.ChoiceField(label="性別", choices=list(SEXES.items()), required=False, widget=forms.RadioSelect)
    order = forms.ChoiceField(label="並び順", choices=[(o.value, o.label) for o in Order], initial=Order.ADDRESS.value,
                              widget=forms.RadioSelect)
    output = forms.ChoiceField(label="出力形式", choices=list(inspection.OUTPUTS.items()), initial="pdf",
                               widget=forms.RadioSelect)
    requester_kind = forms.ChoiceField(label="請求・申出の区分", choices=list(REQUESTERS.items()), initial="private")
    requester_name = forms.CharField(label="請求者・申出者の氏名又は名称", max_length=200)
    requester_address = forms.CharField(label="請求者・申出者の住所又は所在地", max_length=300, required=False)
    purpose_kind = forms.ChoiceField(label="利用目的の区分", choices=list(PURPOSES.items()), initial="research")
    purpose = forms.CharField(label="利用目的", max_length=300)
    viewers = forms.CharField(label="閲覧者の氏名・住所（1行に1人）", max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    requested_on = WarekiDateField(label="請求・申出の年月日")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = to_wareki(timezone.localdate())  # a person reads 和暦 (j90)
        self.fields["on"].initial = self.fields["requested_on"].initial = today

    def criteria(self) -> Criteria:
        d = self.cleaned_data
        towns = tuple(dict.fromkeys(d[f] for f in TOWN_FIELDS if d.get(f)))
        return Criteria(towns, d["on"], d.get("age_from"), d.get("age_to"), d.get("sex") or "", Order(d["order"]))

    def application(self) -> inspection.Application:
        d = self.cleaned_data
        return inspection.Application(
            requester_kind=d["requester_kind"], requester_name=d["requester_name"], purpose_kind=d["purpose_kind"],
            purpose=d["purpose"], viewers=tuple(d["viewers"].splitlines()), requested_on=d["requested_on"],
            requester_address=d.get("requester_address", ""))


@requires("registry.inspection")
def inspection_page(request: HttpRequest) -> HttpResponse:
    form = InspectionForm(request.POST or None)
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            made = inspection.make(actor=request.user, criteria=form.criteria(), application=form.application(),
                                   output=form.cleaned_data["output"], terminal=terminal_of(request))
        except JichitaiError as exc:
            field = str(exc.fields.get("field", ""))
            if field in form.fields:
                form.add_error(field, exc.message)
            context.update(refusal(request, exc))
            return render(request, "registry/inspection_form.html", context, status=exc.status)
        response = HttpResponse(made.content, content_type=made.content_type)
        response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
        return response
    return render(request, "registry/inspection_form.html", context, status=400 if form.is_bound else 200)
