"""The audit trail (issue 2): hash-chained, signed at intervals, append-only for every role; `jichitai audit verify`
names the first edited, removed or reordered entry after a direct edit of the table in the database."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.utils import DatabaseError

from jichitai.audit import services
from jichitai.audit.models import AuditEntry, Seal

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def superuser_sql() -> Iterator[Any]:
    """A direct connection as the database superuser: what an administrator with psql could do."""
    s = connection.settings_dict
    with psycopg.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, dbname=s["NAME"],
                         user="postgres", autocommit=True) as conn:

        def run(sql: str, *params: Any) -> None:
            conn.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
            try:
                conn.execute(sql, params)  # type: ignore[arg-type]
            finally:
                conn.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER USER")

        yield run


def _fill(n: int = 12) -> None:
    for i in range(n):
        services.record(None, "registry.view", f"resident:{i:08d}", "ok", purpose="窓口交付")


def test_untouched_log_verifies() -> None:
    _fill()
    report = services.verify()
    assert report.ok and report.entries == 12
    call_command("audit", "verify")


def test_the_database_refuses_update_and_delete_even_for_the_owner() -> None:
    _fill(2)
    with pytest.raises(DatabaseError):
        with connection.cursor() as cur:
            cur.execute("UPDATE audit_auditentry SET actor = 'staff:nobody' WHERE seq = 1")
    with pytest.raises(DatabaseError):
        with connection.cursor() as cur:
            cur.execute("DELETE FROM audit_auditentry WHERE seq = 2")


def test_an_edited_entry_is_named(superuser_sql: Any) -> None:
    _fill()
    superuser_sql("UPDATE audit_auditentry SET actor = 'staff:someone-else' WHERE seq = 5")
    report = services.verify()
    assert report.first is not None and (report.first.seq, report.first.kind) == (5, "edited")
    with pytest.raises(CommandError, match="first bad entry is 5"):
        call_command("audit", "verify")


def test_an_edit_with_recomputed_hash_is_caught_by_the_chain(superuser_sql: Any) -> None:
    _fill()
    e = AuditEntry.objects.get(seq=7)
    e.resource = "resident:99999999"
    from jichitai.audit import chain

    forged = chain.chained_hash(e.prev_hash, services._fields(e))
    superuser_sql("UPDATE audit_auditentry SET resource = %s, hash = %s WHERE seq = 7", e.resource, forged)
    report = services.verify()
    assert report.first is not None and report.first.seq == 8 and report.first.kind == "reordered"


def test_a_removed_entry_is_named(superuser_sql: Any) -> None:
    _fill()
    superuser_sql("DELETE FROM audit_auditentry WHERE seq = 4")
    first = services.verify().first
    assert first is not None and (first.seq, first.kind) == (4, "removed")


def test_removed_entries_at_the_end_are_detected(superuser_sql: Any) -> None:
    _fill()
    superuser_sql("DELETE FROM audit_auditentry WHERE seq >= 11")
    first = services.verify().first
    assert first is not None and first.kind == "head" and first.seq == 11


def test_reordered_entries_are_named(superuser_sql: Any) -> None:
    _fill()
    # swap the contents of entries 3 and 6 (their seq stay in place)
    superuser_sql("""
        UPDATE audit_auditentry a SET actor = b.actor, action = b.action, resource = b.resource, outcome = b.outcome,
               detail = b.detail, prev_hash = b.prev_hash, hash = b.hash
        FROM audit_auditentry b WHERE (a.seq, b.seq) IN ((3, 6), (6, 3))""")
    first = services.verify().first
    assert first is not None and first.seq == 3


def test_seals_sign_the_head_and_a_rewritten_chain_breaks_them(superuser_sql: Any) -> None:
    _fill(5)
    seal = services.seal()
    assert seal is not None and seal.seq == 5
    assert services.verify().ok and services.verify().seals == 1
    # An attacker rewrites the whole chain consistently after editing entry 2: only the seal can tell.
    from jichitai.audit import chain

    prev = chain.GENESIS
    for e in AuditEntry.objects.order_by("seq"):
        if e.seq == 2:
            e.actor = "staff:forged"
        e.prev_hash = prev
        e.hash = chain.chained_hash(prev, services._fields(e))
        superuser_sql("UPDATE audit_auditentry SET actor=%s, prev_hash=%s, hash=%s WHERE seq=%s",
                      e.actor, e.prev_hash, e.hash, e.seq)
        prev = e.hash
    with connection.cursor() as cur:  # keep the head consistent too, as a thorough attacker would
        cur.execute("UPDATE audit_chainhead SET hash = %s", [prev])
    report = services.verify()
    assert not report.ok and report.first is not None and report.first.kind == "seal" and report.first.seq == 5


def test_automatic_seal_every_thousand_entries() -> None:
    services.record_many(services.Event(None, "registry.view", f"r:{i}") for i in range(1001))
    assert list(Seal.objects.values_list("seq", flat=True)) == [1001]
    assert services.verify().ok
