"""Dashboards defined as data: a YAML file per dashboard (title, refresh schedule, tiles), the shipped set in
``lounge/dashboards/`` and a city's own in ``$JICHITAI_VAR/lounge/dashboards/`` (a city file with the same
``slug`` replaces the shipped one). A tile names its indicator, what it shows (``metric``, ``where``) and how
(``kind``: kpi, bar, line, map, table). Every figure a tile shows is read from the indicator's *published*
table (:mod:`jichitai.lounge.tiles`); a definition can choose which published cell, never bypass the control.

A file is checked as a whole when it is read: an unknown indicator, kind, dimension or value is refused with
the file, the tile and the reason in words (:class:`BoardError`), and the dashboard is not shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from jichitai.lounge import indicators as I
from jichitai.lounge.disclosure import TOTAL

SHIPPED = Path(__file__).resolve().parent / "dashboards"
KINDS = {"kpi": "KPI（数値）", "bar": "棒グラフ", "line": "折れ線グラフ", "table": "表", "map": "地図"}
DEFAULT_REFRESH = ("取り込みの後に自動で更新（取り込みが60秒途切れたとき、遅くとも10分後）。"
                   "毎日6:00に全件を再計算。")
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")
AREA_COLUMNS = ("ward_code", "town_code", "school_district")


class BoardError(ValueError):
    """A dashboard definition that cannot be used, with the reason in words."""


@dataclass(frozen=True)
class Tile:
    kind: str
    indicator: str
    title: str
    metric: str = "value"  # a published column: value, a sum (amount …) or a derived one (aging_rate …)
    where: tuple[tuple[str, object], ...] = ()  # the other dimensions fixed (default: their totals)
    by: str | None = None  # bar/table: the dimension across (default: the indicator's area)
    note: str = ""

    @property
    def ind(self) -> I.Indicator:
        return I.get(self.indicator)

    def definition(self) -> str:
        """The tile's definition in words: the indicator's, and what of it the tile shows."""
        parts = [self.ind.formula]
        fixed = [f"{_dim_label(self.ind, c)}：{_value_label(c, v)}" for c, v in self.where]
        if fixed:
            parts.append("表示する区分：" + "、".join(fixed) + "。")
        if self.note:
            parts.append(self.note)
        return "".join(parts)


@dataclass(frozen=True)
class Board:
    slug: str
    title: str
    description: str
    tiles: tuple[Tile, ...]
    refresh: str = DEFAULT_REFRESH
    origin: str = "shipped"  # shipped, city (a file of the city's) or saved (a staff member's, in the database)

    @property
    def indicators(self) -> list[str]:
        return list(dict.fromkeys(t.indicator for t in self.tiles))


def _dim_label(ind: I.Indicator, column: str) -> str:
    if column == ind.partition:
        return ind.partition_label
    return next((d.label for d in ind.dims if d.column == column), column)


def _value_label(column: str, value: object) -> str:
    from jichitai.lounge.publish import label

    return label(column, value)


# ---- what a tile of an indicator may show: the choices of the tile editor and the checks of tile() --------

def has_area(ind: I.Indicator) -> bool:
    return any(d.column in AREA_COLUMNS for d in ind.dims)


def kinds_for(ind: I.Indicator) -> dict[str, str]:
    """The kinds of tile the indicator allows, in words: a map only for an indicator with an area."""
    return {k: words for k, words in KINDS.items() if k != "map" or has_area(ind)}


def metrics_for(ind: I.Indicator) -> dict[str, str]:
    """The published columns a tile may show, in words (the count, the sums, the derived rates and means; a
    column both summed and derived is the sum, as :func:`jichitai.lounge.tiles.lookup` reads it)."""
    from jichitai.lounge.publish import DERIVED

    sums = dict(ind.sums)
    return {"value": ind.measure_label, **sums,
            **{c: words for c, words in DERIVED.get(ind.slug, ()) if c != "value" and c not in sums}}


def fixed_choices(ind: I.Indicator) -> list[tuple[str, str, dict[object, str]]]:
    """(column, label, {value: words}) of each dimension a tile may fix to one value: the partition (転入・転出)
    and every dimension whose values are known. Areas are not fixed in a tile: the board's 地域 filter
    chooses them for every tile at once."""
    out: list[tuple[str, str, dict[object, str]]] = []
    if ind.partition:
        out.append((ind.partition, ind.partition_label, {v: v for v in ind.partition_values}))
    for d in ind.dims:
        if d.values and d.column not in AREA_COLUMNS:
            values = [*d.values, *dict.fromkeys(d.parent.values())]
            out.append((d.column, d.label, {v: _value_label(d.column, v) for v in values}))
    return out


def _metrics(ind: I.Indicator) -> set[str]:
    return set(metrics_for(ind))


def in_words(code: object, column: bool) -> object:
    """A 項目 (``column`` False) or 区分 (True) named in a refusal by its words where any indicator has them: the
    tile editor keeps a choice made for another indicator until 反映, and its refusal must not read 「amount」."""
    for other in I.INDICATORS.values():
        words = ({d.column: d.label for d in other.dims} if column else metrics_for(other)).get(str(code))
        if words:
            return words
    return code


def tile(raw: Any, where_from: str) -> Tile:
    """One tile from its YAML mapping, checked."""
    if not isinstance(raw, dict):
        raise BoardError(f"{where_from}：タイルは「kind」「indicator」などを持つ項目で書いてください。")
    kind, slug = raw.get("kind"), raw.get("indicator")
    if kind not in KINDS:
        raise BoardError(f"{where_from}：表示の種類「{kind}」はありません（{'、'.join(KINDS)} のいずれか）。")
    if slug not in I.INDICATORS:
        raise BoardError(f"{where_from}：指標「{slug}」はありません。")
    ind = I.INDICATORS[slug]
    columns = {d.column: d for d in ind.dims}
    where: list[tuple[str, object]] = []
    for column, value in (raw.get("where") or {}).items():
        if column == ind.partition:
            if ind.partition_values and value not in ind.partition_values:
                raise BoardError(f"{where_from}：区分「{ind.partition_label}」に値「{value}」はありません。")
            where.append((column, value))
            continue
        if column not in columns:
            raise BoardError(f"{where_from}：指標「{ind.title}」に区分「{in_words(column, True)}」はありません。")
        d = columns[column]
        known = set(d.values) | set(d.parent.values()) | {TOTAL}
        if d.values and value not in known:
            raise BoardError(f"{where_from}：区分「{d.label}」に値「{value}」はありません。")
        where.append((column, value))
    metric = raw.get("metric", "value")
    if metric not in _metrics(ind):
        raise BoardError(f"{where_from}：指標「{ind.title}」に項目「{in_words(metric, False)}」はありません。")
    by = raw.get("by")
    if by is not None and by not in columns:
        raise BoardError(f"{where_from}：指標「{ind.title}」に区分「{in_words(by, True)}」はありません。")
    if kind not in kinds_for(ind):
        raise BoardError(f"{where_from}：指標「{ind.title}」には地域の区分がないため地図にできません。")
    return Tile(kind=kind, indicator=slug, title=str(raw.get("title") or ind.title), metric=metric,
                where=tuple(where), by=by, note=str(raw.get("note", "")))


def parse(text: str, name: str, origin: str = "shipped") -> Board:
    """A dashboard from the text of its YAML file (``name`` is the file, for the messages)."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise BoardError(f"{name}：YAMLとして読めません（{exc.__class__.__name__}）。") from None
    if not isinstance(raw, dict):
        raise BoardError(f"{name}：ダッシュボードは「slug」「title」「tiles」を持つ項目で書いてください。")
    slug = str(raw.get("slug", ""))
    if not SLUG.match(slug):
        raise BoardError(f"{name}：slug は半角英小文字・数字・「-」「_」で50文字までにしてください。")
    if not raw.get("title"):
        raise BoardError(f"{name}：タイトル（title）がありません。")
    tiles = raw.get("tiles") or []
    if not isinstance(tiles, list) or not tiles:
        raise BoardError(f"{name}：タイル（tiles）が1つもありません。")
    return Board(slug=slug, title=str(raw["title"]), description=str(raw.get("description", "")),
                 tiles=tuple(tile(t, f"{name} のタイル{i}") for i, t in enumerate(tiles, 1)),
                 refresh=str(raw.get("refresh") or DEFAULT_REFRESH), origin=origin)


