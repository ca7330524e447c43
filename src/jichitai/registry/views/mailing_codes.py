"""郵便物送付コード (標準仕様書 1.1.19): set from the resident page (POST), back to it with what happened."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from jichitai.accounts.guards import requires
from jichitai.common.errors import JichitaiError
from jichitai.registry import mailing_codes


@require_POST
@requires("registry.change")
def set_code(request: HttpRequest, atena_number: str) -> HttpResponse:
    try:
        row = mailing_codes.set_code(request.user, atena_number, request.POST.get("mailing_code", ""))
        messages.success(request, f"郵便物送付コードを「{row.get_label()}」にしました。")
    except JichitaiError as exc:
        messages.error(request, exc.message)
    return redirect("registry:resident", atena_number=atena_number)

