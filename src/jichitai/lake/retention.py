"""Keeping a table's history short: expire older snapshots and delete the files only they reached.

Iceberg keeps every snapshot's files until the snapshot is expired, and pyiceberg's expiry removes the snapshots
from the metadata but leaves their files where they are. When rows must be gone — an address under 支援措置
(:mod:`jichitai.hub.lakeshield`) — the files that held them must go too: here, and in the other region's copy
(:mod:`jichitai.dr.lake`).
"""

from __future__ import annotations

from collections.abc import Iterable

from pyiceberg.table import Table


def referenced_files(t: Table, snapshot_ids: Iterable[int], *, live_only: bool = False) -> set[str]:
    """Every file the given snapshots reach: manifest lists, manifests, data and delete files. ``live_only``: only
    the data files a read of those snapshots needs (not those a manifest lists as deleted)."""
    out: set[str] = set()
    for sid in snapshot_ids:
        snap = t.snapshot_by_id(sid)
        if snap is None:
            continue
        out.add(snap.manifest_list)
        for manifest in snap.manifests(t.io):
            out.add(manifest.manifest_path)
            for entry in manifest.fetch_manifest_entry(t.io, discard_deleted=live_only):
                out.add(entry.data_file.file_path)
    return out


def keep_only_current(t: Table) -> tuple[int, int]:
    """Expire every snapshot but the current one and delete the files only they reached (also a file the current
    snapshot's manifests still list as deleted). Returns (snapshots expired, files deleted)."""
    t.refresh()
    current = t.current_snapshot()
    if current is None:
        return 0, 0
    old = [s.snapshot_id for s in t.metadata.snapshots if s.snapshot_id != current.snapshot_id]
    if not old:
        return 0, 0
    before = referenced_files(t, [*old, current.snapshot_id])
    t.maintenance.expire_snapshots().by_ids(old).commit()
    t.refresh()
    gone = before - referenced_files(t, [current.snapshot_id], live_only=True)
    for path in sorted(gone):
        t.io.delete(path)
    return len(old), len(gone)
