"""Replicating the Iceberg lake to the other region, paths rewritten, and backing up its catalogue.

Iceberg metadata holds absolute paths at three levels (metadata JSON → manifest lists → manifests → data
files), so a byte copy of the warehouse into another location is unreadable there. For every table of the
source catalogue this module

1. copies every data and delete file that any snapshot's manifests name (files are immutable: a file already
   present with the same size is not copied again),
2. rewrites each manifest (pyiceberg's own Avro reader and writer) with the data-file paths moved to the
   target warehouse, keeping snapshot ids, sequence numbers and statuses,
3. rewrites each snapshot's manifest list to point at the moved manifests,
4. rewrites the metadata JSON (table location, manifest-list paths, metadata log),
5. registers the rewritten metadata in the target region's catalogue (replacing an older registration),

6. deletes the target's files that no snapshot it keeps needs (a snapshot expired at the source takes its
   files with it here too: :mod:`jichitai.lake.retention`),

and copies the source catalogue database itself (SQLite online backup) into the target region. The
target then reads the same snapshot ids with the same rows; time travel works there too. In production the
copy of steps 1–3 is S3 Cross-Region Replication and the rewrite runs after it (Iceberg's
``rewrite_table_path`` procedure does the same on Spark); see docs/operations.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.exceptions import NoSuchTableError
from pyiceberg.io import FileIO
from pyiceberg.manifest import (
    ManifestFile,
    read_manifest_list,
    write_manifest,
    write_manifest_list,
)
from pyiceberg.table import Table

from jichitai.dr.errors import DrError
from jichitai.dr.regions import Region
from jichitai.lake.catalog import CATALOG_NAME, sqlalchemy_url
from jichitai.lake.retention import referenced_files

_FILE_PATH = 1  # position of file_path in pyiceberg's DataFile record (Iceberg spec field 100)


def open_region_catalog(region: Region) -> SqlCatalog:
    """The region's pyiceberg SQL catalogue with its warehouse at the region's lake path."""
    region.lake_path.mkdir(parents=True, exist_ok=True)
    if region.lake_catalog_url.startswith("sqlite:///"):
        Path(region.lake_catalog_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return SqlCatalog(
        CATALOG_NAME, uri=sqlalchemy_url(region.lake_catalog_url), warehouse=region.lake_path.resolve().as_uri()
    )


def _local(path: str) -> Path:
    """A local filesystem path for a ``file://`` URI or a plain path."""
    return Path(urlparse(path).path) if path.startswith("file:") else Path(path)


@dataclass
class PathMap:
    """Moves paths from the source warehouse to the target warehouse, in either spelling."""

    source: Path
    target: Path

    def __call__(self, path: str) -> str:
        local = _local(path)
        try:
            rel = local.relative_to(self.source)
        except ValueError:
            raise DrError(f"レイク外のパスです: {path}", code="dr_lake_foreign_path", path=path) from None
        moved = self.target / rel
        return moved.as_uri() if path.startswith("file:") else str(moved)


@dataclass
class TableCopy:
    identifier: str
    snapshots: int
    data_files_copied: int
    data_files_present: int
    manifests: int
    metadata_location: str
    pruned: int = 0  # files of the replica no kept snapshot needs, deleted


@dataclass
class LakeReport:
    source: str
    target: str
    tables: list[TableCopy] = field(default_factory=list)
    catalog_backup: str = ""
    at: str = ""


def replicate(source: Region, target: Region) -> LakeReport:
    """Copy every table of ``source``'s catalogue into ``target``'s lake and catalogue, paths rewritten."""
    src_cat, dst_cat = open_region_catalog(source), open_region_catalog(target)
    moves = PathMap(source.lake_path.resolve(), target.lake_path.resolve())
    report = LakeReport(source.name, target.name, at=dt.datetime.now(dt.UTC).isoformat())
    for namespace in src_cat.list_namespaces():
        dst_cat.create_namespace_if_not_exists(namespace)
        for ident in src_cat.list_tables(namespace):
            name = ".".join(ident)
            report.tables.append(_replicate_table(src_cat.load_table(name), dst_cat, name, moves))
    report.catalog_backup = str(backup_catalog(source, target))
    return report


