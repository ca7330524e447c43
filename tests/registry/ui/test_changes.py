"""異動 forms: confirmation before commit (j540), refusals in Japanese that change nothing, 職権 changes through
the 決裁 queue (j530), the certificate page answering with the PDF."""

from __future__ import annotations

import re
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.registry.models import CertificateIssuance, PendingChange, Resident, ResidentHistory
from tests.registry.counter_browser import CERT_RECEIVED, RECEIVED
from tests.staff_login import log_in_verified

pytestmark = pytest.mark.django_db

MOVE_IN = {
    "step": "confirm", **RECEIVED, "moved_on": "令和8年11月2日", "notified_on": "2026-11-05",
    "previous_address": "大阪府大阪市北区梅田1丁目", "previous_municipality_code": "27127",
    "town_code": "281100002", "banchi": "3番地", "katagaki": "三宮ハイツ5号",
    "p1-name": "山田 一郎", "p1-kana": "ヤマダ イチロウ", "p1-birth_date": "平成2年4月5日", "p1-sex": "M",
    "p1-relationship": "世帯主", "p1-resident_kind": "japanese",
    "p2-name": "山田 春子", "p2-kana": "ヤマダ ハルコ", "p2-birth_date": "1992-06-07", "p2-sex": "F",
    "p2-relationship": "妻", "p2-resident_kind": "japanese",
}


def _token(html: str) -> str:
    return html.split('name="token" value="')[1].split('"')[0]


def test_hiragana_kana_is_taken_as_katakana_on_entry(towns: Any, login_as: Any) -> None:
    """Issue 22 item 5: フリガナ typed in hiragana is recorded in katakana (the register's form, 標準仕様書 1.1.18),
    not refused."""
    client = login_as("counter")
    typed = {**MOVE_IN, "p1-kana": "やまだ いちろう", "p2-kana": "ヤマダ はるこ"}
    html = client.post("/registry/changes/move-in/", typed).content.decode()
    assert "カタカナで入力してください" not in html and "ヤマダ イチロウ" in html
    client.post("/registry/changes/move-in/", {"step": "commit", "token": _token(html)})
    assert sorted(Resident.objects.values_list("kana", flat=True)) == ["ヤマダ イチロウ", "ヤマダ ハルコ"]


def test_a_name_outside_the_standard_characters_is_refused_at_the_counter(towns: Any, login_as: Any) -> None:
    """文字要件 (標準仕様書 1.4; issue 22 item 3). Independent: U+E000 is private use (a legacy 外字), 김 Hangul and
    葛 U+E0100 an Adobe-Japan1 sequence, none in the MJ文字情報一覧表 or JIS X 0213: the page says which item and
    which character, and nothing is recorded. Half-width katakana in a reading is taken as full-width."""
    client = login_as("counter")
    html = client.post("/registry/changes/move-in/", {**MOVE_IN, "p1-name": "山田 \ue000郎"}).content.decode()
    assert "U+E000" in html and "外字は使えません" in html  # private use: refused before any form (InputGuard)
    assert "外字（私用領域の文字）" in html and "p1-name" not in html  # in words, no internal item name
    html = client.post("/registry/changes/move-in/", {**MOVE_IN, "p2-name": "김 春子"}).content.decode()
    assert "氏名の『김』(U+AE40) は行政事務標準文字にありません" in html
    assert not Resident.objects.exists()
    html = client.post("/registry/changes/move-in/", {**MOVE_IN, "katagaki": "葛\U000E0100ハイツ"}).content.decode()
    assert "方書の『葛\U000E0100』(U+845B U+E0100) は行政事務標準文字にありません" in html
    typed = {**MOVE_IN, "p1-name": "葛\U000E0102西 一郎", "p1-kana": "ｶｻｲ ｲﾁﾛｳ"}
    html = client.post("/registry/changes/move-in/", typed).content.decode()
    client.post("/registry/changes/move-in/", {"step": "commit", "token": _token(html)})
    assert Resident.objects.get(name="葛\U000E0102西 一郎").kana == "カサイ イチロウ"


