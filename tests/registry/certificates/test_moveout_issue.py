"""Issuing the 転出証明書 from the registry on PostgreSQL (標準仕様書 4.1.3.0.3, j660): after a 転出, recorded in
交付履歴 (j300) and audited like the 住民票の写し, refused for a person who has not moved out, 再交付 marked and
printed as first issued, the 準ずる証明書 after a 職権消除 (j640)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jichitai.audit.models import AuditEntry
from jichitai.registry import approval
from jichitai.registry.certificates import moveout_services
from jichitai.registry.domain import CorrectRecord, RecordExOfficioRemoval, RecordMoveOut, RegistryError
from jichitai.registry.models import CertificateIssuance, Resident
from jichitai.registry.services import apply
from tests.registry.certificates.factories import pdf_pages

pytestmark = pytest.mark.django_db

TOKYO = {"destination_address": "東京都千代田区千代田1番1号", "destination_municipality_code": "13101"}


def text_of(pdf: bytes, tmp_path: Any) -> str:
    return "".join("".join(pdf_pages(pdf, tmp_path)).split())


def move_out(household: Any, clerk: Any, *, days_ahead: int = 0, **kw: Any) -> Any:
    today = timezone.localdate()
    values: dict[str, Any] = {**TOKYO, "moved_on": today + dt.timedelta(days=days_ahead), "notified_on": today,
                              "atena_numbers": tuple(household.atena_numbers)}
    values.update(kw)
    return apply(RecordMoveOut(**values), actor=clerk, terminal="T01")


def test_moveout_certificate_after_a_move_out(household: Any, clerk: Any, tmp_path: Any) -> None:
    moved = move_out(household, clerk)
    issued = moveout_services.issue(actor=clerk, atena_number=household.atena_numbers[1], requester_kind="self",
                                    requester_name="青木 太郎", terminal="本庁1")
    text = text_of(issued.pdf, tmp_path)
    assert "転出証明書" in text and "再交付" not in text
    assert "青木太郎" in text and "青木花子" in text              # everyone the 転出届 moved
    assert "転出先東京都千代田区千代田1番1号" in text and "兵庫県神戸市中央区加納町1番地" in text
    assert "個人番号123456789018" in text                       # 令第23条: the 個人番号 is on it
    row = CertificateIssuance.objects.get()
    assert (row.kind, row.layout, row.issued_by_id, row.setai_number) == ("tenshutsu", "", clerk.pk,
                                                                          household.setai_numbers[0])
    assert row.atena_numbers == household.atena_numbers and row.issue_number.split("-")[1] in text
    entries = AuditEntry.objects.filter(action="registry.certificate.issue", outcome="ok")
    assert sorted(e.resource for e in entries) == sorted(f"resident:{a}" for a in household.atena_numbers)
    assert {e.detail["change_id"] for e in entries} == {moved.change_id}
    assert issued.filename.startswith("tenshutsu-")


def test_refused_for_a_person_who_has_not_moved_out(household: Any, clerk: Any) -> None:
    with pytest.raises(RegistryError) as info:
        moveout_services.issue(actor=clerk, atena_number=household.atena_numbers[0], requester_kind="self")
    assert info.value.code == "not_moved_out" and "転出の届出がされていない" in info.value.message
    assert not CertificateIssuance.objects.exists()
    refusal = AuditEntry.objects.get(action="registry.certificate.issue", outcome="refused")
    assert refusal.resource == f"resident:{household.atena_numbers[0]}"


def test_refused_after_a_move_abroad(household: Any, clerk: Any) -> None:
    move_out(household, clerk, abroad=True, destination_address="アメリカ合衆国", destination_municipality_code="")
    with pytest.raises(RegistryError) as info:
        moveout_services.issue(actor=clerk, atena_number=household.atena_numbers[0], requester_kind="self")
    assert info.value.code == "moveout_abroad"


def test_before_the_planned_day_and_reissue_prints_the_first_state(household: Any, clerk: Any, supervisor: Any,
                                                                    tmp_path: Any) -> None:
    """A 転出予定者 gets it at the 転出届; a 再交付 says so and prints the record as at the first issuance even
    after a correction (j660: 当初に発行した当時の状態)."""
    move_out(household, clerk, days_ahead=7)
    first = moveout_services.issue(actor=clerk, atena_number=household.atena_numbers[0], requester_kind="self")
    assert "転出予定年月日" in text_of(first.pdf, tmp_path)
    pending = approval.propose(CorrectRecord(moved_on=timezone.localdate(), atena_number=household.atena_numbers[0],
                                             changes={"honseki": "京都府京都市左京区吉田本町36番地"}), actor=clerk)
    approval.approve(pending.pk, actor=supervisor)   # 職権修正 of the 本籍 after the first certificate
    assert Resident.objects.get(pk=household.atena_numbers[0]).honseki == "京都府京都市左京区吉田本町36番地"
    again = moveout_services.issue(actor=clerk, atena_number=household.atena_numbers[0], requester_kind="self")
    text = text_of(again.pdf, tmp_path)
    assert "再交付" in text and f"当初の発行番号{first.issuances[0].issue_number}" in text
    assert "京都府京都市左京区" not in text
    assert [r.layout for r in CertificateIssuance.objects.order_by("issued_at")] == ["", "reissue"]


def test_ex_officio_removal_gives_the_equivalent_certificate(household: Any, clerk: Any, supervisor: Any,
                                                             tmp_path: Any) -> None:
    """j640/j660: a 転出 notified more than 14 days late is a 職権消除; the person receives the 転出証明書に準ずる
    証明書 with the 転出先 they state; its 再交付 prints the same 転出先."""
    person = household.atena_numbers[1]
    pending = approval.propose(RecordExOfficioRemoval(moved_on=timezone.localdate() - dt.timedelta(days=20),
                                                      atena_numbers=(person,)), actor=clerk)
    approval.approve(pending.pk, actor=supervisor)
    with pytest.raises(RegistryError) as info:
        moveout_services.issue(actor=clerk, atena_number=person, requester_kind="self")
    assert info.value.code == "destination_required"
    issued = moveout_services.issue(actor=clerk, atena_number=person, requester_kind="self",
                                    destination="大阪府大阪市北区梅田1丁目1番")
    text = text_of(issued.pdf, tmp_path)
    assert "転出証明書に準ずる証明書" in text and "転入届に添付すべき書類" in text
    assert "転出先大阪府大阪市北区梅田1丁目1番" in text and "氏名青木花子" in text and "氏名青木太郎" not in text
    again = moveout_services.issue(actor=clerk, atena_number=person, requester_kind="self")
    assert "再交付" in text_of(again.pdf, tmp_path) and "大阪府大阪市北区梅田1丁目1番" in text_of(again.pdf, tmp_path)
    assert [r.kind for r in CertificateIssuance.objects.all()] == ["tenshutsu_junzuru"] * 2
