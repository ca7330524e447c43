"""The access log's searches use its indexes: one varchar_pattern_ops index per searched column serves both the
auditor's prefix search (audit/views.log: ``startswith``) and equality (the DR check's ``resource IN (…)``)."""

from __future__ import annotations

import pytest
from django.db import connection

from jichitai.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def plan(queryset: object) -> str:
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")  # a near-empty table: ask whether an index can serve at all
        sql, params = queryset.query.sql_with_params()  # type: ignore[attr-defined]
        cur.execute(f"EXPLAIN {sql}", params)
        return "\n".join(r[0] for r in cur.fetchall())


@pytest.mark.parametrize("column", ["actor", "action", "resource"])
def test_prefix_and_equality_use_the_one_pattern_index(column: str) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("operator classes are PostgreSQL's")
    index = f"audit_{column}"
    assert index in plan(AuditEntry.objects.filter(**{f"{column}__startswith": "registry."}))
    assert index in plan(AuditEntry.objects.filter(**{column: "change:0189"}))
    assert index in plan(AuditEntry.objects.filter(**{f"{column}__in": ["change:01", "change:02"]}))
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 'audit_auditentry' AND indexdef LIKE %s",
                    [f"%({column}%"])
        assert cur.fetchone()[0] == 1  # no plain twin paid for on every append
