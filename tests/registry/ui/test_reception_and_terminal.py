"""Issue 22 item 5: 届出人・本人確認・手数料 recorded with every 異動 and every certificate (住民基本台帳法第27条第2項・
第3項, 第12条第3項); the 入力端末 and the 発行番号's 発行端末名 from the terminals the city registered (標準仕様書
1.3.1 j230, 5.5 j1040), never the client's address; the city's 公印 or its chosen 「公印省略」 (5.6 j1050)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from jichitai.audit.models import AuditEntry
from jichitai.registry.models import CertificateIssuance, ResidentHistory, Terminal
from tests.registry.counter_browser import CERT_RECEIVED
from tests.registry.ui.test_changes import MOVE_IN, _token

pytestmark = pytest.mark.django_db


def test_move_in_records_notifier_identity_and_fee_on_history_and_audit(towns: Any, login_as: Any) -> None:
    """Independent: 第27条第3項 — a 代理人 must be named; the documents shown are kept as the clerk chose them."""
    client = login_as("counter")
    Terminal.objects.create(name="本庁1", place="本庁 市民課", address="127.0.0.1")
    agent = {**MOVE_IN, "r-notifier_kind": "agent", "r-notifier_name": "",
             "r-identity_documents": ["drivers_license", "proxy_letter"]}
    html = client.post("/registry/changes/move-in/", agent).content.decode()
    assert "代理人・使者の場合は届出人の氏名を入力してください" in html and "まだ記録されていません" not in html
    html = client.post("/registry/changes/move-in/", {**agent, "r-notifier_name": "代理 花子"}).content.decode()
    assert "まだ記録されていません" in html and "代理人・使者 代理 花子" in html
    assert "運転免許証・委任状（代理人）" in html and "0円" in html
    client.post("/registry/changes/move-in/", {"step": "commit", "token": _token(html)})
    rows = ResidentHistory.objects.filter(reason="move_in_domestic")
    assert rows.count() == 2
    assert {(r.notifier_kind, r.notifier_name, r.identity_documents, r.fee, r.terminal) for r in rows} == {
        ("agent", "代理 花子", "drivers_license,proxy_letter", 0, "本庁1")}
    entry = AuditEntry.objects.filter(action="registry.change", outcome="ok").latest("pk")
    assert entry.detail["reception"]["notifier_name"] == "代理 花子" and entry.detail["terminal"] == "本庁1"
    resident = client.get(f"/registry/residents/{rows[0].atena_number}/").content.decode()
    assert "代理 花子" in resident and "運転免許証" in resident


def test_a_notification_without_identity_check_is_refused(towns: Any, login_as: Any) -> None:
    """Independent: 第27条第2項 — the 本人確認 of the person at the counter is asked for every 届出."""
    client = login_as("counter")
    html = client.post("/registry/changes/move-in/", {**MOVE_IN, "r-identity_documents": []}).content.decode()
    assert "本人確認の方法（書類の種類）を選択してください" in html and "まだ記録されていません" not in html


def test_certificate_records_identity_fee_and_the_registered_terminal(household: Any, login_as: Any,
                                                                      tmp_path: Path) -> None:
    """Consistency: the 交付履歴 keeps the documents and 手数料; the 発行番号 printed carries the terminal's name."""
    Terminal.objects.create(name="東灘3", place="東灘区役所", address="127.0.0.1")
    client = login_as("counter")
    setai = household.setai_numbers[0]
    form = client.get(f"/registry/households/{setai}/certificate/").content.decode()
    assert 'name="r-fee" value="300"' in form                    # the city's fee (certifiers.yaml) to start with
    response = client.post(f"/registry/households/{setai}/certificate/", {
        **CERT_RECEIVED, "format": "setai_renki", "members": household.atena_numbers, "requester_kind": "self",
        "omit": ["honseki", "my_number", "juminhyo_code"]})
    assert response["Content-Type"] == "application/pdf"
    issued = CertificateIssuance.objects.get()
    assert (issued.identity_documents, issued.fee, issued.terminal) == ("drivers_license", 300, "東灘3")
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "東灘3" in text and "127.0.0.1" not in text
    assert "公印省略" not in text                                    # a seal is registered (the sample one here)


def test_an_unregistered_terminal_is_named_so_not_by_its_address(household: Any, login_as: Any) -> None:
    """Consistency: no Terminal for 127.0.0.1 → 「未登録端末」 in the 交付履歴, not the IP address."""
    client = login_as("counter")
    setai = household.setai_numbers[0]
    client.post(f"/registry/households/{setai}/certificate/", {
        **CERT_RECEIVED, "format": "setai_renki", "members": household.atena_numbers, "requester_kind": "self",
        "omit": ["honseki", "my_number", "juminhyo_code"]}, HTTP_X_JICHITAI_TERMINAL="偽の端末")
    assert CertificateIssuance.objects.get().terminal == "未登録端末"


def test_seal_omitted_only_where_the_city_chooses_it(household: Any, login_as: Any, settings: Any,
                                                      tmp_path: Path) -> None:
    """Independent: 標準仕様書 5.6 (j1050) — 「公印省略」 is a wording the city may choose; without a seal and without
    that choice nothing is issued."""
    import dataclasses

    client = login_as("counter")
    setai = household.setai_numbers[0]
    data = {**CERT_RECEIVED, "format": "setai_renki", "members": household.atena_numbers, "requester_kind": "self",
            "omit": ["honseki", "my_number", "juminhyo_code"]}
    production = dataclasses.replace(settings.CONFIG, mode="production", seal_image="", seal_omitted=False)
    with override_settings(CONFIG=production):
        refused = client.post(f"/registry/households/{setai}/certificate/", data)
        assert refused.status_code == 503 and "公印の画像が登録されていません" in refused.content.decode()
    assert not CertificateIssuance.objects.exists()
    with override_settings(CONFIG=dataclasses.replace(settings.CONFIG, seal_omitted=True)):
        response = client.post(f"/registry/households/{setai}/certificate/", data)
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "公印省略" in text
