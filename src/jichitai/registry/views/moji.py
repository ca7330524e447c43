"""文字コード照会 (標準仕様書 2.2.3, j370): the clerk types or brings a name, sees each character enlarged in the
registry's font with its codes. A lookup of characters, not of a person: nothing is read from the registry here
(the resident page, which is audited, posts the name it shows)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from jichitai.accounts.guards import requires
from jichitai.common.errors import JichitaiError
from jichitai.common.moji import lookup
from jichitai.registry.moji_glyphs import glyph_svg

MAX_CHARACTERS = 200


@require_http_methods(["GET", "POST"])
@requires("registry.view")
def lookup_page(request: HttpRequest) -> HttpResponse:
    text = request.POST.get("text", "") if request.method == "POST" else ""
    error = ""
    if len(text) > MAX_CHARACTERS:
        error, text = f"一度に照会できるのは{MAX_CHARACTERS}文字までです。", text[:MAX_CHARACTERS]
    rows = lookup(text)
    return render(request, "registry/moji.html", {"text": text, "rows": rows, "error": error},
                  status=400 if error else 200)


@require_GET
@requires("registry.view")
def glyph(request: HttpRequest) -> HttpResponse:
    try:
        svg = glyph_svg(request.GET.get("c", ""))
    except JichitaiError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=86400"
    return response
