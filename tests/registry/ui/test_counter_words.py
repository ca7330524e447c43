"""Issue 22 item 5: words where a person reads — the confirmation and 決裁 pages name the town, not its 町字コード;
refusals name items in Japanese (異動者2の生年月日), not ``persons[1].birth_date``; a correction takes 和暦 and 男/女
(標準仕様書 1.1.12 j90: 和暦 on screens; house rule: a person reads words, never codes)."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.registry.domain import RegistryError
from jichitai.registry.domain.codec import from_dict
from jichitai.registry.domain.items import field_label
from jichitai.registry.models import PendingChange, Resident
from tests.registry.counter_browser import RECEIVED

pytestmark = pytest.mark.django_db


def test_field_labels_for_people() -> None:
    """Consistency: the names of our command's items, as the forms label them."""
    assert field_label("persons[1].birth_date") == "異動者2の生年月日"
    assert field_label("moved_on") == "異動日" and field_label("town_code") == "町字コード"
    assert field_label("child.sex") == "出生した子の性別"


def test_a_refusal_names_the_item_in_japanese() -> None:
    """Consistency: a malformed date inside a person of a command is refused naming the item in words; the API keeps
    the precise item name in ``field``."""
    raw = {"type": "RecordMoveIn", "moved_on": "2026-11-01", "town_code": "281100001", "banchi": "1",
           "previous_address": "大阪市", "persons": [
               {"name": "青木 太郎", "kana": "", "birth_date": "1980-01-07", "sex": "M", "relationship": "世帯主"},
               {"name": "青木 花子", "kana": "", "birth_date": "1980-13-01", "sex": "F", "relationship": "妻"}]}
    with pytest.raises(RegistryError) as refused:
        from_dict(raw)
    assert "異動者2の生年月日" in refused.value.message and "birth_date" not in refused.value.message
    assert refused.value.fields["field"] == "persons[1].birth_date"


def test_move_within_confirmation_names_the_towns(household: Any, login_as: Any) -> None:
    """Consistency: 町字 before and after by name (中央区加納町 → 中央区三宮町), no 町字コード on the page."""
    client = login_as("counter")
    setai = household.setai_numbers[0]
    html = client.post("/registry/changes/move-within/", {
        "step": "confirm", **RECEIVED, "setai": setai, "moved_on": "令和8年11月20日", "town_code": "281100002",
        "banchi": "9番地", "atena_numbers": household.atena_numbers}).content.decode()
    table = html.split("<table>", 1)[1]
    assert "中央区加納町" in table and "中央区三宮町" in table
    assert "281100001" not in table and "281100002" not in table.split('name="town_code"')[0]


def test_correction_takes_wareki_and_words_for_sex(household: Any, login_as: Any, make_staff: Any) -> None:
    """Consistency: 職権修正 of the 生年月日 typed in 和暦 and of the 性別 typed 女 reach the 決裁 queue as the
    command's values; the queue shows them in words."""
    client = login_as("counter")
    setai = household.setai_numbers[0]
    taro = Resident.objects.get(name="青木 太郎").atena_number
    sent = {"step": "confirm", **RECEIVED, "setai": setai, "moved_on": "令和8年11月20日", "atena_number": taro,
            "kind": "ex_officio", "item": "birth_date", "value": "昭和55年1月8日"}
    html = client.post("/registry/changes/correct/", sent).content.decode()
    assert "まだ記録されていません" in html and "昭和55年1月8日" in html and "1980-01-08" not in html
    token = html.split('name="token" value="')[1].split('"')[0]
    client.post("/registry/changes/correct/", {"step": "commit", "token": token, "setai": setai})
    assert PendingChange.objects.get().command["changes"] == {"birth_date": "1980-01-08"}
    html = client.post("/registry/changes/correct/", {**sent, "item": "sex", "value": "女"}).content.decode()
    assert "まだ記録されていません" in html and "<td>女</td>" in html
    html = client.post("/registry/changes/correct/", {**sent, "item": "sex", "value": "X"}).content.decode()
    assert "性別は「男」または「女」と入力してください" in html
