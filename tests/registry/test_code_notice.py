"""住民票コード通知票等 on PostgreSQL (標準仕様書 4.3.3, j890): offered on the history row that wrote or changed the
code, printed (PDF) again as often as asked, each print in 交付履歴 (j300, 20.4.1–20.4.3); 発行抑止 refuses it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.registry import code_notices
from jichitai.registry.domain import NewPerson
from jichitai.registry.domain.commands import ChangeJuminhyoCode
from jichitai.registry.domain.errors import RegistryError, SuppressedError
from jichitai.registry.models import CertificateIssuance, ResidentHistory
from jichitai.registry.services import apply
from tests.registry.certificates.factories import pdf_pages
from tests.registry.conftest import move_in_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def coded(towns: Any, clerk: Any) -> str:
    """青木 一郎 moved in with his 住民票コード, then asked for a new one (変更請求)."""
    atena = apply(move_in_command(persons=(NewPerson("青木 一郎", "アオキ イチロウ", dt.date(1975, 6, 1), "M", "世帯主",
                                                     juminhyo_code="12345678903"),)), actor=clerk).atena_numbers[0]
    apply(ChangeJuminhyoCode(moved_on=dt.date(2026, 12, 2), atena_number=atena, juminhyo_code="22222222226",
                             kind="change_request"), actor=clerk)
    return atena


def flat(pdf: bytes, tmp_path: Any) -> str:
    return "".join("".join(pdf_pages(pdf, tmp_path)).split())


def test_the_notice_and_the_change_notice_are_offered_printed_and_recorded(coded: str, clerk: Any, tmp_path: Any) -> None:
    """independent: j890 (通知票 on 新規付番, 変更通知票 on 変更; 再出力), j300 (交付履歴 of 20.4.1/20.4.2)."""
    history = list(ResidentHistory.objects.filter(atena_number=coded))
    assert code_notices.offered(history) == {1: "住民票コード通知票", 2: "住民票コード変更通知票"}
    first = code_notices.issue(actor=clerk, atena_number=coded, history_no=1, terminal="本庁1")
    text = flat(first.pdf, tmp_path)
    assert "住民票コード通知票" in text and "12345678903" in text
    assert "青木一郎様" in text and "昭和50年6月1日" in text and "兵庫県神戸市中央区加納町1番地" in text
    assert "第30条の3第3項" in text and "記載年月日" in text and "兵庫県神戸市長" in text
    assert CertificateIssuance.objects.get().issue_number.split("-")[1] in text      # 発行番号 (j1040)
    change = flat(code_notices.issue(actor=clerk, atena_number=coded, history_no=2).pdf, tmp_path)
    assert "住民票コード変更通知票" in change and "2222" in change and "令和8年12月2日" in change
    code_notices.issue(actor=clerk, atena_number=coded, history_no=2)               # 再出力
    kinds = list(CertificateIssuance.objects.order_by("issued_at", "pk").values_list("kind", flat=True))
    assert kinds == ["juminhyo_code_tsuchi", "juminhyo_code_henko", "juminhyo_code_henko"]
    reissue = AuditEntry.objects.filter(action="registry.certificate.issue", outcome="ok").last()
    assert reissue is not None and reissue.detail["reissue"] is True


def test_no_notice_for_a_row_that_did_not_touch_the_code(household: Any, clerk: Any) -> None:
    """independent: j890 — the 転入 without a code gives nothing; nothing recorded."""
    with pytest.raises(RegistryError, match="住民票コードを記載・変更していない"):
        code_notices.issue(actor=clerk, atena_number=household.atena_numbers[0], history_no=1)
    assert not CertificateIssuance.objects.exists()


def test_issuance_suppression_refuses_and_support_does_not(coded: str, clerk: Any, protect: Callable[..., Any],
                                                           make_staff: Callable[..., Any]) -> None:
    """independent: j410 発行抑止 stops issuance; the notice goes to the person themself (支援措置 allows 本人)."""
    protect(coded, kind="support")
    code_notices.issue(actor=clerk, atena_number=coded, history_no=1)
    protect(coded, kind="issuance")
    with pytest.raises(SuppressedError, match="発行抑止"):
        code_notices.issue(actor=clerk, atena_number=coded, history_no=1)
    assert CertificateIssuance.objects.count() == 1


def test_offered_on_the_resident_page_and_printed_by_post(coded: str, login_as: Any) -> None:
    """consistency: the resident page's history rows carry the buttons; POST answers the PDF."""
    client = login_as("counter")
    page = client.get(f"/registry/residents/{coded}/").content.decode()
    assert "住民票コード通知票" in page and "住民票コード変更通知票" in page
    response = client.post(f"/registry/residents/{coded}/code-notice/2/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client.post(f"/registry/residents/{coded}/code-notice/9/").status_code == 400
