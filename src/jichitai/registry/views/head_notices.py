"""世帯主不在の世帯 (標準仕様書 4.0.5): the 対象者リスト page and the two notices as PDF."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jichitai.accounts.guards import requires
from jichitai.common.errors import JichitaiError
from jichitai.registry import head_notices
from jichitai.registry.views.common import refusal


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@requires("registry.change")
def target_list(request: HttpRequest) -> HttpResponse:
    """対象者リスト: the households without a 世帯主, with their notices; ``?format=pdf`` prints it."""
    if request.GET.get("format") == "pdf":
        return _pdf(head_notices.list_pdf(request.user), "head-unset-list")
    return render(request, "registry/head_unset.html", {"households": head_notices.target_list(request.user)})


@requires("registry.change")
def notice(request: HttpRequest, setai_number: str, kind: str) -> HttpResponse:
    """世帯主変更依頼通知書 (``request``) or 世帯主変更通知書 (``change``) of one household."""
    try:
        pdf = head_notices.notice_pdf(request.user, setai_number, kind)
    except JichitaiError as exc:
        return render(request, "registry/refused.html", refusal(request, exc), status=exc.status)
    return _pdf(pdf, f"head-notice-{kind}-{setai_number}")
