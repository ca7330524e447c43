"""The typed region description, the settings each role gets, the connection-target file (no cluster needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jichitai.dr import pgbackrest, regions, target
from jichitai.dr import postgres as pg
from jichitai.dr.errors import DrError


def test_topology_round_trips_through_its_yaml_file(tmp_path: Path) -> None:
    topo = regions.local(tmp_path, "async", ports=(61001, 61002))
    topo.save()
    again = regions.load(tmp_path)
    assert again == topo
    assert [r.name for r in again.regions] == ["tokyo", "osaka"]
    assert again.other("tokyo").name == "osaka"
    assert again.region("osaka").port == 61002


def test_load_refuses_a_missing_or_wrong_topology(tmp_path: Path) -> None:
    with pytest.raises(DrError) as missing:
        regions.load(tmp_path)
    assert missing.value.code == "dr_not_initialised"
    with pytest.raises(DrError):
        regions.local(tmp_path, "eventual")  # type: ignore[arg-type]


def test_free_ports_differ_and_are_not_5432(tmp_path: Path) -> None:
    topo = regions.local(tmp_path)
    ports = {r.port for r in topo.regions}
    assert len(ports) == 2 and 5432 not in ports


def test_sync_primary_waits_for_the_standby_to_apply(tmp_path: Path) -> None:
    """synchronous_commit = remote_apply + the standby named in synchronous_standby_names: an acknowledged
    commit is visible on the standby (PostgreSQL 15 docs, 27.2.8 Synchronous Replication)."""
    topo = regions.local(tmp_path, "sync", ports=(61001, 61002))
    conf = pg.region_conf(topo, topo.regions[0], primary=True, sync_partner="osaka")
    assert "synchronous_standby_names = 'FIRST 1 (osaka)'" in conf
    assert "synchronous_commit = remote_apply" in conf
    # WAL goes through pgBackRest, whose configuration names both regions' repositories
    assert "archive-push %p" in conf and "--stanza=jichitai" in conf
    br_conf = pgbackrest.config(topo)
    assert f"repo1-path={topo.regions[0].backup_dir}/pgbackrest" in br_conf
    assert f"repo2-path={topo.regions[1].backup_dir}/pgbackrest" in br_conf
    assert "port = 61001" in conf


def test_async_primary_and_a_primary_without_partner_never_wait(tmp_path: Path) -> None:
    topo = regions.local(tmp_path, "async", ports=(61001, 61002))
    conf = pg.region_conf(topo, topo.regions[0], primary=True, sync_partner="osaka")
    assert "synchronous_standby_names = ''" in conf
    sync = regions.local(tmp_path, "sync", ports=(61001, 61002))
    alone = pg.region_conf(sync, sync.regions[1], primary=True, sync_partner=None)
    assert "synchronous_standby_names = ''" in alone  # after a failover, until failback


def test_standby_streams_from_the_other_region(tmp_path: Path) -> None:
    topo = regions.local(tmp_path, "sync", ports=(61001, 61002))
    conf = pg.region_conf(topo, topo.regions[1], primary=False, sync_partner=None)
    assert "primary_conninfo = 'host=127.0.0.1 port=61001 user=replicator application_name=osaka" in conf


def test_connection_target_names_the_primary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    topo = regions.local(tmp_path, ports=(61001, 61002))
    path = target.write(topo, topo.regions[1], epoch=3)
    assert target.read(path)["DATABASE_URL"] == "postgres://jichitai@127.0.0.1:61002/jichitai_dr"
    assert target.read(path)["JICHITAI_DR_REGION"] == "osaka"
    monkeypatch.setenv("JICHITAI_DR_TARGET", str(path))
    assert target.database_url().endswith(":61002/jichitai_dr")
    monkeypatch.setenv("JICHITAI_DR_TARGET", str(tmp_path / "absent.env"))
    monkeypatch.setenv("DATABASE_URL", "postgres://x@h:1/d")
    assert target.database_url() == "postgres://x@h:1/d"
