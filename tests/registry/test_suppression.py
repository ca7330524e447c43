"""抑止設定 (3.1, j410) and 支援措置 (3.4, j440) enforced by the services, every attempt audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.common.errors import PermissionRefused
from jichitai.registry import access, support, suppression
from jichitai.registry.domain import RecordMoveWithin, SuppressedError
from jichitai.registry.models import OutboxEvent, ResidentHistory
from jichitai.registry.services import apply

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def test_change_suppression_stops_every_change(household: Any, clerk: Any, officer: Any) -> None:
    taro, hanako = household.atena_numbers
    suppression.set_suppression(officer, taro, "change", "調査中", TODAY)
    before = ResidentHistory.objects.count()
    with pytest.raises(SuppressedError):
        apply(RecordMoveWithin(moved_on=TODAY, atena_numbers=(taro, hanako), town_code="281100002", banchi="8番地"),
              actor=clerk)
    assert ResidentHistory.objects.count() == before
    assert [a.detail["code"] for a in support.attempts(officer) if a.outcome == "refused"] == ["suppressed"]


def test_view_suppression_stops_viewing(household: Any, clerk: Any, officer: Any) -> None:
    taro = household.atena_numbers[0]
    assert access.view_resident(clerk, taro).person.atena_number == taro
    suppression.set_suppression(officer, taro, "view", "照会抑止", TODAY)
    with pytest.raises(SuppressedError):
        access.view_resident(clerk, taro)
    listed = support.attempts(officer)
    # the refusal, per person the page would have shown (the household's too), and the read before the measure
    assert sorted((a.outcome, a.resource) for a in listed) == sorted([
        ("ok", f"resident:{taro}"), ("refused", f"resident:{household.atena_numbers[1]}"), ("refused", f"resident:{taro}")])


def test_support_measure_refuses_third_party_issuance_only(household: Any, clerk: Any, officer: Any,
                                                           protect: Any) -> None:
    """支援措置: the protected person's certificate never goes to a third party; the person may still get it."""
    hanako = household.atena_numbers[1]
    protect(hanako)
    suppression.ensure_issuance_allowed(clerk, [hanako], "self")
    with pytest.raises(SuppressedError) as info:
        suppression.ensure_issuance_allowed(clerk, [hanako], "third_party")
    assert "第三者" in info.value.message
    assert support.attempts(officer)[0].detail["requester_kind"] == "third_party"


def test_j440_every_event_of_a_supported_household_is_marked(household: Any, clerk: Any, protect: Any) -> None:
    """3.4 (j440): the co-resident's event of the same batch shows the same new address, so it is marked too
    (consistency: before this the co-resident's event went out unmarked)."""
    taro, hanako = household.atena_numbers
    protect(hanako)
    apply(RecordMoveWithin(moved_on=TODAY, atena_numbers=(taro, hanako), town_code="281100002", banchi="8番地"),
          actor=clerk)
    flags = dict(OutboxEvent.objects.filter(kind="move_within").values_list("atena_number", "payload__support_measure"))
    assert flags == {taro: True, hanako: True}


def test_issuance_suppression_and_lifting(household: Any, clerk: Any, officer: Any) -> None:
    taro = household.atena_numbers[0]
    row = suppression.set_suppression(officer, taro, "issuance", "発行停止", TODAY)
    with pytest.raises(SuppressedError):
        suppression.ensure_issuance_allowed(clerk, [taro], "self")
    suppression.lift(officer, row.pk)
    suppression.ensure_issuance_allowed(clerk, [taro], "self")


def test_only_the_support_officer_manages_suppressions(household: Any, clerk: Any, officer: Any,
                                                      make_staff: Any) -> None:
    """Independent (j410: 「抑止・解除、又は一時解除できる権限は個別に設定できること」): setting and ending a
    suppression is the 支援措置責任者's right, not every 決裁者's (nor a clerk's, nor a 責任者 of another 課)."""
    taro = household.atena_numbers[0]
    for someone in (clerk, make_staff(roles=["supervisor"]),
                    make_staff(roles=["supervisor", "support_officer"], department="shiminzei")):
        with pytest.raises(PermissionRefused):
            suppression.set_suppression(someone, taro, "view", "x", TODAY)
    row = suppression.set_suppression(officer, taro, "view", "照会抑止", TODAY)
    with pytest.raises(PermissionRefused):
        suppression.lift(make_staff(roles=["supervisor"]), row.pk)
    suppression.lift(officer, row.pk)


def test_one_screening_audits_each_person_once_withheld_winning_over_shown(
        household: Any, clerk: Any, protect: Any) -> None:
    """Consistency (the gate's own rule, issue 18 item 8: one entry per person per output): 太郎 shown to staff
    in one output through two records — one under his household's 照会抑止 (花子), one at a place under 支援措置
    alone — is audited once, ``withheld``, naming everyone who protects him; the gate returns him once."""
    from jichitai.audit.models import AuditEntry
    from jichitai.registry.domain import NewPerson
    from tests.registry.conftest import move_in_command

    taro, hanako = household.atena_numbers
    protect(hanako, "view")
    other = apply(move_in_command(town_code="281100002", banchi="9番地", persons=(
        NewPerson("宮本 一郎", "ミヤモト イチロウ", dt.date(1975, 5, 5), "M", "世帯主"),)), actor=clerk)
    protect(other.atena_numbers[0], "support")
    records = [{"atena_number": taro, "setai_number": household.setai_numbers[0]},
               {"atena_number": taro, "setai_number": "", "town_code": "281100002", "banchi": "9番地",
                "katagaki": ""}]
    hidden = suppression.screen_addresses(clerk, records, audience=suppression.STAFF, action="tax.notice",
                                          via="test")
    assert hidden == {taro}
    entries = list(AuditEntry.objects.filter(resource=f"resident:{taro}", detail__via="test")
                   .values_list("outcome", "detail__protected_by"))
    assert entries == [("withheld", sorted([hanako, other.atena_numbers[0]]))]
