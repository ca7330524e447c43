"""The one ``jichitai`` command for operators: Django's management commands behind it.

``jichitai audit verify``, ``jichitai tax calc CASE.json``, ``jichitai synth city`` and so on are the
management commands of the apps; ``jichitai runserver`` and ``jichitai migrate`` are Django's own.

An operator who runs a command against a database that is unreachable or not yet migrated gets one line in
Japanese saying so and what to run, not a traceback; any other database error is a defect and keeps its
traceback.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jichitai.settings")
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    from jichitai.common.errors import ConfigurationError

    try:
        execute_from_command_line(["jichitai", *(sys.argv[1:] if argv is None else argv)])
    except ConfigurationError as exc:
        print(f"jichitai: 設定エラー / configuration error: {exc.message}", file=sys.stderr)
        raise SystemExit(2) from None
    except DatabaseError:
        problem = database_problem()
        if problem is None:
            raise
        print(f"jichitai: {problem}", file=sys.stderr)
        raise SystemExit(2) from None


def database_problem() -> str | None:
    """Why the database cannot serve the commands, in one Japanese line: unreachable, or migrations not
    applied. ``None`` when it is reachable and up to date (the error was something else)."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor
    from django.db.utils import OperationalError

    connection = connections[DEFAULT_DB_ALIAS]
    where = database_name(connection.settings_dict)
    connection.close()  # a failed statement may have left the connection in an aborted transaction
    try:
        connection.ensure_connection()
    except OperationalError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"データベース（{where}）に接続できません（{reason}）。DATABASE_URL とデータベースの起動を確かめてください"
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not pending:
        return None
    if not executor.loader.applied_migrations:
        return (f"データベース（{where}）にまだテーブルがありません。`jichitai migrate` を実行してください"
                f"（デモは `make demo` がプロジェクトのフォルダーの var/demo に作ります）")
    return (f"データベース（{where}）に未適用のマイグレーションが {len(pending)} 件あります。"
            f"`jichitai migrate` を実行してください")


def database_name(settings_dict: dict[str, object]) -> str:
    """The database as an operator names it: the SQLite file, or host:port/name (never the password)."""
    if str(settings_dict.get("ENGINE", "")).endswith("sqlite3"):
        return str(settings_dict.get("NAME", ""))
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"{host}{port}/{settings_dict.get('NAME', '')}"


if __name__ == "__main__":
    main()
