"""One migration operation for PostgreSQL sequences and append-only histories.

Every context that keeps a history nobody may rewrite (the registry's 異動 history, the 交付履歴 of 課税証明書,
the 住登外者 history) attaches the audit trail's `jichitai_append_only()` trigger function (audit migration
0002) to its table, and most need a sequence for their serial numbers. Written once here so the three copies
cannot drift. SQLite (the embedded demo) keeps its numbers in tables and has no such triggers.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import migrations


def postgres_append_only(sequences: Sequence[str], triggers: Mapping[str, str]) -> migrations.RunPython:
    """A RunPython creating `sequences` and, per `trigger name → table`, a row trigger refusing UPDATE/DELETE."""
    create = [f"CREATE SEQUENCE IF NOT EXISTS {s};" for s in sequences] + [
        f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table}\n"
        "  FOR EACH ROW EXECUTE FUNCTION jichitai_append_only();"
        for name, table in triggers.items()
    ]
    drop = [f"DROP TRIGGER IF EXISTS {name} ON {table};" for name, table in triggers.items()] + [
        f"DROP SEQUENCE IF EXISTS {s};" for s in sequences
    ]

    def run(sql: list[str]) -> Callable[[Any, Any], None]:
        def apply(apps: Any, schema_editor: Any) -> None:
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute("\n".join(sql), params=None)

        return apply

    return migrations.RunPython(run(create), run(drop))
