"""審査・決裁 (4.0.8, j530): 職権 changes are drafted, then approved by another member of staff."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.common.errors import PermissionRefused
from jichitai.registry import approval
from jichitai.registry.domain import CorrectRecord, RecordExOfficioRemoval, RegistryError
from jichitai.registry.models import ResidentHistory
from jichitai.registry.services import apply

pytestmark = pytest.mark.django_db


def _correction(atena: str) -> CorrectRecord:
    return CorrectRecord(moved_on=dt.date(2026, 11, 20), atena_number=atena, kind="ex_officio",
                         changes={"honseki": "兵庫県神戸市中央区加納町6丁目5番1号"})


def test_ex_officio_change_is_refused_without_approval(household: Any, clerk: Any) -> None:
    with pytest.raises(RegistryError) as info:
        apply(_correction(household.atena_numbers[0]), actor=clerk)
    assert info.value.code == "approval_required"


def test_propose_then_approve_records_the_change(household: Any, clerk: Any, supervisor: Any) -> None:
    pending = approval.propose(_correction(household.atena_numbers[0]), actor=clerk, terminal="T01")
    assert pending.state == "pending" and approval.waiting() == [pending]
    assert ResidentHistory.objects.filter(reason="ex_officio_correction").count() == 0
    applied = approval.approve(pending.pk, actor=supervisor, note="戸籍照合済み")
    row = ResidentHistory.objects.get(reason="ex_officio_correction")
    assert row.honseki.startswith("兵庫県") and row.entered_by == f"staff:{clerk.username}"
    pending.refresh_from_db()
    assert (pending.state, pending.change_id is not None) == ("approved", True)
    assert str(pending.change_id) == applied.change_id
    entry = AuditEntry.objects.get(action="registry.change", outcome="ok", resource=f"change:{applied.change_id}")
    assert entry.detail["approved_by"] == f"staff:{supervisor.username}"
    with pytest.raises(RegistryError) as info:
        approval.approve(pending.pk, actor=supervisor)
    assert info.value.code == "already_decided"


def test_drafter_cannot_approve_and_clerk_has_no_right(household: Any, clerk: Any, supervisor: Any) -> None:
    pending = approval.propose(RecordExOfficioRemoval(moved_on=dt.date(2026, 11, 20),
                                                      atena_numbers=(household.atena_numbers[1],)), actor=supervisor)
    with pytest.raises(RegistryError) as info:
        approval.approve(pending.pk, actor=supervisor)
    assert info.value.code == "self_approval"
    with pytest.raises(PermissionRefused):
        approval.approve(pending.pk, actor=clerk)


def test_reject_needs_a_reason_and_changes_nothing(household: Any, clerk: Any, supervisor: Any) -> None:
    pending = approval.propose(_correction(household.atena_numbers[0]), actor=clerk)
    with pytest.raises(RegistryError):
        approval.reject(pending.pk, actor=supervisor, note=" ")
    approval.reject(pending.pk, actor=supervisor, note="根拠資料がありません")
    pending.refresh_from_db()
    assert pending.state == "rejected"
    assert ResidentHistory.objects.filter(reason="ex_officio_correction").count() == 0


def test_invalid_draft_is_refused_when_drafted(household: Any, clerk: Any) -> None:
    with pytest.raises(RegistryError) as info:
        approval.propose(CorrectRecord(moved_on=dt.date(2026, 11, 20), atena_number=household.atena_numbers[0],
                                       changes={"town_code": "281100002"}), actor=clerk)
    assert info.value.code == "not_correctable"


def test_a_draft_touching_a_person_under_inquiry_suppression_is_never_approved_blind(
        household: Any, clerk: Any, supervisor: Any, protect: Any, make_staff: Any) -> None:
    """No blind 決裁 (4.0.8 with 3.1): a 職権 correction of 太郎 waits while his wife 花子 comes under 照会抑止, so
    staff see the draft by 宛名番号 only. A 決裁者 who cannot see it is refused in Japanese, audited, and nothing
    is recorded (by the service, so the API's route is covered too); the 支援措置責任者 opens it (audited as a
    disclosure) and approves it. Independent (the requirement: an approver approves only what they can see; 照会抑止
    hides the household from staff, 3.1)."""
    taro, hanako = household.atena_numbers
    pending = approval.propose(_correction(taro), actor=clerk)
    protect(hanako, "view")
    with pytest.raises(RegistryError) as info:
        approval.approve(pending.pk, actor=supervisor)
    assert info.value.code == "protected_draft" and "支援措置責任者" in info.value.message and taro in info.value.message
    assert ResidentHistory.objects.filter(reason="ex_officio_correction").count() == 0
    pending.refresh_from_db()
    assert pending.state == "pending"
    assert AuditEntry.objects.filter(action="registry.approve", outcome="refused", resource=f"pending:{pending.pk}",
                                     detail__code="protected_draft").exists()
    other_office = make_staff(roles=["supervisor", "support_officer"], department="shiminzei")
    with pytest.raises(PermissionRefused):  # the role outside 市民課 approves nothing
        approval.approve(pending.pk, actor=other_office)
    officer = make_staff(roles=["supervisor", "support_officer"])
    approval.approve(pending.pk, actor=officer, note="支援措置責任者が内容を確認")
    assert ResidentHistory.objects.filter(reason="ex_officio_correction").count() == 1
    assert AuditEntry.objects.filter(action="registry.view", outcome="disclosed", resource=f"resident:{taro}",
                                     actor=f"staff:{officer.username}").exists()


def test_the_approval_queue_offers_no_approve_button_for_a_draft_the_approver_cannot_see(
        household: Any, clerk: Any, supervisor: Any, protect: Any, make_staff: Any) -> None:
    """The 決裁 page: for a 決裁者 the draft under 照会抑止 is named by 宛名番号, without its content and without the
    決裁 button (reject stays); the 支援措置責任者 sees its content. Independent (3.1 and 4.0.8)."""
    from django.test import Client

    from tests.staff_login import log_in_verified as login

    taro, hanako = household.atena_numbers
    approval.propose(_correction(taro), actor=clerk)
    protect(hanako, "view")
    page = Client()
    login(page, supervisor)
    text = page.get("/registry/approvals/").content.decode()
    assert taro in text and "支援措置責任者が決裁します" in text
    assert "青木 太郎" not in text and 'value="approve"' not in text and 'value="reject"' in text
    officer = make_staff(roles=["supervisor", "support_officer"])
    page = Client()
    login(page, officer)
    text = page.get("/registry/approvals/").content.decode()
    assert "青木 太郎" in text and 'value="approve"' in text


def test_a_refused_change_is_found_under_the_person_it_names(household: Any, clerk: Any) -> None:
    """Independent (10.2: the log answers 「この住民に触れたもの」; a refused 異動 touched the person too): a 職権
    correction refused without 決裁 and a draft refused when drafted are both found under the 宛名番号 they name."""
    from jichitai.audit import inquiry

    taro = household.atena_numbers[0]
    with pytest.raises(RegistryError):
        apply(_correction(taro), actor=clerk)
    with pytest.raises(RegistryError):
        approval.propose(CorrectRecord(moved_on=dt.date(2026, 11, 20), atena_number=taro,
                                       changes={"town_code": "281100002"}), actor=clerk)
    refused = [(e.action, e.resource, e.detail["code"]) for e in inquiry.entries(inquiry.Filters(subject=taro))
               if e.outcome == "refused"]
    assert sorted(refused) == [("registry.change", "CorrectRecord", "approval_required"),
                               ("registry.change", "CorrectRecord", "not_correctable")]
