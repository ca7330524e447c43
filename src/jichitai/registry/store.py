"""The database side of the domain's Ledger: rows ↔ ``Person`` snapshots, row locks, 個人番号 at rest."""

from __future__ import annotations

import datetime as dt
import uuid
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.utils import timezone

from jichitai.common import vault as vault_mod
from jichitai.common.text import search_key
from jichitai.registry import numbering
from jichitai.registry.domain.ledger import RecordedChange, TownInfo
from jichitai.registry.domain.person import ACTIVE, PERSON_FIELDS, Person
from jichitai.registry.domain.reasons import Reason
from jichitai.registry.models import Household, Resident, ResidentHistory, Town

_PLAIN_FIELDS = tuple(f for f in PERSON_FIELDS if f != "my_number")


@lru_cache(maxsize=1)
def vault() -> vault_mod.Vault:
    """The 個人番号 key, from the file named by JICHITAI_MYNUMBER_KEY_FILE (created in demo/test mode)."""
    cfg = settings.CONFIG
    return vault_mod.load_or_create(cfg.mynumber_key_file, create=not cfg.is_production)


def my_number_index(number: str) -> str:
    return vault().blind_index(number) if number else ""


def to_person(row: Any) -> Person:
    values = {f: getattr(row, f) for f in _PLAIN_FIELDS}
    token = row.my_number_encrypted
    return Person(my_number=vault().decrypt(token) if token else "", **values)


def row_values(person: Person, previous: Any = None) -> dict[str, Any]:
    """Column values for ``person``; keeps the previous ciphertext when the number did not change."""
    values = {f: getattr(person, f) for f in _PLAIN_FIELDS}
    index = my_number_index(person.my_number)
    if previous is not None and previous.my_number_index == index:
        values["my_number_encrypted"] = previous.my_number_encrypted
    else:
        values["my_number_encrypted"] = vault().encrypt(person.my_number) if person.my_number else ""
    values["my_number_index"] = index
    return values


def search_values(person: Person) -> dict[str, str]:
    return {"name_key": search_key(person.name)[:200], "kana_key": search_key(person.kana)[:200]}


@lru_cache(maxsize=1)
def own_codes() -> frozenset[str]:
    city = settings.CONFIG.city_code
    wards = set(Town.objects.values_list("ward_code", flat=True).distinct())
    return frozenset({city[:5], *wards})


class DbLedger:
    """Reads the current state for :func:`~jichitai.registry.domain.decide.decide`, locking what it reads.

    Lock order: a household row before its residents' rows, so two 異動 on one household queue instead of
    overwriting each other (the second sees the first's result)."""

    def __init__(self, today: dt.date | None = None, towns: dict[str, TownInfo | None] | None = None) -> None:
        self.today = today or timezone.localdate()
        self.city_code = settings.CONFIG.city_code
        self.own_codes = own_codes()
        self.rows: dict[str, Resident] = {}
        self._members: dict[str, list[Person]] = {}
        self._locked: set[str] = set()
        # the address dictionary as read in this batch of 異動 (a caller may share one dict across a batch)
        self._towns: dict[str, TownInfo | None] = {} if towns is None else towns

    def lock_household(self, setai: str) -> None:
        if setai and setai not in self._locked:
            list(Household.objects.select_for_update().filter(pk=setai).values_list("pk", flat=True))
            self._locked.add(setai)

    def person(self, atena_number: str) -> Person | None:
        row = self.rows.get(atena_number)
        if row is None:
            setai = Resident.objects.filter(pk=atena_number).values_list("setai_number", flat=True).first()
            if setai is None:
                return None
            self.lock_household(setai)
            row = Resident.objects.select_for_update().filter(pk=atena_number).first()
            if row is None:
                return None
            if row.setai_number != setai:  # moved while we waited for the lock
                self.lock_household(row.setai_number)
                row = Resident.objects.select_for_update().get(pk=atena_number)
            self.rows[atena_number] = row
        return to_person(row)

    def members(self, setai_number: str) -> list[Person]:
        if setai_number not in self._members:
            self.lock_household(setai_number)
            rows = list(Resident.objects.select_for_update()
                        .filter(setai_number=setai_number, status=ACTIVE).order_by("household_order", "pk"))
            for r in rows:
                self.rows.setdefault(r.pk, r)
            self._members[setai_number] = [to_person(self.rows[r.pk]) for r in rows]
        return list(self._members[setai_number])

    def town(self, code: str) -> TownInfo | None:
        if code not in self._towns:
            t = Town.objects.filter(pk=code).first()
            self._towns[code] = TownInfo(t.code, t.ward_code, t.name, t.postcode) if t else None
        return self._towns[code]

    def my_number_holder(self, my_number: str) -> str | None:
        return Resident.objects.filter(my_number_index=my_number_index(my_number)).values_list(
            "pk", flat=True).first()

    def juminhyo_code_holder(self, code: str) -> str | None:
        return Resident.objects.filter(juminhyo_code=code).values_list("pk", flat=True).first()

    def new_atena_number(self) -> str:
        return numbering.new_atena_number()

    def new_setai_number(self) -> str:
        return numbering.new_setai_number()

    def change(self, change_id: str) -> RecordedChange | None:
        try:
            uuid.UUID(change_id)
        except ValueError:
            return None
        rows = list(ResidentHistory.objects.filter(change_id=change_id).order_by("pk"))
        if not rows:
            return None
        entries = []
        for row in rows:
            prior = ResidentHistory.objects.filter(
                atena_number=row.atena_number, history_no=row.history_no - 1).first()
            entries.append((to_person(prior) if prior else None, to_person(row)))
        cancelled = ResidentHistory.objects.filter(cancels_change_id=change_id).exists()
        return RecordedChange(str(change_id), Reason(rows[0].reason), rows[0].moved_on, tuple(entries), cancelled)

    def latest_change_id(self, atena_number: str) -> str | None:
        self.person(atena_number)
        row = self.rows.get(atena_number)
        return str(row.last_change_id) if row is not None and row.last_change_id else None
