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
from jichitai.common.wareki import fiscal_year_label, fiscal_year_of, to_wareki
from jichitai.registry import inspection, inspection_disclosure
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
    representative = forms.CharField(label="法人の場合: 代表者又は管理人の氏名", max_length=200, required=False)
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
            requester_address=d.get("requester_address", ""), representative=d.get("representative", ""))


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


@requires("registry.inspection")
def disclosure_page(request: HttpRequest) -> HttpResponse:
    """閲覧の状況の公表 (第11条第3項・第11条の2第12項): a 年度's lists made, as the city publishes them; ``?format=csv``
    the same as a file for the city's web site."""
    this_year = fiscal_year_of(timezone.localdate())
    try:
        year = int(request.GET.get("year") or this_year)
    except ValueError:
        year = 0
    if not 2006 <= year <= this_year:  # the 閲覧 rules of 第11条の2 apply from 平成18年11月1日
        return render(request, "registry/inspection_disclosure.html",
                      {"refusal": "年度は平成18年度から今年度までの西暦で指定してください（例: 2026）。",
                       "years": _years(this_year)}, status=400)
    made = inspection_disclosure.report(request.user, *inspection_disclosure.fiscal_year_bounds(year))
    if request.GET.get("format") == "csv":
        response = HttpResponse(inspection_disclosure.csv_bytes(made), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="etsuran-jokyo-{year}.csv"'
        return response
    return render(request, "registry/inspection_disclosure.html", {
        "report": made, "year": year, "year_label": fiscal_year_label(year), "years": _years(this_year),
        "rows": [r.cells(n) for n, r in enumerate(made.rows, start=1)], "header": inspection_disclosure.HEADER})


def _years(this_year: int) -> list[tuple[int, str]]:
    return [(y, fiscal_year_label(y)) for y in range(this_year, max(2006, this_year - 10) - 1, -1)]
