"""The counter's pages for the 住民票記載事項証明書 and the 住民票の除票の写し / 除票記載事項証明書 (j1000): offered in
Japanese on the resident and household pages by the state of the record, the form, the PDF as the answer, the
refusal's reason on the form, 交付履歴 on the resident page (j360)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

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
