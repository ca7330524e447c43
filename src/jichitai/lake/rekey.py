"""The lake's columns keyed by the 個人番号 vault, and moving them to a new key after ``jichitai vault rotate``.

The standard zone's tax reports keep the registry's blind index of the recipient's 個人番号 (``recipient_index``,
written by :mod:`jichitai.hub.landing`): an HMAC under a key derived from the vault's master key. When the key
changes, rows landed afterwards carry the new key's index; rows landed before must be rewritten with it, or a
join between the two (and between the lake and the database, which the rotation re-indexes) no longer finds the
person, and the retired key would be needed for ever to read the lake.

:func:`rekey` rewrites a table's keyed columns from an old value → new value map (the rotation's, held in
memory only) in **one Iceberg commit** per table (an overwrite of the whole table, which pyiceberg writes as a
delete and an append snapshot in one atomic catalogue commit; the table's recorded positions kept; a commit that
raced a landing is refused whole, nothing landed is lost, and the caller reads again), then expires every
older snapshot and deletes the files only they reached (:func:`jichitai.lake.retention.keep_only_current`), so
the retired key's indexes survive in no snapshot a reader (or a time-travel query) can reach. The table's
property ``jichitai.vault`` then names the key it was brought in line with: a rerun that finds nothing to
rewrite and the property current does nothing; one interrupted between the rewrite and the expiry expires now.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
from pyiceberg.expressions import AlwaysTrue
from pyiceberg.table import Table

from jichitai.lake import landing
from jichitai.lake.retention import keep_only_current

VAULT_PROPERTY = "jichitai.vault"
BATCH_PREFIX = "vault:"

# table → its columns holding a blind index of the 個人番号 vault (lake.tables.STANDARD_TAX_REPORT)
BLIND_INDEX_COLUMNS: dict[str, tuple[str, ...]] = {
    "standard.salary_report": ("recipient_index",),
    "standard.pension_report": ("recipient_index",),
}


@dataclass(frozen=True)
class Rekeyed:
    """What :func:`rekey` did to one table (counts only)."""

    rows: int = 0  # rows whose keyed value changed
    expired: int = 0  # snapshots expired
    files: int = 0  # files deleted with them


def _mapped(column: pa.ChunkedArray, olds: pa.Array, news: pa.Array) -> tuple[pa.ChunkedArray, pa.Array]:
    """``column`` with every value found in ``olds`` replaced by the ``news`` at the same position, and where."""
    at = pc.index_in(column, value_set=olds)
    hit = pc.is_valid(at)
    return pc.if_else(hit, pc.take(news, at), column), hit


def _arrays(moved: Mapping[str, str]) -> tuple[pa.Array, pa.Array]:
    return pa.array(list(moved), pa.string()), pa.array(list(moved.values()), pa.string())


def stale_rows(t: Table, maps: Mapping[str, Mapping[str, str]]) -> int:
    """How many rows of the table's current snapshot hold a value some map of ``maps`` (column → old → new)
    would replace: the rows still under a retired key."""
    t.refresh()
    if t.current_snapshot() is None or not any(maps.values()):
        return 0
    data = t.scan(selected_fields=tuple(maps)).to_arrow()
    hit = pa.array([False] * data.num_rows, pa.bool_())
    for column, moved in maps.items():
        olds, _ = _arrays(moved)
        hit = pc.or_(hit, pc.is_in(data[column], value_set=olds))
    return int(pc.sum(hit).as_py() or 0)


def rekey(t: Table, maps: Mapping[str, Mapping[str, str]], key_id: str) -> Rekeyed:
    """Rewrite the table's keyed columns (``maps``: column → old value → new value) in one commit, then expire
    the snapshots before it; both skipped when already done for ``key_id`` (see the module's docstring)."""
    t.refresh()
    changed = 0
    arrays = {column: _arrays(moved) for column, moved in maps.items() if moved}

    def fix(data: pa.Table) -> pa.Table:
        nonlocal changed
        hit = pa.array([False] * data.num_rows, pa.bool_())
        for column, (olds, news) in arrays.items():
            i = data.schema.get_field_index(column)
            values, found = _mapped(data.column(i), olds, news)
            data = data.set_column(i, data.schema.field(i), values)
            hit = pc.or_(hit, found)
        changed = int(pc.sum(hit).as_py() or 0)
        return data

    if arrays and t.current_snapshot() is not None:
        landing.rewrite(t, AlwaysTrue(), fix, f"{BATCH_PREFIX}{key_id}")
    if not changed and t.properties.get(VAULT_PROPERTY) == key_id:
        return Rekeyed()
    expired, files = keep_only_current(t)
    with t.transaction() as tx:
        tx.set_properties({VAULT_PROPERTY: key_id})
    t.refresh()
    return Rekeyed(changed, expired, files)


def history_left(t: Table, key_id: str) -> int:
    """Snapshots that may still hold a retired key's values: all but the current one, unless the table was
    brought in line with ``key_id`` (then its older snapshots were expired, and later ones were written under
    ``key_id``)."""
    t.refresh()
    if t.properties.get(VAULT_PROPERTY) == key_id:
        return 0
    return max(len(t.metadata.snapshots) - 1, 0)
