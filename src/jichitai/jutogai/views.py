"""Staff pages of 住登外者宛名番号管理 (共通機能標準仕様書 §2.3): search by the 基本4情報, register (付番 only when
nobody matches, otherwise the candidates to check), one 住登外者 with their history and a change form. Each view
parses the form, calls one service, renders; every read and change is audited by the services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jichitai.accounts.guards import refuse, requires
from jichitai.accounts.policy import allowed
from jichitai.common.errors import JichitaiError, NotFound
from jichitai.jutogai import services
from jichitai.jutogai.facts import Facts, checked
from jichitai.jutogai.forms import ChangeForm, RegisterForm, SearchForm

KIND_LABELS = {"jutogai": "住登外者", "resident": "住民", "former_resident": "住民（除票）"}


def _facts(data: dict[str, Any]) -> Facts:
    return checked(data.get("name") or "", data.get("kana") or "", data.get("birth_date"), data.get("sex") or "",
                   data.get("address") or "", data.get("postcode") or "")


def _labelled(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**r, "kind_label": KIND_LABELS[r["kind"]]} for r in rows]


@requires("jutogai.search")
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "results": None, "notice": ""}
    if request.GET and form.is_valid():
        try:
            facts = _facts(form.cleaned_data)
            context["results"] = _labelled(services.search(request.user, facts, form.cleaned_data["match"],
                                                           residents=form.cleaned_data["residents"]))
        except JichitaiError as exc:
            context["notice"] = exc.message
    return render(request, "jutogai/search.html", context)


@requires("jutogai.number")
def register(request: HttpRequest) -> HttpResponse:
    candidates = request.POST.getlist("candidate") if request.method == "POST" else []
    form = RegisterForm(request.POST or None, candidates=candidates)
    context: dict[str, Any] = {"form": form, "candidates": None, "notice": ""}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.number(request.user, _facts(data), source=f"staff:{request.user.get_username()}",
                                     former_atena_number=(data.get("former_atena_number") or "").strip(),
                                     distinct_from=data.get("distinct_from") or [])
        except JichitaiError as exc:
            context["notice"] = exc.message
        else:
            if result.numbered is not None:
                messages.success(request, f"住登外者宛名番号 {result.numbered.number} を付番しました。")
                return redirect("jutogai:detail", number=result.numbered.number)
            context["candidates"] = _labelled(result.candidates)
            context["form"] = RegisterForm(request.POST, candidates=[c["number"] for c in result.candidates])
    return render(request, "jutogai/register.html", context)


@requires("jutogai.view")
def detail(request: HttpRequest, number: str) -> HttpResponse:
    try:
        person, history = services.view(request.user, number)
    except JichitaiError as exc:  # not found, or 照会抑止 (the Shield refused and audited it)
        return render(request, "jutogai/detail.html", {"notice": exc.message},
                      status=404 if isinstance(exc, NotFound) else 403)
    form = ChangeForm(request.POST or None) if request.method == "POST" else ChangeForm()
    if request.method == "POST":
        if not allowed(request.user, "jutogai.change"):
            return refuse(request, "jutogai.change", person.audit_label())
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.change(request.user, number, data["reason"], _facts(data), changed_on=data["changed_on"],
                                note=data.get("note") or "")
            except JichitaiError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "異動を記録しました。")
                return redirect("jutogai:detail", number=number)
    return render(request, "jutogai/detail.html", {"person": person, "history": history, "form": form,
                                                   "may_change": allowed(request.user, "jutogai.change")})
