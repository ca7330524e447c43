"""Service layer on the database: history rows, outbox events, audit entries, refusals that change nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.common.checkdigit import is_valid_modulus11
from jichitai.registry.domain import NewPerson, RecordBirth, RegistryError
from jichitai.registry.models import Household, OutboxEvent, Resident, ResidentHistory
from jichitai.registry.services import apply
from tests.registry.conftest import move_in_command

pytestmark = pytest.mark.django_db


def test_move_in_writes_history_outbox_and_audit(household: Any) -> None:
    """j200: one full snapshot row per person (履歴番号 1); j130: numbers carry the modulus-11 check digit;
    the outbox event and the audit entry are written with the 異動."""
    assert len(household.atena_numbers) == 2
    for atena in household.atena_numbers:
        assert is_valid_modulus11(atena)
        row = ResidentHistory.objects.get(atena_number=atena)
        assert (row.history_no, row.reason, row.moved_on) == (1, "move_in_domestic", dt.date(2026, 11, 1))
        assert row.entered_by.startswith("staff:") and row.terminal == "T01"
    setai = household.setai_numbers[0]
    assert is_valid_modulus11(setai)
    hh = Household.objects.get(pk=setai)
    assert hh.member_count == 2 and hh.head_atena_number == household.atena_numbers[0]
    events = list(OutboxEvent.objects.order_by("id"))
    assert [e.kind for e in events] == ["move_in_domestic"] * 2
    assert events[0].payload["origin_class"] == "県外"
    assert "my_number" not in events[0].payload
    assert AuditEntry.objects.filter(action="registry.change", outcome="ok").count() == 1


def test_my_number_is_encrypted_at_rest(household: Any) -> None:
    row = Resident.objects.get(pk=household.atena_numbers[0])
    assert row.my_number_encrypted and "123456789018" not in row.my_number_encrypted
    assert len(row.my_number_index) == 64


def test_birth_joins_household(household: Any, clerk: Any) -> None:
    setai = household.setai_numbers[0]
    born = apply(RecordBirth(moved_on=dt.date(2026, 11, 10), notified_on=dt.date(2026, 11, 12), setai_number=setai,
                             child=NewPerson("青木 一郎", "アオキ イチロウ", dt.date(2026, 11, 10), "M", "子")),
                 actor=clerk)
    child = Resident.objects.get(pk=born.atena_numbers[0])
    assert (child.setai_number, child.household_order, child.town_code) == (setai, 3, "281100001")
    assert Household.objects.get(pk=setai).member_count == 3


def test_duplicate_my_number_is_refused_and_changes_nothing(household: Any, clerk: Any) -> None:
    """Bad input: a duplicate 個人番号. Nothing is written but the refusal is audited."""
    before = (Resident.objects.count(), ResidentHistory.objects.count(), OutboxEvent.objects.count())
    command = move_in_command(persons=(NewPerson("別人 一", "ベツジン ハジメ", dt.date(1990, 1, 1), "M", "世帯主",
                                                 my_number="123456789018"),))
    with pytest.raises(RegistryError) as info:
        apply(command, actor=clerk)
    assert info.value.code == "duplicate_my_number"
    assert (Resident.objects.count(), ResidentHistory.objects.count(), OutboxEvent.objects.count()) == before
    refused = AuditEntry.objects.get(outcome="refused")
    assert refused.detail["code"] == "duplicate_my_number"
