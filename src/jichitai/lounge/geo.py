"""Boundaries for the lounge's maps (区, 町字, 小学校区): read from a GeoJSON file the city supplies, simplified
(Douglas–Peucker on each ring), and synthetic ones for a synthetic city (a deterministic grid partition of each
ward). Pure: no Django; a boundary set is a GeoJSON FeatureCollection whose features carry ``code`` (the key
the marts publish: 区コード, 町字コード or the 小学校区 name after NFKC) and ``name`` (what a reader sees).
"""

from __future__ import annotations

import hashlib
import itertools
import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from jichitai.lounge.areas import WARD_TILES, ward_label

LEVELS = {"ward": "区", "town": "町字", "school_district": "小学校区"}
# the column of the marts each level is keyed by
LEVEL_OF_COLUMN = {"ward_code": "ward", "town_code": "town", "school_district": "school_district"}
DEFAULT_TOLERANCE = 0.0001  # degrees, about 10 m: below what a city-wide map can show
DIGITS = 5  # coordinates kept to 1e-5 degree (about 1 m)

Point = tuple[float, float]


class BoundaryError(ValueError):
    """A boundary file that cannot be used, with the reason in words (and the feature it is about)."""


@dataclass(frozen=True)
class TownPlace:
    """One 町字 as the synthetic map needs it: its code, its ward, its name and its 小学校区."""

    code: str
    ward_code: str
    name: str
    school_district: str = ""


def district_key(name: str) -> str:
    """A 小学校区 as the marts key it (NFKC: half-width kana and full-width digits written one way)."""
    return unicodedata.normalize("NFKC", name).strip()


# ---- simplification ----------------------------------------------------------------------------------------

def _distance(p: Point, a: Point, b: Point) -> float:
    """The distance from ``p`` to the segment ``a``–``b``."""
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return math.hypot(x - x1, y - y1)
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - (x1 + t * dx), y - (y1 + t * dy))


