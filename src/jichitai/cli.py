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
        from jichitai import dbstate

        problem = dbstate.state(fresh=True).problem()
        if problem is None:  # reachable and migrated: the error is a defect, keep its traceback
            raise
        print(f"jichitai: {problem}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
