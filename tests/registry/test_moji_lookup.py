"""文字コード照会 (標準仕様書 2.2.3, j370) through the web stack: refusals in Japanese, never a 500; the glyph is an
SVG of the registered shape; only staff who may read the registry use it. Consistency tests (our own page)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_refusals_are_in_words_and_keep_what_was_typed(login_as: Any) -> None:
    clerk = login_as("counter")
    page = clerk.post("/registry/moji/", {"text": "髙" * 201})
    assert page.status_code == 400 and "一度に照会できるのは200文字までです。" in page.content.decode()
    assert page.content.decode().count("<code>U+9AD9</code>") == 200  # the first 200 are still shown
    two = clerk.get("/registry/moji/glyph/", {"c": "髙橋"})
    assert two.status_code == 400 and two.content.decode() == "拡大表示できるのは1文字ずつです。"
    assert clerk.get("/registry/moji/glyph/", {"c": ""}).status_code == 400
    assert clerk.get("/registry/moji/glyph/", {"c": "\u3000"}).status_code == 400
    svg = clerk.get("/registry/moji/glyph/", {"c": "葛\U000e0102"})
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml" and b"<path" in svg.content
    plain = clerk.get("/registry/moji/glyph/", {"c": "葛\U000e0100"})  # another sequence: another drawing
    assert plain.status_code == 200 and plain.content != svg.content


def test_only_staff_who_read_the_registry(login_as: Any) -> None:
    analyst = login_as("analyst")
    assert analyst.post("/registry/moji/", {"text": "亜"}).status_code == 403
    assert analyst.get("/registry/moji/glyph/", {"c": "亜"}).status_code == 403
