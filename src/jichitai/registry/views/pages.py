"""検索・照会 pages (2.1, 2.2): search, resident, household."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from jichitai.accounts.guards import requires
from jichitai.accounts.policy import allowed
from jichitai.common.errors import JichitaiError
from jichitai.common.fields import my_number_problem
from jichitai.registry import code_notices, editlock, purposes
from jichitai.registry.domain.mailing_code import MailingCode
from jichitai.registry.search import PAGE_SIZE
from jichitai.registry.views import records
from jichitai.registry.views.common import refusal
from jichitai.registry.views.forms import KINDS, TownField, WarekiDateField, town_label


class SearchForm(forms.Form):
    name = forms.CharField(label="氏名", required=False)
    kana = forms.CharField(label="フリガナ", required=False)
    birth_date = WarekiDateField(label="生年月日（和暦・西暦）", required=False)
    town_code = TownField(label="住所（町字）", required=False)
    banchi = forms.CharField(label="番地", required=False)
    atena_number = forms.CharField(label="宛名番号", required=False)
    setai_number = forms.CharField(label="世帯番号", required=False)
    juminhyo_code = forms.CharField(label="住民票コード", required=False)
    my_number = forms.CharField(label="個人番号", required=False, max_length=12)
    my_number_purpose = forms.ChoiceField(label="個人番号を利用する事務（個人番号で検索する場合）", required=False,
                                          choices=purposes.CHOICES)
    include_removed = forms.BooleanField(label="消除された方（除票）も含める", required=False)

    def __init__(self, *args: object, can_use_my_number: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not can_use_my_number:
            del self.fields["my_number"], self.fields["my_number_purpose"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("my_number"):
            problem = my_number_problem(data["my_number"].strip())
            if problem:
                self.add_error("my_number", problem)
            if not data.get("my_number_purpose"):
                self.add_error("my_number_purpose", "個人番号で検索する事務（利用目的）を一覧から選んでください。")
        return data


@requires("registry.view")
def search(request: HttpRequest) -> HttpResponse:
    can_my_number = allowed(request.user, "registry.view_mynumber")
    form = SearchForm(request.GET or None, can_use_my_number=can_my_number)
    context: dict[str, object] = {"form": form, "results": None}
    if request.GET and form.is_valid():
        criteria = {k: v for k, v in form.cleaned_data.items() if v not in (None, "", False)}
        criteria["include_removed"] = form.cleaned_data.get("include_removed", False)
        page = _page_number(request.GET.get("page", ""))
        criteria["offset"], criteria["limit"] = (page - 1) * PAGE_SIZE, PAGE_SIZE
        if not [k for k in criteria if k not in ("include_removed", "my_number_purpose", "offset", "limit")]:
            context["notice"] = "検索条件を1つ以上入力してください。"
        else:
            try:
                found = records.find(request.user, criteria)
                context.update(results=found.rows, found=found, next_url=_page_url(request, page + 1),
                               previous_url=_page_url(request, page - 1))
            except JichitaiError as exc:
                context.update(refusal(request, exc))
    return render(request, "registry/search.html", context)


MAX_PAGE = 100_000  # past any city's residents at 50 a page; keeps the OFFSET a database integer


def _page_number(raw: str) -> int:
    """The page asked for (the 「次の50件」 link's ``page``); anything else than a positive number is the first."""
    return int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_PAGE else 1


def _page_url(request: HttpRequest, page: int) -> str:
    """The same search, another page (the criteria kept as the clerk typed them)."""
    query = request.GET.copy()
    query["page"] = str(page)
    return f"?{query.urlencode()}"


@requires("registry.view")
def towns(request: HttpRequest) -> JsonResponse:
    """The 町字 picker's answer: towns of the 住所辞書 matching ``q`` (町字名, よみ in かな or カナ, 郵便番号 with or
    without the hyphen), in 町字 order, at most :data:`records.TOWN_LIMIT` with the count of all matches."""
    found, total = records.find_towns(request.GET.get("q", ""))
    return JsonResponse({"total": total, "towns": [
        {"code": t.code, "label": town_label(t), "kana": t.kana, "postcode": t.postcode} for t in found]})


@requires("registry.view")
def resident(request: HttpRequest, atena_number: str) -> HttpResponse:
    purpose = request.POST.get("my_number_purpose", "") if request.method == "POST" else ""
    try:
        page = records.resident(request.user, atena_number, my_number_purpose=purpose)
    except JichitaiError as exc:
        return render(request, "registry/refused.html", refusal(request, exc), status=exc.status)
    return render(request, "registry/resident.html", {
        "page": page, "v": page.view, "p": page.view.person, "can_my_number": allowed(request.user, "registry.view_mynumber"),
        "my_number_purposes": purposes.CHOICES,
        "mailing_choices": [(c.value, c.label) for c in MailingCode],
        "can_issue": allowed(request.user, "registry.certificate.issue"),
        "can_change": allowed(request.user, "registry.change"),
        "can_propose_support": allowed(request.user, "registry.suppression.propose"),
        "own_support": any(s.kind == "support" and not s.lifted_at for s in page.suppressions),
        "towns": records.town_names({h.town_code for h in page.view.history}),
        "editing": editlock.holding([atena_number]).get(atena_number),
        "code_notices": code_notices.offered(page.view.history) if allowed(request.user, "registry.view_juminhyo_code")
        else {},
    })


@requires("registry.view")
def household(request: HttpRequest, setai_number: str) -> HttpResponse:
    try:
        view = records.household(request.user, setai_number, with_removed=request.GET.get("removed") == "1")
    except JichitaiError as exc:
        return render(request, "registry/refused.html", refusal(request, exc), status=exc.status)
    kinds = [k for k in KINDS.values() if k.scope == "household"]
    return render(request, "registry/household.html", {
        "v": view, "kinds": kinds, "with_removed": request.GET.get("removed") == "1",
        "can_issue": allowed(request.user, "registry.certificate.issue"),
        "can_change": allowed(request.user, "registry.change"),
    })
