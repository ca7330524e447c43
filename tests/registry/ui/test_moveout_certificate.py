"""The 転出証明書 at the counter (標準仕様書 4.1.3.0.3, j660): recording a 転出 leads straight to its issuance
(処理の一連の流れで出力), the resident page offers it to a 転出予定者, and the answer is the PDF."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jichitai.registry.models import CertificateIssuance
from tests.registry.counter_browser import CERT_RECEIVED, RECEIVED

pytestmark = pytest.mark.django_db


def _token(html: str) -> str:
    return html.split('name="token" value="')[1].split('"')[0]


def _move_out(client: Any, household: Any, moved_on: dt.date) -> Any:
    setai = household.setai_numbers[0]
    data = {"step": "confirm", **RECEIVED, "setai": setai, "moved_on": moved_on.isoformat(),
            "notified_on": timezone.localdate().isoformat(), "atena_numbers": household.atena_numbers,
            "destination_address": "京都府京都市左京区", "destination_municipality_code": "26103"}
    confirm = client.post("/registry/changes/move-out/", data).content.decode()
    return client.post("/registry/changes/move-out/", {"step": "commit", "token": _token(confirm), "setai": setai})


def test_recording_a_move_out_leads_to_its_certificate(household: Any, login_as: Any) -> None:
    client = login_as("counter")
    done = _move_out(client, household, timezone.localdate())
    taro = household.atena_numbers[0]
    assert done.status_code == 302 and done["Location"] == f"/registry/residents/{taro}/moveout-certificate/"
    form = client.get(done["Location"]).content.decode()
    assert "転出証明書の交付" in form
    pdf = client.post(done["Location"], {**CERT_RECEIVED, "requester_kind": "self", "requester_name": "青木 太郎",
                                         "purpose": "転入届に添付"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"
    assert CertificateIssuance.objects.get().kind == "tenshutsu"
    page = client.get(f"/registry/residents/{taro}/").content.decode()
    assert "転出証明書を交付" in page and "<td>転出証明書</td>" in page   # 交付履歴 (j360) names the kind


def test_resident_page_offers_it_to_a_planned_departure_only(household: Any, login_as: Any) -> None:
    client = login_as("counter")
    hanako = household.atena_numbers[1]
    assert "転出証明書を交付" not in client.get(f"/registry/residents/{hanako}/").content.decode()
    refused = client.post(f"/registry/residents/{hanako}/moveout-certificate/", {**CERT_RECEIVED, "requester_kind": "self"})
    assert refused.status_code == 400 and "転出の届出がされていない" in refused.content.decode()
    _move_out(client, household, timezone.localdate() + dt.timedelta(days=5))
    assert "転出証明書を交付" in client.get(f"/registry/residents/{hanako}/").content.decode()
