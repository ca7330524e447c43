"""Histories nobody may rewrite (住民記録システム標準仕様書 j200: 異動の履歴は削除しない; 地方税法第20条の10's 交付履歴;
the 住登外者 history of 共通機能標準仕様書): on PostgreSQL each table carries the append-only trigger and its serials
come from a sequence. Consistency test of the one migration helper (jichitai.audit.append_only) that creates them,
the behaviour itself (UPDATE/DELETE refused) is tested in tests/registry/test_history.py."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

HISTORIES = {
    "registry_residenthistory": (
        "registry_history_append_only",
        ("registry_atena_seq", "registry_setai_seq", "registry_issue_seq"),
    ),
    "tax_taxcertificateissuance": ("tax_certificate_append_only", ("tax_certificate_seq",)),
    "jutogai_jutogaishahistory": ("jutogai_history_append_only", ("jutogai_number_seq",)),
}


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the triggers and sequences are PostgreSQL's; SQLite numbers through tables")


@pytest.mark.parametrize("table", sorted(HISTORIES))
def test_each_history_refuses_update_and_delete_and_has_its_sequences(table: str) -> None:
    trigger, sequences = HISTORIES[table]
    with connection.cursor() as cur:
        cur.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [table])
        assert trigger in {r[0] for r in cur.fetchall()}
        cur.execute("SELECT relname FROM pg_class WHERE relkind = 'S' AND relname = ANY(%s)", [list(sequences)])
        assert {r[0] for r in cur.fetchall()} == set(sequences)
