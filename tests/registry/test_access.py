"""Reads are audited (10.2, j1370); 個人番号 only for roles with the action and with a recorded purpose."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.common.errors import PermissionRefused
from jichitai.registry import access
from jichitai.registry.domain import RegistryError

pytestmark = pytest.mark.django_db


def test_view_is_audited_and_masks_my_number(household: Any, clerk: Any) -> None:
    taro = household.atena_numbers[0]
    view = access.view_resident(clerk, taro)
    assert view.person.my_number == "" and view.has_my_number
    assert [p.atena_number for p in view.household] == household.atena_numbers
    assert [h.history_no for h in view.history] == [1]
    assert AuditEntry.objects.filter(action="registry.view", resource=f"resident:{taro}", outcome="ok").exists()


def test_my_number_needs_role_and_purpose(household: Any, clerk: Any, supervisor: Any) -> None:
    taro = household.atena_numbers[0]
    with pytest.raises(PermissionRefused):
        access.reveal_my_number(clerk, taro, "税務調査")
    with pytest.raises(RegistryError) as info:
        access.reveal_my_number(supervisor, taro, "  ")
    assert info.value.code == "purpose_required"
    with pytest.raises(RegistryError) as info:  # a purpose outside the list of 番号利用事務 (番号法 第9条)
        access.reveal_my_number(supervisor, taro, "個人番号カード交付")
    assert info.value.code == "purpose_required"
    assert access.reveal_my_number(supervisor, taro, "juki") == "123456789018"
    entry = AuditEntry.objects.get(action="registry.view_mynumber", outcome="ok")
    assert entry.detail["purpose"] == "juki"
    assert AuditEntry.objects.filter(action="registry.view_mynumber", outcome="refused").count() == 3
