"""The two APIs of 住登外者宛名番号管理 (共通機能標準仕様書 §2.3: 住登外者宛名基本情報照会API, 住登外者宛名番号付番API)
over HTTP with a connected system's credentials (the hub's existing system authentication), every call audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.jutogai.models import Jutogaisha

pytestmark = pytest.mark.django_db

FACTS = {"name": "渡邊 明", "kana": "わたなべ あきら", "birth_date": "1966-06-06", "sex": "1",
         "address": "東京都世田谷区太子堂1-2-3", "postcode": "154-0004"}


def _post(client: Any, path: str, key: str, body: dict[str, Any]) -> Any:
    return client.post(f"/api/jutogai/{path}", body, content_type="application/json", HTTP_X_HUB_KEY=key)


def test_number_then_search_exact_and_partial(client: Any, make_system: Callable[..., Any]) -> None:
    """§2.3: 付番 when nobody matches (201 with the number), then 照会 finds the person by the 4 facts exactly
    (渡邊 folded to 渡辺, ひらがな as カタカナ) and partly (氏 alone); both calls audited for the system."""
    system, key = make_system(feeds={"jutogai": None})
    r = _post(client, "numbers", key, FACTS)
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    assert r.json()["kana"] == "ワタナベ アキラ" and r.json()["postcode"] == "1540004"
    exact = _post(client, "search", key, {**FACTS, "name": "渡辺明", "kana": "", "match": "exact"})
    assert exact.status_code == 200 and [c["number"] for c in exact.json()["candidates"]] == [number]
    partial = _post(client, "search", key, {"name": "渡辺", "match": "partial"})
    assert [c["number"] for c in partial.json()["candidates"]] == [number]
    actions = list(AuditEntry.objects.filter(actor=f"system:{system.code}", action__startswith="jutogai.")
                   .values_list("action", "outcome"))
    assert ("jutogai.number", "ok") in actions and actions.count(("jutogai.search", "ok")) == 2


def test_numbering_a_known_person_answers_409_with_the_candidates(client: Any, make_system: Callable[..., Any],
                                                                   jutogai: Callable[..., Any]) -> None:
    """§2.3: 付番 only when there is no match; otherwise the candidates (409), nothing stored; with
    ``distinct_from`` naming them, numbered."""
    known = jutogai("渡辺 明", "ワタナベ アキラ", dt.date(1966, 6, 6), "M", "神奈川県横浜市西区1")
    _, key = make_system(feeds={"jutogai": None})
    r = _post(client, "numbers", key, FACTS)
    assert r.status_code == 409 and r.json()["code"] == "candidates"
    assert [c["number"] for c in r.json()["candidates"]] == [known.number]
    assert Jutogaisha.objects.count() == 1
    r = _post(client, "numbers", key, {**FACTS, "distinct_from": [known.number]})
    assert r.status_code == 201 and Jutogaisha.objects.count() == 2


def test_without_credentials_or_with_bad_input_nothing_happens(client: Any, make_system: Callable[..., Any]) -> None:
    """401 without a system's key (audited), 422 naming the item for a bad one, 400 in Japanese for facts the
    service refuses; nothing numbered."""
    r = client.post("/api/jutogai/numbers", FACTS, content_type="application/json")
    assert r.status_code == 401
    _, key = make_system(feeds={"jutogai": None})
    r = _post(client, "numbers", key, {**FACTS, "sex": "X"})
    assert r.status_code == 422 and r.json()["fields"]["errors"][0]["field"] == "sex"
    r = _post(client, "numbers", key, {**FACTS, "kana": "渡辺"})
    assert r.status_code == 400 and r.json()["fields"]["field"] == "kana" and "カタカナ" in r.json()["message"]
    r = _post(client, "search", key, {"match": "partial"})
    assert r.status_code == 400 and r.json()["code"] == "no_criteria"
    assert Jutogaisha.objects.count() == 0
