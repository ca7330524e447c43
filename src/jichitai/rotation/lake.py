"""The rotation's lake phase: the analytics lake's blind indexes moved to the current key, with the same
in-memory old index → new index map the database's phase uses (:mod:`jichitai.lake.rekey` does the Iceberg
part: one commit per table, then the older snapshots expired and their files deleted)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pyiceberg.exceptions import CommitFailedException, ValidationException

from jichitai.lake import rekey

ATTEMPTS = 3  # commits of one table tried before the rotation stops (a rerun continues)

if TYPE_CHECKING:
    from jichitai.common.vault import Keyring
    from jichitai.rotation.services import Progress, Rotation


# the lounge's declarations: a filer not found in the registry is pseudonymised from their blind index
# (hub.outcomes.unregistered_filer), so that pseudonym is keyed by the vault too
FILERS = ("lounge.declarations", "pid")


def _filer_pseudonyms(moved: Mapping[str, str]) -> dict[str, str]:
    """The pseudonym of each unregistered filer's old index → that of the new one (only the filers the
    database holds, under either index: before the database's phase or after it)."""
    from jichitai.declarations.models import Declaration
    from jichitai.hub.outcomes import unregistered_filer
    from jichitai.lake.pseudonym import Pseudonymiser

    owners = set(Declaration.objects.filter(atena_number="").values_list("owner_index", flat=True))
    pairs = [(old, new) for old, new in moved.items() if old in owners or new in owners]
    if not pairs:
        return {}
    p = Pseudonymiser.for_purpose("lounge")
    olds = p.many(unregistered_filer(old) for old, _ in pairs)
    news = p.many(unregistered_filer(new) for _, new in pairs)
    return {o: n for o, n in zip(olds, news, strict=True) if o and n}


def keyed_columns(moved: Mapping[str, str]) -> dict[str, dict[str, Mapping[str, str]]]:
    """Each keyed lake table → its keyed columns → the map that moves their values to the current key."""
    out = {ident: dict.fromkeys(columns, moved) for ident, columns in rekey.BLIND_INDEX_COLUMNS.items()}
    table, column = FILERS
    out[table] = {column: _filer_pseudonyms(moved) if moved else {}}
    return out


def _tables(cat: Any, maps: Mapping[str, Any]) -> list[tuple[str, Any]]:
    return [(ident, cat.load_table(ident)) for ident in maps if cat.table_exists(ident)]


def _rows(t: Any) -> int:
    snap = t.current_snapshot()
    return int((snap.summary or {}).get("total-records", "0") or 0) if snap is not None else 0


def _rekey(t: Any, maps: Mapping[str, Mapping[str, str]], key_id: str) -> rekey.Rekeyed:
    """:func:`jichitai.lake.rekey.rekey`, again from a fresh read when a landing committed to the table in between
    (the hub worker keeps landing during the rotation). pyiceberg refuses such a commit (its retry finds data
    added since the snapshot the overwrite read: ``ValidationException``), so the conflict rewrote nothing."""
    attempt = 1
    while True:
        try:
            return rekey.rekey(t, maps, key_id)
        except (CommitFailedException, ValidationException):
            if attempt == ATTEMPTS:
                raise
            attempt += 1


def move(ring: Keyring, moved: Mapping[str, str], out: Rotation, progress: Progress, cat: Any = None) -> None:
    """Re-key every keyed lake table (counts into ``out``; progress in rows, table by table)."""
    from jichitai.lake import catalog as lake_catalog

    cat = cat or lake_catalog.catalog()
    maps = keyed_columns(moved)
    tables = _tables(cat, maps)
    progress.start("lake", sum(_rows(t) for _, t in tables))
    for ident, t in tables:
        size = _rows(t)
        done = _rekey(t, maps[ident], ring.key_id)
        if done.rows:
            out.lake[ident] += done.rows
        if done.expired:
            out.lake_expired[ident] += done.expired
        out.lake_files_deleted += done.files
        progress.advance("lake", size)
    if any(ident.startswith("lounge.") for ident in out.lake_expired):
        from jichitai.lounge import services as lounge_services

        lounge_services.forget_as_of()  # the saved "as of" marts computed from the expired snapshots


def status(ring: Keyring, moved: Mapping[str, str], cat: Any = None) -> tuple[Counter[str], Counter[str]]:
    """(rows still under a retired key per keyed table — every table present, 0 included; snapshots that may
    still hold a retired key's values per table, when there is a retired key)."""
    from jichitai.lake import catalog as lake_catalog

    cat = cat or lake_catalog.catalog()
    maps = keyed_columns(moved)
    rows: Counter[str] = Counter()
    history: Counter[str] = Counter()
    for ident, t in _tables(cat, maps):
        rows[ident] = rekey.stale_rows(t, maps[ident])
        if ring.retired and (left := rekey.history_left(t, ring.key_id)):
            history[ident] = left
    return rows, history
