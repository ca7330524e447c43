"""Whether the database can serve: reachable, and every migration applied. One answer for the ``jichitai``
command (which says it in one Japanese line instead of a traceback) and the load balancer's readiness probe."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import OperationalError


@dataclass(frozen=True)
class DatabaseState:
    where: str           # the SQLite file, or host:port/name (never the password)
    unreachable: str     # why it could not be reached ("" when it was)
    pending: int = 0     # migrations not applied
    empty: bool = False  # no migration applied at all: a database nobody has migrated

    @property
    def ready(self) -> bool:
        return not self.unreachable and not self.pending

    def problem(self) -> str | None:
        """In one Japanese line for an operator, or ``None`` when the database is ready."""
        if self.unreachable:
            return f"データベース（{self.where}）に接続できません（{self.unreachable}）。DATABASE_URL とデータベースの起動を確かめてください"
        if self.empty:
            return (f"データベース（{self.where}）にまだテーブルがありません。`jichitai migrate` を実行してください"
                    f"（デモは `make demo` がプロジェクトのフォルダーの var/demo に作ります）")
        if self.pending:
            return f"データベース（{self.where}）に未適用のマイグレーションが {self.pending} 件あります。`jichitai migrate` を実行してください"
        return None


def database_name(settings_dict: dict[str, object]) -> str:
    if str(settings_dict.get("ENGINE", "")).endswith("sqlite3"):
        return str(settings_dict.get("NAME", ""))
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"{host}{port}/{settings_dict.get('NAME', '')}"


def reachable(alias: str = DEFAULT_DB_ALIAS) -> str:
    """"" when a query answers, else the driver's first line of why not."""
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except OperationalError as exc:
        connection.close()
        text = str(exc).strip()
        return text.splitlines()[0] if text else type(exc).__name__
    return ""


def state(alias: str = DEFAULT_DB_ALIAS, fresh: bool = False) -> DatabaseState:
    """Reachability, then the migration plan (which reads the migration files: the probe caches a ready
    answer). ``fresh`` drops the connection first (after a failed statement it may be in an aborted
    transaction)."""
    connection = connections[alias]
    where = database_name(connection.settings_dict)
    if fresh:
        connection.close()
    why = reachable(alias)
    if why:
        return DatabaseState(where, why)
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return DatabaseState(where, "", len(pending), bool(pending) and not executor.loader.applied_migrations)
