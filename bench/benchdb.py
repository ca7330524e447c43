"""The throw-away PostgreSQL database the benchmarks run on: Django set up from the environment
(``DATABASE_URL``, ``JICHITAI_MODE=test``), a fresh ``bench_<name>`` database created and migrated, and dropped
afterwards unless ``keep``. Run the scripts from the repository root (``.venv/bin/python bench/X.py``)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator


@contextlib.contextmanager
def bench_database(keep: bool = False) -> Iterator[str]:
    """Yields the bench database's name."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jichitai.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.settings_dict.setdefault("TEST", {})["NAME"] = "bench_" + str(connection.settings_dict["NAME"])
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)  # a kept one is replaced
    try:
        yield str(connection.settings_dict["NAME"])
    finally:
        if not keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)


def process_cpu() -> float:
    """CPU seconds (user + system) of this process and of its children that have ended (a worker pool's, once
    it is shut down): what the run cost in Python, whatever else the machine was doing."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def backend_cpu() -> float:
    """CPU seconds (user + system) so far of this connection's PostgreSQL backend (``/proc/<pid>/stat`` of
    ``pg_backend_pid()``: the server runs on this machine). Worker processes' own backends are not included."""
    from pathlib import Path

    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
