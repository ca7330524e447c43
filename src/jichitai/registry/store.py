"""Rows ↔ ``Person`` snapshots and 個人番号 at rest (the ledger itself is :mod:`jichitai.registry.workset`)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection

from jichitai.common import vault as vault_mod
from jichitai.common.text import given_name_key, search_key
from jichitai.registry.domain.person import PERSON_FIELDS, Person, from_fields
from jichitai.registry.models import Town

_PLAIN_FIELDS = tuple(f for f in PERSON_FIELDS if f != "my_number")


def vault() -> vault_mod.Keyring:
    """The 個人番号 keyring: the key file named by JICHITAI_MYNUMBER_KEY_FILE (created in demo/test mode) and the
    retired keys (JICHITAI_MYNUMBER_RETIRED_KEYS)."""
    return vault_mod.for_config(settings.CONFIG)


def my_number_index(number: str) -> str:
    """The index to store (the current key's)."""
    return vault().blind_index(number) if number else ""


def my_number_indexes(number: str) -> list[str]:
    """Every index a look-up by ``number`` searches: the current key's and each retired key's, so a person is
    found while ``jichitai vault rotate`` re-indexes (see :mod:`jichitai.rotation.services`)."""
    return vault().blind_indexes(number) if number else []


def to_person(row: Any) -> Person:
    columns = row.__dict__  # a model instance's or a namespace's attributes
    values = {f: columns[f] for f in _PLAIN_FIELDS}
    token = row.my_number_encrypted
    values["my_number"] = vault().decrypt(token) if token else ""
    return from_fields(values)


def row_values(person: Person, previous: Any = None) -> dict[str, Any]:
    """Column values for ``person``; keeps the previous ciphertext when the number did not change. A
    ``previous`` that also carries the plain ``my_number`` it was read with spares the blind index too."""
    values = person.fields_dict()
    del values["my_number"]
    if previous is not None and getattr(previous, "my_number", None) == person.my_number:
        values["my_number_encrypted"] = previous.my_number_encrypted
        values["my_number_index"] = previous.my_number_index
        return values
    index = my_number_index(person.my_number)
    if previous is not None and previous.my_number_index == index:
        values["my_number_encrypted"] = previous.my_number_encrypted
    else:
        values["my_number_encrypted"] = vault().encrypt(person.my_number) if person.my_number else ""
    values["my_number_index"] = index
    return values


SEARCH_KEYS = ("name_key", "kana_key", "given_name_key", "given_kana_key")


def search_values(person: Person, previous: Any = None) -> dict[str, str]:
    """The search keys; those of ``previous`` (a row read with its name, kana and keys) when they still hold."""
    if previous is not None and (previous.name, previous.kana) == (person.name, person.kana):
        return {k: getattr(previous, k) for k in SEARCH_KEYS}
    return name_keys(person.name, person.kana)


def name_keys(name: str, kana: str) -> dict[str, str]:
    """The four search keys (:data:`SEARCH_KEYS`) of a name and its reading: the residents' and the 住登外者'
    (jichitai.jutogai) are built by this one function, so a search folds both alike (異体字, kana, spaces)."""
    return {"name_key": search_key(name)[:200], "kana_key": search_key(kana)[:200],
            "given_name_key": given_name_key(name)[:200], "given_kana_key": given_name_key(kana)[:200]}


def use_raw_sql() -> bool:
    """The batch's reads in plain SQL on PostgreSQL; the ORM's on the embedded SQLite."""
    return connection.vendor == "postgresql"


@lru_cache(maxsize=1)
def own_codes() -> frozenset[str]:
    city = settings.CONFIG.city_code
    wards = set(Town.objects.values_list("ward_code", flat=True).distinct())
    return frozenset({city[:5], *wards})
