"""The staff pages of 住登外者宛名番号管理 (共通機能標準仕様書 §2.3): search, register (candidates first), detail with
history and a change; behind the one permission check, in Japanese, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.jutogai.models import Jutogaisha

pytestmark = pytest.mark.django_db


def test_search_register_and_change(login_as: Callable[..., Any], jutogai: Callable[..., Any]) -> None:
    """A tax clerk finds a 住登外者 by a prefix of the name in ひらがな, in 和暦; registering the same person again
    shows the candidate instead of a number; ticking 別人 numbers; a 住所変更 adds history row 2."""
    known = jutogai("髙橋 恵子", "タカハシ ケイコ", dt.date(1985, 3, 9), "F", "東京都品川区大井1-1")
    client = login_as("tax_reviewer", department="shiminzei")
    page = client.get("/jutogai/", {"kana": "たかはし", "match": "partial", "residents": "on"}).content.decode()
    assert known.number in page and "昭和60年3月9日" in page and "住登外者" in page
    form = {"name": "高橋 恵子", "kana": "タカハシ ケイコ", "birth_date": "S60.3.9", "sex": "F",
            "address": "神奈川県川崎市川崎区1-1", "postcode": "", "former_atena_number": ""}
    page = client.post("/jutogai/new", form).content.decode()
    assert "同じ人の可能性がある候補（1件）" in page and known.number in page
    assert Jutogaisha.objects.count() == 1
    r = client.post("/jutogai/new", {**form, "candidate": [known.number], "distinct_from": [known.number]})
    assert r.status_code == 302 and Jutogaisha.objects.count() == 2
    new = Jutogaisha.objects.exclude(pk=known.number).get()
    r = client.post(f"/jutogai/{new.number}/", {"reason": "address", "changed_on": "令和8年12月1日",
                                                 "address": "北海道函館市1-1"})
    assert r.status_code == 302
    page = client.get(f"/jutogai/{new.number}/").content.decode()
    assert "北海道函館市1-1" in page and "住所変更" in page and "令和8年12月1日" in page
    assert AuditEntry.objects.filter(action="jutogai.view", resource=f"jutogai:{new.number}").exists()


def test_bad_input_is_explained_and_others_are_refused(login_as: Callable[..., Any], client: Any,
                                                       make_staff: Callable[..., Any]) -> None:
    """Bad input → a Japanese message (never a 500); an analyst has no 住登外者 pages (403, audited); an unknown
    number → 404 in words."""
    clerk = login_as("counter")
    page = clerk.post("/jutogai/new", {"name": "山田 一", "kana": "山田", "address": "京都府京都市1"}).content.decode()
    assert "フリガナはカタカナで入力してください。" in page and Jutogaisha.objects.count() == 0
    page = clerk.get("/jutogai/", {"match": "partial"}).content.decode()
    assert "いずれかを指定してください" in page
    assert clerk.get("/jutogai/999999/").status_code == 404
    from tests.staff_login import log_in_verified

    analyst = log_in_verified(client, make_staff(roles=["analyst"]))
    assert analyst.get("/jutogai/").status_code == 403
    assert AuditEntry.objects.filter(action="jutogai.search", outcome="refused").exists()
