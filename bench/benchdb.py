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


class TreePeak:
    """The peak of the summed resident set (GiB) of this process and its descendants (a worker pool's), sampled
    from /proc every ``every`` seconds by a thread while in the ``with`` block: what the machine must hold."""

    def __init__(self, every: float = 0.2) -> None:
        import threading

        self.every, self.peak = every, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreePeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while True:
            self.peak = max(self.peak, self.now())
            if self._stop.wait(self.every):
                return

    @staticmethod
    def now() -> float:
        from pathlib import Path

        parents: dict[int, int] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(stat.parent.name)] = int(fields[1])
        tree, grew = {os.getpid()}, True
        while grew:
            more = {pid for pid, ppid in parents.items() if ppid in tree} - tree
            tree |= more
            grew = bool(more)
        total = 0
        for pid in tree:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                continue
        return total / 1024 / 1024
