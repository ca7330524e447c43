"""The audit trail is append-only for every role, administrators included: the database refuses UPDATE,
DELETE and TRUNCATE on it. (A superuser can still drop the trigger; `jichitai audit verify` then names any
edited, removed or reordered entry, and the signed seals prove the chain head.)"""

from django.db import migrations

PG = r"""
CREATE OR REPLACE FUNCTION jichitai_append_only() RETURNS trigger AS $$
BEGIN
  -- The only exception: the test runner empties its own throw-away test_* databases between tests.
  IF TG_OP = 'TRUNCATE' AND current_database() LIKE 'test\_%' THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'jichitai: % on % is refused: the log is append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
  FOR EACH ROW EXECUTE FUNCTION jichitai_append_only();
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_auditentry
  FOR EACH STATEMENT EXECUTE FUNCTION jichitai_append_only();
CREATE TRIGGER audit_seal_append_only BEFORE UPDATE OR DELETE ON audit_seal
  FOR EACH ROW EXECUTE FUNCTION jichitai_append_only();
"""
PG_REVERSE = """
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry;
DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry;
DROP TRIGGER IF EXISTS audit_seal_append_only ON audit_seal;
"""
SQLITE = [
    "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry "
    "BEGIN SELECT RAISE(ABORT, 'jichitai: the audit log is append-only'); END",
    "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_auditentry "
    "BEGIN SELECT RAISE(ABORT, 'jichitai: the audit log is append-only'); END",
    "CREATE TRIGGER audit_seal_no_update BEFORE UPDATE ON audit_seal "
    "BEGIN SELECT RAISE(ABORT, 'jichitai: the audit log is append-only'); END",
    "CREATE TRIGGER audit_seal_no_delete BEFORE DELETE ON audit_seal "
    "BEGIN SELECT RAISE(ABORT, 'jichitai: the audit log is append-only'); END",
]


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG, params=None)
    elif vendor == "sqlite":
        for sql in SQLITE:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_REVERSE)
    elif vendor == "sqlite":
        for name in ("audit_entry_no_update", "audit_entry_no_delete", "audit_seal_no_update", "audit_seal_no_delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
