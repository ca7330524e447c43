"""排他制御 (住民記録システム標準仕様書 10.3, j1380: 「他の職員が住民情報の入力・異動作業をしている間は、同一住民の
情報について、閲覧以外の作業ができないよう、排他制御ができること」). Independent of our code in what it requires
(the standard's sentence: a second member of staff can view the resident, not record a 異動 for them, while the
first is entering one); the lock's lifetime (15 minutes) and who releases it are our choices (consistency)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from jichitai.registry import editlock
from jichitai.registry.domain import RecordMoveWithin
from jichitai.registry.models import EditLock, Resident
from jichitai.registry.services import apply
from jichitai.registry.views import records
from tests.registry.counter_browser import RECEIVED
from tests.staff_login import log_in_verified

pytestmark = pytest.mark.django_db


def _move(atenas: list[str], banchi: str = "9番地") -> RecordMoveWithin:
    return RecordMoveWithin(moved_on=dt.date(2026, 11, 20), notified_on=dt.date(2026, 11, 21),
                            atena_numbers=tuple(atenas), town_code="281100002", banchi=banchi)


def test_another_clerk_can_view_but_not_record_while_the_first_enters(household: Any, clerk: Any,
                                                                       make_staff: Any) -> None:
    second = make_staff(roles=["counter"])
    atenas = list(household.atena_numbers)
    editlock.acquire(clerk, atenas, "転居")

    assert records.resident(second, atenas[0]).view.person.name  # 閲覧 stays open
    with pytest.raises(editlock.BeingEdited) as info:
        apply(_move(atenas), actor=second)
    assert info.value.status == 409 and clerk.full_name in info.value.message and "転居を入力中" in info.value.message
    assert set(Resident.objects.values_list("banchi", flat=True)) == {"1番地"}  # nothing recorded
    with pytest.raises(editlock.BeingEdited):  # nor can the second clerk take the lock over
        editlock.acquire(second, atenas[:1], "死亡")

    apply(_move(atenas), actor=clerk)  # the holder records: the residents are free again
    assert not EditLock.objects.exists()
    apply(_move(atenas, "10番地"), actor=second)
    assert set(Resident.objects.values_list("banchi", flat=True)) == {"10番地"}


def test_a_lock_left_behind_lapses(household: Any, clerk: Any, make_staff: Any) -> None:
    second = make_staff(roles=["counter"])
    atenas = list(household.atena_numbers)
    editlock.acquire(clerk, atenas, "転居", now=timezone.now() - editlock.TTL - dt.timedelta(minutes=1))
    apply(_move(atenas), actor=second)
    assert set(Resident.objects.values_list("banchi", flat=True)) == {"9番地"}


def test_the_counter_form_is_refused_to_a_second_clerk_and_the_resident_page_says_who_is_entering(
        household: Any, make_staff: Any, client: Any) -> None:
    from django.test import Client

    setai = household.setai_numbers[0]
    first = log_in_verified(Client(), make_staff(roles=["counter"]))
    assert first.get(f"/registry/changes/move-within/?setai={setai}").status_code == 200

    second = log_in_verified(Client(), make_staff(roles=["counter"]))
    refused = second.get(f"/registry/changes/move-out/?setai={setai}")
    text = refused.content.decode()
    assert refused.status_code == 409 and first.staff.full_name in text and "転居を入力中" in text
    page = second.get(f"/registry/residents/{household.atena_numbers[0]}/").content.decode()
    assert 'id="being-edited"' in page and "転居を入力中" in page

    data = {"step": "confirm", **RECEIVED, "setai": setai, "moved_on": "令和8年11月20日",
            "notified_on": "令和8年11月21日", "atena_numbers": household.atena_numbers, "town_code": "281100002",
            "banchi": "9番地"}
    html = first.post("/registry/changes/move-within/", data).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html)
    assert token is not None
    first.post("/registry/changes/move-within/", {"step": "commit", "token": token.group(1), "setai": setai})
    assert set(Resident.objects.values_list("banchi", flat=True)) == {"9番地"}
    assert second.get(f"/registry/changes/move-out/?setai={setai}").status_code == 200  # free once recorded
