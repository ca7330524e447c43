"""Iceberg replication to the other region: paths rewritten, snapshots identical, time travel intact."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pytest
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.transforms import IdentityTransform
from pyiceberg.types import LongType, NestedField, StringType

from jichitai.dr import lake, regions
from jichitai.dr.errors import DrError


@pytest.fixture
def two_lakes(tmp_path: Path) -> tuple[regions.Region, regions.Region]:
    topo = regions.local(tmp_path, ports=(61001, 61002))
    tokyo, osaka = topo.regions
    cat = lake.open_region_catalog(tokyo)
    cat.create_namespace_if_not_exists("lounge")
    schema = Schema(NestedField(1, "pid", StringType(), required=False),
                    NestedField(2, "ward_code", StringType(), required=False),
                    NestedField(3, "n", LongType(), required=False))
    spec = PartitionSpec(PartitionField(source_id=2, field_id=1000, transform=IdentityTransform(), name="ward_code"))
    table = cat.create_table("lounge.movements", schema=schema, partition_spec=spec)
    for i in range(3):
        table.append(pa.table({"pid": [f"p{i}{j}" for j in range(4)],
                               "ward_code": ["28101", "28102", "28110", "28101"],
                               "n": pa.array([i * 10 + j for j in range(4)], pa.int64())}))
    table.delete("n = 11")  # a delete snapshot: the replica must not resurrect the row
    return tokyo, osaka


def test_replica_reads_the_same_snapshots_and_rows(two_lakes: tuple[regions.Region, regions.Region]) -> None:
    tokyo, osaka = two_lakes
    report = lake.replicate(tokyo, osaka)
    assert [t.identifier for t in report.tables] == ["lounge.movements"]
    source, replica = lake.snapshots(tokyo), lake.snapshots(osaka)
    assert replica == source
    assert replica["lounge.movements"]["rows"] == 11
    assert Path(report.catalog_backup).is_file()


def test_replica_stands_alone_after_the_source_region_is_lost(two_lakes: tuple[regions.Region, regions.Region]) -> None:
    tokyo, osaka = two_lakes
    lake.replicate(tokyo, osaka)
    expected = lake.snapshots(tokyo)
    shutil.rmtree(tokyo.lake_path)
    assert lake.snapshots(osaka) == expected
    table = lake.open_region_catalog(osaka).load_table("lounge.movements")
    assert str(osaka.lake_path) in table.location()
    first = table.metadata.snapshots[0].snapshot_id
    assert table.scan(snapshot_id=first).to_arrow().num_rows == 4  # time travel on the replica


def test_second_replication_copies_only_new_files(two_lakes: tuple[regions.Region, regions.Region]) -> None:
    tokyo, osaka = two_lakes
    lake.replicate(tokyo, osaka)
    table = lake.open_region_catalog(tokyo).load_table("lounge.movements")
    table.append(pa.table({"pid": ["new"], "ward_code": ["28111"], "n": pa.array([99], pa.int64())}))
    again = lake.replicate(tokyo, osaka)
    assert again.tables[0].data_files_copied == 1
    assert lake.snapshots(osaka) == lake.snapshots(tokyo)


def test_a_path_outside_the_lake_is_refused(tmp_path: Path) -> None:
    moves = lake.PathMap(tmp_path / "a", tmp_path / "b")
    assert moves((tmp_path / "a" / "x.parquet").as_uri()) == (tmp_path / "b" / "x.parquet").as_uri()
    with pytest.raises(DrError):
        moves("/elsewhere/x.parquet")


def test_rows_expired_at_the_source_do_not_live_on_in_the_replica(
    two_lakes: tuple[regions.Region, regions.Region],
) -> None:
    """Independent (住基法第12条の3, 標準仕様書 3.4 j440: a protected address reaches no one; the 支援措置 redaction
    of the lake expires the snapshots that held it, :mod:`jichitai.hub.lakeshield`): after the source rewrites a
    row and expires its older snapshots, the next replication leaves no file in the other region that holds the
    old row, and the replica still reads the current rows."""
    import pyarrow.parquet as pq

    from jichitai.lake.retention import keep_only_current

    tokyo, osaka = two_lakes
    lake.replicate(tokyo, osaka)
    table = lake.open_region_catalog(tokyo).load_table("lounge.movements")
    rows = table.scan(row_filter="pid = 'p00'").to_arrow()
    fixed = rows.set_column(1, rows.schema.field(1), pa.array([""] * rows.num_rows, rows.schema.field(1).type))
    table.overwrite(fixed, overwrite_filter="pid = 'p00'")
    expired, _ = keep_only_current(table)
    assert expired > 0
    report = lake.replicate(tokyo, osaka)
    assert report.tables[0].pruned > 0
    replica = lake.open_region_catalog(osaka).load_table("lounge.movements")
    assert replica.scan().to_arrow().num_rows == 11
    for path in osaka.lake_path.rglob("*.parquet"):
        held = pq.read_table(path).to_pylist()
        old_place = "ward_code=28101" in str(path) or any(r.get("ward_code") == "28101" for r in held)
        assert not (old_place and any(r["pid"] == "p00" for r in held)), path