def _replicate_table(table: Table, dst_cat: SqlCatalog, name: str, moves: PathMap) -> TableCopy:
    meta = table.metadata
    io: FileIO = table.io
    copied = present = 0
    rewritten: dict[str, ManifestFile] = {}
    for snapshot in meta.snapshots:
        if snapshot.manifest_list is None:
            continue
        manifests = list(read_manifest_list(io.new_input(snapshot.manifest_list)))
        new_manifests = []
        for mf in manifests:
            if mf.manifest_path not in rewritten:
                c, p, new_mf = _rewrite_manifest(table, mf, moves)
                copied, present = copied + c, present + p
                rewritten[mf.manifest_path] = new_mf
            new_manifests.append(rewritten[mf.manifest_path])
        out = io.new_output(moves(snapshot.manifest_list))
        _local(out.location).parent.mkdir(parents=True, exist_ok=True)
        with write_manifest_list(
            format_version=meta.format_version,
            output_file=out,
            snapshot_id=snapshot.snapshot_id,
            parent_snapshot_id=snapshot.parent_snapshot_id,
            sequence_number=snapshot.sequence_number,
            avro_compression="deflate",
        ) as writer:
            writer.add_manifests(new_manifests)
    # metadata JSON: the current file and the ones its log names
    locations = [entry.metadata_file for entry in meta.metadata_log] + [table.metadata_location]
    for loc in locations:
        src = _local(loc)
        if not src.exists():
            continue
        doc = json.loads(src.read_text(encoding="utf-8"))
        dst = _local(moves(loc))
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_text(json.dumps(_move_metadata(doc, moves)), encoding="utf-8")
    new_location = moves(table.metadata_location)
    try:
        dst_cat.drop_table(name)  # unregisters; the files stay (they are the new copy)
    except NoSuchTableError:
        pass
    dst_cat.register_table(name, new_location)
    pruned = _prune(dst_cat.load_table(name))
    return TableCopy(name, len(meta.snapshots), copied, present, len(rewritten), new_location, pruned)


def _prune(replica: Table) -> int:
    """Delete the replica's files that no snapshot it keeps needs (a snapshot the source expired — the rows a
    支援措置 redacted, :mod:`jichitai.hub.lakeshield` — must not live on in the other region). Metadata JSON files
    stay (they hold no rows). Returns the files deleted."""
    keep = {_local(p) for p in referenced_files(replica, [s.snapshot_id for s in replica.metadata.snapshots],
                                                live_only=True)}
    root = _local(replica.location())
    removed = 0
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.endswith(".metadata.json") and path not in keep:
            path.unlink()
            removed += 1
    return removed


def _rewrite_manifest(table: Table, mf: ManifestFile, moves: PathMap) -> tuple[int, int, ManifestFile]:
    io = table.io
    meta = table.metadata
    entries = mf.fetch_manifest_entry(io, discard_deleted=False)
    copied = present = 0
    for entry in entries:
        src = _local(entry.data_file.file_path)
        dst = _local(moves(entry.data_file.file_path))
        if dst.exists() and dst.stat().st_size == src.stat().st_size:
            present += 1
        elif entry.status.name != "DELETED" or src.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
            copied += 1
        entry.data_file[_FILE_PATH] = moves(entry.data_file.file_path)  # a read-only property in pyiceberg
    spec = meta.specs()[mf.partition_spec_id]
    out = io.new_output(moves(mf.manifest_path))
    _local(out.location).parent.mkdir(parents=True, exist_ok=True)
    with write_manifest(
        format_version=meta.format_version,
        spec=spec,
        schema=meta.schema(),
        output_file=out,
        snapshot_id=mf.added_snapshot_id or 0,
        avro_compression="deflate",
    ) as writer:
        for entry in entries:
            writer.add_entry(entry)
    length = len(out)
    new_mf = ManifestFile.from_args(
        manifest_path=out.location,
        manifest_length=length,
        partition_spec_id=mf.partition_spec_id,
        content=mf.content,
        sequence_number=mf.sequence_number,
        min_sequence_number=mf.min_sequence_number,
        added_snapshot_id=mf.added_snapshot_id,
        added_files_count=mf.added_files_count,
        existing_files_count=mf.existing_files_count,
        deleted_files_count=mf.deleted_files_count,
        added_rows_count=mf.added_rows_count,
        existing_rows_count=mf.existing_rows_count,
        deleted_rows_count=mf.deleted_rows_count,
        partitions=mf.partitions,
        key_metadata=mf.key_metadata,
    )
    return copied, present, new_mf