def test_move_in_is_confirmed_before_it_is_recorded(towns: Any, login_as: Any) -> None:
    client = login_as("counter")
    confirm = client.post("/registry/changes/move-in/", MOVE_IN)
    html = confirm.content.decode()
    assert confirm.status_code == 200 and "まだ記録されていません" in html and "国内転入" in html
    assert "山田 春子" in html and "中央区三宮町3番地" in html
    assert not Resident.objects.exists()                      # nothing written at the confirmation step
    done = client.post("/registry/changes/move-in/", {"step": "commit", "token": _token(html)})
    assert done.status_code == 302
    head = Resident.objects.get(name="山田 一郎")
    assert done["Location"] == f"/registry/residents/{head.atena_number}/"
    assert ResidentHistory.objects.filter(reason="move_in_domestic").count() == 2
    assert ResidentHistory.objects.get(atena_number=head.atena_number).terminal  # 入力端末 recorded


def test_refusal_shows_the_reason_and_changes_nothing(towns: Any, login_as: Any) -> None:
    client = login_as("counter")
    bad = {**MOVE_IN, "p2-birth_date": "令和8年12月1日"}          # born after the 異動日
    html = client.post("/registry/changes/move-in/", bad).content.decode()
    assert "受け付けできません" in html and "生年月日" in html and "異動日" in html
    assert not Resident.objects.exists() and not ResidentHistory.objects.exists()


def test_future_move_date_refused(towns: Any, login_as: Any) -> None:
    html = login_as("counter").post("/registry/changes/move-in/", {**MOVE_IN, "moved_on": "2099-01-01"}).content
    assert "処理日" in html.decode() and not Resident.objects.exists()


def test_tampered_confirmation_is_refused(towns: Any, login_as: Any) -> None:
    client = login_as("counter")
    html = client.post("/registry/changes/move-in/", MOVE_IN).content.decode()
    token = _token(html)
    response = client.post("/registry/changes/move-in/", {"step": "commit", "token": token[:-3] + "AAA"})
    assert response.status_code == 302 and not Resident.objects.exists()


def test_move_within_from_household(household: Any, login_as: Any) -> None:
    client = login_as("counter")
    setai = household.setai_numbers[0]
    form = client.get(f"/registry/changes/move-within/?setai={setai}").content.decode()
    assert "青木 花子（妻）" in form
    data = {"step": "confirm", **RECEIVED, "setai": setai, "moved_on": "令和8年11月20日", "notified_on": "令和8年11月21日",
            "atena_numbers": household.atena_numbers, "town_code": "281100002", "banchi": "9番地"}
    html = client.post("/registry/changes/move-within/", data).content.decode()
    assert "転居" in html
    client.post("/registry/changes/move-within/", {"step": "commit", "token": _token(html), "setai": setai})
    assert set(Resident.objects.values_list("banchi", flat=True)) == {"9番地"}


def test_ex_officio_correction_goes_to_approval(household: Any, login_as: Any, make_staff: Any) -> None:
    clerk = login_as("counter")
    setai, atena = household.setai_numbers[0], household.atena_numbers[1]
    data = {"step": "confirm", **RECEIVED, "setai": setai, "moved_on": "令和8年11月20日", "atena_number": atena,
            "kind": "ex_officio", "item": "name", "value": "青木 華子"}
    html = clerk.post("/registry/changes/correct/", data).content.decode()
    assert "決裁に回す" in html
    response = clerk.post("/registry/changes/correct/", {"step": "commit", "token": _token(html), "setai": setai})
    assert response.status_code == 302
    pending = PendingChange.objects.get()
    assert pending.state == "pending" and Resident.objects.get(pk=atena).name == "青木 花子"
    assert clerk.get("/registry/approvals/").status_code == 403
    boss = make_staff(roles=["supervisor"])
    log_in_verified(clerk, boss)
    assert "青木 華子" in clerk.get("/registry/approvals/").content.decode()
    clerk.post(f"/registry/approvals/{pending.pk}/decide/", {"decision": "approve", "note": "戸籍で確認"})
    pending.refresh_from_db()
    assert pending.state == "approved" and pending.decided_by == boss and pending.change_id
    assert Resident.objects.get(pk=atena).name == "青木 華子"
    history = ResidentHistory.objects.get(atena_number=atena, history_no=2)
    assert history.reason == "ex_officio_correction" and history.entered_by.endswith(pending.requested_by.username)
    assert AuditEntry.objects.filter(action="registry.approve", outcome="ok").exists()


