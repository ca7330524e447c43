"""Refreshing the marts: read the zone (as of now or a past time), run every mart on the configured engine,
keep the results with their lineage. A :class:`MartSet` also caches what :mod:`publish` made of it, so a
dashboard asks the engine nothing at view time.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from jichitai.lounge import indicators as I
from jichitai.lounge.areas import Towns, town_names
from jichitai.lounge.engines import connect
from jichitai.lounge.marts import MARTS, STAGES, Periods
from jichitai.lounge.publish import Published, publish
from jichitai.lounge.source import Lineage, Zone

TOWN_MART = "population_town"  # the mart that pairs each 町字 with its ward
# how the saved published tables were protected and labelled: tables saved by an older rule are published again
PUBLISHED_WITH = "suppression+cell-key-1+town-names"


@dataclass
class MartSet:
    tables: dict[str, pa.Table]
    lineage: dict[str, Lineage]
    periods: Periods
    engine: str
    refreshed_at: str
    seconds: float = 0.0
    as_of: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    noise_secret: str = field(default="", repr=False)  # the cell-key secret publishing needs (never saved)
    _published: dict[tuple[str, str, int], Published] = field(default_factory=dict, repr=False)
    _periods: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _towns: Towns | None = field(default=None, repr=False)

    def towns(self) -> Towns:
        """町字 → 区 as the 町字 mart pairs them, named from the 住所辞書 (mart ``town_names``), made once."""
        if self._towns is None:
            pairs = self.tables.get(TOWN_MART)  # absent from a partial refresh (``only=``) that did not make it
            parents: list[tuple[object, object]] = []
            if pairs is not None and pairs.num_rows:
                pairs = pairs.select(["town_code", "ward_code"]).group_by(["town_code", "ward_code"]).aggregate([])
                parents = list(zip(pairs["town_code"].to_pylist(), pairs["ward_code"].to_pylist(), strict=True))
            self._towns = Towns(parents, town_names(self.tables.get("town_names")))
        return self._towns

    def periods_of(self, slug: str) -> list[str]:
        """The periods an indicator has (reference dates or years, ISO text, oldest first), computed once."""
        if slug not in self._periods:
            from jichitai.lounge.publish import periods

            ind = I.get(slug)
            self._periods[slug] = periods(ind, self.tables[ind.mart])
        return self._periods[slug]

    def prepublish(self, k: int) -> int:
        """Publish every indicator at every period now (part of the refresh), so no page waits for disclosure
        control. Returns how many tables were published."""
        count = 0
        for slug in I.INDICATORS:
            for period in self.periods_of(slug):
                self.publish(slug, period, k)
                count += 1
        return count

    def publish(self, slug: str, period: str, k: int) -> Published:
        key = (slug, period, k)
        if key not in self._published:
            ind = I.get(slug)
            self._published[key] = publish(ind, self.tables[ind.mart], period, k, self.noise_secret,
                                           self.towns().label)
        return self._published[key]

    def sources(self, slug: str) -> list[Lineage]:
        ind = I.get(slug)
        return [self.lineage[s.split(".", 1)[1]] for s in ind.sources]

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for name, table in self.tables.items():
            pq.write_table(table, directory / f"{name}.parquet")
        manifest = {
            "engine": self.engine, "refreshed_at": self.refreshed_at, "seconds": self.seconds, "as_of": self.as_of,
            "dates": [d.isoformat() for d in self.periods.dates], "years": list(self.periods.years),
            "through": self.periods.through.isoformat() if self.periods.through else None,
            "lineage": {n: vars(li) for n, li in self.lineage.items()}, "published_with": PUBLISHED_WITH,
        }
        (directory / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        published = [{"key": list(key), "published": vars(pub)} for key, pub in self._published.items()]
        (directory / "published.json").write_text(json.dumps(published, ensure_ascii=False))

    @classmethod
    def load(cls, directory: Path) -> MartSet | None:
        manifest_path = directory / "manifest.json"
        if not manifest_path.exists():
            return None
        m = json.loads(manifest_path.read_text())
        if "through" not in m:
            return None  # saved before the data's last day was kept: refreshed again
        if not all((directory / f"{name}.parquet").exists() for name in MARTS):
            return None  # saved before a mart existed: refreshed again
        tables = {name: pq.read_table(directory / f"{name}.parquet") for name in MARTS}
        periods = Periods(tuple(dt.date.fromisoformat(d) for d in m["dates"]), tuple(m["years"]),
                          dt.date.fromisoformat(m["through"]) if m.get("through") else None)
        lineage = {n: Lineage(**li) for n, li in m["lineage"].items()}
        marts = cls(tables, lineage, periods, m["engine"], m["refreshed_at"], m["seconds"], m["as_of"])
        published_path = directory / "published.json"
        if published_path.exists() and m.get("published_with") == PUBLISHED_WITH:
            for entry in json.loads(published_path.read_text()):
                slug, period, k = entry["key"]
                p = entry["published"]
                p["columns"] = [tuple(c) for c in p["columns"]]
                p["derived_columns"] = [tuple(c) for c in p["derived_columns"]]
                marts._published[(slug, period, int(k))] = Published(**p)
        return marts


def periods_of(zone: Zone) -> Periods:
    spells = zone.tables["resident_spells"]
    moves = zone.tables["movements"]
    if spells.num_rows == 0:
        today = dt.date.today()
        return Periods((dt.date(today.year, today.month, 1),), (today.year,))
    first = pc.min(spells["valid_from"]).as_py()
    last_candidates = [pc.max(spells["valid_from"]).as_py(), pc.max(spells["valid_to"]).as_py(),
                       pc.max(moves["event_date"]).as_py() if moves.num_rows else None]
    last = max(d for d in last_candidates if d is not None)
    if zone.as_of is not None:
        last = min(last, zone.as_of.date())
    return Periods.span(first, last)


def refresh(zone: Zone, engine: str = "duckdb", only: list[str] | None = None) -> MartSet:
    started = time.perf_counter()
    eng = connect(engine, zone.tables)
    periods = periods_of(zone)
    for name, stage in STAGES.items():
        eng.add(name, eng.run(stage(eng.tables, periods)))
    tables = {}
    for name, build in MARTS.items():
        if only and name not in only:
            continue
        tables[name] = eng.run(build(eng.tables, periods))
    return MartSet(tables, dict(zone.lineage), periods, engine,
                   dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), time.perf_counter() - started,
                   zone.as_of.isoformat() if zone.as_of else None)


def snapshot_key(lineage: dict[str, Lineage]) -> str:
    return "-".join(f"{n}:{li.snapshot_id}" for n, li in sorted(lineage.items()))


def publish_all(marts: MartSet, k: int) -> dict[str, dict[str, Any]]:
    """Every indicator at every period (exports and parity)."""
    from jichitai.lounge.publish import periods

    out: dict[str, dict[str, Any]] = {}
    for slug, ind in I.INDICATORS.items():
        out[slug] = {p: marts.publish(slug, p, k).as_dict() for p in periods(ind, marts.tables[ind.mart])}
    return out
