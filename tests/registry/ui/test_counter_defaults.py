"""Issue 22 item 5: the counter's forms start from defaults that follow the entry (標準仕様書 4.1 異動の入力), the 町字
picker's answer (住所辞書, j250), and the 続柄 editor (j730) — through Django's test client."""

from __future__ import annotations

import re
from typing import Any

import pytest

from jichitai.registry.models import Resident
from tests.registry.counter_browser import RECEIVED
from tests.registry.ui.test_changes import MOVE_IN

pytestmark = pytest.mark.django_db


def _selected(html: str, name: str) -> str:
    """The value a <select name=…> shows as chosen ("" for none)."""
    select = html.split(f'name="{name}"')[1].split("</select>")[0]
    found = re.search(r'<option value="([^"]*)"[^>]*selected', select)
    return found.group(1) if found else ""


def test_a_newborn_starts_as_child_with_no_sex_chosen(household: Any, login_as: Any) -> None:
    """Consistency: the 出生 form starts its one slot as 子 (the old form put 世帯主 and 男 in every slot, a newborn
    included); the sex is the clerk's to choose."""
    html = login_as("counter").get(f"/registry/changes/birth/?setai={household.setai_numbers[0]}").content.decode()
    assert _selected(html, "p1-relationship") == "子" and _selected(html, "p1-sex") == ""


def test_move_in_first_person_head_others_empty(towns: Any, login_as: Any) -> None:
    """Consistency: 転入 starts its first slot as 世帯主 and leaves the others' 続柄 and every sex unchosen."""
    html = login_as("counter").get("/registry/changes/move-in/").content.decode()
    assert _selected(html, "p1-relationship") == "世帯主"
    assert [_selected(html, f"p{i}-relationship") for i in (2, 3, 4)] == ["", "", ""]
    assert [_selected(html, f"p{i}-sex") for i in (1, 2, 3, 4)] == ["", "", "", ""]


def test_a_minor_left_without_relationship_is_taken_as_child(towns: Any, login_as: Any) -> None:
    """Independent: under 18 (民法第4条) a 続柄 left empty is 子, shown on the confirmation page before anything is
    recorded; an adult's empty 続柄 is an error in Japanese."""
    client = login_as("counter")
    minor = {**MOVE_IN, "p2-name": "山田 夏子", "p2-kana": "", "p2-birth_date": "令和2年1月1日", "p2-relationship": ""}
    html = client.post("/registry/changes/move-in/", minor).content.decode()
    assert "まだ記録されていません" in html and "山田 夏子" in html and "<td>子</td>" in html
    adult = {**MOVE_IN, "p2-relationship": ""}
    html = client.post("/registry/changes/move-in/", adult).content.decode()
    assert "異動者2の続柄" in html and "続柄を選択してください" in html
    assert not Resident.objects.exists()


def test_move_within_does_not_prefill_the_target_household(household: Any, login_as: Any) -> None:
    """Consistency: opened from a household, the 転居 form ticks every member and leaves 「転居先の既存世帯」 empty;
    sent as shown (with the new address), it reaches the confirmation step instead of a refusal."""
    client = login_as("counter")
    setai = household.setai_numbers[0]
    html = client.get(f"/registry/changes/move-within/?setai={setai}").content.decode()
    assert f'name="setai_number" value="{setai}"' not in html
    assert html.count('name="atena_numbers"') == 2 and html.count("checked") >= 2
    sent = {"step": "confirm", **RECEIVED, "setai": setai, "moved_on": "令和8年11月20日", "town_code": "281100002",
            "banchi": "9番地", "atena_numbers": household.atena_numbers, "setai_number": ""}
    assert "まだ記録されていません" in client.post("/registry/changes/move-within/", sent).content.decode()


def test_town_lookup_by_kana_postcode_and_name_in_town_order(towns: Any, login_as: Any) -> None:
    """Independent: the fixture's 住所辞書 rows (Kobe's 町字, their よみ and 郵便番号); the order is the dictionary's
    町字コード order, not the name's character order."""
    client = login_as("counter")

    def labels(q: str) -> list[str]:
        answer = client.get("/registry/towns/", {"q": q}).json()
        return [t["label"] for t in answer["towns"]]

    assert labels("すみよし") == ["東灘区 住吉宮町（〒658-0051）"]
    assert labels("ｻﾝﾉﾐﾔ") == ["中央区 三宮町（〒650-0021）"]
    assert labels("〒650-0001") == ["中央区 加納町（〒650-0001）"]
    assert labels("650") == ["中央区 加納町（〒650-0001）", "中央区 三宮町（〒650-0021）"]
    assert labels("町") == ["東灘区 住吉宮町（〒658-0051）", "中央区 加納町（〒650-0001）", "中央区 三宮町（〒650-0021）"]
    assert labels("") == [] and labels("存在しない") == []


def test_relationship_editor_changes_only_the_chosen(household: Any, login_as: Any) -> None:
    """Consistency: 世帯主変更 through the per-member selects; a member left at 「変更しない」 keeps their 続柄."""
    client = login_as("counter")
    setai = household.setai_numbers[0]
    taro, hanako = (Resident.objects.get(name=n).atena_number for n in ("青木 太郎", "青木 花子"))
    html = client.get(f"/registry/changes/head-change/?setai={setai}").content.decode()
    assert f'name="rel_{taro}"' in html and "宛名番号:続柄" not in html
    sent = {"step": "confirm", **RECEIVED, "setai": setai, "moved_on": "令和8年11月25日", "setai_number": setai,
            "new_head": hanako, f"rel_{taro}": "夫", f"rel_{hanako}": "世帯主"}
    html = client.post("/registry/changes/head-change/", sent).content.decode()
    assert "まだ記録されていません" in html
    token = html.split('name="token" value="')[1].split('"')[0]
    client.post("/registry/changes/head-change/", {"step": "commit", "token": token, "setai": setai})
    assert dict(Resident.objects.values_list("name", "relationship")) == {"青木 太郎": "夫", "青木 花子": "世帯主"}