def test_supervisor_cannot_approve_own_request(household: Any, login_as: Any) -> None:
    boss = login_as("supervisor")
    setai, atena = household.setai_numbers[0], household.atena_numbers[1]
    data = {"step": "confirm", **RECEIVED, "setai": setai, "moved_on": "令和8年11月20日", "atena_number": atena,
            "kind": "clerical", "item": "kana", "value": "アオキ ハナ"}
    html = boss.post("/registry/changes/correct/", data).content.decode()
    boss.post("/registry/changes/correct/", {"step": "commit", "token": _token(html), "setai": setai})
    pending = PendingChange.objects.get()
    page = boss.post(f"/registry/approvals/{pending.pk}/decide/", {"decision": "approve"}, follow=True)
    assert "起案者本人は決裁できません" in page.content.decode()
    pending.refresh_from_db()
    assert pending.state == "pending"


def test_certificate_page_returns_pdf(household: Any, login_as: Any) -> None:
    client = login_as("counter")
    setai = household.setai_numbers[0]
    form = client.get(f"/registry/households/{setai}/certificate/").content.decode()
    assert "世帯連記式" in form and "個人票" in form and "個人番号" in form
    response = client.post(f"/registry/households/{setai}/certificate/", {
        **CERT_RECEIVED, "format": "kojin", "members": household.atena_numbers, "omit": ["honseki", "my_number", "juminhyo_code"],
        "requester_kind": "self", "requester_name": "青木 太郎", "purpose": "就職"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert CertificateIssuance.objects.count() == 2


def test_certificate_refusal_is_shown(household: Any, login_as: Any) -> None:
    client = login_as("counter")
    setai = household.setai_numbers[0]
    response = client.post(f"/registry/households/{setai}/certificate/", {
        **CERT_RECEIVED, "format": "setai_renki", "members": household.atena_numbers, "requester_kind": "third_party"})
    assert response.status_code == 400 and "第12条の3" in response.content.decode()
    assert not CertificateIssuance.objects.exists()


def _draft(html: str) -> str:
    return html.split('name="draft" value="')[1].split('"')[0]


def test_back_to_input_returns_the_form_with_everything_typed(towns: Any, login_as: Any) -> None:
    """j540 (入力確認・修正: 入力内容を修正できること): 「入力に戻る」 reopens the 転入 form with every item of every
    person as typed (和暦 as typed, the 町字 chosen), and nothing is recorded."""
    client = login_as("counter")
    confirm = client.post("/registry/changes/move-in/", MOVE_IN).content.decode()
    assert "入力に戻る" in confirm
    form = client.post("/registry/changes/move-in/", {"step": "commit", "token": _token(confirm),
                                                      "draft": _draft(confirm), "back": "1"})
    html = form.content.decode()
    assert form.status_code == 200 and "転入の入力" in html and "まだ記録されていません" not in html
    for value in ("令和8年11月2日", "2026-11-05", "大阪府大阪市北区梅田1丁目", "27127", "3番地", "三宮ハイツ5号",
                  "山田 一郎", "ヤマダ イチロウ", "平成2年4月5日", "山田 春子", "ヤマダ ハルコ", "1992-06-07", "妻"):
        assert f'value="{value}"' in html, value
    assert '<option value="281100002" selected>' in html
    assert "この項目は必須です" not in html and "errorlist" not in html  # the empty 3rd and 4th slots stay quiet
    assert not Resident.objects.exists() and not ResidentHistory.objects.exists()
    again = client.post("/registry/changes/move-in/", {**MOVE_IN, "banchi": "4番地"}).content.decode()
    assert "中央区三宮町4番地" in again  # corrected and confirmed again


def test_back_to_input_keeps_the_members_chosen(household: Any, login_as: Any) -> None:
    """The same for a multi-person form opened from a household: the 異動者 ticked stay ticked."""
    client = login_as("counter")
    setai = household.setai_numbers[0]
    taro, hanako = household.atena_numbers
    data = {"step": "confirm", **RECEIVED, "setai": setai, "moved_on": "令和8年11月20日", "notified_on": "令和8年11月21日",
            "atena_numbers": [hanako], "destination_address": "京都府京都市左京区", "destination_municipality_code": "26103"}
    confirm = client.post("/registry/changes/move-out/", data).content.decode()
    assert "国内転出" in confirm
    html = client.post("/registry/changes/move-out/", {"draft": _draft(confirm), "setai": setai,
                                                       "back": "1"}).content.decode()
    boxes = dict(re.findall(r'name="atena_numbers" value="(\d+)"[^>]*?( checked)?>', html))
    assert boxes == {taro: "", hanako: " checked"}
    assert 'value="京都府京都市左京区"' in html and 'value="令和8年11月20日"' in html


def test_back_with_a_forged_draft_gives_an_empty_form(towns: Any, login_as: Any) -> None:
    client = login_as("counter")
    html = client.post("/registry/changes/move-in/", {"draft": "forged", "back": "1"}, follow=True).content.decode()
    assert "有効期限が切れたか、内容が改変されています" in html and 'value="山田 一郎"' not in html


def test_refusal_at_the_record_step_keeps_the_input(household: Any, login_as: Any, clerk: Any) -> None:
    """If the records changed between confirmation and record, the refusal shows the form as typed."""
    import datetime as dt

    from jichitai.registry.domain import RecordDeath
    from jichitai.registry.services import apply

    client = login_as("counter")
    setai = household.setai_numbers[0]
    hanako = household.atena_numbers[1]
    data = {"step": "confirm", **RECEIVED, "setai": setai, "moved_on": "令和8年11月20日", "notified_on": "令和8年11月21日",
            "atena_numbers": [hanako], "destination_address": "京都府京都市左京区", "destination_municipality_code": "26103"}
    confirm = client.post("/registry/changes/move-out/", data).content.decode()
    # another clerk can record only once this clerk's 排他制御 lock (10.3) has lapsed (they left the confirmation
    # open): the version check at the record step then refuses the stale confirmation
    from django.utils import timezone

    from jichitai.registry.models import EditLock

    EditLock.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    apply(RecordDeath(moved_on=dt.date(2026, 11, 25), atena_number=hanako), actor=clerk)
    refused = client.post("/registry/changes/move-out/", {"step": "commit", "token": _token(confirm),
                                                          "draft": _draft(confirm), "setai": setai})
    html = refused.content.decode()
    assert refused.status_code == 409 and "受け付けできません" in html and "既に死亡により消除" in html
    assert 'value="京都府京都市左京区"' in html and 'value="26103"' in html


def test_future_move_out_at_the_counter_shows_the_planned_day(household: Any, login_as: Any) -> None:
    """j640/j50: the confirmation says the person stays a resident until the 転出予定日; the resident page then
    shows 住民（転出予定 …） and the 転出先住所（予定）."""
    import datetime as dt

    from django.utils import timezone

    from jichitai.common.wareki import to_wareki

    client = login_as("counter")
    setai = household.setai_numbers[0]
    hanako = household.atena_numbers[1]
    today = timezone.localdate()
    planned = today + dt.timedelta(days=7)
    data = {"step": "confirm", **RECEIVED, "setai": setai, "moved_on": planned.isoformat(), "notified_on": today.isoformat(),
            "atena_numbers": [hanako], "destination_address": "京都府京都市左京区", "destination_municipality_code": "26103"}
    too_far = {**data, "moved_on": (today + dt.timedelta(days=15)).isoformat()}
    refused = client.post("/registry/changes/move-out/", too_far).content.decode()
    assert "受け付けできません" in refused and "14日前から受け付けます" in refused
    assert f'value="{(today + dt.timedelta(days=15)).isoformat()}"' in refused  # the form as typed, to correct
    confirm = client.post("/registry/changes/move-out/", data).content.decode()
    assert "住民として世帯に記録され（転出予定）" in confirm and "除票となります" in confirm
    done = client.post("/registry/changes/move-out/", {"step": "commit", "token": _token(confirm), "setai": setai})
    assert done.status_code == 302 and done["Location"] == f"/registry/residents/{hanako}/"
    page = client.get(done["Location"]).content.decode()
    assert f"住民（転出予定 {to_wareki(planned)}）" in page and "転出先住所（予定）" in page
    assert Resident.objects.get(pk=hanako).status == "active"
