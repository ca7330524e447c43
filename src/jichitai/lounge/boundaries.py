"""Where the lounge keeps its map boundaries: one simplified GeoJSON file per level (区, 町字, 小学校区) under
``<var>/lounge/boundaries/``, written by ``jichitai lounge boundaries import|synthesize`` and read by the pages
(inlined into the map's Vega-Lite spec: nothing is fetched from elsewhere)."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from jichitai.lounge.geo import LEVELS, BoundaryError


@dataclass(frozen=True)
class BoundarySet:
    level: str
    features: list[dict[str, Any]]
    synthetic: bool
    source: str
    saved: str


def folder() -> Path:
    return Path(settings.CONFIG.var_dir) / "lounge" / "boundaries"


def _path(level: str) -> Path:
    if level not in LEVELS:
        raise BoundaryError(f"地域の種類 {level} は使えません（{', '.join(LEVELS)} のいずれか）。")
    return folder() / f"{level}.geojson"


def save(level: str, features: list[dict[str, Any]], *, synthetic: bool, source: str) -> Path:
    """Write the level's boundaries atomically (a reader sees the old file or the new one, never half)."""
    target = _path(level)
    target.parent.mkdir(parents=True, exist_ok=True)
    doc = {"type": "FeatureCollection", "features": features,
           "jichitai": {"level": level, "synthetic": synthetic, "source": source,
                        "saved": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}}
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(doc, out, ensure_ascii=False, separators=(",", ":"))
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, target)
    _cache.pop(level, None)
    return target


_cache: dict[str, tuple[float, BoundarySet]] = {}


def load(level: str) -> BoundarySet | None:
    """The level's boundaries, or ``None`` when the city has not imported any (read once per file change)."""
    path = _path(level)
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    hit = _cache.get(level)
    if hit and hit[0] == mtime:
        return hit[1]
    doc = json.loads(path.read_text(encoding="utf-8"))
    meta = doc.get("jichitai", {})
    found = BoundarySet(level, doc["features"], bool(meta.get("synthetic")), str(meta.get("source", "")),
                        str(meta.get("saved", "")))
    _cache[level] = (mtime, found)
    return found
