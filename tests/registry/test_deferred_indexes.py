"""A bulk load into an empty registry builds the searches' indexes after it (dbcopy.indexes_built_after): they are
all there when it ends, however it ends, and a load into a registry that holds people keeps them throughout."""

from __future__ import annotations

import pytest
from django.db import connection

from jichitai.dbcopy import indexes_built_after, restore_indexes
from jichitai.registry.models import Household, OutboxEvent, Resident, ResidentHistory

TABLES = (Household, Resident, ResidentHistory, OutboxEvent)
pytestmark = pytest.mark.django_db(transaction=True)  # DDL and the empty-table check see committed state


def indexes() -> set[str]:
    with connection.cursor() as cur:
        cur.execute("SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s)", [[m._meta.db_table for m in TABLES]])
        return {r[0] for r in cur.fetchall()}


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the indexes are only deferred on PostgreSQL")


def test_dropped_during_the_load_and_built_again_after() -> None:
    searches = {i.name for m in TABLES for i in m._meta.indexes}
    before = indexes()
    assert searches <= before and "reg_res_kana_prefix" in searches
    with indexes_built_after(TABLES) as deferred:
        assert deferred
        during = indexes()
        assert not during & searches
        assert "registry_resident_pkey" in during and "reg_res_mynumber_unique" in during  # still checked per row
    assert indexes() == before


def test_built_again_when_the_load_fails() -> None:
    before = indexes()
    with pytest.raises(RuntimeError), indexes_built_after(TABLES):
        raise RuntimeError("the load stopped")
    assert indexes() == before


def test_a_load_killed_in_between_is_repaired_by_the_next() -> None:
    before = indexes()
    with connection.schema_editor() as editor:  # what a killed load leaves behind
        editor.remove_index(Resident, Resident._meta.indexes[0])
    assert restore_indexes(TABLES) == [Resident._meta.indexes[0].name]
    assert indexes() == before and restore_indexes(TABLES) == []


def test_kept_when_the_registry_holds_people() -> None:
    Household.objects.create(setai_number="000000000000019", ward_code="28101", created_on="2026-04-01")
    before = indexes()
    with indexes_built_after(TABLES) as deferred:
        assert not deferred and indexes() == before
