"""Kill the hub with SIGKILL while it lands: after a restart no event is lost and none is counted twice
(issue 6, "Bad input and faults"). A real `jichitai hub run` process on the test database."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from jichitai.hub.landing import EVENT_TABLES
from jichitai.hub.models import FeedEvent
from jichitai.lake.catalog import open_catalog

EVENTS = 500


def _env(tmp_path: Path) -> dict[str, str]:
    s = connection.settings_dict
    url = f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    if connection.vendor == "sqlite":
        url = f"sqlite:///{s['NAME']}"
    return {**os.environ, "DATABASE_URL": url, "JICHITAI_MODE": "test", "JICHITAI_VAR": str(settings.CONFIG.var_dir),
            "JICHITAI_LAKE_PATH": str(tmp_path / "lake"),
            "JICHITAI_LAKE_CATALOG_URL": f"sqlite:///{tmp_path / 'lake' / 'catalog.sqlite3'}"}


def _hub(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "jichitai.cli", "hub", "run", "--once", "--batch", "25",
                             "--no-refresh"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_sigkill_during_landing_loses_nothing_and_doubles_nothing(tmp_path: Path) -> None:
    if connection.vendor == "sqlite" and str(connection.settings_dict["NAME"]).startswith(("file:", ":memory:")):
        pytest.skip("needs a database file or server shared with the child process")
    now = timezone.now()
    FeedEvent.objects.bulk_create([
        FeedEvent(source_id=i, event_id=uuid.uuid4(), kind="move_in_domestic", atena_number=f"{500000000 + i}",
                  setai_number=f"{600000000 + i}", occurred_on=dt.date(2026, 4, 1), created_at=now,
                  payload={"status": "active", "sex": "F", "birth_date": "1990-05-06", "ward_code": "28110",
                           "town_code": "281100001", "resident_kind": "japanese", "is_subject": True})
        for i in range(1, EVENTS + 1)])
    env = _env(tmp_path)
    cat = open_catalog(env["JICHITAI_LAKE_CATALOG_URL"], env["JICHITAI_LAKE_PATH"])
    proc = _hub(env)
    deadline = time.monotonic() + 120
    killed_at = None
    while time.monotonic() < deadline and proc.poll() is None:
        if cat.table_exists("raw.atena_events"):
            t = cat.load_table("raw.atena_events")
            if len(t.metadata.snapshots) >= 3:
                proc.send_signal(signal.SIGKILL)
                killed_at = len(t.metadata.snapshots)
                break
        time.sleep(0.05)
    proc.wait(timeout=60)
    assert killed_at is not None, f"the hub finished before it could be killed: {proc.stderr.read()!r}"
    assert proc.returncode == -signal.SIGKILL
    partial = cat.load_table("raw.atena_events").scan().to_arrow().num_rows
    assert partial < EVENTS  # it really was interrupted
    restarted = _hub(env)
    _, err = restarted.communicate(timeout=300)
    assert restarted.returncode == 0, err.decode()[-2000:]
    expected = sorted(FeedEvent.objects.values_list("id", flat=True))
    for ident in EVENT_TABLES:
        rows = cat.load_table(ident).scan().to_arrow()
        ids = rows["event_id"].to_pylist()
        assert len(ids) == len(set(ids)) == EVENTS, ident
        if "cursor" in rows.column_names:
            assert sorted(rows["cursor"].to_pylist()) == expected, ident
