"""When the marts are refreshed, and from which lake snapshots.

The hub worker lands changes in the lounge zone all day (each counter 異動 reaches it within a cycle). The
marts are recomputed after a landing, not on every event: :func:`due` waits until the zone has been quiet for
``QUIET`` (a burst of landings gives one refresh) but never lets a change wait more than ``MAX_WAIT`` (a zone
that never stays quiet still reaches the pages). Both are read from the lake itself (the snapshots the last
refresh read, against the current ones), so a restarted worker decides the same way.

Every refresh, whoever started it (the worker, ``jichitai lounge refresh``, the page), is recorded as a
:class:`~jichitai.lounge.models.MartRefresh` with the snapshot of each table it read.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from jichitai.lake.schemas import LOUNGE_NAMESPACE
from jichitai.lounge.models import MartRefresh
from jichitai.lounge.refresh import MartSet
from jichitai.lounge.source import SOURCE_SYSTEMS, Lineage, current_lineage

QUIET = dt.timedelta(seconds=60)
MAX_WAIT = dt.timedelta(minutes=10)

# what each mart reads from the lounge zone (tests/lounge/test_freshness.py checks it against the indicators)
MART_SOURCES: dict[str, tuple[str, ...]] = {
    "population": ("resident_spells",),
    "population_town": ("resident_spells",),
    "children_by_school_district": ("resident_spells",),
    "households": ("resident_spells",),
    "vital_events": ("movements",),
    "migration": ("movements",),
    "ward_migration": ("movements", "resident_spells"),
    "child_allowance": ("child_allowance",),
    "ltc_certification": ("ltc_certification",),
    "nhi_enrolment": ("nhi_enrolment",),
    "tax_by_ward": ("tax_assessment",),
    "declarations": ("declarations",),
    "population_age": ("resident_spells",),
    "flows_age": ("movements", "resident_spells"),
    "births_mother_age": ("births",),
    "town_names": ("towns",),
}
MART_LABELS: dict[str, str] = {
    "population": "人口（区・男女・5歳階級）",
    "population_town": "人口（町字別）",
    "children_by_school_district": "子どもの数（小学校区別）",
    "households": "世帯数（世帯人員別）",
    "vital_events": "出生・死亡",
    "migration": "転入・転出",
    "ward_migration": "区別の転入・転出",
    "child_allowance": "児童手当",
    "ltc_certification": "要介護・要支援認定",
    "nhi_enrolment": "国民健康保険",
    "tax_by_ward": "個人住民税（区別）",
    "declarations": "申告の受付・審査",
    "population_age": "将来推計の基準人口（各歳）",
    "flows_age": "将来推計の出生・死亡・移動率（各歳）",
    "births_mother_age": "将来推計の出生（母の年齢別）",
    "town_names": "町字の名称（住所辞書）",
}


def _setting(name: str, default: dt.timedelta) -> dt.timedelta:
    raw = settings.CONFIG.extras.get(name)
    return dt.timedelta(seconds=float(raw)) if raw else default


def _when(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def last_manifest() -> dict[str, Any] | None:
    """The manifest of the marts on disk (what the pages show): refresh time and the lineage it read."""
    from jichitai.lounge import services

    path = services.marts_dir() / "manifest.json"
    if not path.exists():
        return None
    manifest: dict[str, Any] = json.loads(path.read_text())
    return manifest


@dataclass
class Due:
    refresh: bool
    reason: str
    changed: list[str] = field(default_factory=list)
    pending_since: dt.datetime | None = None


def _first_after(cat: Any, table: str, after: dt.datetime | None) -> dt.datetime | None:
    """The commit time of the first snapshot of ``table`` after ``after`` (the oldest change not yet in the
    marts)."""
    ident = f"{LOUNGE_NAMESPACE}.{table}"
    if not cat.table_exists(ident):
        return None
    limit = after.timestamp() * 1000 if after else -1
    times = [s.timestamp_ms for s in cat.load_table(ident).snapshots() if s.timestamp_ms > limit]
    return dt.datetime.fromtimestamp(min(times) / 1000, dt.UTC) if times else None


def due(now: dt.datetime | None = None) -> Due:
    """Whether the marts should be refreshed now: the zone moved since the last refresh, and it has been quiet
    for ``QUIET`` or the oldest change has waited ``MAX_WAIT``."""
    from jichitai.lounge import services

    now = now or timezone.now()
    cat = services.source_catalog()
    current = current_lineage(cat)
    manifest = last_manifest()
    read: dict[str, dict[str, Any]] = manifest["lineage"] if manifest else {}
    changed = sorted(t for t, li in current.items()
                     if li.snapshot_id is not None and li.snapshot_id != (read.get(t) or {}).get("snapshot_id"))
    if not changed:
        return Due(False, "変更なし")
    newest = max(_when(current[t].committed_at) or now for t in changed)
    pending = [p for t in changed if (p := _first_after(cat, t, _when((read.get(t) or {}).get("committed_at"))))]
    pending_since = min(pending) if pending else newest
    if now - newest >= _setting("lounge_refresh_quiet_seconds", QUIET):
        return Due(True, "取り込みが落ち着いたため", changed, pending_since)
    if now - pending_since >= _setting("lounge_refresh_max_wait_seconds", MAX_WAIT):
        return Due(True, "最も古い変更の待ち時間が上限に達したため", changed, pending_since)
    return Due(False, "取り込みが続いているため待機中", changed, pending_since)


def record(marts: MartSet, trigger: str) -> MartRefresh:
    return MartRefresh.objects.create(
        at=dt.datetime.fromisoformat(marts.refreshed_at), trigger=trigger, engine=marts.engine,
        seconds=round(sum(marts.timings.values()) or marts.seconds, 3),
        timings={k: round(v, 3) for k, v in marts.timings.items()},
        lineage={n: {"snapshot_id": li.snapshot_id, "committed_at": li.committed_at, "rows": li.rows}
                 for n, li in marts.lineage.items()},
        rows={name: t.num_rows for name, t in marts.tables.items()})


def refresh(trigger: str) -> MartSet:
    """Recompute the marts from the lake's current snapshots, rewrite the protected catalogue analysts' engines
    read, and record the refresh."""
    from jichitai.lounge import services

    marts = services.refresh_now()
    services.published_catalogue(marts)
    record(marts, trigger)
    return marts


@dataclass
class MartState:
    name: str
    label: str
    rows: int | None
    sources: list[dict[str, Any]]

    @property
    def stale(self) -> bool:
        return any(s["moved"] for s in self.sources)


def status() -> dict[str, Any]:
    """For the page: per mart its rows, the refresh it comes from and, per source table, the snapshot read and
    whether the lake has moved since; what the worker will do next; the last refreshes."""
    from jichitai.lounge import services

    manifest = last_manifest()
    read = {n: Lineage(**li) for n, li in (manifest or {}).get("lineage", {}).items()}
    current = current_lineage(services.source_catalog())
    last = MartRefresh.objects.first()
    rows = last.rows if last is not None else {}
    marts = []
    for name, sources in MART_SOURCES.items():
        marts.append(MartState(name, MART_LABELS[name], rows.get(name), [
            {"table": t, "source_system": SOURCE_SYSTEMS[t], "snapshot_id": read[t].snapshot_id if t in read else None,
             "committed_at": _when(read[t].committed_at) if t in read else None,
             "moved": current[t].snapshot_id != (read[t].snapshot_id if t in read else None),
             "current_committed_at": _when(current[t].committed_at)} for t in sources]))
    return {"refreshed_at": _when(manifest["refreshed_at"]) if manifest else None,
            "seconds": manifest.get("seconds") if manifest else None,
            "engine": manifest.get("engine") if manifest else None, "marts": marts, "due": due(),
            "history": list(MartRefresh.objects.all()[:10]),
            "quiet": _setting("lounge_refresh_quiet_seconds", QUIET),
            "max_wait": _setting("lounge_refresh_max_wait_seconds", MAX_WAIT)}
