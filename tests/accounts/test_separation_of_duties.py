"""Issue 18 item 3: departments and duties are separated (住民記録システム標準仕様書 10.3 操作権限管理; 4.0.8 審査・決裁).

A supervisor approves only their own department's work: 職権異動の決裁 by 市民課, 申告訂正（更正）の決裁 by 市民税課.
A system administrator cannot give themselves a business role; a role change needs a second administrator, and
its audit entry names the roles added and removed. Expected outcomes come from the requirement (independent)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jichitai.accounts import rolechanges
from jichitai.accounts.policy import allowed
from jichitai.audit.models import AuditEntry
from jichitai.common.errors import JichitaiError, PermissionRefused
from tests.staff_login import log_in_verified

pytestmark = pytest.mark.django_db


def test_a_supervisor_approves_only_their_own_departments_work(make_staff: Any) -> None:
    shimin = make_staff(roles=["supervisor"], department="shimin")
    zei = make_staff(roles=["supervisor"], department="shiminzei")
    other = make_staff(roles=["supervisor"], department="fukushi")
    assert allowed(shimin, "registry.approve") and not allowed(shimin, "declarations.approve")
    assert allowed(zei, "declarations.approve") and not allowed(zei, "registry.approve")
    assert not allowed(other, "registry.approve") and not allowed(other, "declarations.approve")


def test_a_tax_supervisor_cannot_approve_a_registry_change_through_the_api(login_as: Any, make_staff: Any) -> None:
    from jichitai.registry.models import PendingChange
    from jichitai.registry.services import load_towns
    from tests.registry.conftest import TOWNS

    load_towns(TOWNS)
    client = login_as("counter")
    move_in = {"type": "RecordMoveIn", "moved_on": "2026-11-01", "notified_on": "2026-11-05",
               "town_code": "281100001", "banchi": "1番地", "previous_address": "大阪府大阪市北区梅田1丁目",
               "previous_municipality_code": "27127",
               "persons": [{"name": "青木 太郎", "kana": "アオキ タロウ", "birth_date": "1980-01-07", "sex": "M",
                            "relationship": "世帯主"}]}
    post = lambda path, body: client.post(path, data=json.dumps(body, ensure_ascii=False),  # noqa: E731
                                          content_type="application/json")
    atena = post("/api/registry/changes", move_in).json()["atena_numbers"][0]
    pending = post("/api/registry/pending", {"type": "CorrectRecord", "moved_on": "2026-11-20", "atena_number": atena,
                                             "kind": "ex_officio", "changes": {"honseki": "兵庫県神戸市"}}).json()
    log_in_verified(client, make_staff(roles=["supervisor"], department="shiminzei"))
    refused = post(f"/api/registry/pending/{pending['pending_id']}/approve", {"note": "確認済み"})
    assert refused.status_code == 403
    assert PendingChange.objects.get(pk=pending["pending_id"]).state == "pending"
    assert AuditEntry.objects.filter(action="registry.approve", outcome="refused").exists()
    log_in_verified(client, make_staff(roles=["supervisor"], department="shimin"))
    assert post(f"/api/registry/pending/{pending['pending_id']}/approve", {"note": "確認済み"}).status_code == 200


@pytest.fixture
def admins(make_staff: Any) -> tuple[Any, Any]:
    return make_staff(roles=["sysadmin"], department="joho"), make_staff(roles=["sysadmin"], department="joho")


def test_a_role_change_needs_a_second_administrator_and_names_the_roles(admins: Any, make_staff: Any) -> None:
    a, b = admins
    staff = make_staff(roles=["counter"])
    change = rolechanges.propose(a, staff, {"counter", "supervisor"}, "係長に昇任")
    staff.refresh_from_db()
    assert set(staff.roles.values_list("code", flat=True)) == {"counter"}  # nothing until approved
    with pytest.raises(JichitaiError) as own:
        rolechanges.approve(a, change.pk)
    assert own.value.code == "self_approval"
    rolechanges.approve(b, change.pk)
    assert set(staff.roles.values_list("code", flat=True)) == {"counter", "supervisor"}
    entry = AuditEntry.objects.get(action="accounts.roles", outcome="ok")
    assert entry.actor == f"staff:{b.username}" and entry.detail["requested_by"] == a.username
    assert entry.detail["added"] == ["supervisor"] and entry.detail["removed"] == []
    assert entry.detail["added_names"] == ["決裁"]
    rolechanges.approve(a, rolechanges.propose(b, staff, {"supervisor"}, "窓口を外す").pk)
    last = AuditEntry.objects.filter(action="accounts.roles", outcome="ok").order_by("-seq").first()
    assert last is not None and last.detail["removed"] == ["counter"] and last.detail["removed_names"] == ["窓口"]


def test_an_administrator_cannot_give_themselves_a_business_role(admins: Any, make_staff: Any) -> None:
    a, b = admins
    with pytest.raises(JichitaiError) as own:
        rolechanges.propose(a, a, {"sysadmin", "counter"}, "窓口も担当")
    assert own.value.code == "own_roles"
    with pytest.raises(JichitaiError) as both:  # not even through a colleague: the roles do not go together
        rolechanges.propose(b, a, {"sysadmin", "counter"}, "窓口も担当")
    assert both.value.code == "incompatible_roles"
    with pytest.raises(JichitaiError) as auditing:
        rolechanges.propose(b, a, {"sysadmin", "auditor"}, "監査も担当")
    assert auditing.value.code == "incompatible_roles"
    # leaving administration for the counter is possible, but never approved by the person concerned
    change = rolechanges.propose(b, a, {"counter"}, "異動により窓口へ")
    with pytest.raises(JichitaiError) as approve_own:
        rolechanges.approve(a, change.pk)
    assert approve_own.value.code in {"own_roles", "self_approval"}
    third = make_staff(roles=["sysadmin"], department="joho")
    rolechanges.approve(third, change.pk)
    assert set(a.roles.values_list("code", flat=True)) == {"counter"}
    clerk = make_staff(roles=["counter", "supervisor"])
    with pytest.raises(PermissionRefused):
        rolechanges.propose(clerk, clerk, {"sysadmin"}, "")
    refused = AuditEntry.objects.filter(action="accounts.roles", outcome="refused")
    assert {e.detail["code"] for e in refused} >= {"own_roles", "incompatible_roles", "not_admin"}


@pytest.mark.django_db(transaction=True)
def test_a_refusal_at_approval_time_keeps_its_audit_entry(make_staff: Any) -> None:
    """The refusal happens inside the approval's transaction, which rolls back: its entry must outlive it."""
    from jichitai.audit import services as audit

    a = make_staff(roles=["sysadmin"], department="joho")
    staff = make_staff(roles=["counter"])
    change = rolechanges.propose(a, staff, {"counter", "analyst"}, "分析も担当")
    with pytest.raises(JichitaiError):
        rolechanges.approve(a, change.pk)
    entry = AuditEntry.objects.get(action="accounts.roles", outcome="refused")
    assert entry.detail["code"] == "self_approval" and entry.resource == f"role_change:{change.pk}"
    assert audit.verify().ok


def test_roles_are_not_edited_in_the_staff_form_but_proposed_and_approved(admins: Any, make_staff: Any,
                                                                          client: Any) -> None:
    from django.test import Client

    a, b = admins
    staff = make_staff(roles=["counter"])
    admin_a = log_in_verified(client, a)
    form = admin_a.get(f"/admin/accounts/staff/{staff.pk}/change/").content.decode()
    assert 'name="roles"' not in form
    response = admin_a.post("/admin/accounts/rolechange/add/",
                            {"staff": staff.pk, "wanted": ["counter", "supervisor"], "reason": "昇任"})
    assert response.status_code == 302
    change = staff.role_changes.get()
    assert change.state == "pending" and change.added == ["supervisor"]
    admin_a.post("/admin/accounts/rolechange/", {"action": "approve_selected", "_selected_action": [change.pk]})
    change.refresh_from_db()
    assert change.state == "pending"  # the proposer cannot approve
    admin_b = log_in_verified(Client(), b)
    admin_b.post("/admin/accounts/rolechange/", {"action": "approve_selected", "_selected_action": [change.pk]})
    change.refresh_from_db()
    assert change.state == "approved" and staff.roles.filter(code="supervisor").exists()