def load_folder(folder: Path, origin: str) -> dict[str, Board]:
    out: dict[str, Board] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.yaml")):
        board = parse(path.read_text(encoding="utf-8"), path.name, origin)
        out[board.slug] = board
    return out


def load_all(city_folder: Path | None) -> dict[str, Board]:
    """The shipped dashboards, then the city's own (which replace a shipped one with the same slug)."""
    boards = load_folder(SHIPPED, "shipped")
    if city_folder is not None:
        boards.update(load_folder(city_folder, "city"))
    return boards


def from_items(title: str, description: str, items: list[dict[str, Any]], refresh: str = DEFAULT_REFRESH) -> Board:
    """A staff member's saved dashboard (database) as a board: each item either a whole tile or, as saved
    before tiles existed, ``{"indicator": slug}`` — shown as its figure, its main chart, its series and, where it has areas, its map."""
    tiles: list[Tile] = []
    for i, item in enumerate(items, 1):
        if "kind" in item:
            tiles.append(tile(item, f"タイル{i}"))
            continue
        ind = I.INDICATORS.get(str(item.get("indicator", "")))
        if ind is None:
            continue
        tiles.append(Tile("kpi", ind.slug, ind.title))
        tiles.append(Tile("bar", ind.slug, ind.title))
        tiles.append(Tile("line", ind.slug, ind.title))
        if has_area(ind):
            tiles.append(Tile("map", ind.slug, ind.title))
    return Board(slug="", title=title, description=description, tiles=tuple(tiles), refresh=refresh, origin="saved")


@dataclass
class Catalogue:
    """The dashboards read once and kept while their files are unchanged (the page asks on every request)."""

    stamp: tuple[tuple[str, float], ...] = ()
    boards: dict[str, Board] = field(default_factory=dict)

    def get(self, city_folder: Path | None) -> dict[str, Board]:
        paths = sorted(SHIPPED.glob("*.yaml")) + (sorted(city_folder.glob("*.yaml")) if city_folder and
                                                  city_folder.is_dir() else [])
        stamp = tuple((str(p), p.stat().st_mtime) for p in paths)
        if stamp != self.stamp:
            self.boards, self.stamp = load_all(city_folder), stamp
        return self.boards


def items(board: Board) -> list[dict[str, Any]]:
    """A board's tiles as a saved dashboard keeps them (:func:`from_items` reads them back)."""
    out = []
    for t in board.tiles:
        item: dict[str, Any] = {"kind": t.kind, "indicator": t.indicator, "title": t.title}
        if t.metric != "value":
            item["metric"] = t.metric
        if t.where:
            item["where"] = dict(t.where)
        if t.by:
            item["by"] = t.by
        if t.note:
            item["note"] = t.note
        out.append(item)
    return out
