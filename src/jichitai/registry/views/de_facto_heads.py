"""事実上の世帯主 (標準仕様書 4.1.4.3): 記載・削除 from the household page (POST), back to it with what happened."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from jichitai.accounts.guards import requires
from jichitai.common.errors import JichitaiError
from jichitai.registry import de_facto_heads


@require_POST
@requires("registry.change")
def record(request: HttpRequest, setai_number: str) -> HttpResponse:
    """記載, or 削除 when the 「削除する」 button was pressed."""
    delete = bool(request.POST.get("delete"))
    try:
        row = de_facto_heads.record(request.user, setai_number, request.POST.get("name", ""), delete=delete)
        messages.success(request, "事実上の世帯主の記載を削除しました（削除の記録は履歴に残ります）。" if delete
                         else f"事実上の世帯主「{row.name}」を記載しました。住民票の写しの備考に記載されます。")
    except JichitaiError as exc:
        messages.error(request, exc.message)
    return redirect("registry:household", setai_number=setai_number)