def _move_metadata(doc: dict[str, Any], moves: PathMap) -> dict[str, Any]:
    doc = dict(doc)
    doc["location"] = moves(doc["location"])
    doc["snapshots"] = [
        {**s, "manifest-list": moves(s["manifest-list"])} if "manifest-list" in s else s
        for s in doc.get("snapshots", [])
    ]
    doc["metadata-log"] = [{**e, "metadata-file": moves(e["metadata-file"])} for e in doc.get("metadata-log", [])]
    for key in ("statistics", "partition-statistics"):
        doc[key] = [{**s, "statistics-path": moves(s["statistics-path"])} for s in doc.get(key, [])]
    props = dict(doc.get("properties", {}))
    for k in ("write.data.path", "write.metadata.path", "write.object-storage.path"):
        if k in props:
            props[k] = moves(props[k])
    doc["properties"] = props
    return doc


def backup_catalog(source: Region, target: Region) -> Path:
    """Copy the source catalogue database into the target region (SQLite online backup API)."""
    dest_dir = target.lake_path / "catalog-backups"
    dest_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    if source.lake_catalog_url.startswith("sqlite:///"):
        dest = dest_dir / f"{source.name}-{stamp}.sqlite3"
        src_conn = sqlite3.connect(source.lake_catalog_url.removeprefix("sqlite:///"))
        dst_conn = sqlite3.connect(dest)
        try:
            src_conn.backup(dst_conn)
        finally:
            dst_conn.close()
            src_conn.close()
        return dest
    # a PostgreSQL catalogue lives in the replicated database itself: its rows travel with the WAL
    dest = dest_dir / f"{source.name}-{stamp}.json"
    cat = open_region_catalog(source)
    rows = [
        {"identifier": ".".join(t), "metadata_location": cat.load_table(".".join(t)).metadata_location}
        for ns in cat.list_namespaces()
        for t in cat.list_tables(ns)
    ]
    dest.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return dest


def current_snapshots(region: Region) -> dict[str, int | None]:
    """Per table: the current snapshot id only (no data read: what ``dr status`` and the DR page show)."""
    cat = open_region_catalog(region)
    out: dict[str, int | None] = {}
    for ns in cat.list_namespaces():
        for ident in cat.list_tables(ns):
            name = ".".join(ident)
            current = cat.load_table(name).current_snapshot()
            out[name] = current.snapshot_id if current else None
    return out


def snapshots(region: Region) -> dict[str, dict[str, Any]]:
    """Per table: current snapshot id, every snapshot id, row count and a content digest of the current
    snapshot (rows sorted, so equal data in either region gives the same digest)."""
    cat = open_region_catalog(region)
    out: dict[str, dict[str, Any]] = {}
    for ns in cat.list_namespaces():
        for ident in cat.list_tables(ns):
            name = ".".join(ident)
            table = cat.load_table(name)
            current = table.current_snapshot()
            arrow = table.scan().to_arrow()
            rows = sorted(json.dumps(r, sort_keys=True, default=str) for r in arrow.to_pylist())
            out[name] = {
                "current": current.snapshot_id if current else None,
                "snapshots": [s.snapshot_id for s in table.metadata.snapshots],
                "rows": arrow.num_rows,
                "digest": hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16],
            }
    return out
