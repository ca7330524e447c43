"""メモ (標準仕様書 1.1.15): 記入・修正・削除 from the resident page (POST), back to it with what happened."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from jichitai.accounts.guards import requires
from jichitai.common.errors import JichitaiError
from jichitai.registry import memos


def _version(request: HttpRequest) -> int:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 9 else 0


@require_POST
@requires("registry.change")
def add(request: HttpRequest, atena_number: str) -> HttpResponse:
    try:
        memos.add(request.user, atena_number, request.POST.get("text", ""))
        messages.success(request, "メモを記入しました。")
    except JichitaiError as exc:
        messages.error(request, exc.message)
    return redirect("registry:resident", atena_number=atena_number)


@require_POST
@requires("registry.change")
def change(request: HttpRequest, atena_number: str, memo_id: str) -> HttpResponse:
    """修正, or 削除 when the 「削除する」 button was pressed."""
    try:
        if request.POST.get("delete"):
            memos.delete(request.user, atena_number, memo_id, _version(request))
            messages.success(request, "メモを削除しました（削除の記録は履歴に残ります）。")
        else:
            memos.edit(request.user, atena_number, memo_id, _version(request), request.POST.get("text", ""))
            messages.success(request, "メモを修正しました。")
    except JichitaiError as exc:
        messages.error(request, exc.message)
    return redirect("registry:resident", atena_number=atena_number)
