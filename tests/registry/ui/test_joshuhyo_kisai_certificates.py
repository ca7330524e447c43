"""The counter's pages for the 住民票記載事項証明書 and the 住民票の除票の写し / 除票記載事項証明書 (j1000): offered in
Japanese on the resident and household pages by the state of the record, the form, the PDF as the answer, the
refusal's reason on the form, 交付履歴 on the resident page (j360)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from jichitai.common.wareki import to_wareki
from jichitai.registry.domain import RecordMoveOut
from jichitai.registry.models import CertificateIssuance
from jichitai.registry.services import apply
from tests.registry.certificates.factories import pdf_pages
from tests.registry.counter_browser import CERT_RECEIVED

pytestmark = pytest.mark.django_db


def _move_out(household: Any, clerk: Any) -> None:
    today = timezone.localdate()
    apply(RecordMoveOut(moved_on=today, notified_on=today, atena_numbers=tuple(household.atena_numbers),
                        destination_address="京都府京都市左京区吉田本町1番", destination_municipality_code="26103"),
          actor=clerk)


def _text(pdf: bytes, tmp_path: Any) -> str:
    return "".join("".join(pdf_pages(pdf, tmp_path)).split())


def test_kisai_jiko_from_the_resident_page(household: Any, login_as: Any, tmp_path: Any) -> None:
    client = login_as("counter")
    taro = household.atena_numbers[0]
    setai = household.setai_numbers[0]
    page = client.get(f"/registry/residents/{taro}/").content.decode()
    assert "住民票記載事項証明書を交付" in page and "除票" not in page
    assert "住民票記載事項証明書を交付" in client.get(f"/registry/households/{setai}/").content.decode()
    form = client.get(f"/registry/households/{setai}/kisai-jiko/").content.decode()
    assert "住民票記載事項証明書の交付" in form and "証明する事項（氏名は必ず記載）" in form
    assert re.search(r'value="address"[^>]*checked', form) and not re.search(r'value="my_number"[^>]*checked', form)
    assert "省略する項目" not in form and "消除事由" not in form       # no switches, no 除票 items here
    pdf = client.post(f"/registry/households/{setai}/kisai-jiko/", {
        **CERT_RECEIVED, "format": "kojin", "members": [taro], "items": ["address", "birth_date"], "requester_kind": "self",
        "purpose": "勤務先提出"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = _text(pdf.content, tmp_path)
    assert "住民票記載事項証明書" in text and "生年月日昭和55年1月7日" in text and "性別" not in text
    row = CertificateIssuance.objects.get()
    assert (row.kind, row.layout, row.atena_numbers) == ("kisai_jiko", "kojinhyo", [taro])
    history = client.get(f"/registry/residents/{taro}/").content.decode()
    assert "<td>住民票記載事項証明書・個人票</td>" in history


def test_kisai_jiko_without_items_shows_the_reason(household: Any, login_as: Any) -> None:
    setai = household.setai_numbers[0]
    refused = login_as("counter").post(f"/registry/households/{setai}/kisai-jiko/", {
        **CERT_RECEIVED, "format": "setai_renki", "members": household.atena_numbers, "requester_kind": "self"})
    assert refused.status_code == 400 and "記載する事項を選択してください" in refused.content.decode()
    assert not CertificateIssuance.objects.exists()


def test_joshuhyo_from_the_page_of_a_removed_resident(household: Any, clerk: Any, login_as: Any,
                                                      tmp_path: Any) -> None:
    _move_out(household, clerk)
    client = login_as("counter")
    hanako = household.atena_numbers[1]
    page = client.get(f"/registry/residents/{hanako}/").content.decode()
    assert "住民票の除票の写しを交付" in page and "住民票除票記載事項証明書を交付" in page
    assert "住民票の写しを交付" not in page
    form = client.get(f"/registry/residents/{hanako}/joshuhyo/").content.decode()
    assert "住民票の除票の写しの交付" in form and "第15条の4第3項" in form
    assert form.count("checked") >= 2                               # both removed by the same 転出 are ticked
    pdf = client.post(f"/registry/residents/{hanako}/joshuhyo/", {
        **CERT_RECEIVED, "format": "setai_renki", "members": household.atena_numbers, "omit": ["honseki", "juminhyo_code", "my_number"],
        "requester_kind": "self", "requester_name": "青木 花子"})
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    text = _text(pdf.content, tmp_path)
    assert "住民票の除票の写し" in text and "消除事由国内転出" in text and "京都府京都市左京区吉田本町1番" in text
    assert CertificateIssuance.objects.get().kind == "joshuhyo"
    assert "<td>住民票の除票の写し・世帯連記式</td>" in client.get(f"/registry/residents/{hanako}/").content.decode()
    kisai = client.post(f"/registry/residents/{hanako}/joshuhyo-kisai-jiko/", {
        **CERT_RECEIVED, "format": "setai_renki", "members": [hanako], "items": ["address", "removal"], "requester_kind": "self"})
    assert kisai.status_code == 200 and "住民票除票記載事項証明書" in _text(kisai.content, tmp_path)


def test_joshuhyo_asked_for_a_resident_is_refused_on_the_form(household: Any, login_as: Any) -> None:
    client = login_as("counter")
    taro = household.atena_numbers[0]
    refused = client.post(f"/registry/residents/{taro}/joshuhyo/", {
        **CERT_RECEIVED, "format": "setai_renki", "members": [taro], "omit": ["honseki", "juminhyo_code", "my_number"],
        "requester_kind": "self"})
    html = refused.content.decode()
    assert refused.status_code == 400 and "現在も住民票に記載されている" in html and "交付できません" in html
    assert not CertificateIssuance.objects.exists()
    unknown = client.get("/registry/residents/000000000000019/joshuhyo/")
    assert unknown.status_code == 404 and "登録されていません" in unknown.content.decode()


def test_only_staff_who_issue_reach_the_forms(household: Any, login_as: Any) -> None:
    client = login_as("auditor")
    taro, setai = household.atena_numbers[0], household.setai_numbers[0]
    for url in (f"/registry/households/{setai}/kisai-jiko/", f"/registry/residents/{taro}/joshuhyo/",
                f"/registry/residents/{taro}/joshuhyo-kisai-jiko/"):
        assert client.get(url).status_code == 403, url


def test_the_removal_items_are_chosen_one_by_one(household: Any, clerk: Any, login_as: Any, tmp_path: Any) -> None:
    """Independent (j50: 除票固有の記載事項 消除事由・転出先住所（予定）・事由の生じた年月日（転出の場合にあっては、転出予定
    年月日）, 除票のその他の項目 届出の年月日・転入通知年月日・転出年月日; j1000 除票記載事項証明書): the 除票記載事項証明書 form
    offers each 除票 item as its own choice, ticked to start with, the 転出予定年月日 among them; the 住民票記載事項証明書
    form offers none; the clerk who ticks 転出予定年月日 alone gets it printed (with 氏名), nothing else of the 除票."""
    _move_out(household, clerk)
    client = login_as("counter")
    hanako, setai = household.atena_numbers[1], household.setai_numbers[0]
    form = client.get(f"/registry/residents/{hanako}/joshuhyo-kisai-jiko/").content.decode()
    for value, label in (("removal", "消除事由・消除年月日"), ("planned_move_out", "転出予定年月日"),
                         ("destination", "転出先住所（予定）"), ("removal_notified", "消除の届出日"),
                         ("move_in_notice", "転入通知年月日・転出年月日（確定）・転出先住所（確定）")):
        assert re.search(rf'value="{value}"[^>]*checked', form) and label in form, value
    current = client.get(f"/registry/households/{setai}/kisai-jiko/")
    assert current.status_code == 200 and 'value="planned_move_out"' not in current.content.decode()
    pdf = client.post(f"/registry/residents/{hanako}/joshuhyo-kisai-jiko/", {
        **CERT_RECEIVED, "format": "setai_renki", "members": [hanako], "items": ["planned_move_out"],
        "requester_kind": "self"})
    text = _text(pdf.content, tmp_path)
    assert pdf.status_code == 200 and f"転出予定年月日{to_wareki(timezone.localdate())}" in text and "青木花子" in text
    assert "消除事由" not in text and "転出先" not in text and "住所" not in text
