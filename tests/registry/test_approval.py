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
