"""Two connections changing the same household must not lose either change (row locks on the household and
its residents, plus a version check on each resident row). Real PostgreSQL, one thread per connection."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import pytest
from django.db import connection, connections, transaction

from jichitai.registry.domain import NewPerson, RecordBirth
from jichitai.registry.models import Household, Resident
from jichitai.registry.services import apply

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _birth(setai: str, name: str, day: int) -> RecordBirth:
    born = dt.date(2026, 11, day)
    return RecordBirth(moved_on=born, setai_number=setai, child=NewPerson(name, "アオキ", born, "M", "子"))


def test_two_connections_adding_to_one_household_keep_both(household: Any, clerk: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    setai = household.setai_numbers[0]
    first_written, second_started = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                apply(_birth(setai, "青木 一郎", 10), actor=clerk)
                first_written.set()
                second_started.wait(10)
                time.sleep(0.5)  # give the second connection time to reach the lock it must wait on
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def second() -> None:
        try:
            first_written.wait(10)
            second_started.set()
            apply(_birth(setai, "青木 二郎", 11), actor=clerk)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    children = Resident.objects.filter(setai_number=setai, relationship="子").order_by("household_order")
    assert [(c.name, c.household_order) for c in children] == [("青木 一郎", 3), ("青木 二郎", 4)]
    hh = Household.objects.get(pk=setai)
    assert hh.member_count == 4 and hh.version == 3  # created by the move-in, then one bump per birth
