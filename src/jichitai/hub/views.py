"""The hub's pages: the operations overview with the operators' actions (redeliver, release, reject), a
quarantine report, the DR status beside it, and the PULL feed for systems at /hub/feeds/{feed} (the path the
宛名連携 interface names; the same service as /api/hub/feeds/{feed})."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from jichitai.accounts.guards import public, requires
from jichitai.accounts.policy import allowed
from jichitai.common.errors import JichitaiError
from jichitai.hub import feeds, files, monitor, operations
from jichitai.hub.auth import authenticate_system, bearer_error, require_scope
from jichitai.hub.errors import NotAuthenticated
from jichitai.hub.models import ExchangedFile


@requires("hub.monitor")
def overview(request: HttpRequest) -> HttpResponse:
    page = request.GET.get("quarantine_page", "1")
    data = monitor.overview(include_lake=True, quarantine_page=int(page) if page.isdigit() else 1)
    return render(request, "hub/overview.html", {**data, "can_operate": allowed(request.user, "hub.operate")})


@requires("hub.operate")
@require_POST
def redeliver(request: HttpRequest, subscription_id: int) -> HttpResponse:
    try:
        sub = operations.redeliver(request.user, subscription_id, _integer(request.POST.get("batch", "")),
                                   request.POST.get("reason", ""))
        messages.success(request, f"{sub.system.name}へ「{sub.feed.name}」を選んだバッチから再送します（次の中継処理で送ります）。")
    except ValueError:
        messages.error(request, "再送するバッチを選んでください。")
    except JichitaiError as exc:
        messages.error(request, exc.message)
    return redirect("hub:overview")


@requires("hub.operate")
@require_POST
def decide(request: HttpRequest, file_id: int, decision: str) -> HttpResponse:
    act = operations.release if decision == "release" else operations.reject
    try:
        f = act(request.user, file_id, request.POST.get("reason", ""))
        messages.success(request, f"「{f.filename}」を{'解除し、' + format(f.rows, ',') + '行を受け付けました' if f.status == 'accepted' else '却下しました'}。")
    except JichitaiError as exc:
        messages.error(request, exc.message)
    return redirect("hub:overview")


@requires("hub.monitor")
def dr_status(request: HttpRequest) -> HttpResponse:
    from jichitai.dr import overview, regions
    from jichitai.dr.errors import DrError

    root = regions.default_root(settings.CONFIG.var_dir)
    context: dict[str, object] = {"configured": overview.configured(root), "role_names": overview.ROLE_NAMES}
    if context["configured"]:
        try:
            context["report"] = overview.report(root)
        except DrError as exc:
            context["error"] = exc.message
    return render(request, "hub/dr.html", context)


@requires("hub.monitor")
def quarantine_report(request: HttpRequest, file_id: int) -> HttpResponse:
    f = get_object_or_404(ExchangedFile, pk=file_id, status="quarantined")
    response = HttpResponse(files.problem_report(f).encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="quarantine_{f.pk}.csv"'
    return response


@public
@require_GET
def feed(request: HttpRequest, feed: str) -> HttpResponse:
    try:
        system = authenticate_system(request)
        if system is None:
            raise NotAuthenticated(bearer_error(request))
        require_scope(request, feed, "read")
        after = _integer(request.GET.get("after", "") or "0")
        limit = _integer(request.GET.get("limit", "") or str(feeds.DEFAULT_BATCH))
        return HttpResponse(feeds.pull(system, feed, after, limit).as_json(), content_type="application/json")
    except ValueError:
        return JsonResponse({"code": "bad_request", "message": "after と limit は整数で指定してください。",
                             "fields": {}}, status=400)
    except JichitaiError as exc:
        response = JsonResponse(exc.as_dict(), status=exc.status, json_dumps_params={"ensure_ascii": False})
        for name, value in exc.headers.items():
            response[name] = value
        return response


def _integer(text: str) -> int:
    """ASCII digits only (``int`` would also take ``１２``, ``1_000`` and spaces); a minus sign for the clamp."""
    digits = text.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 40:
        raise ValueError(text)
    return int(text)


feed.jichitai_public_reason = (  # type: ignore[attr-defined]
    "system-to-system PULL endpoint: authenticated by the calling system's credentials (hub.auth) and checked "
    "with allowed() through the feed's grant, not by a staff session")