def douglas_peucker(points: Sequence[Point], tolerance: float) -> list[Point]:
    """The Douglas–Peucker simplification of a line: keeps the end points and every point farther than
    ``tolerance`` from the chord of the part it lies in (iterative, so long rings do not recurse deeply)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        far, index = 0.0, -1
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > far:
                far, index = d, i
        if index >= 0 and far > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify_ring(ring: Sequence[Point], tolerance: float) -> list[Point]:
    """A closed ring simplified and still closed with at least 4 positions (a triangle); a ring that would
    collapse keeps its original points. The ring is split at its farthest point from the start so that both
    halves have a real chord."""
    pts = [(float(x), float(y)) for x, y, *_ in ring]
    if len(pts) < 4 or pts[0] != pts[-1]:
        raise BoundaryError("多角形の輪が閉じていません（最初と最後の座標が同じでない、または4点未満）。")
    split = max(range(len(pts)), key=lambda i: math.hypot(pts[i][0] - pts[0][0], pts[i][1] - pts[0][1]))
    if split in (0, len(pts) - 1):
        return pts
    out = douglas_peucker(pts[: split + 1], tolerance)[:-1] + douglas_peucker(pts[split:], tolerance)
    return out if len(out) >= 4 else pts


def _area2(ring: Sequence[Sequence[float]]) -> float:
    """Twice the signed planar area (positive: counter-clockwise with x east and y north)."""
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in itertools.pairwise(ring))


def orient(ring: list[list[float]], *, exterior: bool) -> list[list[float]]:
    """A ring wound as Vega's map projection (d3-geo) reads it: the outside ring clockwise, holes
    counter-clockwise. d3-geo takes a polygon to be the smaller area its ring encloses only in that winding
    (RFC 7946 §3.1.6 recommends the opposite, and files converted to it would fill the whole sphere)."""
    clockwise = _area2(ring) < 0
    return ring if clockwise == exterior else ring[::-1]


def _round(ring: Iterable[Point]) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in ring:
        p = [round(x, DIGITS), round(y, DIGITS)]
        if not out or out[-1] != p:
            out.append(p)
    return out


def simplify(geometry: dict[str, Any], tolerance: float = DEFAULT_TOLERANCE) -> dict[str, Any]:
    """A Polygon or MultiPolygon simplified ring by ring, coordinates rounded to :data:`DIGITS` decimals."""
    kind = geometry.get("type")
    if kind == "Polygon":
        polygons = [geometry.get("coordinates") or []]
    elif kind == "MultiPolygon":
        polygons = geometry.get("coordinates") or []
    else:
        raise BoundaryError(f"図形の種類が {kind} です。Polygon か MultiPolygon の境界を指定してください。")
    if not polygons or not all(polygons):
        raise BoundaryError("座標のない図形があります。")
    try:
        rings = [[orient(_round(simplify_ring(r, tolerance)), exterior=k == 0) for k, r in enumerate(poly)]
                 for poly in polygons]
    except (TypeError, ValueError) as exc:
        if isinstance(exc, BoundaryError):
            raise
        raise BoundaryError("座標が数値の組（経度, 緯度）になっていません。") from None
    return {"type": "MultiPolygon", "coordinates": rings}


# ---- a city's file -----------------------------------------------------------------------------------------

def _prop(props: dict[str, Any], names: Sequence[str]) -> str:
    """The value of a property, or of several concatenated (e-Stat: ``PREF,CITY,S_AREA``)."""
    return "".join(str(props.get(n) if props.get(n) is not None else "").strip() for n in names)


def read(doc: Any, code_property: str, name_property: str, *, level: str,
         tolerance: float = DEFAULT_TOLERANCE) -> list[dict[str, Any]]:
    """The features of a GeoJSON FeatureCollection as the lounge keeps them: ``code`` from
    ``code_property`` (comma-separated names are concatenated), ``name`` from ``name_property``, the geometry
    simplified. Features of the same code (a 町字 in two pieces) are merged into one MultiPolygon."""
    if level not in LEVELS:
        raise BoundaryError(f"地域の種類 {level} は使えません（{', '.join(LEVELS)} のいずれか）。")
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise BoundaryError("GeoJSON の FeatureCollection ではありません。")
    codes, names = code_property.split(","), name_property.split(",")
    merged: dict[str, dict[str, Any]] = {}
    for i, feature in enumerate(doc["features"], 1):
        props = (feature or {}).get("properties") or {}
        code = _prop(props, codes)
        if not code:
            raise BoundaryError(f"{i}番目の地物に {code_property} がありません（属性: {', '.join(sorted(props)) or 'なし'}）。")
        if level == "school_district":
            code = district_key(code)
        try:
            geometry = simplify((feature or {}).get("geometry") or {}, tolerance)
        except BoundaryError as exc:
            raise BoundaryError(f"{i}番目の地物（{code}）: {exc}") from None
        name = _prop(props, names) or code
        if code in merged:
            merged[code]["geometry"]["coordinates"] += geometry["coordinates"]
        else:
            merged[code] = {"type": "Feature", "properties": {"code": code, "name": name}, "geometry": geometry}
    if not merged:
        raise BoundaryError("地物が1つもありません。")
    return list(merged.values())


# ---- synthetic boundaries ----------------------------------------------------------------------------------

# each ward a cell of the schematic tile layout (areas.WARD_TILES) placed over the Kobe area (degrees)
WEST, NORTH, WARD_W, WARD_H = 134.95, 34.80, 0.085, 0.065


def _jitter(*key: object) -> float:
    """A deterministic number in [-1, 1) from ``key`` (no random state: the same towns give the same map)."""
    digest = hashlib.sha256("|".join(map(str, key)).encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**31 - 1.0


def _ward_box(ward: str, index: int) -> tuple[float, float]:
    col, row = WARD_TILES.get(ward, (index % 4, 3 + index // 4))
    return WEST + col * WARD_W, NORTH - row * WARD_H


def _feature(code: str, name: str, polygons: list[list[list[list[float]]]]) -> dict[str, Any]:
    return {"type": "Feature", "properties": {"code": code, "name": name},
            "geometry": {"type": "MultiPolygon", "coordinates": polygons}}


def synthetic(towns: Iterable[TownPlace]) -> dict[str, list[dict[str, Any]]]:
    """SYNTHETIC boundaries for a synthetic city: each ward a rectangle at its place in the tile layout, its
    町字 (by code) a grid partition of that rectangle whose inner corners are moved a little (deterministically)
    so the towns do not look like a chessboard, each 小学校区 the union (a MultiPolygon) of its towns' cells.
    Not geography: the page says so."""
    by_ward: dict[str, list[TownPlace]] = {}
    for t in sorted(towns, key=lambda t: t.code):
        by_ward.setdefault(t.ward_code, []).append(t)
    out: dict[str, list[dict[str, Any]]] = {"ward": [], "town": [], "school_district": []}
    districts: dict[str, list[list[list[list[float]]]]] = {}
    for index, (ward, members) in enumerate(sorted(by_ward.items())):
        x0, y0 = _ward_box(ward, index)
        cols = math.ceil(math.sqrt(len(members)))
        rows = math.ceil(len(members) / cols)

        def corner(i: int, j: int, x0: float = x0, y0: float = y0, cols: int = cols, rows: int = rows,
                   ward: str = ward) -> list[float]:
            inner_x, inner_y = 0 < i < cols, 0 < j < rows
            dx = _jitter(ward, i, j, "x") * 0.3 * WARD_W / cols if inner_x and inner_y else 0.0
            dy = _jitter(ward, i, j, "y") * 0.3 * WARD_H / rows if inner_x and inner_y else 0.0
            return [round(x0 + i * WARD_W / cols + dx, DIGITS), round(y0 - j * WARD_H / rows + dy, DIGITS)]

        for n, town in enumerate(members):
            i, j = n % cols, n // cols
            # the last row's last town takes the rest of the row, so the ward is covered without a gap
            right = cols if n == len(members) - 1 else i + 1
            ring = [corner(i, j), *[corner(k, j + 1) for k in range(i, right + 1)],
                    *[corner(k, j) for k in range(right, i, -1)], corner(i, j)]
            out["town"].append(_feature(town.code, town.name, [[orient(ring, exterior=True)]]))
            if town.school_district:
                districts.setdefault(district_key(town.school_district), []).append([orient(ring, exterior=True)])
        box = [corner(0, 0), corner(0, rows), corner(cols, rows), corner(cols, 0), corner(0, 0)]
        out["ward"].append(_feature(ward, ward_label(ward), [[orient(box, exterior=True)]]))
    out["school_district"] = [_feature(code, code, polys) for code, polys in sorted(districts.items())]
    return out
