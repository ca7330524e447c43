"""住民異動届受理通知 on PostgreSQL (標準仕様書 4.1.0.3, j580): the PDF from a recorded 異動, on the day or later, the
addressee, and the Shield (no protected address, no notice about a protected person)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.registry import receipt_notices
from jichitai.registry.domain import RecordDeath, RecordMoveWithin
from jichitai.registry.domain.errors import RegistryError, SuppressedError
from jichitai.registry.domain.reception import Reception
from jichitai.registry.services import apply
from tests.registry.certificates.factories import pdf_pages
from tests.registry.conftest import move_in_command

pytestmark = pytest.mark.django_db
AGENT = Reception(notifier_kind="agent", notifier_name="代理 一郎", identity_documents=("drivers_license",))


def flat(pdf: bytes, tmp_path: Any) -> str:
    return "".join("".join(pdf_pages(pdf, tmp_path)).split())


@pytest.fixture
def moved_in(towns: Any, clerk: Any) -> Any:
    return apply(move_in_command(), actor=clerk, reception=AGENT)


def test_move_in_by_an_agent_goes_to_the_agent_at_the_former_address(moved_in: Any, clerk: Any, tmp_path: Any) -> None:
    """independent: j580 — 届出日, 異動事由, 届出人氏名, 異動者氏名, 受理した旨; 宛先 異動前住所・届出人本人; later than the
    処理日 (「後日でも発行できること」); the city's 発行者 (certifiers.yaml)."""
    printed = receipt_notices.render(clerk, moved_in.change_id, today=dt.date(2027, 1, 15))
    text = flat(printed.pdf, tmp_path)
    assert "住民異動届受理通知" in text and "受理しました" in text
    assert "大阪府大阪市北区梅田1丁目" in text and "代理一郎様" in text            # 転入前住所, 届出人
    assert "令和8年11月5日" in text and "国内転入" in text and "青木太郎、青木花子" in text
    assert "令和9年1月15日" in text and "兵庫県神戸市長" in text
    assert "加納町" not in text                                               # one address only: the addressee's
    entry = AuditEntry.objects.get(action="registry.receipt_notice", outcome="ok")
    assert set(entry.detail["subjects"]) == set(moved_in.atena_numbers)


def test_move_within_to_the_former_address_or_to_the_person(moved_in: Any, clerk: Any, tmp_path: Any) -> None:
    """independent: j580 — a 転居: the 異動前住所 is the one left; 「送付することが適当でない場合は、異動後住所・異動者本人」."""
    hanako = moved_in.atena_numbers[1]
    move = apply(RecordMoveWithin(moved_on=dt.date(2026, 11, 20), notified_on=dt.date(2026, 11, 21),
                                  atena_numbers=(hanako,), town_code="281100002", banchi="8番地"), actor=clerk,
                 reception=Reception(notifier_kind="self", identity_documents=("my_number_card",)))
    text = flat(receipt_notices.render(clerk, move.change_id).pdf, tmp_path)
    assert "兵庫県神戸市中央区加納町1番地" in text and "青木花子様" in text and "転居" in text and "〒650-0001" in text
    text = flat(receipt_notices.render(clerk, move.change_id, to_person=True).pdf, tmp_path)
    assert "兵庫県神戸市中央区三宮町8番地" in text and "加納町" not in text


def test_no_notice_about_a_protected_mover_nor_to_a_protected_address(
        moved_in: Any, clerk: Any, protect: Callable[..., Any], tmp_path: Any) -> None:
    """independent: 3.4 (j440) — the former address is 太郎's, under 支援措置: refused (audited on the person), the
    notice may go to 花子 at her new address; a notice about a protected 異動者 is refused whoever it goes to."""
    taro, hanako = moved_in.atena_numbers
    move = apply(RecordMoveWithin(moved_on=dt.date(2026, 11, 20), notified_on=dt.date(2026, 11, 21),
                                  atena_numbers=(hanako,), town_code="281100002", banchi="8番地"), actor=clerk,
                 reception=AGENT)
    protect(taro)
    with pytest.raises(SuppressedError, match="支援措置"):
        receipt_notices.render(clerk, move.change_id)
    refused = AuditEntry.objects.get(action="registry.receipt_notice", outcome="refused")
    assert refused.detail["protected_by"] == [taro]
    assert "三宮町8番地" in flat(receipt_notices.render(clerk, move.change_id, to_person=True).pdf, tmp_path)
    with pytest.raises(SuppressedError):
        receipt_notices.render(clerk, moved_in.change_id, to_person=True)   # the 転入 of 太郎 himself
    assert AuditEntry.objects.filter(action="registry.receipt_notice", outcome="ok").count() == 1


def test_a_death_gives_no_notice(moved_in: Any, clerk: Any) -> None:
    """independent: j580 — only 転入・転居・転出・世帯変更 (and 出生, 準ずる証明書); consistency: unknown 異動 refused."""
    hanako = moved_in.atena_numbers[1]
    death = apply(RecordDeath(moved_on=dt.date(2026, 11, 20), notified_on=dt.date(2026, 11, 21), atena_number=hanako),
                  actor=clerk, reception=AGENT)
    with pytest.raises(RegistryError, match="受理通知を出力しません"):
        receipt_notices.render(clerk, death.change_id)
    with pytest.raises(RegistryError, match="記録されていません"):
        receipt_notices.render(clerk, "00000000-0000-0000-0000-000000000000")  # type: ignore[arg-type]


def test_the_page_from_the_resident_history(moved_in: Any, login_as: Any) -> None:
    """consistency: the resident page offers 「受理通知」 on the 異動 row; the link answers the PDF."""
    client = login_as("counter")
    page = client.get(f"/registry/residents/{moved_in.atena_numbers[0]}/").content.decode()
    url = f"/registry/changes/{moved_in.change_id}/receipt-notice/"
    assert url in page and "受理通知" in page
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client.get("/registry/changes/00000000-0000-0000-0000-000000000000/receipt-notice/").status_code == 400
